"""What `manage.py demo` does to the database, as small functions it can test.

Nothing here runs outside the demo: the command refuses to start in production.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Account
from directory.models import Person

DEMO_ADMIN_USERNAME = "admin"


def do_make_new_people_claimable(*, first_seen_since: datetime, now: datetime | None = None) -> int:
    """Pretend the people this demo run created were first seen a waiting period ago.

    The district's letter makes new people wait 24 hours before they can claim; a demo
    that just loaded its district would have nobody to claim. The sync itself runs on
    the real clock, so its SyncRun and audit rows stay truthful; only people first seen
    in this run (at or after `first_seen_since`) are moved back, so running the demo
    again changes nothing and real waiting periods elsewhere are left alone.

    No audit row: this is a fixture for the demo database, not a security event.
    """
    now = now or timezone.now()
    delay = timedelta(hours=settings.CLAIM_DELAY_HOURS)
    with transaction.atomic():
        moved = Person.objects.filter(
            first_seen_at__gte=first_seen_since, claimable_at__gt=now
        ).update(first_seen_at=now - delay, claimable_at=now)
    return moved


@dataclass(frozen=True)
class DemoAdmin:
    account: Account
    # The password to show once, when this run chose or set it; None when unchanged.
    password: str | None
    created: bool


def do_ensure_demo_admin(password: str = "") -> DemoAdmin:
    """The IT superuser "admin": created once with `password` (random when empty).

    Idempotent: a later run keeps the existing admin and its password, unless a
    password is given (HALLPASS_DEMO_ADMIN_PASSWORD), which is then set, so that the
    environment variable always describes the demo's admin.
    """
    with transaction.atomic():
        account = Account.objects.filter(username=DEMO_ADMIN_USERNAME).first()
        if account is None:
            chosen = password or secrets.token_urlsafe(12)
            account = Account.objects.create_superuser(DEMO_ADMIN_USERNAME, chosen)
            return DemoAdmin(account=account, password=chosen, created=True)
        changed: list[str] = []
        if not (account.is_staff and account.is_superuser and account.is_active):
            account.is_staff = account.is_superuser = account.is_active = True
            changed += ["is_staff", "is_superuser", "is_active"]
        if password and not account.check_password(password):
            account.set_password(password)
            changed.append("password")
        if changed:
            account.save(update_fields=changed)
        return DemoAdmin(
            account=account, password=password if "password" in changed else None, created=False
        )


@dataclass(frozen=True)
class SampleIdentity:
    role: str
    family_name: str
    given_name: str
    identifier: str
    username: str


def sample_identities(*, students: int = 2, employees: int = 1) -> list[SampleIdentity]:
    """A few people who can claim their account right now, to print for the visitor.

    Prefers names that show off what claiming forgives (accents, compound family
    names) and an employee number with a leading zero; the choice is stable.
    """
    now = timezone.now()
    unclaimed = Person.objects.claimable(now).filter(
        Q(account__isnull=True) | Q(account__claimed_at__isnull=True)
    ).order_by("identifier")
    picked: list[Person] = []
    pupils = list(unclaimed.filter(role=Person.Role.STUDENT)[:200])
    # One name with accents (best in both names), then a plain one, as a tour of
    # what matching forgives and what it does not need to.
    accented = sorted(
        (p for p in pupils if _has_accent(p.family_name)),
        key=lambda p: (not _has_accent(p.given_name), p.identifier),
    )
    plain = [p for p in pupils if not _has_accent(p.family_name + p.given_name)]
    picked += _first_distinct(accented[:1] + plain + pupils, students)
    staff = list(
        unclaimed.filter(role__in=[Person.Role.TEACHER, Person.Role.STAFF,
                                   Person.Role.ADMINISTRATOR])[:200]
    )
    staff.sort(key=lambda p: (p.role != Person.Role.TEACHER, not p.identifier.startswith("0"),
                              p.identifier))
    picked += staff[:employees]
    return [
        SampleIdentity(
            role=str(Person.Role(p.role).label),
            family_name=p.family_name,
            given_name=p.given_name,
            identifier=p.identifier,
            username=p.display_username,
        )
        for p in picked
    ]


def _first_distinct(people: list[Person], count: int) -> list[Person]:
    seen: set[int] = set()
    result: list[Person] = []
    for person in people:
        if person.pk not in seen:
            seen.add(person.pk)
            result.append(person)
        if len(result) == count:
            break
    return result


def _has_accent(name: str) -> bool:
    return any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", name))
