"""Where a person's number is on a users.csv row, and, when the configured place is
mostly empty, where else the numbers are.

Exports differ: the number may be in ``identifier``, ``username``, ``sourcedId`` or
one of the ``userIds`` (``{SIS:123456}``). The settings name one place per group
(students, employees); a run whose rows mostly have no usable number there says which
other place would give one, with counts, and the setting to change.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from directory.models import Person
from directory.sync.reader import Row
from directory.sync.values import IdRules, parse_user_ids

PLAIN_SOURCES = ("identifier", "username", "sourcedId")


def setting_for(role: str) -> tuple[str, str]:
    """(setting name, configured source) for the role's group."""
    if role == Person.Role.STUDENT:
        return "HALLPASS_ONEROSTER_STUDENT_ID_SOURCE", settings.ONEROSTER_STUDENT_ID_SOURCE
    return "HALLPASS_ONEROSTER_EMPLOYEE_ID_SOURCE", settings.ONEROSTER_EMPLOYEE_ID_SOURCE


def read_source(row: Row, source: str) -> tuple[str, str]:
    """(the raw number at ``source``, the column it came from)."""
    if source in PLAIN_SOURCES:
        return row.get(source), source
    if source.startswith("userIds:"):
        kind = source.partition(":")[2]
        return parse_user_ids(row.get("userIds")).get(kind, ""), "userIds"
    raise ImproperlyConfigured(
        f"ONEROSTER_*_ID_SOURCE must be identifier, username, sourcedId or "
        f"userIds:<Type>, not {source!r}"
    )


def usable(rules: IdRules, role: str, raw: str) -> bool:
    try:
        rules.number(role, raw)
    except ValueError:
        return False
    return True


@dataclass
class Group:
    rows: int = 0
    missing: int = 0
    # source -> rows without a number at the configured place that it would give one
    elsewhere: Counter[str] = field(default_factory=Counter)
    digits: Counter[str] = field(default_factory=Counter)  # ...made of digits only


@dataclass
class SourceSurvey:
    """Counts, per group, the rows without a usable number and where else one is."""

    rules: IdRules = field(default_factory=IdRules.from_settings)
    groups: dict[str, Group] = field(default_factory=dict)

    @staticmethod
    def group_of(role: str) -> str:
        return "student" if role == Person.Role.STUDENT else "employee"

    def group(self, role: str) -> Group:
        name = self.group_of(role)
        group = self.groups.get(name)
        if group is None:
            group = self.groups[name] = Group()
        return group

    def found(self, role: str, rows: int = 1) -> None:
        self.group(role).rows += rows

    def missing(self, role: str, row: Row) -> None:
        group = self.group(role)
        group.rows += 1
        group.missing += 1
        configured = setting_for(role)[1]
        candidates = [*PLAIN_SOURCES, *(f"userIds:{k}" for k in parse_user_ids(row.get("userIds")))]
        for source in candidates:
            if source == configured:
                continue
            raw = read_source(row, source)[0].strip()
            if raw and usable(self.rules, role, raw):
                group.elsewhere[source] += 1
                if raw.isdigit():
                    group.digits[source] += 1

    def hints(self) -> list[str]:
        """One note per group whose rows mostly have no usable number."""
        notes = []
        for name, group in self.groups.items():
            if group.missing * 2 <= group.rows:
                continue
            role = Person.Role.STUDENT if name == "student" else Person.Role.TEACHER
            setting, configured = setting_for(role)
            who = _("students") if name == "student" else _("employees")
            note = _(
                "%(missing)d of %(rows)d %(who)s have no usable number in %(source)s "
                "(%(setting)s=%(source)s)."
            ) % {
                "missing": group.missing,
                "rows": group.rows,
                "who": who,
                "source": configured,
                "setting": setting,
            }
            # Digits first: a sourcedId that is a GUID forms a username but is no number.
            ranked = sorted(
                group.elsewhere, key=lambda s: (-group.digits[s], -group.elsewhere[s], s)
            )
            if ranked:
                found = ", ".join(
                    _("%(source)s gives one for %(count)d (%(digits)d all digits)")
                    % {"source": s, "count": group.elsewhere[s], "digits": group.digits[s]}
                    for s in ranked
                )
                note += " " + _("Elsewhere on the same rows: %(found)s.") % {"found": found}
                note += " " + _("To read them from there, set %(setting)s=%(source)s.") % {
                    "setting": setting,
                    "source": ranked[0],
                }
            else:
                note += " " + _("No other column of users.csv holds one either.")
            notes.append(note)
        return notes
