"""A row with an error holds back that row alone: the rest applies, the record it
names stays exactly as it was, its dependants are held back with a reason, and too
many held-back rows refuse the run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core import mail

from directory.models import Class, Enrollment, Person, Status, SyncRun
from directory.sync import sync_hr, sync_oneroster
from directory.tests.sync_helpers import FIXTURES, append, copy_set, edit, problem_places

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 8, 1, 12, 0, tzinfo=UTC)
V11 = FIXTURES / "oneroster11"


def person(sid: str) -> Person:
    return Person.objects.get(sourced_id=sid)


def test_a_bad_bulk_row_keeps_its_person_as_they_were_and_the_rest_applies(tmp_path):
    sync_oneroster(V11, now=NOW)
    folder = copy_set(tmp_path)
    edit(folder / "users.csv", "Minh,Nguyễn,,234567,", "Minh,Changed,,234567,not-an-email")
    edit(folder / "users.csv", "Jamal,Brooks", "Jamal,Brooks-Lee")

    report = sync_oneroster(folder, now=NOW + timedelta(days=1))

    assert report.result == "applied", report.problems
    assert problem_places(report) == {
        ("users.csv", 3, "email"),
        ("enrollments.csv", 3, "userSourcedId"),
    }
    held = person("u-s2")
    # Not changed, and not deactivated for missing from the bulk file.
    assert held.family_name == "Nguyễn" and held.status == Status.ACTIVE
    assert held.left_at is None
    assert person("u-s3").family_name == "Brooks-Lee"
    # The held-back person's enrollment is held back with them, and says why.
    cascade = next(p for p in report.problems if p.file == "enrollments.csv")
    assert "rejected (users.csv line 3)" in cascade.reason
    assert Enrollment.objects.get(sourced_id="e-2").status == Status.ACTIVE
    assert report.counts["users"].deactivated == 0
    assert report.counts["enrollments"].deactivated == 0


def test_a_bad_delta_row_keeps_its_person_as_they_were(tmp_path, settings):
    settings.SYNC_DEACTIVATION_THRESHOLD = 0.5
    sync_oneroster(V11, now=NOW)
    folder = copy_set(tmp_path, "delta11")
    edit(folder / "users.csv", "Minh,Nguyen-Tran,,234567,", "Minh,Nguyen-Tran,,234567,bad@")

    report = sync_oneroster(folder, now=NOW)

    assert report.result == "applied"
    assert ("users.csv", 2, "email") in problem_places(report)
    assert person("u-s2").family_name == "Nguyễn"
    assert person("u-s4").status == Status.ACTIVE  # the rest of the delta applied


def test_a_class_whose_only_school_is_held_back_is_held_back_with_its_enrollments(tmp_path):
    folder = copy_set(tmp_path)
    edit(folder / "orgs.csv", "Lakeview High School,school", "Lakeview High School,campus")

    report = sync_oneroster(folder, now=NOW)

    assert report.result == "applied"
    places = problem_places(report)
    assert ("orgs.csv", 2, "type") in places
    assert ("classes.csv", 2, "schoolSourcedId") in places
    assert ("enrollments.csv", 2, "classSourcedId") in places
    klass = next(p for p in report.problems if p.file == "classes.csv")
    assert "rejected (orgs.csv line 2)" in klass.reason
    assert not Class.objects.filter(sourced_id="cl-alg-1").exists()
    assert Class.objects.filter(sourced_id="cl-read-h").exists()


def test_a_held_back_hr_row_keeps_its_employee_as_they_were(tmp_path, settings):
    org_file = FIXTURES / "oneroster11"
    sync_oneroster(org_file, now=NOW)
    sync_hr(FIXTURES / "hr.csv", now=NOW)
    path = tmp_path / "hr.csv"
    text = (FIXTURES / "hr.csv").read_text(encoding="utf-8")
    path.write_text(text.replace("5150,Pat,", "5150,,", 1), encoding="utf-8")

    report = sync_hr(path, now=NOW)

    assert report.result == "applied"
    assert report.counts["employees"].deactivated == 0
    custodian = Person.objects.get(identifier="005150")
    assert custodian.given_name == "Pat" and custodian.status == Status.ACTIVE


def bad_rows(folder: Path, count: int) -> None:
    for n in range(count):
        append(folder / "enrollments.csv", f"e-x{n},,,cl-ghost,org-hs,u-s1,student,,,")


def test_too_many_held_back_rows_refuse_the_run_and_keep_it_for_review(tmp_path, settings):
    settings.SYNC_MAX_HELD_BACK = 0.01
    settings.SYNC_MAX_HELD_BACK_ROWS = 2
    settings.SYNC_HELD_DIR = tmp_path / "held"
    folder = copy_set(tmp_path)
    bad_rows(folder, 3)

    report = sync_oneroster(folder, now=NOW)

    assert report.result == "refused"
    assert report.over_held_back == ["enrollments"]
    assert "holds back 3 of 8 rows" in report.message
    assert not Person.objects.exists()
    run = SyncRun.objects.get()
    assert run.review == SyncRun.Review.PENDING
    kept = Path(run.held_package)
    assert (kept / "enrollments.csv").read_text() == (folder / "enrollments.csv").read_text()


def test_held_back_rows_up_to_the_threshold_apply(tmp_path, settings):
    settings.SYNC_MAX_HELD_BACK = 0.01
    settings.SYNC_MAX_HELD_BACK_ROWS = 3
    folder = copy_set(tmp_path)
    bad_rows(folder, 3)

    report = sync_oneroster(folder, now=NOW)

    assert report.result == "applied"
    assert report.held_back == 3
    assert SyncRun.objects.get().review == ""


def test_force_applies_a_run_over_the_held_back_threshold(tmp_path, settings):
    settings.SYNC_MAX_HELD_BACK_ROWS = 0
    folder = copy_set(tmp_path)
    bad_rows(folder, 1)

    assert sync_oneroster(folder, now=NOW).result == "refused"
    assert sync_oneroster(folder, force=True, now=NOW).result == "applied"


@pytest.mark.parametrize(
    ("damage", "subject"),
    [
        ("fatal", "Failed"),
        ("held", "1 row held back"),
        ("refused", "Refused"),
    ],
)
def test_a_scheduled_run_that_needs_attention_emails_the_it_contacts(
    tmp_path, settings, django_capture_on_commit_callbacks, damage, subject
):
    settings.SYNC_IT_CONTACTS = ["it@example.org", "noc@example.org"]
    settings.SYNC_HELD_DIR = tmp_path / "held"
    folder = copy_set(tmp_path)
    if damage == "fatal":
        (folder / "orgs.csv").write_bytes(b"")
    else:
        bad_rows(folder, 1)
    if damage == "refused":
        settings.SYNC_MAX_HELD_BACK_ROWS = 0

    with django_capture_on_commit_callbacks(execute=True):
        report = sync_oneroster(folder, now=NOW, scheduled=True)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["it@example.org", "noc@example.org"]
    assert subject in message.subject
    assert f"/admin/directory/syncrun/{report.sync_run_id}/change/" in message.body
    if damage != "fatal":
        assert "enrollments.csv:7 classSourcedId" in message.body


def test_a_clean_scheduled_run_or_a_run_by_hand_sends_nothing(
    tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.SYNC_IT_CONTACTS = ["it@example.org"]
    folder = copy_set(tmp_path)
    bad_rows(folder, 1)

    with django_capture_on_commit_callbacks(execute=True):
        sync_oneroster(V11, now=NOW, scheduled=True)
        sync_oneroster(folder, now=NOW)

    assert mail.outbox == []
