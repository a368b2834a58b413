"""Who sees which app: roles, schools and grades, in any combination; each left
empty means everyone, and those set must all match."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Account
from accounts.tests.builders import make_claimed_account
from directory.models import Org, Person
from sso.launchpad import apps_for
from sso.models import App
from sso.tests.builders import make_app, make_school

pytestmark = pytest.mark.django_db


@pytest.fixture
def schools() -> dict[str, Org]:
    return {"lincoln": make_school("Lincoln High"), "adams": make_school("Adams Middle")}


def person(role: str, school: Org, grades: str = "") -> Account:
    account = make_claimed_account(role=role, grades=grades)
    assert account.person is not None
    account.person.orgs.add(school)
    return account


@pytest.fixture
def registry(schools) -> None:
    """One app per kind of assignment (the demo apps aside)."""
    App.objects.all().delete()
    lincoln, adams = schools["lincoln"], schools["adams"]
    make_app("Everyone")
    make_app("Students", roles=["student"])
    make_app("Teachers", roles=["teacher"])
    make_app("Staff and administrators", roles=["staff", "administrator"])
    make_app("Lincoln", schools=[lincoln])
    make_app("Ninth grade", grades=["09"])
    make_app("Lincoln ninth graders", roles=["student"], schools=[lincoln], grades=["09"])
    make_app("Adams teachers", roles=["teacher"], schools=[adams])
    make_app("Hidden", is_active=False)


def names(account: Account) -> set[str]:
    return {app.name for app in apps_for(account)}


@pytest.mark.parametrize(
    ("role", "school", "grades", "expected"),
    [
        ("student", "lincoln", "09", {"Everyone", "Students", "Lincoln", "Ninth grade",
                                      "Lincoln ninth graders"}),
        ("student", "lincoln", "10", {"Everyone", "Students", "Lincoln"}),
        ("student", "adams", "09", {"Everyone", "Students", "Ninth grade"}),
        ("student", "adams", "07", {"Everyone", "Students"}),
        ("teacher", "lincoln", "", {"Everyone", "Teachers", "Lincoln"}),
        ("teacher", "adams", "", {"Everyone", "Teachers", "Adams teachers"}),
        ("staff", "adams", "", {"Everyone", "Staff and administrators"}),
        ("administrator", "lincoln", "", {"Everyone", "Staff and administrators", "Lincoln"}),
    ],
)
def test_each_person_sees_exactly_their_apps(registry, schools, role, school, grades, expected):
    assert names(person(role, schools[school], grades)) == expected


def test_a_person_in_two_grades_or_schools_sees_the_apps_of_each(registry, schools):
    account = person(Person.Role.STUDENT, schools["adams"], grades="08,09")
    assert account.person is not None
    account.person.orgs.add(schools["lincoln"])
    assert {"Lincoln", "Ninth grade", "Lincoln ninth graders"} <= names(account)


def test_it_staff_without_a_person_see_every_shown_app(registry):
    staff = Account.objects.create_user("itadmin", "a long staff password", is_staff=True)
    assert "Hidden" not in names(staff)
    assert len(names(staff)) == 8


def test_the_home_page_shows_exactly_those_tiles(client, registry, schools):
    account = person(Person.Role.TEACHER, schools["adams"])
    client.force_login(account)
    body = client.get(reverse("portal:home")).content.decode()
    shown = {name for name in App.objects.values_list("name", flat=True)
             if f'<span class="tile-name">{name}</span>' in body}
    assert shown == {"Everyone", "Teachers", "Adams teachers"}


def test_the_home_page_reads_the_registry_in_few_queries(
    client, registry, schools, django_assert_max_num_queries
):
    for n in range(50):
        make_app(f"Extra {n}", schools=[schools["lincoln"]])
    account = person(Person.Role.STUDENT, schools["lincoln"], "09")
    client.force_login(account)
    with django_assert_max_num_queries(12):
        client.get(reverse("portal:home"))


def test_no_tile_leads_to_a_missing_page_of_this_site(schools):
    App.objects.all().delete()
    make_app("Change password", launch_url="/account/password/")
    make_app("Not built yet", launch_url="/no-such-page/")
    make_app("A vendor's app", launch_url="https://vendor.example.org/")
    assert names(person("student", schools["lincoln"])) == {"Change password", "A vendor's app"}
