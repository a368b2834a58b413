"""enrollments.csv: who is in which class, in which role."""

from __future__ import annotations

from django.utils.translation import gettext as _

from directory.sync.oneroster.reading import Reading
from directory.sync.oneroster.schema import COLUMNS, ENROLLMENT_ROLES, EnrollmentRecord
from directory.sync.rows import RowErrors


def read_enrollments(reading: Reading) -> None:
    desired = reading.desired.enrollments
    universe = reading.universe
    for context, row in reading.rows("enrollments", COLUMNS["enrollments"]):
        errors = RowErrors(context, row.line)
        sid = row.get("sourcedId")
        present = reading.status_of(context, row)
        if present is False:
            reading.desired.removed_of("enrollments").add(sid)
            continue
        klass = row.get("classSourcedId")
        user = row.get("userSourcedId")
        school = row.get("schoolSourcedId")
        if not klass:
            errors.fail("classSourcedId", _("A value is required."))
        else:
            reading.reference(errors, "classSourcedId", klass, "classes", universe.classes)
        if not school:
            errors.fail("schoolSourcedId", _("A value is required."))
        elif school not in universe.orgs:
            reading.reference(errors, "schoolSourcedId", school, "orgs", universe.orgs)
        if user in reading.ignored_users:
            context.counts.ignored += 1
            continue
        if not user:
            errors.fail("userSourcedId", _("A value is required."))
        else:
            reading.reference(errors, "userSourcedId", user, "users", universe.people)
        role = ENROLLMENT_ROLES.get(row.get("role").casefold())
        if role is None:
            errors.fail(
                "role", _("Unknown enrollment role %(value)r.") % {"value": row.get("role")}
            )
        primary = errors.boolean(row, "primary", default=False)
        begin = errors.date(row, "beginDate")
        end = errors.date(row, "endDate")
        if present is None or not errors.ok or role is None:
            context.reject(sid, row.line)
            continue
        desired[sid] = EnrollmentRecord(klass, user, role, primary, begin, end)
    if reading.manifest.present("enrollments"):
        active = sum(e.active for e in reading.snapshot.enrollments.values())
        reading.check_empty_bulk("enrollments", active)
