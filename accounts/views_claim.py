"""Claim My Account: a wizard of four or five pages whose state lives in the session.

Who are you -> the Acceptable Use Policy (when one applies to the person's role) ->
create a password -> challenge questions (skippable where the role allows) -> done.

State (request.session["claim"]) = {"person_id", "step", "password_hash", the policy
version agreed to and in which language, the role's number of questions}; the raw
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
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts import acceptable_use, claiming
from accounts.forms_claim import ClaimIdentityForm
from accounts.forms_common import ChallengeAnswersForm, NewPasswordForm
from accounts.forms_policy import PolicyAcceptanceForm
from accounts.models import Account
from accounts.role_policies import challenge_rule_for, default_question_count, policy_role
from accounts.views_auth import safe_next
from common.form_replay import redirect_with_form, replayed_form
from directory.models import Person

STATE_KEY = "claim"
DONE_KEY = "claimed_username"
# Where signing in goes after the claim: the page that sent the person to sign in
# (an app's authorization request) when they had no account yet.
NEXT_KEY = "claim_next"
# Whether the finished claim skipped the challenge questions (the done page says so).
SKIPPED_KEY = "claimed_without_questions"

Step = Literal["policy", "password", "challenges"]


class ClaimState(TypedDict, total=False):
    person_id: int
    step: Step
    password_hash: str
    # Random per wizard, echoed by its pages' forms: a tab left open on an earlier
    # wizard (restarted meanwhile for another person) cannot post into this one.
    wizard: str
    # Whether an Acceptable Use Policy step is part of this wizard, and what was
    # agreed to on it (accounts.acceptable_use.PolicyChoice's fields).
    policy_step: bool
    policy_id: int
    policy_language: str
    guardian_noted: bool
    # The role's challenge questions (accounts.role_policies.ChallengeRule).
    question_count: int
    questions_required: bool


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
    if state.get("step") == "policy":
        return redirect("accounts:claim-policy")
    return redirect("accounts:claim-password")


CLAIM_STEPS = [
    ("identify", _("Who are you")),
    ("policy", _("Acceptable Use Policy")),
    ("password", _("Create a password")),
    ("challenges", _("Challenge questions")),
    ("done", _("Done")),
]


def _context(step: str, *, policy_step: bool = True, **extra: Any) -> dict[str, Any]:
    steps = [(key, label) for key, label in CLAIM_STEPS if policy_step or key != "policy"]
    keys = [key for key, _label in steps]
    return {
        "claim_steps": steps,
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
POLICY_FORM = "claim-policy"
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


def _claimant_or_response(
    request: HttpRequest, state: ClaimState, *, step: str
) -> claiming.Claimant | HttpResponse:
    """The person a step is for, or the page to answer instead: a POST from a tab
    of an earlier wizard goes to the current step, and a person who can no longer
    be claimed (claimed meanwhile elsewhere, left, disabled) gets the failure page."""
    if request.method == "POST" and not _from_this_wizard(request, state):
        return _redirect_to_current(request, state)
    claimant = claiming.find_claimant(request, state["person_id"], step=step)
    if claimant is None:
        return _back_to_step_one(request, FAILED)
    return claimant


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
    request.session.pop(SKIPPED_KEY, None)
    claimant = Account(username=result.person.username, person=result.person)
    policy_step = acceptable_use.current_policy_id(policy_role(claimant)) is not None
    questions = challenge_rule_for(claimant)
    _save_state(
        request,
        ClaimState(
            person_id=result.person.pk,
            step="policy" if policy_step else "password",
            wizard=secrets.token_urlsafe(16),
            policy_step=policy_step,
            question_count=questions.count,
            questions_required=questions.required,
        ),
    )
    return redirect("accounts:claim-policy" if policy_step else "accounts:claim-password")


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def policy(request: HttpRequest) -> HttpResponse:
    """Step 2 when the district's Acceptable Use Policy applies to the person's role:
    read it, tick "I agree". What was agreed to is kept in the wizard's state and
    recorded with the claim. Back from a later step shows it again, ticked."""
    state = _state(request)
    if state is None or not state.get("policy_step"):
        return _redirect_to_current(request, state)
    claimant = _claimant_or_response(request, state, step="policy")
    if isinstance(claimant, HttpResponse):
        return claimant
    current = acceptable_use.current_policy_for(claimant.account)
    if current is None:  # withdrawn since the wizard began: nothing to agree to
        state["policy_step"] = False
        state["step"] = "password" if state.get("step") == "policy" else state["step"]
        _save_state(request, state)
        return _redirect_to_current(request, state)
    guardian_note = acceptable_use.needs_guardian_note(current, claimant.account)
    if request.method == "POST":
        posted = PolicyAcceptanceForm(request.POST, guardian_note=guardian_note)
        if not posted.is_valid():
            return redirect_with_form(request, POLICY_FORM, posted)
        state["policy_id"] = current.pk
        state["policy_language"] = get_language() or settings.LANGUAGE_CODE
        state["guardian_noted"] = posted.has_guardian_note
        if state.get("step") == "policy":
            state["step"] = "password"
        _save_state(request, state)
        return redirect("accounts:claim-password")
    agreed = state.get("policy_id") == current.pk
    agreed_before = {"agree": agreed, "guardian_noted": agreed and state.get("guardian_noted")}
    form = replayed_form(
        request,
        POLICY_FORM,
        lambda **kwargs: PolicyAcceptanceForm(
            guardian_note=guardian_note, **{"initial": agreed_before, **kwargs}
        ),
    ).form
    return render(
        request,
        "accounts/claim_policy.html",
        _context(
            "policy",
            form=form,
            wizard=state.get("wizard", ""),
            policy=current,
            policy_html=acceptable_use.policy_html(current, get_language() or "en"),
        ),
    )


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def password(request: HttpRequest) -> HttpResponse:
    """The password step. The password is validated here and kept only as its hash.

    Back from the questions shows this step again: the password chosen stays unless
    a new one is submitted, and the last one submitted is the one the claim gets (a
    person who went back to change it must not end up with the one they changed).

    "Passwords cannot be reused" answers whether a password was this account's
    before (after a reset): those answers are counted per person, like failed
    step-1 attempts, so the step cannot be used to test old passwords at will."""
    state = _state(request)
    if state is None or state.get("step") not in ("password", "challenges"):
        return _redirect_to_current(request, state)
    claimant = _claimant_or_response(request, state, step="password")
    if isinstance(claimant, HttpResponse):
        return claimant
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
            policy_step=bool(state.get("policy_step")),
            form=form,
            wizard=state.get("wizard", ""),
            password_chosen=bool(state.get("password_hash")),
        ),
    )


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def challenges(request: HttpRequest) -> HttpResponse:
    """The last step, and the only one that writes: the claim, in one transaction."""
    state = _state(request)
    if state is None or state.get("step") != "challenges" or not state.get("password_hash"):
        return _redirect_to_current(request, state)
    if request.method == "POST" and not _from_this_wizard(request, state):
        return _redirect_to_current(request, state)
    count = int(state.get("question_count", default_question_count()))
    may_skip = not state.get("questions_required", True)
    if request.method == "POST":
        skipped = may_skip and "skip" in request.POST
        form = ChallengeAnswersForm(None if skipped else request.POST, count=count)
        if not skipped and not form.is_valid():
            return redirect_with_form(
                request, CHALLENGES_FORM, form, forget=form.answers_with_errors()
            )
        result = claiming.do_complete_claim(
            state["person_id"],
            state["password_hash"],
            {} if skipped else form.answers,
            question_count=count,
            policy=_policy_choice(state),
            request=request,
        )
        if result.account is None:
            return _back_to_step_one(request, FAILED)
        request.session.pop(STATE_KEY, None)
        request.session[DONE_KEY] = result.account.display_username
        request.session[SKIPPED_KEY] = skipped
        return redirect("accounts:claim-done")
    form = replayed_form(
        request, CHALLENGES_FORM, lambda **kwargs: ChallengeAnswersForm(count=count, **kwargs)
    ).form
    return render(
        request,
        "accounts/claim_challenges.html",
        _context(
            "challenges",
            policy_step=bool(state.get("policy_step")),
            form=form,
            wizard=state.get("wizard", ""),
            may_skip=may_skip,
        ),
    )


def _policy_choice(state: ClaimState) -> acceptable_use.PolicyChoice | None:
    if not state.get("policy_step") or "policy_id" not in state:
        return None
    return acceptable_use.PolicyChoice(
        policy_id=state["policy_id"],
        language=state.get("policy_language", settings.LANGUAGE_CODE),
        guardian_noted=bool(state.get("guardian_noted")),
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
        _context(
            "done",
            policy_step=False,
            username=username,
            next=request.session.get(NEXT_KEY, ""),
            skipped_questions=bool(request.session.get(SKIPPED_KEY)),
        ),
    )
