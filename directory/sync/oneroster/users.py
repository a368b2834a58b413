"""users.csv: people, their numbers and usernames, and HR-owned employees linked
rather than duplicated."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import cached_property
from operator import itemgetter

from django.utils.translation import gettext as _

from directory.models import Person
from directory.sync.fingerprint import fingerprinter
from directory.sync.oneroster.reading import Reading
from directory.sync.oneroster.roles import role_from_roles_12, role_from_users_11
from directory.sync.oneroster.schema import COLUMNS, ROLE_MAP, USERS_11, PersonRecord
from directory.sync.oneroster.sources import (
    PLAIN_SOURCES,
    SourceSurvey,
    read_source,
    setting_for,
)
from directory.sync.oneroster.stored import load_people, people_outside
from directory.sync.reader import Column, Row
from directory.sync.report import IgnoredReason
from directory.sync.rows import FileContext, RowErrors
from directory.sync.tables import username_owners
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
        self.new_owner_line: dict[str, tuple[str, int]] = {}
        # Rows that stand for their person unread: sourcedId -> line.
        self.unchanged: dict[str, int] = {}
        self.rules = IdRules.from_settings()
        self.survey = SourceSurvey(self.rules)
        self.student_source = setting_for(Person.Role.STUDENT)[1]
        self.employee_source = setting_for(Person.Role.TEACHER)[1]
        # Addresses the directory holds were checked when they came in.
        self.known_emails = reading.snapshot.emails
        self.fingerprint = fingerprinter(
            reading.version, self.rules, self.student_source, self.employee_source
        )
        # Rows that are plainly right are read by position (``plainly_right``), when
        # both numbers are read from a column of their own.
        self.plain_sources = {self.student_source, self.employee_source} <= set(PLAIN_SOURCES)
        self.plain_cells: Callable[[list[str]], tuple[str, ...]] | None = None

    @cached_property
    def username_owner(self) -> dict[str, str]:
        """Who holds each username: read when a row first needs it (a run whose rows
        all stand unread never does)."""
        return username_owners()

    def read(self) -> None:
        reading, snapshot = self.reading, self.snapshot
        columns = COLUMNS["users"] + (USERS_11 if reading.manifest.roles_on_users else [])
        desired, problems = reading.desired.users, reading.problems
        stored = snapshot.people_fingerprints
        # 1.2 reads a user's role from roles.csv, which the row's fingerprint does not
        # cover: those rows are always checked in full. So are the rows of people
        # with an org no longer in the run (the report says which), and HR's.
        skipping = reading.manifest.roles_on_users and reading.manifest.present("users")
        matchable = stored.matchable if skipping else set()
        recheck = people_outside(snapshot, reading.universe.orgs) if matchable else set()
        unchanged = self.unchanged
        roles: Counter[str] = Counter()
        hashed: Callable[[list[str]], tuple[str, ...]] | None = None  # the cells hashed
        for context, row, sid, present in reading.rows("users", columns):
            if hashed is None:
                hashed = itemgetter(*_hashed_positions(row, columns))
            fingerprint = self.fingerprint(hashed(row.cells))
            if present and skipping:
                role = self.unchanged_role(row, sid, fingerprint, matchable, recheck)
                if role is not None:
                    unchanged[sid] = row.line
                    roles[role] += 1
                    continue
            seen_problems = len(problems)
            self.read_row(context, row, sid, present)
            # Only a row that read without a word is vouched for: one with a warning
            # is checked again next time, so the report says it again.
            if len(problems) == seen_problems:
                if sid in desired:
                    reading.user_fingerprints[sid] = fingerprint
                elif sid in reading.links.by_sid:
                    reading.link_fingerprints[sid] = fingerprint
        for role, rows in roles.items():
            self.survey.found(role, rows)
        reading.report.notes.extend(self.survey.hints())
        reading.report.entity("users").unchanged += len(unchanged)
        keys = set(desired) | unchanged.keys() | set(reading.links.by_sid)
        if not reading.manifest.bulk("users"):
            keys.update(snapshot.known)
            keys.update(snapshot.hr_by_sid)
        # Enrollments of removed or disabled users stay valid for people we hold, and
        # are ignored for people we never created.
        removed = reading.desired.removed_of("users")
        for sid in removed:
            if sid in snapshot.known or sid in snapshot.hr_by_sid:
                keys.add(sid)
            else:
                reading.ignored_users.add(sid)
        reading.universe.people = keys
        if reading.manifest.present("users"):
            reading.check_empty_bulk("users", snapshot.active_people)
            # Compared field by field: the people of the rows read in full or removed,
            # and in a bulk file the active ones no row matched (to change or end).
            gone = stored.unmatched() if reading.manifest.bulk("users") else set()
            read_in_full = (reading.contexts["users"].seen.keys() - unchanged.keys()) | removed
            load_people(snapshot, read_in_full, gone)

    def unchanged_role(
        self, row: Row, sid: str, fingerprint: int, matchable: set[int], recheck: set[str]
    ) -> str | None:
        """The role of the person the row stands for unread (the row they were written
        from, or for an HR-linked employee the row last linked), if it does."""
        snapshot = self.snapshot
        if fingerprint in matchable and sid not in recheck and sid not in snapshot.hr_by_sid:
            person = snapshot.known.get(sid)
            if person is not None:
                matchable.remove(fingerprint)
                return person.role
        if snapshot.linked_rows.get(fingerprint) != sid or sid not in snapshot.hr_by_sid:
            return None
        role = ROLE_MAP.get(row.get("role").casefold())
        if role is None:
            return None
        # The orgs of a linked row are not stored: checked here, so that one no longer
        # in the run is said (the row read in full warns about it).
        orgs = self.reading.universe.orgs
        if not all(org in orgs for org in split_list(row.get("orgSourcedIds"))):
            return None
        del snapshot.linked_rows[fingerprint]
        self.reading.links.by_sid[sid] = snapshot.hr_by_sid[sid]
        return role

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
        grades = ",".join(split_list(grades))
        if len(grades) > TEXT_MAX_LENGTH:
            return False
        snapshot = self.snapshot
        if sid in snapshot.hr_by_sid or (
            role in EMPLOYEE_ROLES and identifier in snapshot.hr_by_identifier
        ):
            return False
        owner = self.username_owner.get(username)
        if owner is not None and owner != sid:
            return False
        self.survey.found(role)
        orgs = frozenset((org,)) if org else frozenset()
        record = PersonRecord(
            role, given, family, middle, preferred_given, preferred_family, identifier,
            username, email, grades, org or None, orgs,
        )  # fmt: skip
        self.take(sid, row.line, record)
        return True

    def take(self, sid: str, line: int, record: PersonRecord) -> None:
        """The row's person, who claims the row's username."""
        self.username_owner[record.username] = sid
        self.new_owner_line[record.username] = (sid, line)
        self.reading.desired.users[sid] = record

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
        grades = errors.grades(row, "grades")
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
            if where is None and owner in self.unchanged:
                where = (owner, self.unchanged[owner])
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
        record = PersonRecord(
            role=role,
            given_name=given,
            family_name=family,
            middle_name=middle,
            preferred_given_name=preferred_given,
            preferred_family_name=preferred_family,
            identifier=identifier,
            username=username,
            email=email,
            grades=grades,
            primary_org=user_role.primary_org,
            orgs=frozenset(user_role.orgs),
        )
        self.take(sid, row.line, record)

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
        if hr_pk is None and sid not in self.snapshot.known and role in EMPLOYEE_ROLES:
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
