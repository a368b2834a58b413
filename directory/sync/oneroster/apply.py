"""Planning a OneRoster run against the snapshot, and writing the plan.

Rows are written parents first (orgs, sessions, classes, people, enrollments) so that
every foreign key resolves to a primary key that already exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from directory.models import (
    AcademicSession,
    Class,
    Enrollment,
    Org,
    Person,
    SourceSystem,
    Status,
)
from directory.sync.fingerprint import NO_FINGERPRINT, refresh_fingerprints
from directory.sync.oneroster.reading import Reading
from directory.sync.oneroster.schema import (
    PERSON_PLAIN,
    ClassRecord,
    EnrollmentRecord,
    OrgRecord,
    PersonRecord,
    SessionRecord,
)
from directory.sync.plan import (
    EntityPlan,
    NewRows,
    apply_entity,
    plan_entity,
    sync_m2m,
)
from directory.sync.writes import update_rows

# New rows' choices are written as plain strings (``str`` of the member, a person's role
# too): SQLite's driver binds a str subclass such as a choices member only after looking
# for an adapter for its type, a cost for every value of a big load.
ACTIVE = str(Status.ACTIVE)
ONEROSTER = str(SourceSystem.ONEROSTER)
# A new person's and a new enrollment's values, in the order ``apply_plans`` builds them.
PERSON_COLUMNS = (
    *PERSON_PLAIN,
    "primary_org_id",
    "sourced_id",
    "status",
    "source_system",
    "first_seen_at",
    "claimable_at",
    "source_fingerprint",
)
ENROLLMENT_COLUMNS = (
    "sourced_id",
    "status",
    "klass_id",
    "person_id",
    "role",
    "primary",
    "begin_date",
    "end_date",
    "source_fingerprint",
)


@dataclass
class Plans:
    orgs: EntityPlan[OrgRecord] = field(default_factory=EntityPlan)
    sessions: EntityPlan[SessionRecord] = field(default_factory=EntityPlan)
    classes: EntityPlan[ClassRecord] = field(default_factory=EntityPlan)
    users: EntityPlan[PersonRecord] = field(default_factory=EntityPlan)
    enrollments: EntityPlan[EnrollmentRecord] = field(default_factory=EntityPlan)


def make_plans(reading: Reading) -> Plans:
    """Sort every entity's rows into create / update / deactivate; counts the report."""
    snap, desired, manifest = reading.snapshot, reading.desired, reading.manifest
    plans = Plans()

    def plan(file: str, existing: Any, wanted: Any) -> Any:
        """The plan for one file of the package, against what the directory holds."""
        return plan_entity(
            reading.report.entity(file), existing, wanted, desired.removed_of(file),
            bulk=manifest.bulk(file), held=reading.held(file),
        )

    if manifest.present("orgs"):
        plans.orgs = plan("orgs", snap.orgs, desired.orgs)
    if manifest.present("academicSessions"):
        plans.sessions = plan("academicSessions", snap.sessions, desired.sessions)
    if manifest.present("classes"):
        plans.classes = plan("classes", snap.classes, desired.classes)
    if manifest.present("users"):
        plans.users = plan("users", snap.people, desired.users)
    if manifest.present("enrollments"):
        plans.enrollments = plan("enrollments", snap.enrollments, desired.enrollments)
    reading.report.would_deactivate = len(plans.users.deactivate)
    return plans


