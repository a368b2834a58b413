"""A sync run's report in the IT admin, as an IT administrator reads it: in English,
Spanish and Vietnamese at 375 px and 1280 px, checked by axe-core (WCAG 2.1 A and AA)
and saved as a screenshot (``e2e/screenshots/<lang>-<width>-admin-sync-run*.png``)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import Account
from directory.models import Person, SyncRun
from directory.sync import sync_oneroster
from directory.tests.sync_helpers import FIXTURES, copy_set, edit
from e2e.a11y import check_accessibility

pytestmark = pytest.mark.e2e

ADMIN_PASSWORD = "Quiet-Lantern-8153"
NOW = datetime(2025, 8, 1, 12, 0, tzinfo=UTC)


def refused_run(folder: Path) -> SyncRun:
    """A run that deactivates one student and holds back another's row, refused for
    the held-back row, so it waits for review with every part of the report."""
    sync_oneroster(FIXTURES / "oneroster11", now=NOW)
    edit(folder / "users.csv", "u-s3,,,true", "u-s3,,,false")
    edit(folder / "users.csv", "u-s1,,,true", "u-s1,,,maybe")
    report = sync_oneroster(folder, now=NOW)
    assert report.result == "refused" and report.sync_run_id is not None
    return SyncRun.objects.get(pk=report.sync_run_id)


def test_an_it_administrator_reads_a_run_and_its_people(
    page: Any, tmp_path: Path, settings: Any
) -> None:
    lang, width, site = page.hallpass
    settings.SYNC_DEACTIVATION_THRESHOLD = 0.5
    settings.SYNC_MAX_HELD_BACK_ROWS = 0
    settings.SYNC_HELD_DIR = tmp_path / "held"
    run = refused_run(copy_set(tmp_path))
    Account.objects.create_superuser("itadmin", ADMIN_PASSWORD)

    page.goto(site + reverse("accounts:login") + "?next=" + reverse("admin:index"))
    page.fill("#id_username", "itadmin")
    page.fill("#id_password", ADMIN_PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.goto(site + reverse("admin:directory_syncrun_changelist"))
    check_accessibility(page, "admin-sync-runs")
    if width >= 1280:
        # Every column, the summary last, shows whole beside the filters.
        assert page.evaluate(
            "() => { const r = document.querySelector('.results');"
            " return r.scrollWidth <= r.clientWidth; }"
        )
    page.goto(site + reverse("admin:directory_syncrun_change", args=[run.pk]))
    assert page.evaluate("document.documentElement.lang") == lang
    check_accessibility(page, "admin-sync-run")
    assert not page.js_errors, page.js_errors

    with translation.override(lang):
        held_heading = translation.ngettext(
            "%(counter)s row held back", "%(counter)s rows held back", 2
        ) % {"counter": 2}
    held = page.locator(".sync-report-held-back")
    assert held_heading in held.inner_text()
    assert "users.csv:2 enabledUser" in held.inner_text()
    assert page.locator("form.sync-report-review button").count() == 2
    # The held-back student's link opens their page in the directory.
    student = Person.objects.get(sourced_id="u-s1")
    with page.expect_navigation():
        held.locator(f"a[href$='/{student.pk}/change/']").click()
    assert page.url.endswith(reverse("admin:directory_person_change", args=[student.pk]))
