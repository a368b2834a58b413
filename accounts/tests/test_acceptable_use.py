"""The Acceptable Use Policy: the claim wizard's step (Back-safe), the acceptance
recorded with version, time, address and language, a new version asked once at the
next sign-in, declining, and the admin's account page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from accounts.acceptable_use import PENDING_SESSION_KEY, accepted_policy
from accounts.models import AcceptableUsePolicy, Account, PolicyAcceptance
from accounts.tests.builders import DEFAULT_PASSWORD, make_claimed_account, make_person
from accounts.tests.claim_helpers import (
    CHALLENGES_URL,
    DONE_URL,
    PASSWORD_URL,
    answer,
    choose_password,
    identify,
    wizard_token,
)
from audit.models import AuditEvent, EventType
from common.tests.client import FormClient

pytestmark = pytest.mark.django_db

POLICY_URL = reverse("accounts:claim-policy")
SIGN_IN_POLICY_URL = reverse("accounts:policy")
LOGIN_URL = reverse("accounts:login")


def publish(version: str, roles: list[str] | None = None, **fields: Any) -> AcceptableUsePolicy:
    return AcceptableUsePolicy.objects.create(
        version=version,
        text_en=f"# Rules {version}\n\nBe kind. <script>alert(1)</script>",
        text_es=f"Reglas {version}: sea amable.",
        roles=roles if roles is not None else ["student", "teacher", "staff", "administrator"],
        published_at=timezone.now(),
        **fields,
    )


def agree(client: FormClient, **extra: str) -> Any:
    return client.submit(POLICY_URL, {"agree": "on", "wizard": wizard_token(client), **extra})


def test_the_policy_is_the_step_before_the_password(client: FormClient):
    publish("2026-1")
    response = identify(client, make_person())
    assert response["Location"] == POLICY_URL
    assert client.get(PASSWORD_URL)["Location"] == POLICY_URL
    page = client.get(POLICY_URL).content.decode()
    assert "Rules 2026-1" in page and "Be kind." in page
    assert "<script>" not in page  # the Markdown is sanitised


def test_the_policy_must_be_ticked(client: FormClient):
    publish("2026-1")
    identify(client, make_person())
    refused = client.submit(POLICY_URL, {"wizard": wizard_token(client)})
    assert 'Tick "I agree" to continue.' in refused.content.decode().replace("&quot;", '"')
    assert client.get(PASSWORD_URL)["Location"] == POLICY_URL


def test_the_policy_is_in_the_persons_language(client: FormClient):
    publish("2026-1")
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "es"
    identify(client, make_person())
    assert "Reglas 2026-1: sea amable." in client.get(POLICY_URL).content.decode()


def test_back_from_the_password_shows_the_policy_ticked_and_goes_on(client: FormClient):
    publish("2026-1")
    identify(client, make_person())
    assert agree(client)["Location"] == PASSWORD_URL
    choose_password(client)
    back = client.get(POLICY_URL).content.decode()
    assert 'name="agree"' in back and "checked" in back
    # Agreeing again on Back does not go back in the wizard: the questions still wait.
    assert agree(client)["Location"] == PASSWORD_URL
    assert client.get(CHALLENGES_URL).status_code == 200
    assert answer(client)["Location"] == DONE_URL


def test_the_claim_records_the_acceptance_with_version_time_address_and_language(
    client: FormClient,
):
    policy = publish("2026-1")
    person = make_person()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "vi"
    identify(client, person)
    agree(client)
    choose_password(client)
    answer(client)
    acceptance = PolicyAcceptance.objects.get(account__person=person)
    assert acceptance.policy == policy
    assert acceptance.language == "vi"
    assert acceptance.ip_address == "127.0.0.1"
    assert timezone.now() - acceptance.accepted_at < timedelta(minutes=1)
    event = AuditEvent.objects.get(event_type=EventType.POLICY_ACCEPTED)
    assert event.details["version"] == "2026-1" and event.account == acceptance.account
    accepted = accepted_policy(acceptance.account)
    assert accepted is not None and accepted.version == "2026-1"


def test_no_policy_step_when_none_applies_to_the_role(client: FormClient):
    publish("staff-1", roles=["staff"])
    assert identify(client, make_person())["Location"] == PASSWORD_URL
    assert client.get(POLICY_URL)["Location"] == PASSWORD_URL


def test_a_student_may_note_a_guardians_acceptance(client: FormClient):
    publish("2026-1", guardian_note_under_13=True)
    person = make_person()
    identify(client, person)
    assert "Students under 13" in client.get(POLICY_URL).content.decode()
    agree(client, guardian_noted="on")
    choose_password(client)
    answer(client)
    assert PolicyAcceptance.objects.get(account__person=person).guardian_noted


def _sign_in(client: FormClient, account: Account) -> Any:
    return client.submit(LOGIN_URL, {"username": account.username, "password": DEFAULT_PASSWORD})


def test_a_new_version_is_asked_once_at_the_next_sign_in(client: FormClient):
    account = make_claimed_account()
    publish("2026-2")
    _sign_in(client, account)
    home = client.get(reverse("portal:home"))
    assert home.status_code == 302 and home["Location"].startswith(SIGN_IN_POLICY_URL)
    accepted = client.submit(SIGN_IN_POLICY_URL, {"agree": "on", "decision": "accept"})
    assert accepted.status_code == 302
    assert client.get(reverse("portal:home")).status_code == 200
    assert accepted_policy(account) is not None
    client.submit(reverse("accounts:logout"))
    _sign_in(client, account)
    assert PENDING_SESSION_KEY not in client.session
    assert client.get(reverse("portal:home")).status_code == 200


def test_the_page_returns_to_where_the_person_was_going(client: FormClient):
    account = make_claimed_account()
    publish("2026-2")
    _sign_in(client, account)
    target = reverse("accounts:change-password")
    sent = client.get(target)
    assert sent["Location"] == f"{SIGN_IN_POLICY_URL}?next={target}"
    back = client.submit(sent["Location"], {"agree": "on", "decision": "accept", "next": target})
    assert back["Location"] == target


@pytest.mark.parametrize("path", ["/admin/logout/", "/i18n/setlang/"])
def test_signing_out_and_switching_language_stay_open_while_a_version_is_pending(
    client: FormClient, path: str
):
    account = make_claimed_account()
    publish("2026-2")
    _sign_in(client, account)
    assert PENDING_SESSION_KEY in client.session
    answer = client.post(path, {"language": "es"})
    assert not answer["Location"].startswith(SIGN_IN_POLICY_URL)


def test_declining_signs_out_with_who_to_contact(client: FormClient):
    account = make_claimed_account()
    publish("2026-2")
    _sign_in(client, account)
    response = client.submit(SIGN_IN_POLICY_URL, {"decision": "decline"}, follow=True)
    page = response.content.decode()
    assert "You did not agree to the Acceptable Use Policy" in page
    assert django_settings.DISTRICT["help_email"] in page
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(
        event_type=EventType.POLICY_DECLINED, account=account
    ).exists()
    assert accepted_policy(account) is None
    # Next sign-in asks again.
    _sign_in(client, account)
    assert client.get(reverse("portal:home"))["Location"].startswith(SIGN_IN_POLICY_URL)


def test_the_admin_account_page_shows_the_accepted_version(admin_client: FormClient):
    account = make_claimed_account()
    policy = publish("2026-3")
    PolicyAcceptance.objects.create(account=account, policy=policy, language="es")
    page = admin_client.get(reverse("admin:accounts_account_change", args=[account.pk]))
    assert "version 2026-3" in page.content.decode()


def test_a_published_version_is_read_only_in_the_admin(admin_client: FormClient):
    policy = publish("2026-4")
    url = reverse("admin:accounts_acceptableusepolicy_change", args=[policy.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="text_en"' not in page
