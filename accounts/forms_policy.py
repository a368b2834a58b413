"""The Acceptable Use Policy's "I agree", shared by the claim wizard's step and the
page a new version is asked on at sign-in (accounts.acceptable_use)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class PolicyAcceptanceForm(forms.Form):
    """The agreement, and for students (when the policy asks) a parent's or
    guardian's acceptance, which students 13 and over leave unticked."""

    agree = forms.BooleanField(
        label=_("I have read the Acceptable Use Policy and I agree to it."),
        error_messages={"required": _('Tick "I agree" to continue.')},
    )
    guardian_noted = forms.BooleanField(
        label=_(
            "Students under 13: my parent or guardian has read this policy with me "
            "and agrees to it."
        ),
        required=False,
    )

    def __init__(self, *args: Any, guardian_note: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not guardian_note:
            del self.fields["guardian_noted"]

    @property
    def has_guardian_note(self) -> bool:
        return bool(self.cleaned_data.get("guardian_noted", False))