def apply_plans(reading: Reading, plans: Plans, now: datetime) -> None:
    snap = reading.snapshot
    org_pk = {sid: e.pk for sid, e in snap.orgs.items()}
    _apply_orgs(plans.orgs, reading, org_pk, now)
    reading.tick()
    session_pk = {sid: e.pk for sid, e in snap.sessions.items()}
    _apply_sessions(plans.sessions, reading, session_pk, now)
    reading.tick()

    class_pk = {sid: e.pk for sid, e in snap.classes.items()}

    def class_fields(record: ClassRecord) -> dict[str, Any]:
        fields = record._asdict()
        del fields["school"], fields["terms"]
        fields["school_id"] = org_pk[record.school]
        return fields

    apply_entity(
        Class, plans.classes, snap.classes, class_fields,
        (*ClassRecord._fields[:5], "school", "grades"), now=now, pk_map=class_pk,
    )  # fmt: skip
    sync_m2m(
        Class.terms.through,
        "class",
        "academicsession",
        {
            class_pk[sid]: frozenset(session_pk[t] for t in record.terms)
            for sid, record in (*plans.classes.create.items(), *plans.classes.update.items())
        },
        snap.class_terms,
        snap.term_through,
    )
    reading.tick()

    person_pk = {sid: known.pk for sid, known in snap.known.items()}
    delay = timedelta(hours=settings.CLAIM_DELAY_HOURS)

    def person_fields(record: PersonRecord) -> dict[str, Any]:
        fields: dict[str, Any] = dict(zip(PERSON_PLAIN, record[:10], strict=True))
        fields["primary_org_id"] = org_pk.get(record.primary_org) if record.primary_org else None
        return fields

    def person_extra(sid: str) -> dict[str, Any]:
        return {
            "source_system": SourceSystem.ONEROSTER,
            "first_seen_at": now,
            "claimable_at": now + delay,
        }

    fingerprints = reading.user_fingerprints

    def person_fingerprint(sid: str) -> dict[str, Any]:
        return {"source_fingerprint": fingerprints.get(sid, NO_FINGERPRINT)}

    claimable_at = now + delay

    def new_person(sid: str, record: PersonRecord) -> tuple[Any, ...]:
        """What person_fields, person_extra and person_fingerprint give a new person."""
        return (
            str(record.role),
            *record[1:10],
            org_pk.get(record.primary_org) if record.primary_org else None,
            sid,
            ACTIVE,
            ONEROSTER,
            now,
            claimable_at,
            fingerprints.get(sid, NO_FINGERPRINT),
        )

    users = plans.users
    apply_entity(
        Person, users, snap.people, person_fields,
        (*PERSON_PLAIN, "primary_org", "source_fingerprint"), now=now,
        create_extra=person_extra, written_extra=person_fingerprint, tracks_leaving=True,
        pk_map=person_pk, new_rows=NewRows(PERSON_COLUMNS, new_person),
    )  # fmt: skip
    refresh_fingerprints(
        Person, users, snap.people, fingerprints, snap.person_fingerprints,
        reading.desired.users.keys(),
    )  # fmt: skip
    sync_m2m(
        Person.orgs.through,
        "person",
        "org",
        {
            person_pk[sid]: frozenset(org_pk[o] for o in record.orgs)
            for sid, record in (*users.create.items(), *users.update.items())
        },
        snap.person_orgs,
        snap.org_through,
    )
    links = reading.links
    if links.new:
        update_rows(
            Person,
            [(pk, {"oneroster_sourced_id": sid}) for pk, sid in links.new.items()],
            ["oneroster_sourced_id"],
        )
    update_rows(
        Person,
        [
            (links.by_sid[sid], {"link_fingerprint": fingerprint})
            for sid, fingerprint in reading.link_fingerprints.items()
            if snap.link_fingerprints.get(sid) != fingerprint
        ],
        ["link_fingerprint"],
    )
    person_pk.update(links.by_sid)
    person_pk.update(snap.hr_by_sid)
    reading.tick()

    if reading.manifest.present("enrollments"):
        enrollment_fingerprints = reading.enrollment_fingerprints

        def enrollment_fields(record: EnrollmentRecord) -> dict[str, Any]:
            return {
                "klass_id": class_pk[record.klass],
                "person_id": person_pk[record.person],
                "role": record.role,
                "primary": record.primary,
                "begin_date": record.begin_date,
                "end_date": record.end_date,
            }

        def enrollment_fingerprint(sid: str) -> dict[str, Any]:
            return {"source_fingerprint": enrollment_fingerprints.get(sid, NO_FINGERPRINT)}

        def new_enrollment(sid: str, record: EnrollmentRecord) -> tuple[Any, ...]:
            return (
                sid,
                ACTIVE,
                class_pk[record.klass],
                person_pk[record.person],
                record.role,
                record.primary,
                record.begin_date,
                record.end_date,
                enrollment_fingerprints.get(sid, NO_FINGERPRINT),
            )

        apply_entity(
            Enrollment, plans.enrollments, snap.enrollments, enrollment_fields,
            (*EnrollmentRecord._fields, "source_fingerprint"), now=now,
            written_extra=enrollment_fingerprint,
            new_rows=NewRows(ENROLLMENT_COLUMNS, new_enrollment),
        )  # fmt: skip
        refresh_fingerprints(
            Enrollment, plans.enrollments, snap.enrollments, enrollment_fingerprints,
            reading.replaced_fingerprints,
            enrollment_fingerprints.keys() & reading.desired.enrollments.keys(),
        )  # fmt: skip
    reading.progress(reading.total, reading.total)


# Orgs and sessions point at parents in the same file: create first, then attach
# parents once every row has a primary key.


def _apply_orgs(
    plan: EntityPlan[OrgRecord], reading: Reading, pks: dict[str, int], now: datetime
) -> None:
    def fields(record: OrgRecord) -> dict[str, Any]:
        attrs = record._asdict()
        del attrs["parent"]
        attrs["parent_id"] = pks.get(record.parent) if record.parent else None
        return attrs

    created = apply_entity(
        Org, plan, reading.snapshot.orgs, fields, (*OrgRecord._fields[:3], "parent"), now=now,
        pk_map=pks,
    )  # fmt: skip
    _attach_parents(Org, plan, created, pks)


def _apply_sessions(
    plan: EntityPlan[SessionRecord], reading: Reading, pks: dict[str, int], now: datetime
) -> None:
    def fields(record: SessionRecord) -> dict[str, Any]:
        attrs = record._asdict()
        del attrs["parent"]
        attrs["parent_id"] = pks.get(record.parent) if record.parent else None
        return attrs

    created = apply_entity(
        AcademicSession, plan, reading.snapshot.sessions, fields,
        (*SessionRecord._fields[:5], "parent"), now=now, pk_map=pks,
    )  # fmt: skip
    _attach_parents(AcademicSession, plan, created, pks)


def _attach_parents(
    model: type[Org] | type[AcademicSession],
    plan: EntityPlan[OrgRecord] | EntityPlan[SessionRecord],
    created: dict[str, int],
    pks: dict[str, int],
) -> None:
    update_rows(
        model,
        [
            (created[sid], {"parent_id": pks[record.parent]})
            for sid, record in plan.create.items()
            if record.parent and record.parent in created
        ],
        ["parent"],
    )
