"""The ID typed with the username's prefix (the letter's "S", or the whole username)
is the ID: families type it that way whatever the letter says."""

from __future__ import annotations

import pytest
from django.test import override_settings

from accounts import claiming
from accounts.tests.builders import make_person
from accounts.tests.claim_helpers import PASSWORD_URL, identify
from common.tests.client import FormClient
from directory.models import Person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["1001905", "S1001905", "s1001905", "S01001905", "s0 1001905"])
def test_a_student_id_with_the_usernames_prefix_is_accepted(typed):
    person = make_person(identifier="1001905", given_name="Linh", family_name="Trần")
    response = identify(FormClient(), person, identifier=typed)
    assert response.status_code == 302
    assert response["Location"] == PASSWORD_URL


def test_an_s_before_an_id_that_starts_with_zero_is_still_that_id():
    person = make_person(identifier="0123456", given_name="Ana", family_name="Reyes")
    response = identify(FormClient(), person, identifier="S0123456")
    assert response.status_code == 302


@pytest.mark.parametrize("typed", ["e77777", "E077777", "077777"])
def test_an_employee_id_with_the_usernames_prefix_is_accepted(typed):
    person = make_person(role=Person.Role.TEACHER, identifier="77777")
    response = identify(FormClient(), person, identifier=typed)
    assert response.status_code == 302


@override_settings(USERNAME_TEMPLATES={
    "student": "stu{identifier}", "teacher": "t{identifier}",
    "staff": "t{identifier}", "administrator": "t{identifier}",
})
def test_the_prefix_comes_from_the_districts_templates():
    person = make_person(identifier="1001905", given_name="Linh", family_name="Tran")
    assert identify(FormClient(), person, identifier="STU1001905").status_code == 302
    other = make_person(identifier="1001906", given_name="Linh", family_name="Tran")
    assert identify(FormClient(), other, identifier="S01001906").status_code == 200


def test_every_spelling_of_an_id_counts_against_the_same_limit():
    keys = {
        claiming.identity_counter(typed).key
        for typed in ("1001905", "S1001905", "s01001905", " S0 1001905 ")
    }
    assert len(keys) == 1
    assert claiming.identity_counter("1001906").key not in keys
