"""The records a OneRoster run compares field by field, loaded only where a row does not
vouch for them.

A person's or an enrollment's fingerprint covers its sourcedId, so a row whose
fingerprint is one an active record holds is the very row that record was written
from: the run counts it unchanged without loading the record. The records loaded are
those of the rows read in full, of the rows a file removes, and (in a bulk file) the
active ones no row matched: changed, or gone from the file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import date
from itertools import chain
from typing import TYPE_CHECKING, Any

from django.db import connection

from directory.models import Enrollment, Person, SourceSystem, Status
from directory.sync.fingerprint import StoredFingerprints
from directory.sync.oneroster.schema import PERSON_PLAIN, EnrollmentRecord, PersonRecord
from directory.sync.plan import Existing
from directory.sync.tables import rows_where, select_sql, stream
from directory.sync.writes import IN_BATCH, in_batches

if TYPE_CHECKING:
    from directory.sync.oneroster.snapshot import Snapshot

# Records are found by fingerprint with a scan of the table (no index is worth its
# upkeep for that): past one batch of those, or past this share of the table, one
# streamed read of it all is the cheaper.
SCAN_SHARE = 0.2


def _wanted(
    sql: str, sids: set[str], fingerprints: set[int], total: int
) -> Iterator[tuple[Any, ...]]:
    """Rows of ``sql`` (sourcedId, id and status first, fingerprint last) whose sourcedId
    is among ``sids``, or active ones whose fingerprint is among ``fingerprints``; each
    once. (An inactive record no row matched has nothing to change.)"""
    active = Status.ACTIVE
    if len(fingerprints) > IN_BATCH or len(sids) + len(fingerprints) > SCAN_SHARE * total:
        rows = stream(sql)
    else:
        rows = chain(
            rows_where(sql, "sourced_id", sorted(sids)),
            rows_where(sql, "source_fingerprint", sorted(fingerprints), status=active),
        )
    found: set[str] = set()
    for row in rows:
        sid = row[0]
        if sid not in found and (sid in sids or (row[-1] in fingerprints and row[2] == active)):
            found.add(sid)
            yield row


def load_enrollment_fingerprints() -> StoredFingerprints:
    """One number per active enrollment: what a run needs to tell the unchanged rows
    of enrollments.csv (most of a district, most nights) from the rest."""
    sql = "{} WHERE {} = %s".format(
        select_sql(Enrollment, ("source_fingerprint",)), connection.ops.quote_name("status")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [Status.ACTIVE])
        return StoredFingerprints.of([fingerprint for (fingerprint,) in cursor.fetchall()])


ENROLLMENT_COLUMNS = (
    "sourced_id", "id", "status", "klass_id", "person_id", "role", "primary", "begin_date",
    "end_date", "source_fingerprint",
)  # fmt: skip


def load_enrollments(
    snap: Snapshot, sids: Collection[str], fingerprints: Collection[int], total: int
) -> dict[str, int]:
    """Adds to ``snap`` the enrollments of the ``sids`` and those holding one of the
    ``fingerprints`` (of ``total`` the directory holds); returns the fingerprint
    each of them holds."""
    if not sids and not fingerprints:
        return {}
    sql = select_sql(Enrollment, ENROLLMENT_COLUMNS)
    rows = _wanted(sql, set(sids), set(fingerprints), total)
    class_sid, person_key = snap.class_sid, snap.person_key
    stored: dict[str, int] = {}
    # A district's enrollments share a few dates: each is converted (and held) once.
    dates: dict[date | str | None, date | None] = {None: None}
    for sid, pk, status, klass, person, role, primary, begin, end, fingerprint in rows:
        stored[sid] = fingerprint
        if begin not in dates:
            dates[begin] = _as_date(begin)
        if end not in dates:
            dates[end] = _as_date(end)
        record = EnrollmentRecord(
            class_sid[klass], person_key[person], role, bool(primary), dates[begin], dates[end]
        )
        snap.enrollments[sid] = Existing(pk, status == Status.ACTIVE, record)
    return stored


PERSON_COLUMNS = (
    "sourced_id", "id", "status", "source_system", *PERSON_PLAIN, "primary_org_id",
    "source_fingerprint",
)  # fmt: skip
_PLAIN = slice(4, 4 + len(PERSON_PLAIN))
_PRIMARY_ORG = PERSON_COLUMNS.index("primary_org_id")


def load_people(snap: Snapshot, sids: Collection[str], fingerprints: Collection[int]) -> None:
    """Adds to ``snap`` the full records (orgs included) of the people OneRoster owns
    among the ``sids`` and those holding one of the ``fingerprints``."""
    # Only people OneRoster holds have a record to load (not new ones, not HR's).
    wanted = {sid for sid in sids if sid in snap.known and sid not in snap.people}
    if not wanted and not fingerprints:
        return
    total = len(snap.known)
    loaded: list[tuple[Any, ...]] = [
        row
        for row in _wanted(select_sql(Person, PERSON_COLUMNS), wanted, set(fingerprints), total)
        if row[3] == SourceSystem.ONEROSTER and row[0] not in snap.people
    ]
    pks = [row[1] for row in loaded]
    orgs = _orgs_of(pks, every=len(pks) > SCAN_SHARE * total)
    org_sid = snap.org_sid
    for row in loaded:
        sid, pk, status = row[:3]
        plain, primary_org, fingerprint = row[_PLAIN], row[_PRIMARY_ORG], row[-1]
        org_pks = orgs.get(pk, {})
        snap.person_orgs[pk] = set(org_pks)
        snap.org_through.update(((pk, org), through) for org, through in org_pks.items())
        record = PersonRecord._make(
            (
                *plain,
                org_sid.get(primary_org) if primary_org else None,
                frozenset(org_sid[o] for o in org_pks),
            )
        )
        snap.people[sid] = Existing(pk, status == Status.ACTIVE, record)
        snap.person_fingerprints[sid] = fingerprint


def _orgs_of(pks: Sequence[int], *, every: bool) -> dict[int, dict[int, int]]:
    """person pk -> {org pk: the through row's pk}, for the ``pks``."""
    through = Person.orgs.through.objects
    batches: Iterable[Any] = (
        [through.all()] if every else (through.filter(person_id__in=b) for b in in_batches(pks))
    )
    orgs: dict[int, dict[int, int]] = defaultdict(dict)
    for query in batches:
        for pk, person_id, org_id in query.values_list("pk", "person_id", "org_id"):
            orgs[person_id][org_id] = pk
    return orgs


def people_outside(snap: Snapshot, orgs: Collection[str]) -> set[str]:
    """OneRoster's people with an org or a primary org that is not among ``orgs``: their
    rows are read in full whatever their fingerprint, so the report names the org."""
    gone = [pk for pk, sid in snap.org_sid.items() if sid not in orgs]
    pks: set[int] = set()
    for batch in in_batches(gone):
        pks.update(
            Person.orgs.through.objects.filter(org_id__in=batch).values_list(
                "person_id", flat=True
            )
        )
        pks.update(Person.objects.filter(primary_org_id__in=batch).values_list("pk", flat=True))
    return {snap.person_key[pk] for pk in pks if pk in snap.person_key}


def _as_date(value: date | str | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value
