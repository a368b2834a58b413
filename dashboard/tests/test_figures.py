"""Every number on the dashboard equals a count made here another way (one person at
a time, in Python), and the pages cost the same queries however big the district."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from accounts.tests.builders import make_claimed_account
from audit.models import EventType, Outcome
from audit.services import record
from dashboard.tests.builders import District, client_for, student
from directory.models import Person, Status
from support.tests.builders import make_class, make_school

pytestmark = pytest.mark.django_db


def state_of(person: Person, now: datetime) -> str:
    """The claim state, decided without the dashboard's code."""
    if person.status != Status.ACTIVE:
        return "deactivated"
    account = Account.objects.filter(person=person).first()
    if account is not None and account.claimed_at is not None:
        return "claimed"
    return "waiting" if person.claimable_at > now else "unclaimed"


def counted(people: list[Person], now: datetime) -> dict[str, int]:
    found = Counter(state_of(person, now) for person in people)
    return {state: found[state] for state in ("claimed", "unclaimed", "waiting", "deactivated")}


def as_dict(counts: Any) -> dict[str, int]:
    return {
        "claimed": counts.claimed, "unclaimed": counts.unclaimed,
        "waiting": counts.waiting, "deactivated": counts.deactivated,
    }


def test_the_district_figures_equal_counts_made_one_person_at_a_time(district: District) -> None:
    now = timezone.now()
    everyone = list(Person.objects.all())
    context = client_for(district.district_admin).get(reverse("dashboard:home")).context

    assert as_dict(context["totals"]) == counted(everyone, now)
    for row in context["school_rows"]:
        people = [p for p in everyone if str(p.primary_org_id) == row.key]
        assert as_dict(row.counts) == counted(people, now), row.label
    for row in context["role_rows"]:
        assert as_dict(row.counts) == counted([p for p in everyone if p.role == row.key], now)
    for row in context["grade_rows"]:
        students = [p for p in everyone if p.role == Person.Role.STUDENT and p.grades == row.key]
        assert as_dict(row.counts) == counted(students, now)
    assert {row.key for row in context["grade_rows"]} == {"07", "09", "10"}
    north = next(row for row in context["school_rows"] if row.label == "North High")
    # Every teacher, the administrator and four students are North's; one claimed
    # student and the claimed teachers and administrator.
    assert north.counts.waiting == 1 and north.counts.unclaimed == 2


def test_a_school_administrator_counts_their_school_alone(district: District) -> None:
    now = timezone.now()
    context = client_for(district.school_admin).get(reverse("dashboard:home")).context
    north_people = list(Person.objects.filter(primary_org=district.north))
    assert as_dict(context["totals"]) == counted(north_people, now)
    assert [row.label for row in context["school_rows"]] == ["North High"]


def test_the_school_page_counts_grades_and_classes(district: District) -> None:
    now = timezone.now()
    url = reverse("dashboard:school", args=[district.north.pk])
    context = client_for(district.school_admin).get(url).context
    students = list(Person.objects.filter(primary_org=district.north, role=Person.Role.STUDENT))
    for row in context["grade_rows"]:
        assert as_dict(row.counts) == counted([s for s in students if s.grades == row.key], now)
    classes = {row.label: as_dict(row.counts) for row in context["class_rows"]}
    assert classes[district.math.title] == counted(
        [district.claimed.person, district.unclaimed, district.waiting], now  # type: ignore[list-item]
    )
    assert classes[district.art.title] == counted([district.other_class], now)


def test_the_rate_and_days_left_before_the_deadline_are_shown(
    district: District, settings: Any
) -> None:
    today = timezone.localdate()
    settings.DISTRICT = {**settings.DISTRICT, "claim_deadline": today + timedelta(days=12)}
    page = client_for(district.district_admin).get(reverse("dashboard:home"))
    totals = page.context["totals"]
    assert page.context["deadline"].days_left == 12
    html = page.content.decode()
    assert "12 days left" in html
    assert f"{totals.claimed / totals.active * 100:.1f}%" in html


def test_claims_and_sign_ins_per_day_count_each_day(district: District) -> None:
    today = timezone.localdate()
    three_days_ago = timezone.now() - timedelta(days=3)
    with time_machine.travel(three_days_ago, tick=False):
        for _ in range(2):
            record(EventType.LOGIN_SUCCEEDED, Outcome.SUCCESS, account=district.claimed)
        record(EventType.LOGIN_FAILED, Outcome.FAILURE, account=district.claimed)
        record(EventType.CLAIM_COMPLETED, Outcome.SUCCESS, account=district.south_claimed)
    record(EventType.LOGIN_SUCCEEDED, Outcome.SUCCESS, account=district.south_claimed)
    record(EventType.CLAIM_COMPLETED, Outcome.SUCCESS, account=district.claimed)

    context = client_for(district.district_admin).get(reverse("dashboard:home")).context
    claims = {day.day: day.count for day in context["claims"]}
    sign_ins = {day.day: day.count for day in context["sign_ins"]}
    day = timezone.localtime(three_days_ago).date()
    assert claims[day] == 1 and claims[today] == 1
    assert sign_ins[day] == 2 and sign_ins[today] == 1
    assert len(claims) == 30 and min(claims) == today - timedelta(days=29)
    assert isinstance(min(claims), date)


def queries_for(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_pages_cost_the_same_queries_for_a_bigger_district(district: District) -> None:
    client = client_for(district.district_admin)
    urls = [
        reverse("dashboard:home"),
        reverse("dashboard:school", args=[district.north.pk]),
        reverse("dashboard:school-people", args=[district.north.pk]) + "?state=all",
        reverse("dashboard:audit"),
    ]
    queries_for(client, urls[0])  # the first page after signing in renews the session
    before = [queries_for(client, url) for url in urls]
    for n in range(3):
        school = make_school(f"Added {n}")
        people = [student(school, str(grade)) for grade in range(1, 6)]
        make_claimed_account(people[0])
        assert district.teacher.person is not None
        make_class(district.teacher.person, people, school=school)
        for person in people:
            person.primary_org = district.north
            person.save(update_fields=["primary_org"])
    after = [queries_for(client, url) for url in urls]
    assert after == before
    assert max(before) <= 12
