"""CSV downloads: the same rows as the page, and text a spreadsheet would run as a
formula written as text."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from common.csv_export import safe_cell
from dashboard.tests.builders import District, client_for, student

pytestmark = pytest.mark.django_db


def rows_of(response: object) -> list[list[str]]:
    body = response.content.decode("utf-8-sig")  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(body)))


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("O'Brien", "O'Brien"),
        ("Nguyễn", "Nguyễn"),
    ],
)
def test_cells_that_start_a_formula_are_written_as_text(typed: str, written: str) -> None:
    assert safe_cell(typed) == written


def test_numbers_stay_numbers() -> None:
    assert safe_cell(-3) == -3 and safe_cell(None) == ""


def test_the_unclaimed_list_downloads_with_names_escaped(district: District) -> None:
    student(district.north, "09", given_name="=cmd|' /C calc'!A0", family_name="@Evil")
    url = reverse("dashboard:school-people", args=[district.north.pk])
    response = client_for(district.school_admin).get(url, {"csv": "people"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = rows_of(response)
    assert rows[0][:3] == ["Family name", "Given name", "Username"]
    names = {(row[0], row[1]) for row in rows[1:]}
    assert names == {
        ("Unclaimed", "Una"), ("Other", "Olga"), ("'@Evil", "'=cmd|' /C calc'!A0"),
    }
    assert all(row[7] == "Not claimed" for row in rows[1:])


def test_the_schools_table_downloads_with_its_numbers(district: District) -> None:
    client = client_for(district.district_admin)
    page = client.get(reverse("dashboard:home"))
    rows = rows_of(client.get(reverse("dashboard:home"), {"csv": "schools"}))
    assert rows[0] == [
        "School", "Claimed", "Not claimed", "Not yet claimable", "Deactivated", "Claim rate (%)",
    ]
    expected = [
        [row.label, str(row.counts.claimed), str(row.counts.unclaimed), str(row.counts.waiting),
         str(row.counts.deactivated), row.counts.percent]
        for row in page.context["school_rows"]
    ]
    assert rows[1:] == expected


def test_the_class_list_downloads_everyone_when_asked(district: District) -> None:
    url = reverse("dashboard:class-people", args=[district.math.pk])
    rows = rows_of(client_for(district.district_admin).get(url, {"csv": "people", "state": "all"}))
    assert {row[1] for row in rows[1:]} == {"Cleo", "Una", "Wes"}
    states = {row[1]: row[7] for row in rows[1:]}
    assert states == {"Cleo": "Claimed", "Una": "Not claimed", "Wes": "Not yet claimable"}
