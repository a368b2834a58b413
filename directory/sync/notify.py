"""Telling the district's IT contacts about a scheduled run nobody watched.

A nightly run that failed, was refused (and waits for review) or applied with rows
held back is emailed to ``settings.SYNC_IT_CONTACTS``, through the same queue as the
portal's other mail. A clean run sends nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from common.mail import send_templated_email
from directory.models import SyncRun
from directory.sync.report import SyncReport

# The message lists this many problems; the run's page in the admin has them all.
PROBLEMS_IN_EMAIL = 20


def needs_attention(report: SyncReport) -> bool:
    return report.result in (SyncRun.Result.FAILED, SyncRun.Result.REFUSED) or (
        report.result == SyncRun.Result.APPLIED and report.held_back > 0
    )


def notify_it_contacts(run: SyncRun, report: SyncReport) -> None:
    contacts: list[str] = list(settings.SYNC_IT_CONTACTS)
    if not contacts or not needs_attention(report):
        return
    portal: str = settings.DISTRICT["portal_url"].rstrip("/")
    context = {
        "kind": run.get_kind_display(),
        "result": run.get_result_display(),
        "source": report.source,
        "message": report.message,
        "held_back": report.held_back,
        "refused": report.result == SyncRun.Result.REFUSED,
        "problems": [str(p) for p in report.problems[:PROBLEMS_IN_EMAIL]],
        "more_problems": max(0, len(report.problems) - PROBLEMS_IN_EMAIL),
        "run_url": portal + reverse("admin:directory_syncrun_change", args=[run.pk]),
    }
    send_templated_email("sync_report", contacts, context, settings.LANGUAGE_CODE)
