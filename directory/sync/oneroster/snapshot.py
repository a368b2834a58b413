"""What the directory holds before a OneRoster run, as the run compares it: every row
keyed by sourcedId, with foreign keys turned back into the sourcedIds they point at.

People and enrollments are most of a district: of them the snapshot holds what every
run needs (which people exist, their keys and roles, the fingerprints of the active
records), and ``stored`` adds the full records a run compares."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from directory.models import AcademicSession, Class, Org, Person, SourceSystem, Status
from directory.sync.fingerprint import StoredFingerprints
from directory.sync.oneroster.schema import (
    ClassRecord,
    EnrollmentRecord,
    OrgRecord,
    PersonRecord,
    SessionRecord,
)
from directory.sync.plan import Existing
from directory.sync.tables import select_sql, stream
from directory.sync.values import EMPLOYEE_ROLES


class KnownPerson(NamedTuple):
    """A person OneRoster owns, as much as every run needs."""

    pk: int
    role: str


@dataclass
class Snapshot:
    orgs: dict[str, Existing[OrgRecord]] = field(default_factory=dict)
    org_sid: dict[int, str] = field(default_factory=dict)
    sessions: dict[str, Existing[SessionRecord]] = field(default_factory=dict)
    session_sid: dict[int, str] = field(default_factory=dict)
    classes: dict[str, Existing[ClassRecord]] = field(default_factory=dict)
    class_sid: dict[int, str] = field(default_factory=dict)
    # Class pk -> term pks, and (class pk, term pk) -> the through row's pk.
    class_terms: dict[int, set[int]] = field(default_factory=dict)
    term_through: dict[tuple[int, int], int] = field(default_factory=dict)
    course_titles: dict[str, str] = field(default_factory=dict)
    # Every person OneRoster owns, and the fingerprints of the active ones.
    known: dict[str, KnownPerson] = field(default_factory=dict)
    people_fingerprints: StoredFingerprints = field(
        default_factory=lambda: StoredFingerprints(set(), set(), 0)
    )
    person_key: dict[int, str] = field(default_factory=dict)  # pk -> OneRoster's sourcedId
    hr_by_sid: dict[str, int] = field(default_factory=dict)  # HR-owned: sourcedId/link -> pk
    # HR-owned employees linked to a OneRoster user: the fingerprint of that user's row
    # when it last read clean -> its sourcedId; and the other way round.
    linked_rows: dict[int, str] = field(default_factory=dict)
    link_fingerprints: dict[str, int] = field(default_factory=dict)
    hr_by_identifier: dict[str, tuple[int, str]] = field(default_factory=dict)  # (pk, link)
    emails: set[str] = field(default_factory=set)  # every person's: checked when they came
    # Only the records a run compares field by field (``stored.load_people`` and
    # ``stored.load_enrollments``), with the fingerprints and orgs those people hold.
    people: dict[str, Existing[PersonRecord]] = field(default_factory=dict)
    person_fingerprints: dict[str, int] = field(default_factory=dict)
    person_orgs: dict[int, set[int]] = field(default_factory=dict)
    org_through: dict[tuple[int, int], int] = field(default_factory=dict)
    enrollments: dict[str, Existing[EnrollmentRecord]] = field(default_factory=dict)

    @property
    def active_people(self) -> int:
        return self.people_fingerprints.active


def load_snapshot() -> Snapshot:
    """Orgs, sessions and classes in full; people as ``KnownPerson``; no enrollment."""
    snap = Snapshot()
    org_rows = list(
        Org.objects.values_list(
            "sourced_id", "pk", "status", "name", "org_type", "identifier", "parent_id"
        )
    )
    snap.org_sid = {pk: sid for sid, pk, *_rest in org_rows}
    for sid, pk, status, name, org_type, identifier, parent in org_rows:
        org = OrgRecord(name, org_type, identifier, snap.org_sid.get(parent or 0))
        snap.orgs[sid] = Existing(pk, status == Status.ACTIVE, org)

    session_rows = list(
        AcademicSession.objects.values_list(
            "sourced_id", "pk", "status", "title", "session_type", "start_date", "end_date",
            "school_year", "parent_id",
        )
    )  # fmt: skip
    snap.session_sid = {pk: sid for sid, pk, *_rest in session_rows}
    for sid, pk, status, title, kind, start, end, year, parent in session_rows:
        session = SessionRecord(title, kind, start, end, year, snap.session_sid.get(parent or 0))
        snap.sessions[sid] = Existing(pk, status == Status.ACTIVE, session)

    terms: dict[int, set[int]] = defaultdict(set)
    for pk, class_id, session_id in Class.terms.through.objects.values_list(
        "pk", "class_id", "academicsession_id"
    ):
        terms[class_id].add(session_id)
        snap.term_through[(class_id, session_id)] = pk
    snap.class_terms = terms
    class_rows = list(
        Class.objects.values_list(
            "sourced_id", "pk", "status", "title", "class_code", "class_type",
            "course_sourced_id", "course_title", "school_id", "grades",
        )
    )  # fmt: skip
    snap.class_sid = {pk: sid for sid, pk, *_rest in class_rows}
    for sid, pk, status, title, code, kind, course, course_title, school, grades in class_rows:
        klass = ClassRecord(
            title,
            code,
            kind,
            course,
            course_title,
            snap.org_sid[school],
            grades,
            frozenset(snap.session_sid[s] for s in terms.get(pk, ())),
        )
        snap.classes[sid] = Existing(pk, status == Status.ACTIVE, klass)
        if course and course_title:
            snap.course_titles.setdefault(course, course_title)

    _load_people(snap)
    return snap


def _load_people(snap: Snapshot) -> None:
    columns = (
        "sourced_id", "id", "status", "source_system", "oneroster_sourced_id", "role",
        "identifier", "email", "source_fingerprint", "link_fingerprint",
    )  # fmt: skip
    active_fingerprints: list[int] = []
    for sid, pk, status, source, link, role, identifier, email, fingerprint, linked in stream(
        select_sql(Person, columns)
    ):
        snap.emails.add(email)
        if source == SourceSystem.ONEROSTER:
            snap.known[sid] = KnownPerson(pk, role)
            snap.person_key[pk] = sid
            if status == Status.ACTIVE:
                active_fingerprints.append(fingerprint)
        else:
            snap.hr_by_sid[link or sid] = pk
            snap.hr_by_sid[sid] = pk
            snap.person_key[pk] = link or sid
            if role in EMPLOYEE_ROLES:
                snap.hr_by_identifier.setdefault(identifier, (pk, link))
            if linked:
                snap.link_fingerprints[link or sid] = linked
                snap.linked_rows[linked] = link or sid
    snap.people_fingerprints = StoredFingerprints.of(active_fingerprints)
