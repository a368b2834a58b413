"""enrollments.csv: who is in which class, in which role.

The biggest file of a district (five or more rows per student), so rows that are
plainly right take a short path: cells read by position, values looked up in small
tables (roles, booleans, the dates seen so far). Any row the short path cannot settle
goes through the full checks, which name every problem. Shorter still: a row whose
fingerprint is one an active enrollment holds is the row that enrollment was written
from, and is neither read further nor compared: only the enrollments of the other rows,
and (in a bulk file) those no row matched, are loaded from the directory."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from operator import itemgetter

from django.utils.translation import gettext as _

from directory.sync.fingerprint import StoredFingerprints, fingerprinter
from directory.sync.oneroster.reading import Reading
from directory.sync.oneroster.schema import COLUMNS, ENROLLMENT_ROLES, EnrollmentRecord
from directory.sync.oneroster.stored import load_enrollments
from directory.sync.reader import Row
from directory.sync.report import IgnoredReason
from directory.sync.rows import FileContext, RowErrors

# The cells a row's fingerprint covers, in the order of the short path.
HASHED_COLUMNS = (
    "sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role", "primary",
    "beginDate", "endDate",
)  # fmt: skip
BOOLEANS = {"": False, "false": False, "true": True, "FALSE": False, "TRUE": True}


def read_enrollments(reading: Reading, stored: StoredFingerprints) -> None:
    """Reads enrollments.csv against ``stored``, the fingerprints of the active
    enrollments (which it uses up)."""
    desired = reading.desired.enrollments
    fingerprints = reading.enrollment_fingerprints
    universe = reading.universe
    classes, people, orgs = universe.classes, universe.people, universe.orgs
    ignored = reading.ignored_users
    matchable = stored.matchable
    fingerprint = fingerprinter("enrollments")
    dates: dict[str, date | None] = {"": None}
    pick: Callable[[list[str]], tuple[str, ...]] | None = None
    new = EnrollmentRecord.__new__
    unchanged = 0
    for context, row, sid, present in reading.rows("enrollments", COLUMNS["enrollments"]):
        if present is False:
            reading.desired.removed_of("enrollments").add(sid)
            continue
        if pick is None:
            pick = itemgetter(*(row.index[c] for c in HASHED_COLUMNS))
        cells = pick(row.cells)
        row_fingerprint = fingerprint(cells)
        _, klass, school, user, role, primary, begin, end = cells
        if (
            present
            and row_fingerprint in matchable
            and klass in classes
            and school in orgs
            and user in people
            and user not in ignored
        ):
            # The row an active enrollment was written from, pointing at rows still
            # there: the enrollment stands as it is, unread.
            matchable.remove(row_fingerprint)
            unchanged += 1
            continue
        fingerprints[sid] = row_fingerprint
        _, klass, school, user, role, primary, begin, end = map(str.strip, cells)
        if (
            present
            and klass in classes
            and school in orgs
            and user in people
            and user not in ignored
            and role in ENROLLMENT_ROLES
            and primary in BOOLEANS
            and begin in dates
            and end in dates
        ):
            desired[sid] = new(
                EnrollmentRecord, klass, user, role, BOOLEANS[primary], dates[begin], dates[end]
            )
            continue
        checked = _checked(reading, context, row, sid, present, dates)
        if checked is not None:
            desired[sid] = checked
    reading.report.entity("enrollments").unchanged += unchanged
    if not reading.manifest.present("enrollments"):
        return
    reading.check_empty_bulk("enrollments", stored.active)
    # Compared field by field: the enrollments of the rows read in full or removed,
    # and in a bulk file the active ones no row matched (to change or deactivate).
    gone = stored.unmatched() if reading.manifest.bulk("enrollments") else set()
    reading.replaced_fingerprints = load_enrollments(
        reading.snapshot,
        fingerprints.keys() | reading.desired.removed_of("enrollments"),
        gone,
        stored.active,
    )


def _checked(
    reading: Reading,
    context: FileContext,
    row: Row,
    sid: str,
    present: bool | None,
    dates: dict[str, date | None],
) -> EnrollmentRecord | None:
    """The full checks of one row; None when it is held back or ignored."""
    universe = reading.universe
    errors = RowErrors(context, row.line)
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
        context.ignore(row.line, IgnoredReason.USER_IGNORED)
        return None
    if not user:
        errors.fail("userSourcedId", _("A value is required."))
    else:
        reading.reference(errors, "userSourcedId", user, "users", universe.people)
    role = ENROLLMENT_ROLES.get(row.get("role").casefold())
    if role is None:
        errors.fail("role", _("Unknown enrollment role %(value)r.") % {"value": row.get("role")})
    primary = errors.boolean(row, "primary", default=False)
    begin = errors.date(row, "beginDate")
    end = errors.date(row, "endDate")
    if present is None or not errors.ok or role is None:
        context.reject(sid, row.line)
        return None
    # Remember the spellings that read well, for the short path of the next rows.
    for text, value in ((row.get("beginDate"), begin), (row.get("endDate"), end)):
        if value is not None and len(dates) < 10_000:
            dates[text] = value
    return EnrollmentRecord(klass, user, role, primary, begin, end)
