"""A teacher's students, from the class enrollments the directory sync keeps."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from directory.models import Enrollment, Person, Status


def students_of(teacher: Person) -> QuerySet[Person]:
    """Active students enrolled (actively) in a class the teacher actively teaches."""
    taught = Enrollment.objects.filter(
        person=teacher,
        role=Enrollment.Role.TEACHER,
        status=Status.ACTIVE,
        klass__status=Status.ACTIVE,
    ).values("klass_id")
    enrolled = Enrollment.objects.filter(
        person=OuterRef("pk"),
        role=Enrollment.Role.STUDENT,
        status=Status.ACTIVE,
        klass_id__in=taught,
    )
    return Person.objects.active().filter(role=Person.Role.STUDENT).filter(Exists(enrolled))


def is_student_of(student: Person, teacher: Person) -> bool:
    return students_of(teacher).filter(pk=student.pk).exists()
