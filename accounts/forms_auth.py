"""Forms for signing in, recovering a username or password, and changing them.

Password and challenge-question rules come from accounts.forms_common (shared with
the claim wizard); these forms only add what signing in and recovery need."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts import login as login_service
from accounts.forms_common import AnswerInput, ChallengeAnswersForm, NewPasswordForm
from accounts.models import Account, ChallengeQuestion
from accounts.role_policies import challenge_rule_for


def username_field() -> forms.CharField:
    """The username box of sign-in and forgot-password: no capitals or spell-check on
    phones, the browser's saved username offered."""
    return forms.CharField(
        label=_("Username"),
        max_length=150,
        error_messages={"required": _("Enter your username.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class LoginForm(forms.Form):
    username = username_field()
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=4096,
        error_messages={"required": _("Enter your password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ForgotUsernameForm(forms.Form):
    email = forms.EmailField(
        label=_("District email address"),
        max_length=254,
        error_messages={
            "required": _("Enter your district email address."),
            "invalid": _("Enter an email address, like name@example.org."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ForgotPasswordUsernameForm(forms.Form):
    username = username_field()


class RecoveryAnswersForm(forms.Form):
    """One answer box per challenge question, labelled with the question in the
    active language. Answers are compared by accounts.challenges.check_answers."""

    def __init__(self, questions: Sequence[ChallengeQuestion], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = get_language() or "en"
        self.questions = list(questions)
        for question in self.questions:
            self.fields[f"answer_{question.pk}"] = forms.CharField(
                label=question.text_for(language),
                max_length=255,
                strip=False,
                error_messages={"required": _("Answer this question.")},
                widget=AnswerInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            )

    def answers(self) -> dict[int, str]:
        return {q.pk: str(self.cleaned_data[f"answer_{q.pk}"]) for q in self.questions}


class CurrentPasswordMixin(forms.Form):
    """Asks for the current password before a signed-in change (someone else may be
    using a shared device that was left signed in)."""

    account: Account
    current_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        max_length=4096,
        error_messages={"required": _("Enter your current password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    request: HttpRequest
    purpose: str

    def clean_current_password(self) -> str:
        value = str(self.cleaned_data["current_password"])
        check = login_service.check_current_password(
            self.request, self.account, value, purpose=self.purpose
        )
        if check is login_service.CurrentPasswordCheck.THROTTLED:
            raise forms.ValidationError(
                _("Too many attempts, please try again later."), code="throttled"
            )
        if check is login_service.CurrentPasswordCheck.WRONG:
            raise forms.ValidationError(
                _("Your current password is not correct."), code="wrong_current_password"
            )
        return value


class ChangePasswordForm(CurrentPasswordMixin, NewPasswordForm):
    """Current password, then a new one under the full policy (history included)."""

    purpose = "change_password"

    def __init__(
        self, account: Account, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> None:
        self.account, self.request = account, request
        super().__init__(account, *args, **kwargs)
        self.order_fields(["current_password", "password1", "password2"])

    def clean_password1(self) -> str:
        """The new password is checked against the rules only once the current one
        was accepted: "Passwords cannot be reused" compares it with the current and
        earlier passwords, and must not answer for a wrong or throttled current
        password."""
        if "current_password" not in self.cleaned_data:
            return str(self.cleaned_data["password1"])
        return super().clean_password1()


class ChangeChallengesForm(CurrentPasswordMixin, ChallengeAnswersForm):
    """Current password, then new questions and answers, as many as the account's
    role answers (also for a person who skipped them at the claim)."""

    purpose = "change_challenges"

    def __init__(
        self, account: Account, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> None:
        self.account, self.request = account, request
        super().__init__(*args, count=challenge_rule_for(account).count, **kwargs)
        self.order_fields(["current_password"])


class ResetPasswordForm(NewPasswordForm):
    """The new password at the end of "Forgot My Password"."""
