"""Who sees what on the dashboard: the viewer's role and the people it reaches.

Student records are private (FERPA): every page asks this module, and anything
outside the viewer's scope is "not found", never "forbidden", so a guessed
address says nothing about whether the school, class or person exists.

- A district administrator (an IT administrator, or a directory administrator of
  a district org) sees everything.
- A school administrator (a directory administrator of school orgs) sees the
  people whose primary school is one of theirs.
- A technician sees every account and the audit log, as the admin lets them.
- A teacher sees the students of the classes they teach.
- Anyone else sees nothing here.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest

from accounts.models import Account
from accounts.roles import TECHNICIAN, is_it_administrator
from directory.models import Class, Enrollment, Org, Person, Status


class ViewerRole(enum.Enum):
    DISTRICT_ADMIN = "district_admin"
    SCHOOL_ADMIN = "school_admin"
    TECHNICIAN = "technician"
    TEACHER = "teacher"


@dataclass(frozen=True)
class Viewer:
    """A signed-in account with a role on the dashboard, and what that role reaches."""

    account: Account
    role: ViewerRole
    # A school administrator's schools; empty for every other role.
    school_ids: frozenset[int] = frozenset()

    @property
    def sees_district(self) -> bool:
        return self.role in (ViewerRole.DISTRICT_ADMIN, ViewerRole.TECHNICIAN)

    @property
    def sees_claim_rates(self) -> bool:
        return self.role in (ViewerRole.DISTRICT_ADMIN, ViewerRole.SCHOOL_ADMIN)

    @property
    def sees_accounts(self) -> bool:
        return self.role is not ViewerRole.TEACHER

    @property
    def sees_audit_log(self) -> bool:
        return self.sees_district

    @property
    def is_teacher(self) -> bool:
        return self.role is ViewerRole.TEACHER


def _is_technician(account: Account) -> bool:
    return account.is_active and account.is_staff and TECHNICIAN in account.group_names


def _administered_orgs(person: Person) -> list[Org]:
    """The active orgs a directory administrator belongs to (orgs and primary org)."""
    orgs = Org.objects.filter(status=Status.ACTIVE).filter(
        Q(people=person) | Q(primary_people=person)
    )
    return list(orgs.distinct())


def viewer_for(user: object) -> Viewer | None:
    """The user's dashboard role, or None when they have none."""
    if not isinstance(user, Account) or not user.is_active:
        return None
    if is_it_administrator(user):
        return Viewer(user, ViewerRole.DISTRICT_ADMIN)
    person = user.person
    if person is not None and person.is_active and person.role == Person.Role.ADMINISTRATOR:
        orgs = _administered_orgs(person)
        if any(org.org_type == Org.OrgType.DISTRICT for org in orgs):
            return Viewer(user, ViewerRole.DISTRICT_ADMIN)
        schools = frozenset(org.pk for org in orgs if org.org_type == Org.OrgType.SCHOOL)
        if schools:
            return Viewer(user, ViewerRole.SCHOOL_ADMIN, school_ids=schools)
    if _is_technician(user):
        return Viewer(user, ViewerRole.TECHNICIAN)
    if person is not None and person.is_active and person.role == Person.Role.TEACHER:
        return Viewer(user, ViewerRole.TEACHER)
    return None


def require_viewer(request: HttpRequest) -> Viewer:
    """The request's viewer; Http404 for anyone without a dashboard role."""
    viewer = viewer_for(request.user)
    if viewer is None:
        raise Http404
    return viewer


def taught_classes(teacher: Person) -> QuerySet[Class]:
    """Active classes the teacher actively teaches."""
    return Class.objects.filter(
        status=Status.ACTIVE,
        enrollments__person=teacher,
        enrollments__role=Enrollment.Role.TEACHER,
        enrollments__status=Status.ACTIVE,
    ).distinct()


def enrolled_in(classes: QuerySet[Class]) -> Exists:
    """People actively enrolled as students in one of `classes`."""
    return Exists(
        Enrollment.objects.filter(
            person=OuterRef("pk"),
            role=Enrollment.Role.STUDENT,
            status=Status.ACTIVE,
            klass__in=classes.values("pk"),
        )
    )


def people_in_scope(viewer: Viewer) -> QuerySet[Person]:
    """Every person whose record the viewer may see (active or not)."""
    people = Person.objects.all()
    if viewer.sees_district:
        return people
    if viewer.role is ViewerRole.SCHOOL_ADMIN:
        return people.filter(primary_org_id__in=viewer.school_ids)
    person = viewer.account.person
    assert person is not None
    return people.filter(role=Person.Role.STUDENT).filter(enrolled_in(taught_classes(person)))


def schools_in_scope(viewer: Viewer) -> QuerySet[Org]:
    schools = Org.objects.filter(org_type=Org.OrgType.SCHOOL)
    if viewer.role is ViewerRole.SCHOOL_ADMIN:
        return schools.filter(pk__in=viewer.school_ids)
    if viewer.sees_district:
        return schools
    return schools.none()


def access_school_by_viewer(pk: int, viewer: Viewer) -> Org:
    """The school, if the viewer sees its claim rates; Http404 otherwise."""
    if not viewer.sees_claim_rates:
        raise Http404
    school = schools_in_scope(viewer).filter(pk=pk).first()
    if school is None:
        raise Http404
    return school


def access_class_by_viewer(pk: int, viewer: Viewer) -> Class:
    """The class, if it is in a school the viewer sees; Http404 otherwise."""
    if not viewer.sees_claim_rates:
        raise Http404
    klass = (
        Class.objects.select_related("school")
        .filter(pk=pk, school__in=schools_in_scope(viewer))
        .first()
    )
    if klass is None:
        raise Http404
    return klass


def access_person_by_viewer(pk: int, viewer: Viewer) -> Person:
    """The person, if the viewer may open their account page; Http404 otherwise."""
    if not viewer.sees_accounts:
        raise Http404
    person = people_in_scope(viewer).select_related("primary_org").filter(pk=pk).first()
    if person is None:
        raise Http404
    return person
