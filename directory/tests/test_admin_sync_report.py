"""A sync run in the admin is a read-only report: counts per file and outcome, the
problems as file:line field: reason, why rows were ignored and links to the people
concerned; the list of runs shows a short summary."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import IT_ADMINISTRATOR, TECHNICIAN
from accounts.tests.builders import make_staff_account
from directory.models import Person, SyncRun
from directory.sync import sync_hr, sync_oneroster
from directory.tests.sync_helpers import FIXTURES, client_for, copy_set, edit

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 8, 1, 12, 0, tzinfo=UTC)
CHANGELIST = reverse("admin:directory_syncrun_changelist")


def report_page(client: Client, run_id: int | None) -> str:
    assert run_id is not None
    page = client.get(reverse("admin:directory_syncrun_change", args=[run_id]))
    assert page.status_code == 200
    return page.content.decode()


def stored_run(run_id: int | None) -> SyncRun:
    assert run_id is not None
    return SyncRun.objects.get(pk=run_id)


def person_url(sourced_id: str) -> str:
    person = Person.objects.get(sourced_id=sourced_id)
    return reverse("admin:directory_person_change", args=[person.pk])


@pytest.fixture
def run_with_a_bad_row(tmp_path, settings) -> SyncRun:
    """A second run: one known student's row held back, one student deactivated."""
    settings.SYNC_DEACTIVATION_THRESHOLD = 0.5
    sync_oneroster(FIXTURES / "oneroster11", now=NOW)
    folder = copy_set(tmp_path)
    edit(folder / "users.csv", "u-s3,,,true", "u-s3,,,false")
    edit(folder / "users.csv", "u-s1,,,true", "u-s1,,,maybe")
    report = sync_oneroster(folder, now=NOW)
    assert report.result == "applied" and report.held_back
    return stored_run(report.sync_run_id)


def test_the_report_shows_counts_problems_and_links_without_a_form(run_with_a_bad_row):
    text = report_page(client_for(make_staff_account(IT_ADMINISTRATOR)), run_with_a_bad_row.pk)

    assert "<form" not in text.split('id="content-main"')[1]
    assert "Save" not in text and "{&quot;" not in text and '{"kind"' not in text
    # Counts: one row per file, one column per outcome.
    assert re.search(r"<th scope=\"row\">users</th>(<td>\d+</td>){7}", text)
    # The held-back row as file:line field: reason, with the person it names.
    assert "users.csv:2 enabledUser: " in text
    held = text.split("2 rows held back")[1]  # the student's and their enrollment
    assert person_url("u-s1") in held.split("</section>")[0]
    # The deactivated student, and why the guardian's row was ignored.
    assert "Deactivated" in text and person_url("u-s3") in text
    assert "not a student or an employee" in text and "(line 7)" in text


def test_the_report_says_why_hr_rows_were_ignored_in_the_readers_language():
    sync_oneroster(FIXTURES / "oneroster11", now=NOW)
    report = sync_hr(FIXTURES / "hr.csv", now=NOW)
    client = client_for(make_staff_account(IT_ADMINISTRATOR))

    english = report_page(client, report.sync_run_id)
    client.post(reverse("set-language"), {"language": "es"})
    spanish = report_page(client, report.sync_run_id)

    assert "left before ever being imported (line 5)" in english
    assert "left before ever being imported" not in spanish
    assert "(línea 5)" in spanish


def test_a_post_to_the_report_changes_nothing(run_with_a_bad_row):
    client = client_for(make_staff_account(IT_ADMINISTRATOR))

    response = client.post(
        reverse("admin:directory_syncrun_change", args=[run_with_a_bad_row.pk]),
        {"result": "failed"},
    )

    assert response.status_code == 405
    run_with_a_bad_row.refresh_from_db()
    assert run_with_a_bad_row.result == SyncRun.Result.APPLIED


def test_the_list_shows_a_short_summary_per_run(run_with_a_bad_row):
    text = client_for(make_staff_account(TECHNICIAN)).get(CHANGELIST).content.decode()

    assert "1 deactivated, 1 ignored, 2 held back" in text
    assert "18 created, 1 ignored" in text  # the first run: every file's rows
    assert "oneroster11</td>" in text  # the folder's name, not its whole path


def test_a_refused_run_can_be_approved_from_its_report_by_an_it_administrator(refused_run):
    admin = client_for(make_staff_account(IT_ADMINISTRATOR))
    technician = client_for(make_staff_account(TECHNICIAN))

    for_admin = report_page(admin, refused_run.pk)
    for_technician = report_page(technician, refused_run.pk)
    response = admin.post(
        CHANGELIST,
        {"action": "approve_runs", "_selected_action": [refused_run.pk]},
        follow=True,
    )

    assert 'value="approve_runs"' in for_admin and 'value="discard_runs"' in for_admin
    assert 'value="approve_runs"' not in for_technician
    assert "enrollments.csv:7 classSourcedId" in for_admin
    assert response.status_code == 200
    refused_run.refresh_from_db()
    assert refused_run.review == SyncRun.Review.APPROVED
    assert 'value="approve_runs"' not in report_page(admin, refused_run.pk)


def test_a_report_stored_before_reasons_and_people_were_kept_still_reads():
    run = SyncRun.objects.create(
        kind=SyncRun.Kind.HR,
        source="/srv/sftp/hr/staff.csv",
        result=SyncRun.Result.FAILED,
        report={
            "message": "Nothing was applied: fix the errors and run the sync again.",
            "counts": {},
            "problems": [
                {"file": "staff.csv", "line": None, "field": None,
                 "reason": "Not a CSV file.", "fatal": True, "warning": False},
            ],
        },
    )  # fmt: skip
    client = client_for(make_staff_account(TECHNICIAN))

    text = report_page(client, run.pk)
    listed = client.get(CHANGELIST).content.decode()

    assert "No file was read." in text and "<code>staff.csv: Not a CSV file.</code>" in text
    assert "1 error: nothing was applied" in text
    assert '<td class="field-summary">1 error</td>' in listed and "staff.csv</td>" in listed
