"""The portal home: the launchpad of the person's apps."""

from __future__ import annotations

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.models import Account
from accounts.tests.builders import make_claimed_account
from directory.models import Person
from sso.models import App
from sso.tests.builders import make_app

pytestmark = pytest.mark.django_db

HOME = reverse("portal:home")


@pytest.fixture
def student() -> Account:
    return make_claimed_account(given_name="Ana", family_name="Reyes")


@pytest.fixture
def teacher() -> Account:
    return make_claimed_account(role=Person.Role.TEACHER)


def test_it_needs_to_be_signed_in(client):
    assertRedirects(client.get(HOME), f"{reverse('accounts:login')}?next={HOME}")


def test_the_demo_apps_are_seeded():
    names = set(App.objects.values_list("name", flat=True))
    assert {"Email", "Classroom", "Library", "Technology Support Center"} <= names


def test_a_student_sees_the_student_apps_only(client, student):
    client.force_login(student)
    response = client.get(HOME)
    assertContains(response, "Classroom")
    assertContains(response, "https://classroom.example.org/")
    assertNotContains(response, "Technology Support Center</span>")


def _support_center_elsewhere() -> None:
    """The demo's tile, pointed at a support center of the district's own (a tile to a
    page of this site shows only once that page exists)."""
    App.objects.filter(name="Technology Support Center").update(
        launch_url="https://support.example.org/"
    )


def test_a_teacher_sees_the_support_center(client, teacher):
    _support_center_elsewhere()
    client.force_login(teacher)
    assertContains(client.get(HOME), "Technology Support Center</span>")


def test_hidden_apps_are_not_shown(client, student):
    App.objects.filter(name="Library").update(is_active=False)
    client.force_login(student)
    assertNotContains(client.get(HOME), "library.example.org")


def test_apps_come_in_position_order(client, student):
    App.objects.filter(name="Library").update(position=1)
    client.force_login(student)
    body = client.get(HOME).content.decode()
    assert body.index("Library") < body.index("Classroom")


def test_app_names_follow_the_active_language(client, student):
    client.force_login(student)
    response = client.get(HOME, HTTP_ACCEPT_LANGUAGE="es")
    assertContains(response, "Biblioteca")


def test_an_untranslated_name_shows_in_english(client, student):
    make_app("Typing Club")
    client.force_login(student)
    assertContains(client.get(HOME, HTTP_ACCEPT_LANGUAGE="vi"), "Typing Club")


def test_it_staff_without_a_person_see_every_shown_app(client):
    _support_center_elsewhere()
    staff = Account.objects.create_user("itadmin", "a long staff password", is_staff=True)
    client.force_login(staff)
    assertContains(client.get(HOME), "Technology Support Center</span>")


def test_it_links_to_the_account_pages_and_shows_who_is_signed_in(client, student):
    client.force_login(student)
    response = client.get(HOME)
    assertContains(response, reverse("accounts:change-password"))
    assertContains(response, reverse("accounts:change-challenges"))
    assertContains(response, f"Signed in as Ana Reyes ({student.display_username})")
    assertContains(response, "<h1>", count=1)


def test_a_dozen_apps_need_no_search_box(client, student):
    App.objects.all().delete()
    for n in range(12):
        make_app(f"App {n:02}")
    client.force_login(student)
    assertNotContains(client.get(HOME), 'type="search"')


def test_more_than_a_dozen_apps_bring_a_search_box_that_finds_them(client, student):
    App.objects.all().delete()
    for n in range(12):
        make_app(f"App {n:02}")
    make_app("Biología Interactiva", description="Science labs")
    client.force_login(student)
    assertContains(client.get(HOME), 'type="search"')
    found = client.get(HOME, {"q": "BIOLOGIA"})
    assertContains(found, "Biología Interactiva")
    assertNotContains(found, "App 03")
    assertContains(found, "1 of 13 apps match")
    assertContains(client.get(HOME, {"q": "science"}), "Biología Interactiva")
