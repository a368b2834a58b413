"""An app's tokens end with the access they came from: account reset, disable, a
sync that deactivates the person, a password changed or reset, a sign-out. Each
test shows the refresh token working first, then refused."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.test import Client
from django.urls import reverse

from accounts.changes import do_change_password
from accounts.models import Account
from accounts.recovery import do_reset_password
from accounts.resetting import do_disable_account, do_reset_account
from accounts.tests.builders import make_claimed_account
from audit.models import AuditEvent, EventType
from common.tests.client import FormClient
from directory.models import Person, Status
from directory.sync.hooks import SyncChanges, call_sync_hooks
from sso.claims import subject
from sso.tests.builders import make_oidc_app
from sso.tests.relying_party import REDIRECT_URI

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Violet-Harbor-2718"


@dataclass
class Tokens:
    """What one app holds for one person, exchanged through the test client."""

    client: Client
    client_id: str
    access: str
    refresh: str

    def refresh_response(self) -> dict[str, str]:
        response = FormClient().post(reverse("oauth2_provider:token"), {
            "grant_type": "refresh_token", "refresh_token": self.refresh,
            "client_id": self.client_id,
        })
        body: dict[str, str] = response.json()
        if response.status_code == 200:
            self.access, self.refresh = body["access_token"], body["refresh_token"]
        return body

    def userinfo_status(self) -> int:
        response = FormClient().get(
            reverse("oauth2_provider:user-info"), HTTP_AUTHORIZATION=f"Bearer {self.access}"
        )
        return response.status_code


def issue_tokens(account: Account) -> Tokens:
    _app, credentials = make_oidc_app("Classroom")
    browser = FormClient()
    browser.force_login(account)
    verifier = generate_token(48)
    query = urlencode({
        "response_type": "code", "client_id": credentials.client_id,
        "redirect_uri": REDIRECT_URI, "scope": "openid profile", "state": "s",
        "code_challenge": create_s256_code_challenge(verifier),
        "code_challenge_method": "S256",
    })
    response = browser.get(f"{reverse('oauth2_provider:authorize')}?{query}")
    code = parse_qs(urlparse(response["Location"]).query)["code"][0]
    body = FormClient().post(reverse("oauth2_provider:token"), {
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
        "client_id": credentials.client_id, "code_verifier": verifier,
    }).json()
    return Tokens(browser, credentials.client_id, body["access_token"], body["refresh_token"])


@pytest.fixture
def tokens(student: Account) -> Tokens:
    tokens = issue_tokens(student)
    assert "access_token" in tokens.refresh_response()
    assert tokens.userinfo_status() == 200
    return tokens


def assert_ended(tokens: Tokens, reason: str) -> None:
    assert tokens.userinfo_status() == 401
    assert tokens.refresh_response()["error"] == "invalid_grant"
    event = AuditEvent.objects.get(event_type=EventType.SSO_TOKENS_ENDED)
    assert event.details["reason"] == reason
    assert event.details["tokens_ended"] == 2  # the access token and its refresh token


def technician() -> Account:
    return Account.objects.create_superuser("tech1", "Tech-Pass-Long-1")


def test_an_account_reset_ends_the_apps_tokens(tokens, student):
    do_reset_account(student, actor=technician())
    assert_ended(tokens, "account_reset")


def test_disabling_an_account_ends_the_apps_tokens(tokens, student):
    do_disable_account(student, actor=technician())
    assert_ended(tokens, "account_disabled")


def test_a_password_change_ends_the_apps_tokens(tokens, student, rf):
    do_change_password(rf.post("/"), student, NEW_PASSWORD)
    assert_ended(tokens, "password_changed")


def test_a_password_reset_by_the_challenge_questions_ends_the_apps_tokens(tokens, student, rf):
    do_reset_password(rf.post("/"), student, NEW_PASSWORD, attempt="")
    assert_ended(tokens, "password_reset")


def test_signing_out_of_hallpass_ends_the_apps_tokens(tokens):
    tokens.client.post(reverse("accounts:logout"))
    assert_ended(tokens, "signed_out")


def test_a_sync_that_deactivates_the_person_ends_their_tokens(tokens, student):
    assert student.person is not None
    Person.objects.filter(pk=student.person.pk).update(status=Status.INACTIVE)
    call_sync_hooks(SyncChanges(sync_run_id=7, deactivated=[student.person.pk]))
    assert_ended(tokens, "person_deactivated")
    assert AuditEvent.objects.get(event_type=EventType.SSO_TOKENS_ENDED).details["sync_run"] == 7


@pytest.mark.parametrize(
    "take_away",
    [
        lambda account: Account.objects.filter(pk=account.pk).update(is_active=False),
        lambda account: Person.objects.filter(pk=account.person_id).update(
            status=Status.INACTIVE
        ),
        lambda account: Account.objects.filter(pk=account.pk).update(claimed_at=None),
    ],
    ids=["disabled", "deactivated", "reset"],
)
def test_tokens_of_an_account_that_may_not_sign_in_are_refused_even_if_not_ended(
    tokens, student, take_away: Callable[[Account], object]
):
    take_away(student)
    assert tokens.userinfo_status() == 401
    assert tokens.refresh_response()["error"] == "invalid_grant"


def test_other_accounts_keep_their_tokens(tokens, student):
    other = issue_tokens(make_claimed_account(given_name="Other"))
    do_disable_account(student, actor=technician())
    assert other.userinfo_status() == 200
    assert "access_token" in other.refresh_response()


def test_a_claim_after_a_reset_gets_the_same_subject(student):
    before = subject(student)
    do_reset_account(student, actor=technician())
    assert subject(Account.objects.get(pk=student.pk)) == before
