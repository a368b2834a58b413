"""The portal home: the apps for the person's role."""

from __future__ import annotations

from django.test import TestCase
from django.urls import reverse

from accounts.models import Account
from accounts.tests.builders import make_claimed_account
from directory.models import Person
from portal.models import AppTile

HOME = reverse("portal:home")


class PortalHomeTests(TestCase):
    def setUp(self) -> None:
        self.student = make_claimed_account(given_name="Ana", family_name="Reyes")
        self.teacher = make_claimed_account(role=Person.Role.TEACHER)

    def test_it_needs_to_be_signed_in(self) -> None:
        self.assertRedirects(self.client.get(HOME), f"{reverse('accounts:login')}?next={HOME}")

    def test_the_demo_tiles_are_seeded(self) -> None:
        names = set(AppTile.objects.values_list("name", flat=True))
        self.assertLessEqual({"Email", "Classroom", "Library", "Technology Support Center"}, names)

    def test_a_student_sees_the_student_tiles_only(self) -> None:
        self.client.force_login(self.student)
        response = self.client.get(HOME)
        self.assertContains(response, "Classroom")
        self.assertContains(response, "https://classroom.example.org/")
        self.assertNotContains(response, "Technology Support Center</span>")

    def test_a_teacher_sees_the_support_center(self) -> None:
        self.client.force_login(self.teacher)
        self.assertContains(self.client.get(HOME), "Technology Support Center</span>")

    def test_hidden_tiles_are_not_shown(self) -> None:
        AppTile.objects.filter(name="Library").update(is_active=False)
        self.client.force_login(self.student)
        self.assertNotContains(self.client.get(HOME), "library.example.org")

    def test_tiles_come_in_position_order(self) -> None:
        AppTile.objects.filter(name="Library").update(position=1)
        self.client.force_login(self.student)
        body = self.client.get(HOME).content.decode()
        self.assertLess(body.index("Library"), body.index("Classroom"))

    def test_tile_names_follow_the_active_language(self) -> None:
        self.client.force_login(self.student)
        response = self.client.get(HOME, HTTP_ACCEPT_LANGUAGE="es")
        self.assertContains(response, "Biblioteca")

    def test_it_staff_without_a_person_see_every_active_tile(self) -> None:
        staff = Account.objects.create_user("itadmin", "a long staff password", is_staff=True)
        self.client.force_login(staff)
        self.assertContains(self.client.get(HOME), "Technology Support Center</span>")

    def test_it_links_to_the_account_pages_and_shows_who_is_signed_in(self) -> None:
        self.client.force_login(self.student)
        response = self.client.get(HOME)
        self.assertContains(response, reverse("accounts:change-password"))
        self.assertContains(response, reverse("accounts:change-challenges"))
        self.assertContains(response, f"Signed in as Ana Reyes ({self.student.display_username})")
        self.assertContains(response, "<h1>", count=1)


class AppTileTests(TestCase):
    def test_an_address_must_be_http_or_a_local_path(self) -> None:
        from django.core.exceptions import ValidationError

        tile = AppTile(name="Bad", url="javascript:alert(1)")
        with self.assertRaises(ValidationError):
            tile.full_clean()
        AppTile(name="Good", url="/support/").full_clean()
        AppTile(name="Good", url="https://example.org/").full_clean()

    def test_an_unknown_role_sees_nothing(self) -> None:
        self.assertEqual(AppTile.objects.for_role("parent").count(), 0)
