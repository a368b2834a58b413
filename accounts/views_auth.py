"""Sign in and out, "Need help?" (forgot username / password) and the signed-in
changes of password and challenge questions. Views parse, call one service, render."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts import changes, recovery
from accounts import login as login_service
from accounts.forms_auth import (
    ChangeChallengesForm,
    ChangePasswordForm,
    ForgotPasswordUsernameForm,
    ForgotUsernameForm,
    LoginForm,
    RecoveryAnswersForm,
    ResetPasswordForm,
)
from accounts.languages import keep_language_cookie
from accounts.models import Account, ChallengeQuestion
from accounts.role_policies import some_role_may_skip_questions
from common.form_replay import redirect_with_form, replayed_form
from common.net import client_ip

RECOVERY_SESSION_KEY = "password_recovery"
RECOVERY_DONE_SESSION_KEY = "password_recovery_done"

# Names under which a form with errors waits in the session for the page after the
# redirect (common.form_replay), and the outcomes a POST can name: a page answering
# a POST would make Back ask to post again.
FORGOT_USERNAME_FORM = "forgot-username"
FORGOT_PASSWORD_FORM = "forgot-password"  # noqa: S105 (a form's name)
RECOVERY_ANSWERS_FORM = "forgot-password-questions"
RESET_PASSWORD_FORM = "forgot-password-new"  # noqa: S105 (a form's name)
CHANGE_CHALLENGES_FORM = "change-challenges"
SENT, THROTTLED, LOCKED, WRONG = "sent", "throttled", "locked", "wrong"


def _example_username(role: str, identifier: str) -> tuple[str, str]:
    """(prefix, example) of a role's username template, displayed as the letter
    does: upper case for students (S0123456)."""
    template = settings.USERNAME_TEMPLATES[role]
    prefix = template.split("{identifier}")[0]
    example = template.format(identifier=identifier)
    if role == "student":
        return prefix.upper(), example.upper()
    return prefix, example


def login_tips_context() -> dict[str, Any]:
    student_prefix, student_example = _example_username("student", "123456")
    employee_prefix, employee_example = _example_username(
        "teacher", "77777".zfill(settings.EMPLOYEE_ID_DIGITS)
    )
    return {
        "student_prefix": student_prefix,
        "student_example": student_example,
        "employee_prefix": employee_prefix,
        "employee_example": employee_example,
        "lockout_minutes": max(1, settings.LOGIN_LOCKOUT_SECONDS // 60),
    }


def safe_next(request: HttpRequest) -> str:
    """The page to return to after signing in (a single sign-on app's authorization
    request, say), when it is on this site; otherwise nothing."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


@sensitive_post_parameters("password")
@never_cache
@csrf_protect
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request)
    if request.method == "GET" and request.user.is_authenticated:
        return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    failed = throttled = False
    if request.method == "POST":
        form = LoginForm(request.POST)
        if form.is_valid():
            result = login_service.do_login_attempt(
                request, form.cleaned_data["username"], form.cleaned_data["password"]
            )
            if result.succeeded:
                return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
            failed, throttled = True, result.throttled
            # Keep the typed username, never the password.
            form = LoginForm(initial={"username": form.cleaned_data["username"]})
    else:
        form = LoginForm()
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "failed": failed,
            "throttled": throttled,
            "next": next_url,
            **login_tips_context(),
        },
    )


@never_cache
def admin_login_view(request: HttpRequest) -> HttpResponse:
    """Where the admin sends people to sign in: the portal's own sign-in, so that
    technicians' accounts, which can reset and disable everyone's, have the same
    throttles and audit as everyone's (Django's admin login has neither). A
    signed-in person the admin turned away is not staff: sending them to sign in
    would bounce straight back, so they are told no instead."""
    next_url = safe_next(request) or reverse("admin:index")
    if request.user.is_authenticated:
        if admin.site.has_permission(request):  # staff with a bookmark to this page
            return HttpResponseRedirect(next_url)
        raise PermissionDenied
    return redirect_to_login(next_url, reverse(settings.LOGIN_URL))


