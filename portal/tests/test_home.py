"""The portal home: the apps for the person's role."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.models import Account
from accounts.tests.builders import make_claimed_account
from directory.models import Person
from portal.models import AppTile

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


def test_the_demo_tiles_are_seeded():
    names = set(AppTile.objects.values_list("name", flat=True))
    assert {"Email", "Classroom", "Library", "Technology Support Center"} <= names


def test_a_student_sees_the_student_tiles_only(client, student):
    client.force_login(student)
    response = client.get(HOME)
    assertContains(response, "Classroom")
    assertContains(response, "https://classroom.example.org/")
    assertNotContains(response, "Technology Support Center</span>")


def test_a_teacher_sees_the_support_center(client, teacher):
    client.force_login(teacher)
    assertContains(client.get(HOME), "Technology Support Center</span>")


def test_hidden_tiles_are_not_shown(client, student):
    AppTile.objects.filter(name="Library").update(is_active=False)
    client.force_login(student)
    assertNotContains(client.get(HOME), "library.example.org")


def test_tiles_come_in_position_order(client, student):
    AppTile.objects.filter(name="Library").update(position=1)
    client.force_login(student)
    body = client.get(HOME).content.decode()
    assert body.index("Library") < body.index("Classroom")


def test_tile_names_follow_the_active_language(client, student):
    client.force_login(student)
    response = client.get(HOME, HTTP_ACCEPT_LANGUAGE="es")
    assertContains(response, "Biblioteca")


def test_it_staff_without_a_person_see_every_active_tile(client):
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


def test_an_address_must_be_http_or_a_local_path():
    tile = AppTile(name="Bad", url="javascript:alert(1)")
    with pytest.raises(ValidationError):
        tile.full_clean()
    AppTile(name="Good", url="/support/").full_clean()
    AppTile(name="Good", url="https://example.org/").full_clean()


def test_an_unknown_role_sees_nothing():
    assert AppTile.objects.for_role("parent").count() == 0
