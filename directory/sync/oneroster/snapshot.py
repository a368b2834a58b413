"""What the directory holds before a OneRoster run, as the run compares it: every row
keyed by sourcedId, with foreign keys turned back into the sourcedIds they point at."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from typing import Any

from django.db import connection

from directory.models import (
    AcademicSession,
    Class,
    Enrollment,
    Org,
    Person,
    SourceSystem,
    Status,
)
from directory.sync.fingerprint import NO_FINGERPRINT
from directory.sync.oneroster.schema import (
    PERSON_PLAIN,
    ClassRecord,
    EnrollmentRecord,
    OrgRecord,
    PersonRecord,
    SessionRecord,
)
from directory.sync.plan import Existing
from directory.sync.values import EMPLOYEE_ROLES
from directory.sync.writes import IN_BATCH, in_batches


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
    people: dict[str, Existing[PersonRecord]] = field(default_factory=dict)  # OneRoster's
    # OneRoster's people: sourcedId -> the fingerprint of the row last written to them.
    person_fingerprints: dict[str, int] = field(default_factory=dict)
    person_orgs: dict[int, set[int]] = field(default_factory=dict)
    org_through: dict[tuple[int, int], int] = field(default_factory=dict)
    person_key: dict[int, str] = field(default_factory=dict)  # pk -> OneRoster's sourcedId
    hr_by_sid: dict[str, int] = field(default_factory=dict)  # HR-owned: sourcedId/link -> pk
    hr_by_identifier: dict[str, tuple[int, str]] = field(default_factory=dict)  # (pk, link)
    username_owner: dict[str, str] = field(default_factory=dict)
    # Only the enrollments a run compares field by field (``load_enrollments``).
    enrollments: dict[str, Existing[EnrollmentRecord]] = field(default_factory=dict)

    @property
    def active_people(self) -> int:
        return sum(1 for p in self.people.values() if p.active)


def _as_date(value: date | str | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def load_snapshot() -> Snapshot:
    """Everything but enrollments (``load_enrollments`` adds them when a file needs them)."""
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
    person_orgs: dict[int, set[int]] = defaultdict(set)
    for pk, person_id, org_id in Person.orgs.through.objects.values_list(
        "pk", "person_id", "org_id"
    ):
        person_orgs[person_id].add(org_id)
        snap.org_through[(person_id, org_id)] = pk
    snap.person_orgs = person_orgs
    columns = (
        "sourced_id", "id", "status", "source_system", "oneroster_sourced_id", *PERSON_PLAIN,
        "primary_org_id", "source_fingerprint",
    )  # fmt: skip
    for r in _stream(_select(Person, columns)):
        sid, pk, status, source, link = r[:5]
        plain = r[5:15]
        primary_org, fingerprint = r[15:17]
        username: str = plain[7]
        snap.username_owner[username] = sid
        if source == SourceSystem.ONEROSTER:
            record = PersonRecord._make(
                (
                    *plain,
                    snap.org_sid.get(primary_org) if primary_org else None,
                    frozenset(snap.org_sid[o] for o in person_orgs.get(pk, ())),
                )
            )
            snap.people[sid] = Existing(pk, status == Status.ACTIVE, record)
            snap.person_fingerprints[sid] = fingerprint
            snap.person_key[pk] = sid
        else:
            snap.hr_by_sid[link or sid] = pk
            snap.hr_by_sid[sid] = pk
            snap.person_key[pk] = link or sid
            if plain[0] in EMPLOYEE_ROLES:
                snap.hr_by_identifier.setdefault(plain[6], (pk, link))


ENROLLMENT_COLUMNS = (
    "sourced_id", "id", "status", "klass_id", "person_id", "role", "primary", "begin_date",
    "end_date", "source_fingerprint",
)  # fmt: skip


PAGE = 20_000
# Past this share of the enrollments, reading them all beats asking by key.
SCAN_SHARE = 0.2


@dataclass
class StoredEnrollments:
    """The fingerprints of the active enrollments the directory holds.

    An enrollment's fingerprint covers its sourcedId, so a row whose fingerprint is
    among ``matchable`` is the very row that enrollment was written from: the run
    neither reads it further nor loads its enrollment. What is left in ``matchable``
    once a bulk file is read belongs to enrollments whose row changed or is gone."""

    matchable: set[int]
    # Never matched by a row: NO_FINGERPRINT, and any value two enrollments share
    # (records from before fingerprints covered the sourcedId).
    unmatchable: set[int]
    active: int


def _select(model: type[Person] | type[Enrollment], columns: Sequence[str]) -> str:
    # Plain SQL for the big tables: the ORM's per-row work costs seconds on a
    # district, and these columns need no conversion (but dates, done by the caller).
    quote = connection.ops.quote_name
    return "SELECT {} FROM {}".format(  # noqa: S608 - identifiers only
        ", ".join(quote(c) for c in columns), quote(model._meta.db_table)
    )


def load_enrollment_fingerprints() -> StoredEnrollments:
    """One number per active enrollment: what a run needs to tell the unchanged rows
    of enrollments.csv (most of a district, most nights) from the rest."""
    quote = connection.ops.quote_name
    sql = "{} WHERE {} = %s".format(
        _select(Enrollment, ("source_fingerprint",)), quote("status")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [Status.ACTIVE])
        fingerprints = [fingerprint for (fingerprint,) in cursor.fetchall()]
    matchable = set(fingerprints)
    unmatchable = {NO_FINGERPRINT} & matchable
    if len(matchable) < len(fingerprints):
        # A value two enrollments share vouches for neither.
        unmatchable.update(f for f, n in Counter(fingerprints).items() if n > 1)
    matchable -= unmatchable
    return StoredEnrollments(matchable, unmatchable, len(fingerprints))


def load_enrollments(
    snap: Snapshot, sids: Collection[str], fingerprints: Collection[int], total: int
) -> dict[str, int]:
    """The enrollments a run compares field by field: those of the ``sids`` (rows read
    in full) and those holding one of the ``fingerprints`` (active enrollments no row
    matched: changed or gone), of ``total`` the directory holds. Returns the
    fingerprint each of them holds."""
    if not sids and not fingerprints:
        return {}
    sql = _select(Enrollment, ENROLLMENT_COLUMNS)
    sids, fingerprints = set(sids), set(fingerprints)
    # Enrollments are found by fingerprint with a scan of the table (no index is worth
    # its upkeep for that): past one batch of those, or past a share of the table,
    # one streamed read of it all is the cheaper.
    if len(fingerprints) > IN_BATCH or len(sids) + len(fingerprints) > SCAN_SHARE * total:
        rows = _stream(sql)
    else:
        rows = chain(
            _rows_where(sql, "sourced_id", sorted(sids)),
            _rows_where(sql, "source_fingerprint", sorted(fingerprints)),
        )
    class_sid, person_key = snap.class_sid, snap.person_key
    enrollments = snap.enrollments
    stored: dict[str, int] = {}
    # A district's enrollments share a few dates: each is converted (and held) once.
    dates: dict[date | str | None, date | None] = {None: None}
    for sid, pk, status, klass, person, role, primary, begin, end, fingerprint in rows:
        if sid in enrollments or (sid not in sids and fingerprint not in fingerprints):
            continue
        stored[sid] = fingerprint
        if begin not in dates:
            dates[begin] = _as_date(begin)
        if end not in dates:
            dates[end] = _as_date(end)
        record = EnrollmentRecord(
            class_sid[klass], person_key[person], role, bool(primary), dates[begin], dates[end]
        )
        enrollments[sid] = Existing(pk, status == Status.ACTIVE, record)
    return stored


def _rows_where(sql: str, column: str, values: Sequence[Any]) -> Iterator[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        for batch in in_batches(values):
            placeholders = ", ".join(["%s"] * len(batch))
            cursor.execute(
                f"{sql} WHERE {connection.ops.quote_name(column)} IN ({placeholders})",
                list(batch),
            )
            yield from cursor.fetchall()


def _stream(sql: str) -> Iterator[tuple[Any, ...]]:
    """A big table's rows (``id`` the second column), streamed. psycopg's client-side
    cursor holds a whole result in memory, so on PostgreSQL they come in pages by
    primary key (each page one indexed range scan); SQLite's cursor streams as it is."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(sql)
            while chunk := cursor.fetchmany(5000):
                yield from chunk
            return
        pk = connection.ops.quote_name("id")
        page = f"{sql} WHERE {pk} > %s ORDER BY {pk} LIMIT %s"
        last = 0
        while True:
            cursor.execute(page, [last, PAGE])
            rows = cursor.fetchall()
            if not rows:
                return
            yield from rows
            last = rows[-1][1]  # the id column