@require_POST
@csrf_protect
@never_cache
def logout_view(request: HttpRequest) -> HttpResponse:
    """Families share devices: the sign-in page says the sign-out happened, so the
    next person knows nobody is signed in."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    login_service.do_logout(request)
    messages.success(request, _("You have signed out."))
    response = redirect(settings.LOGOUT_REDIRECT_URL)
    # The sign-in page stays in the language the person was reading.
    keep_language_cookie(response, language)
    return response


@never_cache
def help_view(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/help.html")


def _refused_request(
    request: HttpRequest, name: str, form: forms.Form, counter: Any
) -> HttpResponse | None:
    """The redirect back to a recovery request's page with the form's errors, or
    saying the address has asked too often (its attempt reserved before any work);
    None when the request goes on."""
    if not form.is_valid():
        return redirect_with_form(request, name, form)
    if not recovery.reserve_request(request, counter):
        return redirect_with_form(request, name, form, outcome=THROTTLED)
    return None


@never_cache
@csrf_protect
def forgot_username_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ForgotUsernameForm(request.POST)
        counter = recovery.username_request_counter(client_ip(request))
        if refused := _refused_request(request, FORGOT_USERNAME_FORM, form, counter):
            return refused
        recovery.do_send_username(request, form.cleaned_data["email"])
        return redirect_with_form(request, FORGOT_USERNAME_FORM, outcome=SENT)
    replay = replayed_form(request, FORGOT_USERNAME_FORM, ForgotUsernameForm)
    return render(
        request,
        "accounts/forgot_username.html",
        {
            "form": replay.form,
            "sent": replay.outcome == SENT,
            "throttled": replay.outcome == THROTTLED,
        },
    )


# --- Forgot password: username -> questions -> new password -> done ----------------
# The wizard's state lives in the session: {"username": typed username (folded),
# "account_id": id or None, "question_ids": [...], "verified": False or the
# recovery.verification_stamp of the account when its answers were right, "attempt": a
# random name for this run (recovery.do_reset_password)}. Only a server side session
# holds the account id; the visitor never sees whether one was found.


def _recovery_state(request: HttpRequest) -> dict[str, Any] | None:
    state = request.session.get(RECOVERY_SESSION_KEY)
    return state if isinstance(state, dict) else None


def _state_account(state: dict[str, Any]) -> Account | None:
    account_id = state.get("account_id")
    if account_id is None:
        return None
    account = recovery.find_recoverable_account(str(state["username"]))
    # The account may have been reset, disabled or renamed since step 1.
    return account if account is not None and account.pk == account_id else None


def _locked_response(request: HttpRequest) -> HttpResponse:
    """The page saying self-service is locked, shown by the first step's address."""
    request.session.pop(RECOVERY_SESSION_KEY, None)
    return redirect_with_form(
        request, FORGOT_PASSWORD_FORM, outcome=LOCKED, to=reverse("accounts:forgot-password")
    )


