"""Claim My Account: a four-page wizard whose state lives in the session.

State (request.session["claim"]) = {"person_id", "step", "password_hash"}; the raw
password never enters the session. The state's step is the truth: a request for
a later step than reached, or a POST to a step already passed, is redirected to
the current step, so Back, reload, a second tab or a double submit cannot skip or
redo a step. Nothing is written to the account until the last step, in one
transaction (claiming.do_complete_claim); abandoning leaves the person unclaimed.

No POST is answered with a page: an error, a failure or a throttle redirects to
the page that shows it (common.form_replay), so Back and Forward never ask to post
again. Passwords, and challenge answers that had an error, are not kept for it.
"""

from __future__ import annotations

import secrets
from typing import Any, Literal, TypedDict

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts import claiming
from accounts.forms_claim import ClaimIdentityForm
from accounts.forms_common import ChallengeAnswersForm, NewPasswordForm
from accounts.views_auth import safe_next
from common.form_replay import redirect_with_form, replayed_form
from directory.models import Person

STATE_KEY = "claim"
DONE_KEY = "claimed_username"
# Where signing in goes after the claim: the page that sent the person to sign in
# (an app's authorization request) when they had no account yet.
NEXT_KEY = "claim_next"

Step = Literal["password", "challenges"]


class ClaimState(TypedDict, total=False):
    person_id: int
    step: Step
    password_hash: str
    # Random per wizard, echoed by its pages' forms: a tab left open on an earlier
    # wizard (restarted meanwhile for another person) cannot post into this one.
    wizard: str


def _state(request: HttpRequest) -> ClaimState | None:
    state = request.session.get(STATE_KEY)
    if not isinstance(state, dict) or "person_id" not in state:
        return None
    return ClaimState(**state)  # type: ignore[typeddict-item]


def _save_state(request: HttpRequest, state: ClaimState) -> None:
    request.session[STATE_KEY] = dict(state)


def _redirect_to_current(request: HttpRequest, state: ClaimState | None) -> HttpResponseRedirect:
    if state is None:
        if request.session.get(DONE_KEY):
            return redirect("accounts:claim-done")
        return redirect("accounts:claim")
    if state.get("step") == "challenges":
        return redirect("accounts:claim-challenges")
    return redirect("accounts:claim-password")


CLAIM_STEPS = [
    ("identify", _("Who are you")),
    ("password", _("Create a password")),
    ("challenges", _("Challenge questions")),
    ("done", _("Done")),
]


def _context(step: str, **extra: Any) -> dict[str, Any]:
    keys = [key for key, _label in CLAIM_STEPS]
    return {
        "claim_steps": CLAIM_STEPS,
        "current_step": step,
        "steps_done": keys[: keys.index(step)],
        "claim_delay_hours": round(settings.CLAIM_DELAY_HOURS),
        "employee_id_digits": settings.EMPLOYEE_ID_DIGITS,
        **extra,
    }


def _from_this_wizard(request: HttpRequest, state: ClaimState) -> bool:
    return constant_time_compare(str(request.POST.get("wizard", "")), state.get("wizard", ""))


def _person_of(state: ClaimState) -> Person | None:
    return Person.objects.filter(pk=state["person_id"]).select_related("account").first()


# Names under which a step's form waits in the session for the page after the
# redirect (common.form_replay): errors never answer a POST with a page.
IDENTIFY_FORM = "claim-identify"
PASSWORD_FORM = "claim-password"  # noqa: S105 (a form's name)
CHALLENGES_FORM = "claim-challenges"
FAILED, THROTTLED = "failed", "throttled"
PASSWORD_FIELDS = ("password1", "password2")


