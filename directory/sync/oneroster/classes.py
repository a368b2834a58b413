"""classes.csv: each class with its school, course title and terms."""

from __future__ import annotations

from django.utils.translation import gettext as _

from directory.sync.oneroster.reading import Reading
from directory.sync.oneroster.schema import CLASS_TYPES, COLUMNS, ClassRecord
from directory.sync.rows import RowErrors
from directory.sync.values import split_list


def read_classes(reading: Reading) -> None:
    desired = reading.desired.classes
    courses_bulk = reading.manifest.bulk("courses")
    universe = reading.universe
    for context, row, sid, present in reading.rows("classes", COLUMNS["classes"]):
        errors = RowErrors(context, row.line)
        if present is False:
            reading.desired.removed_of("classes").add(sid)
            continue
        title = errors.text(row, "title", required=True)
        course = errors.text(row, "courseSourcedId", required=True)
        if course and courses_bulk and course not in reading.course_titles:
            reading.reference(errors, "courseSourcedId", course, "courses", reading.course_titles)
        class_type = CLASS_TYPES.get(row.get("classType").casefold())
        if class_type is None:
            errors.fail(
                "classType",
                _("Unknown classType %(value)r; expected homeroom or scheduled.")
                % {"value": row.get("classType")},
            )
        school = row.get("schoolSourcedId")
        if not school:
            errors.fail("schoolSourcedId", _("A value is required."))
        else:
            reading.reference(errors, "schoolSourcedId", school, "orgs", universe.orgs)
        terms = split_list(row.get("termSourcedIds"))
        if not terms:
            errors.fail("termSourcedIds", _("A value is required."))
        for term in terms:
            reading.reference(errors, "termSourcedIds", term, "academicSessions", universe.sessions)
        code = errors.text(row, "classCode")
        grades = errors.grades(row, "grades")
        if present is None or not errors.ok or class_type is None:
            context.reject(sid, row.line)
            continue
        desired[sid] = ClassRecord(
            title,
            code,
            class_type,
            course,
            reading.course_titles.get(course, ""),
            school,
            grades,
            frozenset(terms),
        )
    existing = reading.snapshot.classes
    universe.classes = reading.universe_of("classes", desired, existing)
    reading.check_empty_bulk("classes", sum(c.active for c in existing.values()))
