"""Staff sign in to the admin through the portal's sign-in, with its throttles and audit."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache

from accounts.models import Account
from accounts.tests.builders import DEFAULT_PASSWORD, make_claimed_account
from audit.models import AuditEvent, EventType, Outcome
from common.tests.client import FormClient

pytestmark = pytest.mark.django_db

TECH_PASSWORD = "Tech-Pass-Long-1"
LOGIN = "/account/login/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tech() -> Account:
    return Account.objects.create_superuser("tech1", TECH_PASSWORD)


def test_the_admin_sends_people_to_the_portal_sign_in_and_back():
    client = FormClient()
    to_admin_login = client.get("/admin/")
    assert to_admin_login.status_code == 302
    to_portal = client.get(to_admin_login["Location"])
    assert to_portal.status_code == 302
    assert to_portal["Location"] == f"{LOGIN}?next=/admin/"


def test_a_technician_signs_in_there_lands_in_the_admin_and_is_audited(tech):
    client = FormClient()
    response = client.post(
        LOGIN, {"username": "TECH1", "password": TECH_PASSWORD, "next": "/admin/"}
    )
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(
        event_type=EventType.LOGIN_SUCCEEDED, account=tech
    ).exists()


def test_the_admins_own_login_form_no_longer_signs_anyone_in(tech):
    client = FormClient()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "tech1", "password": TECH_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert SESSION_KEY not in client.session


def test_a_technician_account_is_locked_after_the_same_failures_as_anyones(tech, settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 3
    client = FormClient()
    for n in range(3):
        client.post(LOGIN, {"username": "tech1", "password": f"guess {n}", "next": "/admin/"})
    response = client.post(
        LOGIN, {"username": "tech1", "password": TECH_PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 200
    assert "too many failed attempts" in response.content.decode()
    assert client.get("/admin/").status_code == 302
    assert AuditEvent.objects.filter(
        event_type=EventType.LOGIN_FAILED, account=tech
    ).count() == 3


def test_a_signed_in_person_who_is_not_staff_is_refused_not_sent_round_in_circles():
    client = FormClient()
    client.force_login(make_claimed_account())
    to_admin_login = client.get("/admin/")
    assert to_admin_login.status_code == 302
    assert client.get(to_admin_login["Location"]).status_code == 403


def test_a_signed_in_technician_at_the_admins_sign_in_page_goes_on_to_the_admin(tech):
    client = FormClient()
    client.force_login(tech)
    response = client.get("/admin/login/?next=/admin/accounts/account/")
    assert response["Location"] == "/admin/accounts/account/"


def test_signing_out_of_the_admin_is_audited_and_ends_the_session(tech):
    client = FormClient()
    client.post(LOGIN, {"username": "tech1", "password": TECH_PASSWORD})
    response = client.post("/admin/logout/")
    assert response.status_code == 302
    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.filter(
        event_type=EventType.LOGOUT, outcome=Outcome.SUCCESS, account=tech
    ).exists()


def test_an_outside_next_address_is_not_followed():
    response = FormClient().get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == f"{LOGIN}?next=/admin/"


def test_people_still_sign_in_to_their_portal_as_before():
    account = make_claimed_account()
    response = FormClient().post(
        LOGIN, {"username": account.username, "password": DEFAULT_PASSWORD}
    )
    assert response["Location"] == "/"