def _back_to_step_one(
    request: HttpRequest, outcome: str, form: ClaimIdentityForm | None = None
) -> HttpResponse:
    """The one page every failure shows, whatever the reason (or the throttled
    page), reached by a redirect to step 1; the wizard ends."""
    request.session.pop(STATE_KEY, None)
    return redirect_with_form(
        request, IDENTIFY_FORM, form, outcome=outcome, to=reverse("accounts:claim")
    )


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def identify(request: HttpRequest) -> HttpResponse:
    """Step 1. Always available: submitting it starts the wizard afresh (for
    instance a parent claiming a second child's account on the same device)."""
    if request.method != "POST":
        replay = replayed_form(request, IDENTIFY_FORM, ClaimIdentityForm)
        if not replay.after_post:
            next_url = safe_next(request)
            if next_url:
                request.session[NEXT_KEY] = next_url
            else:
                request.session.pop(NEXT_KEY, None)
        response = render(
            request,
            "accounts/claim_identify.html",
            _context(
                "identify",
                form=replay.form,
                failed=replay.outcome == FAILED,
                throttled=replay.outcome == THROTTLED,
            ),
        )
        if replay.outcome == THROTTLED:
            response.status_code = 429
        return response

    form = ClaimIdentityForm(request.POST)
    if not form.is_valid():
        return redirect_with_form(request, IDENTIFY_FORM, form)

    result = claiming.do_identify(
        request,
        form.cleaned_data["family_name"],
        form.cleaned_data["given_name"],
        form.cleaned_data["identifier"],
    )
    if result.throttled:
        return _back_to_step_one(request, THROTTLED, form)
    if result.person is None:
        return _back_to_step_one(request, FAILED, form)

    # A new session key here stops a planted session id from riding along.
    request.session.cycle_key()
    request.session.pop(DONE_KEY, None)
    _save_state(
        request,
        ClaimState(person_id=result.person.pk, step="password", wizard=secrets.token_urlsafe(16)),
    )
    return redirect("accounts:claim-password")


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def password(request: HttpRequest) -> HttpResponse:
    """Step 2. The password is validated here and kept only as its hash.

    Back from step 3 shows this step again: the password chosen stays unless a new
    one is submitted, and the last one submitted is the one the claim gets (a person
    who went back to change it must not end up with the one they changed).

    "Passwords cannot be reused" answers whether a password was this account's
    before (after a reset): those answers are counted per person, like failed
    step-1 attempts, so the step cannot be used to test old passwords at will."""
    state = _state(request)
    if state is None or state.get("step") not in ("password", "challenges"):
        return _redirect_to_current(request, state)
    if request.method == "POST" and not _from_this_wizard(request, state):
        return _redirect_to_current(request, state)
    claimant = claiming.find_claimant(request, state["person_id"], step="password")
    if claimant is None:
        return _back_to_step_one(request, FAILED)
    if request.method == "POST":
        form = NewPasswordForm(claimant.account, request.POST)
        step = claiming.check_new_password(request, claimant, form)
        if step is claiming.PasswordStep.THROTTLED:
            return _back_to_step_one(request, THROTTLED)
        if step is claiming.PasswordStep.CHOSEN:
            state["password_hash"] = make_password(form.password)
            state["step"] = "challenges"
            _save_state(request, state)
            return redirect("accounts:claim-challenges")
        return redirect_with_form(request, PASSWORD_FORM, form, forget=PASSWORD_FIELDS)
    account = claimant.account
    form = replayed_form(
        request, PASSWORD_FORM, lambda **kwargs: NewPasswordForm(account, **kwargs)
    ).form
    return render(
        request,
        "accounts/claim_password.html",
        _context(
            "password",
            form=form,
            wizard=state.get("wizard", ""),
            password_chosen=bool(state.get("password_hash")),
        ),
    )


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def challenges(request: HttpRequest) -> HttpResponse:
    """Step 3, and the only step that writes: the claim, in one transaction."""
    state = _state(request)
    if state is None or state.get("step") != "challenges" or not state.get("password_hash"):
        return _redirect_to_current(request, state)
    if request.method == "POST" and not _from_this_wizard(request, state):
        return _redirect_to_current(request, state)
    if request.method == "POST":
        form = ChallengeAnswersForm(request.POST)
        if not form.is_valid():
            return redirect_with_form(
                request, CHALLENGES_FORM, form, forget=form.answers_with_errors()
            )
        result = claiming.do_complete_claim(
            state["person_id"], state["password_hash"], form.answers, request=request
        )
        if result.account is None:
            return _back_to_step_one(request, FAILED)
        request.session.pop(STATE_KEY, None)
        request.session[DONE_KEY] = result.account.display_username
        return redirect("accounts:claim-done")
    form = replayed_form(request, CHALLENGES_FORM, ChallengeAnswersForm).form
    return render(
        request,
        "accounts/claim_challenges.html",
        _context("challenges", form=form, wizard=state.get("wizard", "")),
    )


@never_cache
@require_http_methods(["GET", "HEAD"])
def done(request: HttpRequest) -> HttpResponse:
    username = request.session.get(DONE_KEY)
    if not username:
        return _redirect_to_current(request, _state(request))
    return render(
        request,
        "accounts/claim_done.html",
        _context("done", username=username, next=request.session.get(NEXT_KEY, "")),
    )
