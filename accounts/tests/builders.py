"""Small builders for tests of accounts and the apps above them.

Rows are created directly with the ORM; accounts go through the real services so
the stored password and answers are exactly what a claim would store."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from accounts.challenges import active_questions, do_set_answers
from accounts.models import Account
from accounts.passwords import do_set_password_hash
from directory.models import Person, SourceSystem, Status

DEFAULT_PASSWORD = "correct-Horse-battery-42"
DEFAULT_ANSWERS = ("Blue", "Rex", "Springfield")

_sequence = itertools.count(1)


def make_person(
    *,
    role: str = Person.Role.STUDENT,
    identifier: str | None = None,
    given_name: str = "Maria",
    family_name: str = "Lopez",
    claimable: bool = True,
    active: bool = True,
    **overrides: Any,
) -> Person:
    """A person as the directory sync would store them.

    claimable=False puts claimable_at in the future (inside the waiting period);
    active=False marks them as having left. Students get a 6-digit number,
    employees a number zero-padded to EMPLOYEE_ID_DIGITS, and a username built
    from settings.USERNAME_TEMPLATES, unless given."""
    n = next(_sequence)
    if identifier is None:
        identifier = f"{123000 + n}" if role == Person.Role.STUDENT else f"{7000 + n}"
    if role != Person.Role.STUDENT:
        identifier = identifier.zfill(settings.EMPLOYEE_ID_DIGITS)
    now = timezone.now()
    fields: dict[str, Any] = {
        "sourced_id": f"test-{role}-{identifier}-{n}",
        "source_system": SourceSystem.ONEROSTER if role == Person.Role.STUDENT else SourceSystem.HR,
        "role": role,
        "given_name": given_name,
        "family_name": family_name,
        "identifier": identifier,
        "username": settings.USERNAME_TEMPLATES[role].format(identifier=identifier).casefold(),
        "email": f"{given_name}.{family_name}.{n}@{settings.DISTRICT['email_domain']}".lower(),
        "status": Status.ACTIVE if active else Status.INACTIVE,
        "first_seen_at": now - timedelta(days=30) if claimable else now - timedelta(hours=1),
        "claimable_at": now - timedelta(days=29) if claimable else now + timedelta(hours=23),
        "left_at": None if active else now - timedelta(days=1),
    }
    fields.update(overrides)
    return Person.objects.create(**fields)


def answers_for(texts: tuple[str, str, str] = DEFAULT_ANSWERS) -> dict[int, str]:
    """Question id -> answer for the first three active catalog questions."""
    ids = list(active_questions().values_list("pk", flat=True)[:3])
    if len(ids) < 3:
        raise RuntimeError("The challenge-question catalog has fewer than three questions.")
    return dict(zip(ids, texts, strict=True))


def make_staff_account(role_group: str | None = None, **person_overrides: Any) -> Account:
    """A claimed employee account with staff status, in the role's group if given
    (accounts.roles.TECHNICIAN or IT_ADMINISTRATOR), as an IT administrator makes
    one in the admin."""
    from django.contrib.auth.models import Group

    person_overrides.setdefault("role", Person.Role.STAFF)
    account = make_claimed_account(**person_overrides)
    account.is_staff = True
    account.save(update_fields=["is_staff"])
    if role_group is not None:
        account.groups.add(Group.objects.get(name=role_group))
    return account


def make_claimed_account(
    person: Person | None = None,
    password: str = DEFAULT_PASSWORD,
    answers: dict[int, str] | None = None,
    **person_overrides: Any,
) -> Account:
    """An account that completed the claim: password set, three answers, claimed_at set.

    answers defaults to DEFAULT_ANSWERS for the first three catalog questions."""
    from django.contrib.auth.hashers import make_password

    if person is None:
        person = make_person(**person_overrides)
    account = Account(username=person.username, person=person, claimed_at=timezone.now())
    do_set_password_hash(account, make_password(password))
    do_set_answers(account, answers if answers is not None else answers_for())
    return account
