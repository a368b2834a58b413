"""The portal home: the apps for the person's role."""

from __future__ import annotations

import re

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
    assert {"Email", "Classroom", "Library"} <= names


def test_a_student_sees_the_student_tiles_only(client, student):
    client.force_login(student)
    response = client.get(HOME)
    assertContains(response, "Classroom")
    assertContains(response, "https://classroom.example.org/")


def test_no_tile_leads_to_a_missing_page(client, teacher):
    client.force_login(teacher)
    body = client.get(HOME).content.decode()
    local = re.findall(r'<li class="tile">\s*<a href="(/[^"]*)"', body)
    for url in local:
        assert client.get(url).status_code in (200, 302), url
    assert "/support/" not in body
    assert "Technology Support Center</span>" not in body


def test_a_tile_saved_with_a_path_that_leads_nowhere_is_not_shown(client, teacher):
    # Saved without validation, as rows written before the check or by a script are.
    AppTile.objects.bulk_create(
        [AppTile(name="Gone", url="/no-such-page/"), AppTile(name="Help", url="/account/help/")]
    )
    client.force_login(teacher)
    response = client.get(HOME)
    assertNotContains(response, "/no-such-page/")
    assertContains(response, 'href="/account/help/"')
    local = re.findall(r'<li class="tile">\s*<a href="(/[^"]*)"', response.content.decode())
    assert local == ["/account/help/"]


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
    AppTile.objects.filter(name="Library").update(for_students=False, for_teachers=False)
    staff = Account.objects.create_user("itadmin", "a long staff password", is_staff=True)
    client.force_login(staff)
    assertContains(client.get(HOME), "Library</span>")


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
    AppTile(name="Good", url=reverse("accounts:help")).full_clean()
    AppTile(name="Good", url="https://example.org/").full_clean()


def test_an_unknown_role_sees_nothing():
    assert AppTile.objects.for_role("parent").count() == 0


def test_a_path_on_this_site_must_lead_to_a_page():
    with pytest.raises(ValidationError, match="no page"):
        AppTile(name="Support", url="/support/").full_clean()
