"""Forms shared by the claim wizard and the recovery and
change pages: a new password (with the policy), and three challenge answers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.challenges import active_questions, normalize_answer
from accounts.models import Account, ChallengeQuestion
from accounts.role_policies import password_rules_for, password_validators_for


class NewPasswordForm(forms.Form):
    """Password + re-entry, checked against the password rules of `user`'s role
    (accounts.role_policies; `user` may be an unsaved Account during a first claim).
    `rules` lists them for the page to show before the person types."""

    error_messages = {
        "password_mismatch": _("The passwords do not match."),
    }

    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Enter a password.")},
    )
    password2 = forms.CharField(
        label=_("Re-enter the new password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Enter the password again.")},
    )

    def __init__(self, user: Account, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = _(
            "Passwords are case sensitive. The rules are listed above."
        )

    @property
    def rules(self) -> list[str]:
        return password_rules_for(self.user)

    def clean_password1(self) -> str:
        password: str = self.cleaned_data["password1"]
        validate_password(
            password, user=self.user, password_validators=password_validators_for(self.user)
        )
        return password

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error(
                "password2",
                ValidationError(self.error_messages["password_mismatch"], code="password_mismatch"),
            )
        return cleaned

    @property
    def password(self) -> str:
        return str(self.cleaned_data["password1"])


class QuestionChoiceField(forms.ModelChoiceField[ChallengeQuestion]):
    """Shows each question in the language active when the page is rendered, as a
    list of radio buttons: a closed select cuts a long question short on a phone
    ("What was the name of your firs…"), a radio's label wraps."""

    widget = forms.RadioSelect

    def label_from_instance(self, obj: ChallengeQuestion) -> str:
        return obj.text_for(get_language() or "en")


class AnswerInput(forms.TextInput):
    """A visible text box for a challenge answer that is never written back into a
    page: after a wrong answer in recovery the person types it again, like a
    password."""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        return super().get_context(name, None, attrs)


class ChallengeAnswersForm(forms.Form):
    """`count` different questions from the catalog (the role's number,
    accounts.role_policies), as many different answers.

    No question is chosen in advance: no radio of a list is checked. Pre-chosen
    questions would be the set most people keep, and a set that common among real
    accounts would tell them apart from the questions shown for a username nobody
    has (accounts.recovery.questions_for).

    The person is choosing these answers now, in visible boxes: after an error the
    chosen questions and the answers without an error are shown again (the views
    keep them through common.form_replay); an answer with an error is typed again."""

    error_messages = {
        "duplicate_question": _("Choose a different question for each."),
        "duplicate_answer": _("Your answers must all be different."),
    }

    def __init__(self, *args: Any, count: int, **kwargs: Any) -> None:
        self.count = count
        super().__init__(*args, **kwargs)
        for n in range(1, count + 1):
            self.fields[f"question_{n}"] = QuestionChoiceField(
                queryset=active_questions(),
                label=_("Question %(number)s") % {"number": n},
                error_messages={
                    "required": _("Choose question %(number)s.") % {"number": n},
                    "invalid_choice": _("Choose a question from the list."),
                },
            )
            self.fields[f"answer_{n}"] = forms.CharField(
                label=_("Answer to question %(number)s") % {"number": n},
                max_length=200,
                widget=forms.TextInput(
                    attrs={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}
                ),
                error_messages={
                    "required": _("Answer this question."),
                    "max_length": _("Keep the answer under 200 characters."),
                },
            )

    def pairs(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """(question, answer) bound fields in order, for the template."""
        return [
            (self[f"question_{n}"], self[f"answer_{n}"]) for n in range(1, self.count + 1)
        ]

    def answers_with_errors(self) -> set[str]:
        """The answer fields that have an error: the ones not shown again."""
        return {name for name in self.errors if name.startswith("answer_")}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        seen_questions: set[int] = set()
        seen_answers: set[str] = set()
        for n in range(1, self.count + 1):
            question = cleaned.get(f"question_{n}")
            if question is not None:
                if question.pk in seen_questions:
                    self.add_error(
                        f"question_{n}",
                        ValidationError(
                            self.error_messages["duplicate_question"], code="duplicate_question"
                        ),
                    )
                seen_questions.add(question.pk)
            answer = cleaned.get(f"answer_{n}")
            if answer is not None:
                folded = normalize_answer(answer)
                if not folded:
                    self.add_error(f"answer_{n}", _("Answer this question."))
                elif folded in seen_answers:
                    self.add_error(
                        f"answer_{n}",
                        ValidationError(
                            self.error_messages["duplicate_answer"], code="duplicate_answer"
                        ),
                    )
                seen_answers.add(folded)
        return cleaned

    @property
    def answers(self) -> dict[int, str]:
        """Question id -> answer as typed (services normalise it)."""
        return {
            self.cleaned_data[f"question_{n}"].pk: self.cleaned_data[f"answer_{n}"]
            for n in range(1, self.count + 1)
        }
