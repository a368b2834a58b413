"""`manage.py correct_claim_copies`: set each person's claim status (what the dashboard
counts) from their account wherever the two differ.

Run it once after upgrading to the version that copies the claim to the person, when
the code before it kept serving between `migrate` and the restart: accounts it
claimed meanwhile are not yet counted as claimed. Safe to run at any time; it writes
only the people it corrects.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from accounts.models import correct_claim_copies


class Command(BaseCommand):
    help = (
        "Set each person's claim status from their account wherever the two differ "
        "(once after upgrading; safe at any time)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        corrected = correct_claim_copies()
        self.stdout.write(
            ngettext(
                "%(count)d person's claim status corrected.",
                "%(count)d people's claim status corrected.",
                corrected,
            )
            % {"count": corrected}
        )
