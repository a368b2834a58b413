"""Writing an HR run's plan."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import F

from directory.models import Person, SourceSystem
from directory.sync.fingerprint import NO_FINGERPRINT, refresh_fingerprints
from directory.sync.hr.schema import PLAIN, EmployeeRecord
from directory.sync.plan import apply_entity, sync_m2m
from directory.sync.writes import in_batches, update_rows

if TYPE_CHECKING:
    from directory.sync.hr.importer import HrImport


def apply_employees(imp: HrImport) -> None:
    """Write the plan: people, then supervisors created in the same run, takeovers
    and the org sets."""
    now = imp.now
    delay = timedelta(hours=settings.CLAIM_DELAY_HOURS)
    person_pk = {sid: entry.pk for sid, entry in imp.candidates.items()}

    def fields(record: EmployeeRecord) -> dict[str, Any]:
        attrs: dict[str, Any] = dict(zip(PLAIN, record[:12], strict=True))
        attrs["primary_org_id"] = imp.orgs[record.primary_org] if record.primary_org else None
        attrs["supervisor_id"] = person_pk.get(record.supervisor) if record.supervisor else None
        return attrs

    def extra(sid: str) -> dict[str, Any]:
        return {"first_seen_at": now, "claimable_at": now + delay}

    def fingerprints(sid: str) -> dict[str, Any]:
        # Taken over from OneRoster: the fingerprint of the row they were written from
        # becomes that of the row linked to them, which the next OneRoster run need not
        # read again. Others keep the one they hold.
        taken_over = not imp.owned.get(sid, True)
        return {
            "source_fingerprint": imp.fingerprints.get(sid, NO_FINGERPRINT),
            "link_fingerprint": (
                imp.stored_fingerprints if taken_over else imp.link_fingerprints
            ).get(sid, NO_FINGERPRINT),
        }

    created = apply_entity(
        Person,
        imp.plan,
        imp.existing,
        fields,
        (*PLAIN, "primary_org", "supervisor", "source_fingerprint", "link_fingerprint"),
        now=now,
        create_extra=extra,
        written_extra=fingerprints,
        tracks_leaving=True,
        pk_map=person_pk,
    )
    refresh_fingerprints(
        Person, imp.plan, imp.existing, imp.fingerprints, imp.stored_fingerprints,
        imp.fingerprints.keys() & imp.desired.keys(),
    )  # fmt: skip
    # Supervisors created in this same run get their key only now.
    update_rows(
        Person,
        [
            (created[sid], {"supervisor_id": person_pk[record.supervisor]})
            for sid, record in imp.plan.create.items()
            if record.supervisor and record.supervisor in created
        ],
        ["supervisor"],
    )
    for batch in in_batches(imp.takeover):
        Person.objects.filter(pk__in=batch).update(
            source_system=SourceSystem.HR, link_fingerprint=F("source_fingerprint")
        )
    sync_m2m(
        Person.orgs.through,
        "person",
        "org",
        {
            person_pk[sid]: frozenset(imp.orgs[o] for o in record.orgs)
            for sid, record in (*imp.plan.create.items(), *imp.plan.update.items())
        },
        imp.person_orgs,
        imp.org_through,
    )