@never_cache
@csrf_protect
def forgot_password_view(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        replay = replayed_form(request, FORGOT_PASSWORD_FORM, ForgotPasswordUsernameForm)
        if replay.outcome == LOCKED:
            return render(request, "accounts/forgot_password_locked.html")
        return render(
            request,
            "accounts/forgot_password.html",
            {
                "form": replay.form,
                "throttled": replay.outcome == THROTTLED,
                "questions_optional": some_role_may_skip_questions(),
            },
        )
    form = ForgotPasswordUsernameForm(request.POST)
    counter = recovery.password_request_counter(client_ip(request))
    if refused := _refused_request(request, FORGOT_PASSWORD_FORM, form, counter):
        return refused
    key = login_service.normalize_username(form.cleaned_data["username"])
    account = recovery.find_recoverable_account(key)
    if recovery.is_recovery_locked(key, account):
        return _locked_response(request)
    questions = recovery.questions_for(key, account)
    request.session.cycle_key()
    request.session.pop(RECOVERY_DONE_SESSION_KEY, None)
    request.session[RECOVERY_SESSION_KEY] = {
        "username": key,
        "account_id": account.pk if account is not None else None,
        "question_ids": [q.pk for q in questions],
        "verified": False,
        "attempt": secrets.token_urlsafe(16),
    }
    return redirect("accounts:forgot-password-questions")


@sensitive_post_parameters()
@never_cache
@csrf_protect
def forgot_password_questions_view(request: HttpRequest) -> HttpResponse:
    state = _recovery_state(request)
    if state is None:
        return redirect("accounts:forgot-password")
    if state.get("verified"):
        return redirect("accounts:forgot-password-new")
    ids = [int(pk) for pk in state["question_ids"]]
    by_id = ChallengeQuestion.objects.in_bulk(ids)
    questions = [by_id[pk] for pk in ids if pk in by_id]
    account = _state_account(state)
    username = str(state["username"])
    if request.method == "POST":
        form = RecoveryAnswersForm(questions, request.POST)
        if not form.is_valid():
            # Answers are never kept, nor shown again: only the errors.
            return redirect_with_form(request, RECOVERY_ANSWERS_FORM, form, forget=form.fields)
        outcome = recovery.do_check_recovery_answers(request, username, account, form.answers())
        if outcome is recovery.AnswerOutcome.LOCKED:
            return _locked_response(request)
        if outcome is recovery.AnswerOutcome.CORRECT and account is not None:
            state["verified"] = recovery.verification_stamp(account)
            request.session[RECOVERY_SESSION_KEY] = state
            return redirect("accounts:forgot-password-new")
        return redirect_with_form(request, RECOVERY_ANSWERS_FORM, outcome=WRONG)
    if recovery.is_recovery_locked(username, account):
        return _locked_response(request)
    replay = replayed_form(
        request, RECOVERY_ANSWERS_FORM, lambda **kwargs: RecoveryAnswersForm(questions, **kwargs)
    )
    return render(
        request,
        "accounts/forgot_password_questions.html",
        {
            "form": replay.form,
            "wrong": replay.outcome == WRONG,
            "username": login_service.shown_username(username),
            "questions_optional": some_role_may_skip_questions(),
        },
    )


@sensitive_post_parameters()
@never_cache
@csrf_protect
def forgot_password_new_view(request: HttpRequest) -> HttpResponse:
    state = _recovery_state(request)
    if state is None and request.session.get(RECOVERY_DONE_SESSION_KEY):
        # A double submit or Back after the reset: it is done, say so.
        return redirect("accounts:forgot-password-done")
    if state is None or not state.get("verified"):
        return redirect("accounts:forgot-password")
    account = _state_account(state)
    if account is None or not recovery.is_verification_current(account, state["verified"]):
        request.session.pop(RECOVERY_SESSION_KEY, None)
        done_for = recovery.reset_completed_for(state.get("attempt"))
        if done_for:  # the twin of a double submit that has just reset it
            request.session[RECOVERY_DONE_SESSION_KEY] = done_for
            return redirect("accounts:forgot-password-done")
        return redirect("accounts:forgot-password")
    if request.method == "POST":
        form = ResetPasswordForm(account, request.POST)
        if not form.is_valid():
            return redirect_with_form(
                request, RESET_PASSWORD_FORM, form, forget=("password1", "password2")
            )
        recovery.do_reset_password(
            request, account, form.cleaned_data["password1"], attempt=state.get("attempt", "")
        )
        request.session.pop(RECOVERY_SESSION_KEY, None)
        request.session[RECOVERY_DONE_SESSION_KEY] = account.display_username
        return redirect("accounts:forgot-password-done")
    form = replayed_form(
        request, RESET_PASSWORD_FORM, lambda **kwargs: ResetPasswordForm(account, **kwargs)
    ).form
    return render(
        request,
        "accounts/forgot_password_new.html",
        {"form": form, "username": account.display_username},
    )


@never_cache
def forgot_password_done_view(request: HttpRequest) -> HttpResponse:
    username = request.session.get(RECOVERY_DONE_SESSION_KEY)
    if not username:
        return redirect("accounts:forgot-password")
    return render(request, "accounts/forgot_password_done.html", {"username": username})


# --- Signed in: change password, change challenge questions ---------------------------


@sensitive_post_parameters()
@never_cache
@csrf_protect
@login_required
def change_password_view(request: HttpRequest) -> HttpResponse:
    account = request.user
    assert isinstance(account, Account)
    form = ChangePasswordForm(account, request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        changes.do_change_password(request, account, form.cleaned_data["password1"])
        # Keep this session; every other session of the account ends.
        update_session_auth_hash(request, account)
        messages.success(
            request,
            _(
                "Your password has been changed. Any other device signed in to your "
                "account has been signed out."
            ),
        )
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/change_password.html", {"form": form})


@sensitive_post_parameters()
@never_cache
@csrf_protect
@login_required
def change_challenges_view(request: HttpRequest) -> HttpResponse:
    account = request.user
    assert isinstance(account, Account)
    if request.method == "POST":
        form = ChangeChallengesForm(account, request, request.POST)
        if not form.is_valid():
            # The chosen questions and the answers without an error are shown again.
            forget = {"current_password", *form.answers_with_errors()}
            return redirect_with_form(request, CHANGE_CHALLENGES_FORM, form, forget=forget)
        changes.do_change_challenges(request, account, form.answers)
        messages.success(request, _("Your challenge questions were successfully updated."))
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = replayed_form(
        request,
        CHANGE_CHALLENGES_FORM,
        lambda **kwargs: ChangeChallengesForm(account, request, **kwargs),
    ).form
    return render(request, "accounts/change_challenges.html", {"form": form})
