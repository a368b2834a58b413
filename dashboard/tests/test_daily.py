"""The claims and sign-ins per day: today is counted on every view, an ended day once
(the audit log only grows by rows stamped with the time they are written), apart
for each scope, and not in the first minutes after midnight."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audit.models import EventType, Outcome
from audit.services import record
from dashboard.tests.builders import District, client_for
from directory.models import Person
from directory.sync.hooks import SyncChanges, call_sync_hooks

pytestmark = pytest.mark.django_db


def sign_ins(district: District, viewer: str = "district_admin") -> dict[object, int]:
    page = client_for(getattr(district, viewer)).get(reverse("dashboard:home"))
    return {day.day: day.count for day in page.context["sign_ins"]}


def sign_in(district: District) -> None:
    record(EventType.LOGIN_SUCCEEDED, Outcome.SUCCESS, account=district.claimed)


def test_todays_sign_ins_are_counted_on_every_view(district: District) -> None:
    today = timezone.localdate()
    before = sign_ins(district)[today]

    sign_in(district)

    assert sign_ins(district)[today] == before + 1


def test_an_ended_day_is_counted_once_for_the_day(district: District) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    first = sign_ins(district)[yesterday]
    with time_machine.travel(timezone.now() - timedelta(days=1), tick=False):
        sign_in(district)  # as no one can: a row written into a past day

    assert sign_ins(district)[yesterday] == first


def test_each_scope_counts_its_own_people(district: District) -> None:
    yesterday = timezone.now() - timedelta(days=1)
    with time_machine.travel(yesterday, tick=False):
        sign_in(district)  # a North student
        record(EventType.LOGIN_SUCCEEDED, Outcome.SUCCESS, account=district.south_claimed)
    day = timezone.localtime(yesterday).date()

    assert sign_ins(district)[day] == 2
    assert sign_ins(district, viewer="school_admin")[day] == 1


def test_a_day_is_counted_again_until_it_has_been_over_a_few_minutes(
    district: District,
) -> None:
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    yesterday = (midnight - timedelta(days=1)).date()
    with time_machine.travel(midnight + timedelta(minutes=1), tick=False):
        first = sign_ins(district)[yesterday]
    with time_machine.travel(midnight - timedelta(seconds=1), tick=False):
        sign_in(district)  # stamped before midnight, committed after the first view

    with time_machine.travel(midnight + timedelta(minutes=2), tick=False):
        assert sign_ins(district)[yesterday] == first + 1


def test_a_sync_run_moving_a_student_moves_their_past_days_with_them(
    district: District, django_capture_on_commit_callbacks: Any
) -> None:
    yesterday = timezone.now() - timedelta(days=1)
    with time_machine.travel(yesterday, tick=False):
        sign_in(district)  # a North student
    day = timezone.localtime(yesterday).date()
    assert sign_ins(district, viewer="school_admin")[day] == 1  # North's, now kept

    # A sync run moves the student to South and calls the directory's hooks.
    assert district.claimed.person is not None
    Person.objects.filter(pk=district.claimed.person.pk).update(primary_org=district.south)
    with django_capture_on_commit_callbacks(execute=True):
        call_sync_hooks(SyncChanges(sync_run_id=None))

    assert sign_ins(district, viewer="school_admin")[day] == 0
    assert sign_ins(district)[day] == 1
