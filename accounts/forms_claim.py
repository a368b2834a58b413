from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ClaimIdentityForm(forms.Form):
    """Step 1: who are you. Only shape is checked here; matching is in claiming.py."""

    family_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name", "spellcheck": "false"}),
        error_messages={"required": _("Enter your last name.")},
    )
    given_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name", "spellcheck": "false"}),
        error_messages={"required": _("Enter your first name.")},
    )
    identifier = forms.CharField(
        label=_("ID number"),
        max_length=64,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={"required": _("Enter your student or employee ID number.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        digits = settings.EMPLOYEE_ID_DIGITS
        field = self.fields["identifier"]
        if digits:
            field.help_text = _(
                'Students: your student ID number, without the letter "S". '
                "Employees: your employee ID number, with zeros in front to make "
                "%(digits)s digits (for example 0 + ID or 00 + ID)."
            ) % {"digits": digits}
        else:
            # Employee numbers with letters: a phone's number pad would hide them.
            field.widget.attrs["inputmode"] = "text"
            field.help_text = _(
                'Students: your student ID number, without the letter "S". '
                "Employees: your employee ID exactly as it appears in the HR system."
            )
