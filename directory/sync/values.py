"""Field parsers and the identifier/username rules shared by both importers.

Each parser raises ``ValueError`` with a message meant for the person who has to fix
the export.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

USERNAME_RE = re.compile(r"^[a-z0-9._-]{1,150}$")
EMPLOYEE_ROLES = frozenset({"teacher", "staff", "administrator"})
# ISO (also with a time after it, as some exports write dates) and US M/D/YYYY.
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-][0-9:]+)?)?$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
# A plain address (letters, digits, "_", "+", "-" and single dots before the "@"; a
# host name of ASCII labels with a letters-only top-level domain after it), as nearly
# every district's are. Django's validator accepts each such address too, so these
# take one match instead of the validator's work; anything else (quoted names, other
# characters, international domains, address literals) goes to the validator.
_PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
# The longest address a person's record holds (Django's validator takes 320).
EMAIL_MAX_LENGTH = 254
# The longest number a person's record holds.
IDENTIFIER_MAX_LENGTH = 64
# The longest text a name field holds.
TEXT_MAX_LENGTH = 255
_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0"})


def parse_date(value: str) -> date:
    """A date as vendors write them: ``YYYY-MM-DD`` (a time after it is ignored) or
    ``M/D/YYYY``."""
    iso = _ISO_DATE.match(value)
    us = None if iso else _US_DATE.match(value)
    parts = (iso[1], iso[2], iso[3]) if iso else (us[3], us[1], us[2]) if us else None
    if parts:
        try:
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            pass
    raise ValueError(
        _("%(value)r is not a date in the form YYYY-MM-DD or M/D/YYYY.") % {"value": value}
    )


def parse_datetime(value: str) -> datetime:
    """Lenient ISO 8601 (1.2.1 wants ``YYYY-MM-DDTHH:MM:SS.sssZ``; 1.1 sends less)."""
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(
            _("%(value)r is not a date-time such as 2024-08-01T12:00:00.000Z.") % {"value": value}
        ) from None


def parse_bool(value: str) -> bool:
    """``true/false``, ``yes/no``, ``y/n``, ``1/0`` in any letter case (vendors send
    ``TRUE`` and ``yes``)."""
    folded = value.casefold()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise ValueError(_("%(value)r is not true or false.") % {"value": value})


def split_list(value: str) -> list[str]:
    if "," not in value:  # most lists of a district hold one item
        item = value.strip()
        return [item] if item else []
    return [item.strip() for item in value.split(",") if item.strip()]


def parse_user_ids(value: str) -> dict[str, str]:
    """``{SIS:123},{LDAP:jdoe}`` -> {"SIS": "123", "LDAP": "jdoe"}."""
    found: dict[str, str] = {}
    for item in split_list(value):
        inner = item.strip().removeprefix("{").removesuffix("}")
        kind, sep, ident = inner.partition(":")
        if sep:
            found.setdefault(kind.strip(), ident.strip())
    return found


@dataclass(frozen=True)
class PersonNumber:
    """A person's number as the directory stores it, and the username it forms."""

    identifier: str
    username: str


@dataclass(frozen=True)
class IdRules:
    """The settings that turn a number into a username, read once per run (a run asks
    them for every person)."""

    templates: dict[str, str]
    digits: int

    @classmethod
    def from_settings(cls) -> IdRules:
        return cls(dict(settings.USERNAME_TEMPLATES), settings.EMPLOYEE_ID_DIGITS)

    def employee_id(self, value: str) -> str:
        """Digits only, zero-padded to EMPLOYEE_ID_DIGITS ("77777" -> "077777"); with
        EMPLOYEE_ID_DIGITS = 0, any number as given (letters too: "jdoe42"), left for
        the username template to accept or refuse."""
        digits = self.digits
        value = value.strip()
        if digits == 0:
            if not value:
                raise ValueError(_("The ID is empty."))
            return check_text(value, max_length=IDENTIFIER_MAX_LENGTH)
        if not value.isascii() or not value.isdigit():
            raise ValueError(
                _("Employee ID %(value)r must contain only digits.") % {"value": value}
            )
        if len(value) > digits:
            raise ValueError(
                _("Employee ID %(value)r has more than %(digits)d digits.")
                % {"value": value, "digits": digits}
            )
        return value.zfill(digits)

    def identifier(self, role: str, value: str) -> str:
        """The person's number as Hallpass stores it, or ValueError."""
        value = value.strip()
        if not value:
            raise ValueError(_("The ID is empty."))
        if role in EMPLOYEE_ROLES:
            return self.employee_id(value)
        return check_text(value, max_length=IDENTIFIER_MAX_LENGTH)

    def number(self, role: str, value: str) -> PersonNumber:
        """What the directory makes of ``value`` as the number of a person in
        ``role``, or ValueError saying why it takes no such number. The syncs and the
        claim form both ask this, so a number one accepts the other accepts too."""
        identifier = self.identifier(role, value)
        return PersonNumber(identifier, self.username(role, identifier))

    def username(self, role: str, identifier: str) -> str:
        """The username from the role's template, lower case; ValueError if unusable."""
        username = self.templates[role].format(identifier=identifier).casefold()
        if not USERNAME_RE.match(username):
            raise ValueError(
                _(
                    "ID %(identifier)r cannot form a valid username (%(username)r): only "
                    "letters a-z, digits, '.', '_' and '-' are allowed."
                )
                % {"identifier": identifier, "username": username}
            )
        return username


def normalise_employee_id(value: str) -> str:
    return IdRules.from_settings().employee_id(value)


def normalise_identifier(role: str, value: str) -> str:
    return IdRules.from_settings().identifier(role, value)


def make_username(role: str, identifier: str) -> str:
    return IdRules.from_settings().username(role, identifier)


def plain_email(value: str) -> bool:
    """Whether ``value`` is a plain address (``_PLAIN_EMAIL``): one Django's validator
    accepts too."""
    return len(value) <= EMAIL_MAX_LENGTH and _PLAIN_EMAIL.fullmatch(value) is not None


def check_email(value: str) -> str:
    if not value:
        return ""
    check_text(value, max_length=EMAIL_MAX_LENGTH)
    if plain_email(value):
        return value
    try:
        validate_email(value)
    except ValidationError:
        raise ValueError(_("%(value)r is not an email address.") % {"value": value}) from None
    return value


def check_text(value: str, *, required: bool = False, max_length: int = TEXT_MAX_LENGTH) -> str:
    if required and not value:
        raise ValueError(_("A value is required."))
    if len(value) > max_length:
        raise ValueError(_("The value is longer than %(max)d characters.") % {"max": max_length})
    return value


def check_grades(value: str) -> str:
    """A list of grades as the directory stores it ("09,10"), or ValueError."""
    return check_text(",".join(split_list(value)))
