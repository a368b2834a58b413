"""Builders for the Support Center's tests: technicians, schools, classes, tickets."""

from __future__ import annotations

import itertools
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import Account
from accounts.roles import TECHNICIAN
from accounts.tests.builders import DEFAULT_PASSWORD, make_claimed_account, make_staff_account
from common.tests.client import FormClient
from directory.models import Class, Enrollment, Org, Person
from support.models import Category, Ticket
from support.services import NewTicket, do_open_ticket

_sequence = itertools.count(1)

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def png(name: str = "screen.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def make_technician(**overrides: Any) -> Account:
    overrides.setdefault("given_name", "Terry")
    overrides.setdefault("family_name", "Tech")
    return make_staff_account(TECHNICIAN, **overrides)


def make_school(name: str = "Riverside Elementary") -> Org:
    n = next(_sequence)
    return Org.objects.create(sourced_id=f"school-{n}", name=name, org_type=Org.OrgType.SCHOOL)


def make_class(teacher: Person, students: list[Person], school: Org | None = None) -> Class:
    n = next(_sequence)
    klass = Class.objects.create(
        sourced_id=f"class-{n}", title=f"Class {n}", school=school or make_school()
    )
    Enrollment.objects.create(
        sourced_id=f"enr-t-{n}", klass=klass, person=teacher, role=Enrollment.Role.TEACHER
    )
    for i, student in enumerate(students):
        Enrollment.objects.create(
            sourced_id=f"enr-s-{n}-{i}", klass=klass, person=student, role=Enrollment.Role.STUDENT
        )
    return klass


def category(code: str = "technical") -> Category:
    return Category.objects.get(code=code)


def open_ticket(
    by: Account, *, requester: Person | None = None, subject: str = "Projector has no signal",
    **fields: Any,
) -> Ticket:
    return do_open_ticket(
        NewTicket(
            subject=subject,
            description=fields.pop("description", "Room 12's projector shows no signal."),
            category=fields.pop("category", None) or category(),
            requester=requester or by.person,
            **fields,
        ),
        actor=by,
    )


def signed_in(account: Account) -> Client:
    client = FormClient()
    assert client.login(username=account.username, password=DEFAULT_PASSWORD)
    return client


def make_teacher(**overrides: Any) -> Account:
    overrides.setdefault("role", Person.Role.TEACHER)
    overrides.setdefault("given_name", "Tina")
    overrides.setdefault("family_name", "Teacher")
    return make_claimed_account(**overrides)
