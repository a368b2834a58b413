"""do_set_password: the history behind "Passwords cannot be reused"."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from accounts.models import PasswordHistory
from accounts.passwords import do_set_password
from accounts.resetting import do_reset_account
from accounts.tests.builders import DEFAULT_PASSWORD, make_claimed_account
from audit.models import AuditEvent, EventType

pytestmark = pytest.mark.django_db


def test_setting_a_password_keeps_the_old_one_in_the_history_and_audits():
    account = make_claimed_account()
    old_hash = account.password
    do_set_password(account, "Fresh-Password-11")
    account.refresh_from_db()
    assert account.check_password("Fresh-Password-11")
    assert list(account.password_history.values_list("password", flat=True)) == [old_hash]
    event = AuditEvent.objects.get(event_type=EventType.PASSWORD_CHANGED)
    assert event.account_id == account.pk
    assert "Fresh-Password-11" not in repr(event.details)


def test_the_event_type_can_be_chosen_by_the_caller():
    account = make_claimed_account()
    do_set_password(account, "Fresh-Password-11", event=EventType.PASSWORD_RESET)
    assert AuditEvent.objects.filter(event_type=EventType.PASSWORD_RESET).count() == 1


def test_the_last_five_passwords_cannot_be_reused_but_the_sixth_can(settings):
    assert settings.PASSWORD_HISTORY_COUNT == 5
    account = make_claimed_account()  # password 0 = DEFAULT_PASSWORD
    passwords = [DEFAULT_PASSWORD] + [f"Rotation-Pass-{n}-x" for n in range(1, 7)]
    for password in passwords[1:]:
        do_set_password(account, password)
    # The last five: 6 (current), 5, 4, 3, 2. The sixth from last, 1, may come back.
    for reused in passwords[2:]:
        with pytest.raises(ValidationError) as raised:
            validate_password(reused, user=account)
        assert raised.value.error_list[0].code == "password_reused"
    validate_password(passwords[1], user=account)
    validate_password(DEFAULT_PASSWORD, user=account)


def test_after_a_reset_the_last_five_come_from_the_history(settings):
    account = make_claimed_account()  # password 0 = DEFAULT_PASSWORD
    passwords = [DEFAULT_PASSWORD] + [f"Rotation-Pass-{n}-z" for n in range(1, 6)]
    for password in passwords[1:]:
        do_set_password(account, password)
    do_reset_account(account, actor=None)
    account.refresh_from_db()
    assert not account.has_usable_password()
    for reused in passwords[1:]:
        with pytest.raises(ValidationError):
            validate_password(reused, user=account)
    validate_password(DEFAULT_PASSWORD, user=account)


def test_the_history_length_comes_from_settings(settings):
    history = {
        "NAME": "accounts.password_validation.PasswordHistoryValidator",
        "OPTIONS": {"history_count": 2},
    }
    settings.PASSWORD_POLICIES = {role: [history] for role in settings.PASSWORD_POLICIES}
    account = make_claimed_account()
    for n in range(4):
        do_set_password(account, f"Rotation-Pass-{n}-y")
    assert PasswordHistory.objects.filter(account=account).count() == 2

