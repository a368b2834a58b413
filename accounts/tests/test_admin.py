"""Django admin for accounts and the challenge-question catalog."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Account, ChallengeAnswer, ChallengeQuestion
from accounts.roles import TECHNICIAN
from accounts.tests.builders import make_claimed_account, make_person, make_staff_account
from audit.models import AuditEvent, EventType
from common.tests.client import FormClient
from directory.models import Person

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:accounts_account_changelist")


@pytest.fixture
def tech():
    return make_staff_account(TECHNICIAN, given_name="Tomas", family_name="Reyes")


@pytest.fixture
def admin_client(tech):
    client = FormClient()
    client.force_login(tech)
    return client


@pytest.fixture
def it_admin_client():
    client = FormClient()
    client.force_login(Account.objects.create_superuser("itadmin", "an IT password 42"))
    return client


def _act(client: Client, action: str, *accounts: Account) -> Any:
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [a.pk for a in accounts], "post": "yes"},
        follow=True,
    )


def test_the_list_shows_username_name_role_claimed_enabled_and_last_login(admin_client):
    make_claimed_account(make_person(given_name="Imani", family_name="Walker"))
    body = admin_client.get(CHANGELIST).content.decode()
    for heading in ("Username", "Name", "Role", "Claimed", "Enabled", "Last login"):
        assert heading in body
    assert "Imani Walker" in body and "Student" in body


def test_accounts_can_be_searched_and_filtered(admin_client):
    make_claimed_account(make_person(given_name="Imani", family_name="Walker"))
    make_claimed_account(make_person(role=Person.Role.TEACHER, family_name="Okoro"))
    body = admin_client.get(CHANGELIST, {"q": "walker"}).content.decode()
    assert "Imani Walker" in body and "Okoro" not in body
    body = admin_client.get(CHANGELIST, {"person__role__exact": "teacher"}).content.decode()
    assert "Okoro" in body and "Walker" not in body
    body = admin_client.get(CHANGELIST, {"claimed": "no"}).content.decode()
    assert "Okoro" not in body and "Walker" not in body


def test_the_change_page_has_no_password_and_no_answers(admin_client):
    account = make_claimed_account()
    body = admin_client.get(reverse("admin:accounts_account_change", args=[account.pk]))
    html = body.content.decode()
    assert body.status_code == 200
    assert 'name="password"' not in html
    assert account.password not in html
    for answer in ChallengeAnswer.objects.filter(account=account):
        assert answer.answer_hash not in html
    assert 'name="is_active"' not in html  # enable/disable only through audited actions


def test_accounts_cannot_be_added_or_deleted_in_the_admin(admin_client):
    account = make_claimed_account()
    assert admin_client.get(reverse("admin:accounts_account_add")).status_code == 403
    url = reverse("admin:accounts_account_delete", args=[account.pk])
    assert admin_client.get(url).status_code == 403


def test_the_reset_action_makes_the_person_claim_again(admin_client, tech):
    account = make_claimed_account()
    response = _act(admin_client, "reset_accounts", account)
    body = response.content.decode()
    assert "1 account was reset; the person must claim it again." in body
    account.refresh_from_db()
    assert not account.is_claimed
    event = AuditEvent.objects.get(event_type=EventType.ACCOUNT_RESET)
    assert (event.account_id, event.actor_id) == (account.pk, tech.pk)


def test_the_disable_and_enable_actions_are_audited_with_the_technician(admin_client, tech):
    first, second = make_claimed_account(), make_claimed_account()
    body = _act(admin_client, "disable_accounts", first, second).content.decode()
    assert "2 accounts were disabled." in body
    assert not Account.objects.filter(pk__in=[first.pk, second.pk], is_active=True).exists()
    body = _act(admin_client, "enable_accounts", first).content.decode()
    assert "1 account was enabled." in body
    events = AuditEvent.objects.filter(actor=tech)
    assert sorted(e.event_type for e in events) == sorted(
        [EventType.ACCOUNT_DISABLED, EventType.ACCOUNT_DISABLED, EventType.ACCOUNT_ENABLED]
    )


def test_the_reset_action_skips_it_staff_accounts_without_a_directory_person(it_admin_client):
    staff = Account.objects.create_superuser("itstaff2", "an IT password 43")
    account = make_claimed_account()
    body = _act(it_admin_client, "reset_accounts", account, staff).content.decode()
    assert "1 account was reset; the person must claim it again." in body
    assert "1 IT staff account was skipped" in body
    assert Account.objects.get(pk=staff.pk).has_usable_password()


def test_staff_without_the_change_permission_cannot_reset(tech):
    viewer = Account.objects.create_user("viewer1", "Viewer-Pass-Long-1", is_staff=True)
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_account"))
    client = FormClient()
    client.force_login(viewer)
    account = make_claimed_account()
    _act(client, "reset_accounts", account)
    account.refresh_from_db()
    assert account.is_claimed
    assert not AuditEvent.objects.filter(event_type=EventType.ACCOUNT_RESET).exists()


def test_a_technician_sees_the_question_catalog(admin_client):
    url = reverse("admin:accounts_challengequestion_changelist")
    body = admin_client.get(url).content.decode()
    assert "What was the name of your first pet?" in body
    assert admin_client.get(reverse("admin:accounts_challengequestion_add")).status_code == 403


def test_the_question_catalog_is_editable_by_an_it_administrator(it_admin_client):
    admin_client = it_admin_client
    url = reverse("admin:accounts_challengequestion_changelist")
    body = admin_client.get(url).content.decode()
    assert "What was the name of your first pet?" in body
    add = reverse("admin:accounts_challengequestion_add")
    response = admin_client.post(
        add,
        {
            "text_en": "What is your favorite color?",
            "text_es": "¿Cuál es tu color favorito?",
            "text_vi": "Màu sắc yêu thích của bạn là gì?",
            "is_active": "on",
            "position": "200",
        },
    )
    assert response.status_code == 302
    assert ChallengeQuestion.objects.filter(text_en="What is your favorite color?").exists()
