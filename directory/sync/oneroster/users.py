"""users.csv: people, their numbers and usernames, and HR-owned employees linked
rather than duplicated."""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter

from django.utils.translation import gettext as _

from directory.models import Person
from directory.sync.fingerprint import NO_FINGERPRINT, Fingerprinter
from directory.sync.oneroster.reading import Reading
from directory.sync.oneroster.roles import role_from_roles_12, role_from_users_11
from directory.sync.oneroster.schema import COLUMNS, ROLE_MAP, USERS_11, PersonRecord
from directory.sync.oneroster.sources import (
    PLAIN_SOURCES,
    SourceSurvey,
    read_source,
    setting_for,
)
from directory.sync.reader import Column, Row
from directory.sync.report import IgnoredReason
from directory.sync.rows import FileContext, RowErrors
from directory.sync.values import (
    EMPLOYEE_ROLES,
    TEXT_MAX_LENGTH,
    IdRules,
    plain_email,
    split_list,
)

# Cells that say nothing about the person: left out of a row's fingerprint, so an
# export that restamps every row's date still matches.
UNHASHED = frozenset({"status", "dateLastModified"})
# enabledUser as most exports write it (empty reads as enabled); other spellings take
# the full checks.
PLAINLY_ENABLED = frozenset({"", "true", "TRUE", "True"})
# The cells ``plainly_right`` reads, by position; then the two numbers' columns.
PLAIN_PATH_COLUMNS = (
    "enabledUser", "role", "orgSourcedIds", "givenName", "familyName", "middleName",
    "preferredGivenName", "preferredFamilyName", "email", "grades",
)  # fmt: skip


