"""The admin carries the district's name, logo and colours and names its time zone;
staff move between the portal, the admin and the outbox with one click."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import Account
from accounts.tests.builders import make_claimed_account
from audit.models import AuditEvent, EventType, Outcome
from common.tests.client import FormClient

pytestmark = pytest.mark.django_db

ADMIN = reverse("admin:index")
HOME = reverse("portal:home")
# The demo's transport (tests otherwise keep mail in memory).
OUTBOX = "outbox.backends.OutboxEmailBackend"


@pytest.fixture
def staff_client() -> FormClient:
    client = FormClient()
    client.force_login(Account.objects.create_superuser("itadmin", "an IT password 42"))
    return client


def test_the_admin_has_the_districts_name_logo_and_colours(staff_client, settings):
    response = staff_client.get(ADMIN)
    name = settings.DISTRICT["name"]
    assertContains(response, f"{name} IT administration", count=2)  # title and header
    assertNotContains(response, "Django administration")
    assertNotContains(response, "Django site admin")
    assertContains(response, f'src="{settings.DISTRICT["logo_url"]}"')
    assertContains(response, reverse("common:branding-stylesheet"))
    assertContains(response, "hallpass/admin.css")
    assertContains(response, 'class="brand-admin brand-text-white')


@pytest.mark.parametrize(("language", "title"), [
    ("es", "administración de TI"), ("vi", "Quản trị CNTT"),
])
def test_the_admin_title_is_translated(language, title):
    account = Account.objects.create_superuser("itadmin", "an IT password 42")
    Account.objects.filter(pk=account.pk).update(language=language)
    client = FormClient()
    client.force_login(account)
    assertContains(client.get(ADMIN), title)


@override_settings(EMAIL_BACKEND=OUTBOX)
def test_the_admin_links_to_the_portal_and_the_outbox(staff_client):
    response = staff_client.get(ADMIN)
    assertContains(response, f'href="{HOME}"')
    assertContains(response, f'href="{reverse("outbox:list")}"')


@override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend")
def test_without_the_outbox_there_is_no_outbox_link(staff_client):
    assertNotContains(staff_client.get(ADMIN), f'href="{reverse("outbox:list")}"')


@override_settings(EMAIL_BACKEND=OUTBOX)
def test_the_portal_links_staff_to_the_admin_and_the_outbox(staff_client):
    response = staff_client.get(HOME)
    assertContains(response, f'href="{ADMIN}"')
    assertContains(response, f'href="{reverse("outbox:list")}"')


@override_settings(EMAIL_BACKEND=OUTBOX)
def test_the_portal_has_no_admin_link_for_families():
    client = FormClient()
    client.force_login(make_claimed_account())
    response = client.get(HOME)
    assertNotContains(response, f'href="{ADMIN}"')
    assertNotContains(response, f'href="{reverse("outbox:list")}"')


@override_settings(TIME_ZONE="America/New_York")
def test_the_admin_names_the_district_time_zone(staff_client):
    assertContains(staff_client.get(ADMIN), "Times in America/New_York")


@override_settings(TIME_ZONE="America/New_York")
def test_an_audit_events_title_is_in_the_district_time_zone():
    event = AuditEvent(
        event_type=EventType.LOGIN_SUCCEEDED, outcome=Outcome.SUCCESS,
        occurred_at=dt.datetime(2026, 12, 6, 23, 47, tzinfo=dt.UTC),
    )
    assert str(event).startswith("2026-12-06 18:47:00 ")
