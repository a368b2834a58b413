"""orgs.csv, academicSessions.csv and courses.csv: the trees people and classes hang on."""

from __future__ import annotations

from django.utils.translation import gettext as _

from directory.sync.oneroster.reading import Reading
from directory.sync.oneroster.schema import (
    COLUMNS,
    ORG_TYPES,
    SESSION_TYPES,
    OrgRecord,
    SessionRecord,
)
from directory.sync.rows import RowErrors


def read_orgs(reading: Reading) -> None:
    desired = reading.desired.orgs
    lines: dict[str, int] = {}
    for context, row, sid, present in reading.rows("orgs", COLUMNS["orgs"]):
        errors = RowErrors(context, row.line)
        if present is False:
            reading.desired.removed_of("orgs").add(sid)
            continue
        name = errors.text(row, "name", required=True)
        org_type = ORG_TYPES.get(row.get("type").casefold())
        if org_type is None:
            errors.fail("type", _("Unknown org type %(value)r.") % {"value": row.get("type")})
        identifier = errors.text(row, "identifier")
        parent = row.get("parentSourcedId") or None
        if present is None or not errors.ok or org_type is None:
            context.reject(sid, row.line)
            continue
        desired[sid] = OrgRecord(name, org_type, identifier, parent)
        lines[sid] = row.line
    existing = reading.snapshot.orgs
    reading.universe.orgs = reading.drop_orphans("orgs", desired, existing, lines)
    reading.check_empty_bulk("orgs", sum(o.active for o in existing.values()))


def read_sessions(reading: Reading) -> None:
    desired = reading.desired.sessions
    lines: dict[str, int] = {}
    derived_year = False
    for context, row, sid, present in reading.rows("academicSessions", COLUMNS["academicSessions"]):
        errors = RowErrors(context, row.line)
        if present is False:
            reading.desired.removed_of("academicSessions").add(sid)
            continue
        title = errors.text(row, "title", required=True)
        session_type = SESSION_TYPES.get(row.get("type").casefold())
        if session_type is None:
            errors.fail("type", _("Unknown session type %(value)r.") % {"value": row.get("type")})
        start = errors.date(row, "startDate", required=True)
        end = errors.date(row, "endDate", required=True)
        year_text = row.get("schoolYear")
        school_year = int(year_text) if len(year_text) == 4 and year_text.isdecimal() else None
        if not year_text and end is not None:
            # 1.0 has no schoolYear and some 1.1 exports leave it out: the school year
            # is the one the session ends in, as OneRoster counts it.
            school_year = end.year
            derived_year = True
        elif school_year is None:
            errors.fail(
                "schoolYear", _("%(value)r is not a year such as 2025.") % {"value": year_text}
            )
        parent = row.get("parentSourcedId") or None
        if (
            present is None
            or not errors.ok
            or session_type is None
            or start is None
            or end is None
            or school_year is None
        ):
            context.reject(sid, row.line)
            continue
        desired[sid] = SessionRecord(title, session_type, start, end, school_year, parent)
        lines[sid] = row.line
    if derived_year:
        reading.report.notes.append(
            _(
                "academicSessions.csv gives no schoolYear for some sessions: their school "
                "year is the year of their endDate."
            )
        )
    existing = reading.snapshot.sessions
    reading.universe.sessions = reading.drop_orphans("academicSessions", desired, existing, lines)
    reading.check_empty_bulk("academicSessions", sum(s.active for s in existing.values()))


def read_courses(reading: Reading) -> None:
    """Courses give classes their titles; Hallpass keeps nothing else of them."""
    titles: dict[str, str] = {}
    for context, row, sid, present in reading.rows("courses", COLUMNS["courses"]):
        errors = RowErrors(context, row.line)
        title = errors.text(row, "title", required=True)
        if present is None or not errors.ok:
            context.reject(sid, row.line)
        elif present:
            titles[sid] = title
    if reading.manifest.bulk("courses"):
        reading.course_titles = titles
    else:
        reading.course_titles.update(titles)