class UserReader:
    """Reads users.csv row by row; keeps which username each row claimed."""

    def __init__(self, reading: Reading) -> None:
        self.reading = reading
        self.snapshot = reading.snapshot
        self.username_owner = dict(reading.snapshot.username_owner)
        self.new_owner_line: dict[str, tuple[str, int]] = {}
        self.rules = IdRules.from_settings()
        self.survey = SourceSurvey(self.rules)
        self.student_source = setting_for(Person.Role.STUDENT)[1]
        self.employee_source = setting_for(Person.Role.TEACHER)[1]
        # Addresses the directory holds were checked when they came in.
        self.known_emails = {p.values.email for p in reading.snapshot.people.values()}
        self.fingerprint = Fingerprinter(
            reading.version, self.rules, self.student_source, self.employee_source
        )
        self.hashed: list[int] = []  # positions of the cells a fingerprint covers
        # Rows that are plainly right are read by position (``plainly_right``), when
        # both numbers are read from a column of their own.
        self.plain_sources = {self.student_source, self.employee_source} <= set(PLAIN_SOURCES)
        self.plain_cells: Callable[[list[str]], tuple[str, ...]] | None = None

    def read(self) -> None:
        reading = self.reading
        columns = COLUMNS["users"] + (USERS_11 if reading.manifest.roles_on_users else [])
        desired, problems = reading.desired.users, reading.problems
        # 1.2 reads a user's role from roles.csv, which the row's fingerprint does not
        # cover: those rows are always checked in full.
        skipping = reading.manifest.roles_on_users
        for context, row, sid, present in reading.rows("users", columns):
            if not self.hashed:
                self.hashed = _hashed_positions(row, columns)
            fingerprint = self.fingerprint([row.cells[i] for i in self.hashed])
            if skipping and present and self.unchanged(row, sid, fingerprint):
                continue
            seen_problems = len(problems)
            self.read_row(context, row, sid, present)
            # Only a row that read without a word is vouched for: one with a warning
            # is checked again next time, so the report says it again.
            if sid in desired and len(problems) == seen_problems:
                reading.user_fingerprints[sid] = fingerprint
        reading.report.notes.extend(self.survey.hints())
        desired = reading.desired.users
        keys = set(desired) | set(reading.links.by_sid)
        if not reading.manifest.bulk("users"):
            keys.update(self.snapshot.people)
            keys.update(self.snapshot.hr_by_sid)
        # Enrollments of removed or disabled users stay valid for people we hold, and
        # are ignored for people we never created.
        for sid in reading.desired.removed_of("users"):
            if sid in self.snapshot.people or sid in self.snapshot.hr_by_sid:
                keys.add(sid)
            else:
                reading.ignored_users.add(sid)
        reading.universe.people = keys
        reading.check_empty_bulk("users", self.snapshot.active_people)

    def unchanged(self, row: Row, sid: str, fingerprint: int) -> bool:
        """Whether the row is the one the person was last written from, and what it
        refers to is still there: then the directory's record stands for it, unchecked.

        Only for an active person OneRoster owns (a returning or linked one takes the
        full path) whose orgs are all still in this run."""
        current = self.snapshot.people.get(sid)
        stored = self.snapshot.person_fingerprints.get(sid, NO_FINGERPRINT)
        if current is None or not current.active or stored != fingerprint:
            return False
        record = current.values
        orgs = self.reading.universe.orgs
        if not record.orgs <= orgs or (record.primary_org and record.primary_org not in orgs):
            return False
        if sid in self.snapshot.hr_by_sid:
            return False
        self.survey.found(record.role)
        self.username_owner[record.username] = sid
        self.new_owner_line[record.username] = (sid, row.line)
        self.reading.desired.users[sid] = record
        self.reading.user_fingerprints[sid] = fingerprint
        return True

    def plainly_right(self, row: Row, sid: str) -> bool:
        """Takes a present row of a 1.1 package that is plainly right, the way the full
        checks would take it, with none of their calls: enabled, a directory role, at
        most one org and that one there, names and an address that pass as they are,
        a number that forms a free username, no HR employee to link. Most rows of a
        district are so. False (having changed nothing) leaves the row to the full
        checks, which name every problem."""
        reading = self.reading
        if not reading.manifest.roles_on_users or not self.plain_sources:
            return False
        if self.plain_cells is None:
            columns = (*PLAIN_PATH_COLUMNS, self.student_source, self.employee_source)
            self.plain_cells = itemgetter(*(row.index[c] for c in columns))
        (
            enabled, role_name, org, given, family, middle, preferred_given,
            preferred_family, email, grades, student_number, employee_number,
        ) = [cell.strip() for cell in self.plain_cells(row.cells)]  # fmt: skip
        role = ROLE_MAP.get(role_name.casefold())
        if (
            enabled not in PLAINLY_ENABLED
            or role is None
            or "," in org
            or (org and org not in reading.universe.orgs)
            or not given
            or not family
            or max(
                len(given), len(family), len(middle), len(preferred_given), len(preferred_family)
            )
            > TEXT_MAX_LENGTH
            or (email and email not in self.known_emails and not plain_email(email))
        ):
            return False
        try:
            number = self.rules.number(
                role, student_number if role == Person.Role.STUDENT else employee_number
            )
        except ValueError:
            return False
        identifier, username = number.identifier, number.username
        snapshot = self.snapshot
        if sid in snapshot.hr_by_sid or (
            role in EMPLOYEE_ROLES and identifier in snapshot.hr_by_identifier
        ):
            return False
        owner = self.username_owner.get(username)
        if owner is not None and owner != sid:
            return False
        self.survey.found(role)
        self.username_owner[username] = sid
        self.new_owner_line[username] = (sid, row.line)
        reading.desired.users[sid] = PersonRecord(
            role=role,
            given_name=given,
            family_name=family,
            middle_name=middle,
            preferred_given_name=preferred_given,
            preferred_family_name=preferred_family,
            identifier=identifier,
            username=username,
            email=email,
            grades=",".join(split_list(grades)),
            primary_org=org or None,
            orgs=frozenset((org,)) if org else frozenset(),
        )
        return True

    def read_row(self, context: FileContext, row: Row, sid: str, present: bool | None) -> None:
        if present and self.plainly_right(row, sid):
            return
        reading = self.reading
        errors = RowErrors(context, row.line)
        if present is False:
            reading.desired.removed_of("users").add(sid)
            return
        # 1.0 has no enabledUser; an empty cell means enabled too.
        enabled = errors.boolean(row, "enabledUser", default=True)
        if reading.manifest.roles_on_users:
            user_role = role_from_users_11(reading, errors, row)
        else:
            user_role = role_from_roles_12(reading, errors, row)
        if user_role is None:
            reading.ignored_users.add(sid)
            context.ignore(row.line, IgnoredReason.NOT_A_DIRECTORY_ROLE)
            return
        role = user_role.role
        given = errors.text(row, "givenName", required=True)
        family = errors.text(row, "familyName", required=True)
        middle = errors.text(row, "middleName")
        preferred_given = errors.text(row, "preferredGivenName")
        preferred_family = errors.text(row, "preferredFamilyName")
        email = row.get("email")
        if email not in self.known_emails:
            email = errors.email(row, "email")
        identifier = username = column = ""
        if role is not None:
            source = self.student_source if role == Person.Role.STUDENT else self.employee_source
            raw, column = read_source(row, source)
            try:
                number = self.rules.number(role, raw)
                identifier, username = number.identifier, number.username
            except ValueError as error:
                errors.fail(column, str(error))
                self.survey.missing(role, row)
            else:
                self.survey.found(role)
        if present is None or not errors.ok or role is None:
            context.reject(sid, row.line)
            return
        if not enabled:
            reading.desired.removed_of("users").add(sid)
            return
        if self.link_to_hr(errors, context, sid, role, identifier, column):
            return
        owner = self.username_owner.get(username)
        if owner is not None and owner != sid:
            where = self.new_owner_line.get(username)
            reason = (
                _(
                    "Username %(username)s collides with sourcedId %(other)r "
                    "(line %(line)d of this file)."
                )
                % {"username": username, "other": owner, "line": where[1]}
                if where
                else _("Username %(username)s already belongs to %(other)r in the directory.")
                % {"username": username, "other": owner}
            )
            errors.fail(column, reason)
            context.reject(sid, row.line)
            return
        self.username_owner[username] = sid
        self.new_owner_line[username] = (sid, row.line)
        reading.desired.users[sid] = PersonRecord(
            role=role,
            given_name=given,
            family_name=family,
            middle_name=middle,
            preferred_given_name=preferred_given,
            preferred_family_name=preferred_family,
            identifier=identifier,
            username=username,
            email=email,
            grades=",".join(split_list(row.get("grades"))),
            primary_org=user_role.primary_org,
            orgs=frozenset(user_role.orgs),
        )

    def link_to_hr(
        self,
        errors: RowErrors,
        context: FileContext,
        sid: str,
        role: str,
        identifier: str,
        column: str,
    ) -> bool:
        """An employee HR already owns is linked, and OneRoster stores nothing HR owns.
        True when the row is settled (linked, or rejected for a second link)."""
        reading = self.reading
        links = reading.links
        hr_pk = self.snapshot.hr_by_sid.get(sid)
        if hr_pk is None and sid not in self.snapshot.people and role in EMPLOYEE_ROLES:
            match = self.snapshot.hr_by_identifier.get(identifier)
            if match is not None and match[1] in ("", sid):
                hr_pk = match[0]
                if match[1] != sid:
                    if hr_pk in links.new:
                        errors.fail(
                            column,
                            _(
                                "Employee %(id)s is already linked to sourcedId %(other)r "
                                "in this file."
                            )
                            % {"id": identifier, "other": links.new[hr_pk]},
                        )
                        context.reject(sid, errors.line)
                        return True
                    links.new[hr_pk] = sid
        if hr_pk is None:
            return False
        links.by_sid[sid] = hr_pk
        if links.new.get(hr_pk) == sid:
            context.counts.updated += 1
        else:
            context.counts.unchanged += 1
        return True


def _hashed_positions(row: Row, columns: list[Column]) -> list[int]:
    return [row.index[c.name] for c in columns if c.name not in UNHASHED]
