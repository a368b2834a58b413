"""Technicians' reset / disable / enable, and what they do to sessions."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.contrib.auth import authenticate
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client

from accounts.challenges import check_answers
from accounts.models import Account, ChallengeAnswer
from accounts.resetting import do_disable_account, do_enable_account, do_reset_account
from accounts.tests.builders import DEFAULT_PASSWORD, answers_for, make_claimed_account
from audit.models import AuditEvent, EventType
from common.tests.client import FormClient

pytestmark = pytest.mark.django_db


def _signed_in(account: Account) -> Client:
    client = FormClient()
    assert client.login(username=account.username, password=DEFAULT_PASSWORD)
    return client


def _staff() -> Account:
    return Account.objects.create_superuser("tech1", "Tech-Pass-Long-1")


def test_reset_returns_the_account_to_unclaimed_and_audits_the_technician():
    account = make_claimed_account()
    Account.objects.filter(pk=account.pk).update(recovery_failures=5)
    tech = _staff()
    do_reset_account(account, actor=tech)
    account.refresh_from_db()
    assert not account.is_claimed
    assert not account.has_usable_password()
    assert account.recovery_failures == 0 and account.recovery_locked_at is None
    assert not ChallengeAnswer.objects.filter(account=account).exists()
    assert not check_answers(account, answers_for())
    assert authenticate(username=account.username, password=DEFAULT_PASSWORD) is None
    event = AuditEvent.objects.get(event_type=EventType.ACCOUNT_RESET)
    assert (event.account_id, event.actor_id) == (account.pk, tech.pk)
    assert event.details == {"sessions_ended": 0}


def test_reset_ends_the_accounts_sessions_and_only_those():
    account = make_claimed_account()
    other = make_claimed_account()
    phone, laptop, someone_else = _signed_in(account), _signed_in(account), _signed_in(other)
    do_reset_account(account, actor=_staff())
    assert "_auth_user_id" not in phone.session
    assert "_auth_user_id" not in laptop.session
    assert someone_else.session["_auth_user_id"] == str(other.pk)
    assert AuditEvent.objects.get(event_type=EventType.ACCOUNT_RESET).details == {
        "sessions_ended": 2
    }


@pytest.mark.parametrize(
    "engine_name",
    # The portal's own (the engine with REDIS_URL) and Django's, which it builds on.
    ["accounts.session_backends.cached_db", "django.contrib.sessions.backends.cached_db"],
)
def test_reset_ends_sessions_with_the_cached_db_engine_too(settings, engine_name):
    settings.SESSION_ENGINE = engine_name
    account = make_claimed_account()
    client = _signed_in(account)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    engine = import_module(settings.SESSION_ENGINE)
    assert engine.SessionStore(session_key=key).get("_auth_user_id") == str(account.pk)
    do_reset_account(account, actor=None)
    assert not Session.objects.filter(session_key=key).exists()
    assert cache.get(engine.KEY_PREFIX + key) is None
    assert engine.SessionStore(session_key=key).get("_auth_user_id") is None


def test_reset_keeps_the_old_password_in_the_history():
    account = make_claimed_account()
    old = account.password
    do_reset_account(account, actor=None)
    assert old in account.password_history.values_list("password", flat=True)


def test_accounts_without_a_person_cannot_be_reset():
    with pytest.raises(ValueError):
        do_reset_account(_staff(), actor=None)


def test_disable_stops_sign_in_and_ends_sessions_and_enable_restores_it():
    account = make_claimed_account()
    client = _signed_in(account)
    tech = _staff()
    assert do_disable_account(account, actor=tech)
    assert "_auth_user_id" not in client.session
    assert authenticate(username=account.username, password=DEFAULT_PASSWORD) is None
    assert not do_disable_account(account, actor=tech)  # a repeat changes nothing
    assert do_enable_account(account, actor=tech)
    assert not do_enable_account(account, actor=tech)
    assert authenticate(username=account.username, password=DEFAULT_PASSWORD) == account
    events = AuditEvent.objects.filter(actor=tech).order_by("id")
    assert [e.event_type for e in events] == [EventType.ACCOUNT_DISABLED, EventType.ACCOUNT_ENABLED]
    assert all(e.account_id == account.pk for e in events)
