"""The account page: where the account stands, and the actions the viewer's role
allows, each confirmed first and audited; anything else is not found."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.login import account_counter
from accounts.models import AcceptableUsePolicy, Account, PolicyAcceptance
from audit.models import AuditEvent, EventType
from common import throttle
from dashboard.tests.builders import District, client_for
from support.models import HandedOut
from support.tests.builders import open_ticket

pytestmark = pytest.mark.django_db


def page_of(district: District, viewer: Account, account: Account) -> str:
    url = reverse("dashboard:account", args=[account.person_id])
    return client_for(viewer).get(url).content.decode()


def test_the_page_shows_the_accounts_state_equipment_tickets_and_events(
    district: District,
) -> None:
    student = district.claimed
    Account.objects.filter(pk=student.pk).update(recovery_locked_at=timezone.now())
    for _ in range(account_counter(student.username).limit.max_attempts):
        throttle.reserve(account_counter(student.username))
    assert student.person is not None
    HandedOut.objects.create(
        person=student.person, item_id=_an_item(), asset_tag="CB-1234", serial_number="SN9"
    )
    open_ticket(student, subject="My Chromebook will not charge")
    html = page_of(district, district.technician, student)
    assert "Locked for now after too many failed sign-ins" in html
    assert "Locked since" in html
    assert "CB-1234" in html and "My Chromebook will not charge" in html
    assert "Unlock self-service recovery" in html and "Reset the account" in html


def _an_item() -> int:
    from support.models import EquipmentItem

    return EquipmentItem.objects.create(name_en="Chromebook").pk


def test_each_action_is_confirmed_then_done_and_audited(district: District) -> None:
    student = district.claimed
    client = client_for(district.technician)
    disable = reverse("dashboard:account-action", args=[student.person_id, "disable"])
    confirm = client.get(disable)
    assert confirm.status_code == 200 and b"Yes, I am sure" in confirm.content
    student.refresh_from_db()
    assert student.is_active  # nothing happens before the POST
    client.post(disable)
    student.refresh_from_db()
    assert not student.is_active
    client.post(reverse("dashboard:account-action", args=[student.person_id, "enable"]))
    Account.objects.filter(pk=student.pk).update(recovery_locked_at=timezone.now())
    client.post(reverse("dashboard:account-action", args=[student.person_id, "unlock-recovery"]))
    client.post(reverse("dashboard:account-action", args=[student.person_id, "reset"]))
    student.refresh_from_db()
    assert student.is_active and student.recovery_locked_at is None
    assert student.claimed_at is None and not student.has_usable_password()
    done = list(
        AuditEvent.objects.filter(account=student, actor=district.technician)
        .exclude(event_type=EventType.RECORDS_VIEWED)
        .order_by("pk")
        .values_list("event_type", flat=True)
    )
    assert done == [
        EventType.ACCOUNT_DISABLED, EventType.ACCOUNT_ENABLED, EventType.RECOVERY_UNLOCKED,
        EventType.ACCOUNT_RESET,
    ]


def test_a_school_administrator_sees_the_account_but_may_not_act_on_it(
    district: District,
) -> None:
    html = page_of(district, district.school_admin, district.claimed)
    assert "Cleo Claimed" in html and "Disable the account" not in html
    url = reverse("dashboard:account-action", args=[district.claimed.person_id, "disable"])
    assert client_for(district.school_admin).post(url).status_code == 404
    district.claimed.refresh_from_db()
    assert district.claimed.is_active


def test_a_technician_may_not_act_on_staff(district: District) -> None:
    url = reverse("dashboard:account-action", args=[district.teacher.person_id, "disable"])
    client = client_for(district.technician)
    assert client.get(url).status_code == 200  # a teacher is not staff: allowed
    district.teacher.is_staff = True
    district.teacher.save(update_fields=["is_staff"])
    assert client.post(url).status_code == 404
    district.teacher.refresh_from_db()
    assert district.teacher.is_active


def test_an_action_that_does_not_apply_is_not_found(district: District) -> None:
    client = client_for(district.district_admin)
    enable = reverse("dashboard:account-action", args=[district.claimed.person_id, "enable"])
    unlock = reverse(
        "dashboard:account-action", args=[district.claimed.person_id, "unlock-recovery"]
    )
    nothing = reverse("dashboard:account-action", args=[district.unclaimed.pk, "reset"])
    made_up = reverse("dashboard:account-action", args=[district.claimed.person_id, "delete"])
    for url in (enable, unlock, nothing, made_up):
        assert client.post(url).status_code == 404


def test_the_page_shows_which_policy_version_the_person_accepted(district: District) -> None:
    student = district.claimed
    assert "Acceptable Use Policy accepted" in page_of(district, district.technician, student)
    policy = AcceptableUsePolicy.objects.create(
        version="2026-3", text_en="Be kind.", roles=["student"], published_at=timezone.now()
    )
    PolicyAcceptance.objects.create(account=student, policy=policy, language="vi")
    html = page_of(district, district.technician, student)
    assert "version 2026-3" in html and "(vi)" in html
