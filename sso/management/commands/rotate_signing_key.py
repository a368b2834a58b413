"""Rotate the key that signs ID tokens.

    manage.py rotate_signing_key            # in HALLPASS_OIDC_KEY_DIR
    manage.py rotate_signing_key --dir PATH

Adds a new RSA key to the folder, which signs from the next start of each Hallpass
process; the previous key stays published in the JWKS until every ID token it
signed has expired (ID token lifetime plus HALLPASS_OIDC_RETIRED_KEY_GRACE_SECONDS),
and keys past that are deleted. Restart every process after running it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from jwcrypto import jwk

from sso import signing_keys


class Command(BaseCommand):
    help = "Add a new ID-token signing key and delete retired keys whose tokens have expired."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dir", default="", help="The key folder (default: HALLPASS_OIDC_KEY_DIR)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder_name = options["dir"] or settings.OIDC_KEY_DIR
        if not folder_name:
            raise CommandError("Set HALLPASS_OIDC_KEY_DIR (or pass --dir) to a private folder.")
        folder = Path(folder_name)
        now = datetime.now(UTC)
        new = signing_keys.write_new_key(folder, now=now)
        current = signing_keys.plan(folder, now=now, keep_retired=settings.OIDC_KEEP_RETIRED_KEY)
        for key in current.expired:
            key.path.unlink()
        kid = jwk.JWK.from_pem(new.read().encode()).thumbprint()
        self.stdout.write(
            f"New signing key {kid} in {new.path.name}; "
            f"{len(current.published)} retired key(s) still published, "
            f"{len(current.expired)} deleted. Restart every Hallpass process."
        )
