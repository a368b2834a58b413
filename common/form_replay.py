"""Post/redirect/get for a form with errors, so Back never meets "Confirm Form
Resubmission".

A page that answered a POST with errors is a page the browser cannot show again
without posting again: Back or Forward to it asks to resubmit (Chromium's
ERR_CACHE_MISS). Instead the view stores what the form needs to be shown again in
the session (the values typed, minus the ones it names as secret, its error
messages and an outcome such as "failed") and redirects to its own address; the GET
that follows takes the stored form out of the session and shows it. The stored
values stay on the server (the session) and last until that GET.

The errors are stored as the messages shown (in the language of the POST), never
validated again: validating again would repeat a check that counts attempts (a
current password) or fail differently without the secrets that were not kept.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponseRedirect

SESSION_KEY = "form_replay"

FormT = TypeVar("FormT", bound=forms.BaseForm)


@dataclass(frozen=True)
class Replayed:
    """What a page shows after the redirect: its form again, and the outcome the
    POST named ("" when there was none)."""

    form: Any
    outcome: str
    # Whether the page was reached by the redirect after a POST (something stored).
    after_post: bool = False


def redirect_with_form(
    request: HttpRequest,
    name: str,
    form: forms.BaseForm | None = None,
    *,
    forget: Collection[str] = (),
    outcome: str = "",
    to: str | None = None,
) -> HttpResponseRedirect:
    """Store `form` (its values except the fields in `forget`, and its errors) and
    `outcome` under `name`, then redirect to `to` (by default the page posted to),
    whose GET shows them with `replayed_form`."""
    stored: dict[str, Any] = {"values": {}, "errors": {}, "outcome": outcome}
    if form is not None:
        stored["values"] = {
            field: form[field].value()
            for field in form.fields
            if field not in forget and form.add_prefix(field) in form.data
        }
        stored["errors"] = {
            field: [error["message"] for error in errors]
            for field, errors in form.errors.get_json_data().items()
        }
    replays = request.session.get(SESSION_KEY)
    replays = dict(replays) if isinstance(replays, dict) else {}
    replays[name] = stored
    request.session[SESSION_KEY] = replays
    return HttpResponseRedirect(to or request.path)


def replayed_form(
    request: HttpRequest, name: str, make_form: Callable[..., FormT]
) -> Replayed:
    """The form stored under `name` by `redirect_with_form`, made by
    `make_form(initial=values)` with its errors added back, or a fresh
    `make_form()` when nothing is stored. Taking it removes it: a reload shows the
    page as it first was."""
    replays = request.session.get(SESSION_KEY)
    stored = replays.get(name) if isinstance(replays, dict) else None
    if not isinstance(stored, dict):
        return Replayed(form=make_form(), outcome="")
    replays = {key: value for key, value in replays.items() if key != name}  # type: ignore[union-attr]
    if replays:
        request.session[SESSION_KEY] = replays
    else:
        request.session.pop(SESSION_KEY, None)
    form = make_form(initial=dict(stored.get("values") or {}))
    # An unbound form has no errors of its own; these are the ones the POST found.
    if not form.errors:
        form.cleaned_data = {}
    for field, messages in dict(stored.get("errors") or {}).items():
        target = None if field == NON_FIELD_ERRORS else field
        if target is not None and target not in form.fields:
            continue
        for message in messages:
            form.add_error(target, ValidationError(str(message)))
    return Replayed(form=form, outcome=str(stored.get("outcome") or ""), after_post=True)
