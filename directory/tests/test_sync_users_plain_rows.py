"""users.csv rows that are plainly right are taken without the full checks: every row,
plain or not, becomes what the full checks make of it, with the same problems."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from directory.models import Person
from directory.sync import sync_hr, sync_oneroster
from directory.sync.oneroster.reading import Reading
from directory.sync.oneroster.users import UserReader
from directory.sync.reader import Row
from directory.tests.sync_helpers import FIXTURES, append, copy_set, edit

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 8, 1, 12, 0, tzinfo=UTC)
# Keys differ from run to run (PostgreSQL's sequences are not rolled back): sourcedIds.
PERSON = [
    *(f.attname for f in Person._meta.concrete_fields if not (f.primary_key or f.is_relation)),
    "primary_org__sourced_id",
    "supervisor__sourced_id",
]
USER = "{sid},,,{enabled},{orgs},{role},,,{given},{family},{middle},{number},{email},,,,{grades},"
# Rows around the edges of "plainly right", each with what sets it apart.
EDGE_ROWS = [
    {"sid": "p-plain"},
    {"sid": "p-enabled-empty", "enabled": ""},
    {"sid": "p-enabled-yes", "enabled": "yes"},
    {"sid": "p-enabled-upper", "enabled": "TRUE"},
    {"sid": "p-disabled", "enabled": "false"},
    {"sid": "p-disabled-upper", "enabled": "FALSE"},
    {"sid": "p-enabled-bad", "enabled": "maybe"},
    {"sid": "p-role-case", "role": "Teacher", "number": "61"},
    {"sid": "p-role-admin", "role": "siteAdministrator", "number": "62"},
    {"sid": "p-role-aide", "role": "aide", "number": "63"},
    {"sid": "p-role-guardian", "role": "guardian"},
    {"sid": "p-role-ext", "role": "ext:coach"},
    {"sid": "p-role-unknown", "role": "wizard"},
    {"sid": "p-no-org", "orgs": ""},
    {"sid": "p-two-orgs", "orgs": '"org-hs,org-es"'},
    {"sid": "p-org-spaced", "orgs": '" org-hs "'},
    {"sid": "p-org-nowhere", "orgs": "org-nowhere"},
    {"sid": "p-no-given", "given": ""},
    {"sid": "p-no-family", "family": ""},
    {"sid": "p-long-given", "given": "G" * 256},
    {"sid": "p-longest-given", "given": "G" * 255},
    {"sid": "p-long-middle", "middle": "M" * 256},
    {"sid": "p-spaced-names", "given": " Ana ", "family": '" Ruiz "'},
    {"sid": "p-no-email", "email": ""},
    {"sid": "p-email-quoted", "email": '"""ana r""@example.org"'},
    {"sid": "p-email-literal", "email": "ana@[192.168.0.1]"},
    {"sid": "p-email-bad", "email": "not-an-email"},
    {"sid": "p-email-idn", "email": "ana@bücher.example"},
    {"sid": "p-no-number", "number": ""},
    {"sid": "p-number-letters", "number": "AB12"},
    {"sid": "p-number-space", "number": "a b"},
    {"sid": "p-employee-letters", "role": "teacher", "number": "12x"},
    {"sid": "p-employee-long", "role": "teacher", "number": "1234567"},
    {"sid": "p-username-taken", "number": "123456"},  # u-s1's
    {"sid": "p-username-twice-a", "number": "555001"},
    {"sid": "p-username-twice-b", "number": "555001"},
    {"sid": "p-hr-teacher", "role": "teacher", "number": "5150"},  # HR's Pat Romero
    {"sid": "p-grades", "grades": '"09, 10,,"'},
]


def edge_package(tmp_path: Path) -> Path:
    folder = copy_set(tmp_path)
    for number, row in enumerate(EDGE_ROWS):
        values = {
            "enabled": "true",
            "orgs": "org-hs",
            "role": "student",
            "given": "Ana",
            "family": "Ruiz",
            "middle": "",
            "number": str(900_000 + number),
            "email": f"ana.{number}@example.org",
            "grades": "09",
            **row,
        }
        append(folder / "users.csv", USER.format(**values))
    return folder


def outcome(folder: Path, *, with_hr: bool) -> tuple[Any, ...]:
    """What a first import of ``folder`` (after HR's, when ``with_hr``) makes of it; the
    database is left as it was."""
    with transaction.atomic():
        if with_hr:
            sync_oneroster(FIXTURES / "oneroster11", now=NOW)
            sync_hr(FIXTURES / "hr.csv", now=NOW)
        # More rows are held back than a run may hold back unforced.
        report = sync_oneroster(folder, now=NOW, force=True)
        people = sorted(map(repr, Person.objects.values_list(*PERSON)))
        memberships = sorted(
            Person.orgs.through.objects.values_list("person__sourced_id", "org__sourced_id")
        )
        result = (
            report.result,
            report.held_back,
            [str(problem) for problem in report.problems],
            report.to_json()["counts"],
            people,
            memberships,
        )
        transaction.set_rollback(True)
    return result


@pytest.mark.parametrize("with_hr", [False, True])
def test_every_row_reads_as_the_full_checks_read_it(tmp_path, monkeypatch, with_hr):
    folder = edge_package(tmp_path)
    plain = UserReader.plainly_right
    taken: list[str] = []

    def counted(self: UserReader, row: Row, sid: str) -> bool:
        took = plain(self, row, sid)
        if took:
            taken.append(sid)
        return took

    monkeypatch.setattr(UserReader, "plainly_right", counted)
    with_plain_rows = outcome(folder, with_hr=with_hr)
    monkeypatch.setattr(UserReader, "plainly_right", lambda *args: False)
    checked_in_full = outcome(folder, with_hr=with_hr)

    assert with_plain_rows == checked_in_full
    assert with_plain_rows[:2] == ("applied", 14)
    assert {"p-plain", "p-enabled-empty", "p-role-case", "p-no-org", "p-no-email"} <= set(taken)
    assert not {"p-two-orgs", "p-org-nowhere", "p-email-bad", "p-username-taken"} & set(taken)
    assert ("p-hr-teacher" in taken) is not with_hr


def test_a_12_package_takes_the_full_checks(tmp_path, monkeypatch):
    taken: list[bool] = []
    plain = UserReader.plainly_right

    def counted(self: UserReader, row: Row, sid: str) -> bool:
        taken.append(plain(self, row, sid))
        return taken[-1]

    monkeypatch.setattr(UserReader, "plainly_right", counted)
    report = sync_oneroster(FIXTURES / "oneroster12", now=NOW)

    assert report.result == "applied"
    assert taken and not any(taken)


def test_numbers_read_from_user_ids_take_the_full_checks(tmp_path, settings, monkeypatch):
    settings.ONEROSTER_STUDENT_ID_SOURCE = "userIds:SIS"
    folder = copy_set(tmp_path)
    edit(folder / "users.csv", "{SIS:345678}", "{SIS:3456789}")
    readers: list[UserReader] = []
    original = UserReader.__init__

    def remembered(self: UserReader, reading: Reading) -> None:
        original(self, reading)
        readers.append(self)

    monkeypatch.setattr(UserReader, "__init__", remembered)
    report = sync_oneroster(folder, now=NOW)

    assert report.result == "applied"
    assert not readers[0].plain_sources
    assert Person.objects.get(sourced_id="u-s3").identifier == "3456789"
