"""A small district for the dashboard's tests: two schools, two classes, people in
every claim state, and one account for each dashboard role."""

from __future__ import annotations

from dataclasses import dataclass

from django.test import Client

from accounts.models import Account
from accounts.roles import IT_ADMINISTRATOR
from accounts.tests.builders import make_claimed_account, make_person, make_staff_account
from directory.models import Class, Org, Person
from support.tests.builders import make_class, make_school, make_teacher, make_technician, signed_in


@dataclass(frozen=True)
class District:
    north: Org
    south: Org
    math: Class  # at North, taught by `teacher`
    art: Class  # at North, taught by someone else
    teacher: Account
    school_admin: Account  # North's
    district_admin: Account
    technician: Account
    claimed: Account  # a student in math
    unclaimed: Person  # in math
    waiting: Person  # in math, inside the wait after first appearing
    other_class: Person  # in art, not claimed
    south_claimed: Account
    south_left: Person  # deactivated


def student(school: Org, grade: str, **fields: object) -> Person:
    return make_person(primary_org=school, grades=grade, **fields)  # type: ignore[arg-type]


def make_district() -> District:
    north, south = make_school("North High"), make_school("South Middle")
    teacher = make_teacher(primary_org=north)
    other_teacher = make_teacher(given_name="Otto", primary_org=north)
    claimed = make_claimed_account(student(north, "09", given_name="Cleo", family_name="Claimed"))
    unclaimed = student(north, "09", given_name="Una", family_name="Unclaimed")
    waiting = student(north, "10", given_name="Wes", family_name="Waiting", claimable=False)
    other = student(north, "10", given_name="Olga", family_name="Other")
    assert claimed.person is not None and teacher.person is not None
    assert other_teacher.person is not None
    math = make_class(teacher.person, [claimed.person, unclaimed, waiting], school=north)
    art = make_class(other_teacher.person, [other], school=north)
    admin_person = make_person(
        role=Person.Role.ADMINISTRATOR, given_name="Ada", family_name="Principal",
        primary_org=north,
    )
    admin_person.orgs.add(north)
    school_admin = make_claimed_account(admin_person)
    south_claimed = make_claimed_account(
        student(south, "07", given_name="Sol", family_name="South")
    )
    south_left = student(south, "07", given_name="Lee", family_name="Left", active=False)
    return District(
        north=north, south=south, math=math, art=art, teacher=teacher,
        school_admin=school_admin,
        district_admin=make_staff_account(IT_ADMINISTRATOR, given_name="Dina"),
        technician=make_technician(),
        claimed=claimed, unclaimed=unclaimed, waiting=waiting, other_class=other,
        south_claimed=south_claimed, south_left=south_left,
    )


def client_for(account: Account) -> Client:
    return signed_in(account)
