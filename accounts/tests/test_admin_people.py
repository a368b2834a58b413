"""The People list in the admin: claim status, last sign-in, school and role as
columns and filters, in a number of queries that does not grow with the people."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from accounts.tests.builders import make_claimed_account, make_person
from common.tests.client import FormClient
from directory.models import Org, Person

pytestmark = pytest.mark.django_db

URL = reverse("admin:directory_person_changelist")


@pytest.fixture
def staff() -> FormClient:
    client = FormClient()
    client.force_login(Account.objects.create_superuser("itadmin", "pw-not-used-here-123"))
    return client


def school(name: str) -> Org:
    return Org.objects.create(sourced_id=f"org-{name}", name=name, org_type=Org.OrgType.SCHOOL)


@pytest.fixture
def people() -> dict[str, Person]:
    """One person in each claim status, at two schools, signed in at different times."""
    north, south = school("North Elementary"), school("South High")
    recent = make_claimed_account(family_name="Recent", primary_org=north)
    Account.objects.filter(pk=recent.pk).update(last_login=timezone.now() - timedelta(days=2))
    old = make_claimed_account(family_name="Old", role="teacher", primary_org=south)
    Account.objects.filter(pk=old.pk).update(last_login=timezone.now() - timedelta(days=90))
    assert recent.person is not None and old.person is not None
    return {
        "recent": recent.person,
        "old": old.person,
        "unclaimed": make_person(family_name="Waiting", primary_org=north),
        "new": make_person(family_name="Newcomer", claimable=False, primary_org=south),
    }


def listed(client: FormClient, **params: str) -> set[str]:
    response = client.get(URL, params)
    assert response.status_code == 200
    return {person.family_name for person in response.context["cl"].result_list}


def test_the_list_shows_claim_status_last_sign_in_school_and_role(staff, people):
    body = staff.get(URL).content.decode()
    for heading in ("Claim status", "Last sign-in", "School", "Role"):
        assert f">{heading}</a>" in body or f"<span>{heading}</span>" in body
    for shown in ("Claimed", "Unclaimed", "Not yet claimable", "North Elementary", "Teacher"):
        assert f">{shown}</td>" in body


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("claimed", {"Recent", "Old"}),
        ("unclaimed", {"Waiting"}),
        ("not_yet", {"Newcomer"}),
    ],
)
def test_people_are_filtered_by_claim_status(staff, people, value, expected):
    assert listed(staff, claim=value) == expected


def test_a_reset_account_counts_as_unclaimed(staff, people):
    Account.objects.filter(person=people["recent"]).update(claimed_at=None)
    assert listed(staff, claim="unclaimed") == {"Waiting", "Recent"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("7", {"Recent"}), ("30", {"Recent"}), ("older", {"Old"}), ("never", {"Waiting", "Newcomer"})],
)
def test_people_are_filtered_by_last_sign_in(staff, people, value, expected):
    assert listed(staff, signed_in=value) == expected


def test_people_are_filtered_by_school_and_role(staff, people):
    north = Org.objects.get(name="North Elementary")
    assert listed(staff, primary_org__id__exact=str(north.pk)) == {"Recent", "Waiting"}
    assert listed(staff, role__exact="teacher") == {"Old"}


def test_the_list_costs_the_same_queries_for_many_people(staff, people):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff.get(URL).status_code == 200
        return len(captured)

    queries()  # the first view of a process also fills caches (content types)
    few = queries()
    for n in range(30):
        if n % 2:
            make_claimed_account(family_name=f"Many{n}")
        else:
            make_person(family_name=f"Many{n}", claimable=bool(n % 3))
    assert queries() == few
