"""common.form_replay: a form with errors waits in the session for the page the POST
redirects to, without the fields it names as secret, and is shown there once."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from common.form_replay import SESSION_KEY, redirect_with_form, replayed_form


class SignUpForm(forms.Form):
    name = forms.CharField(error_messages={"required": "Enter a name."})
    secret = forms.CharField(max_length=3)

    def clean(self) -> dict[str, Any]:
        raise ValidationError("Not today.")


def request_with_session(method: str = "get", data: dict[str, str] | None = None) -> Any:
    request = getattr(RequestFactory(), method)("/sign-up/", data or {})
    request.session = SessionStore()
    return request


@pytest.fixture
def posted() -> Any:
    """A request whose POST had errors, stored and redirected."""
    request = request_with_session("post", {"name": "Ana", "secret": "too long"})
    form = SignUpForm(request.POST)
    assert not form.is_valid()
    response = redirect_with_form(request, "sign-up", form, forget={"secret"}, outcome="failed")
    assert response.status_code == 302 and response.url == "/sign-up/"
    return request


def test_the_fields_named_secret_are_not_stored(posted):
    assert "too long" not in str(posted.session[SESSION_KEY])


def test_the_page_after_shows_the_values_errors_and_outcome(posted):
    replay = replayed_form(posted, "sign-up", SignUpForm)
    assert replay.after_post and replay.outcome == "failed"
    assert not replay.form.is_bound
    assert replay.form["name"].value() == "Ana"
    assert replay.form["secret"].value() is None
    too_long = "Ensure this value has at most 3 characters (it has 8)."
    assert replay.form.errors["secret"] == [too_long]
    assert replay.form.non_field_errors() == ["Not today."]


def test_it_is_shown_once(posted):
    replayed_form(posted, "sign-up", SignUpForm)
    again = replayed_form(posted, "sign-up", SignUpForm)
    assert not again.after_post and again.outcome == ""
    assert not again.form.errors
    assert SESSION_KEY not in posted.session


def test_another_pages_form_is_left_waiting(posted):
    assert not replayed_form(posted, "other-page", SignUpForm).after_post
    assert replayed_form(posted, "sign-up", SignUpForm).after_post
