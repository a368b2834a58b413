"""Who opens what: every role by URL guessing. Outside a viewer's scope every page
answers 404, the same as a page that does not exist."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tests.builders import make_claimed_account, make_person
from dashboard.tests.builders import District, client_for, student
from directory.models import Enrollment, Person, Status

pytestmark = pytest.mark.django_db


def pages_of(d: District) -> dict[str, str]:
    return {
        "home": reverse("dashboard:home"),
        "north": reverse("dashboard:school", args=[d.north.pk]),
        "south": reverse("dashboard:school", args=[d.south.pk]),
        "north-people": reverse("dashboard:school-people", args=[d.north.pk]),
        "south-people": reverse("dashboard:school-people", args=[d.south.pk]),
        "math": reverse("dashboard:class-people", args=[d.math.pk]),
        "north-student": reverse("dashboard:account", args=[d.unclaimed.pk]),
        "south-student": reverse("dashboard:account", args=[d.south_claimed.person_id]),
        "students": reverse("dashboard:students"),
        "audit": reverse("dashboard:audit"),
    }


def statuses(client: object, pages: dict[str, str]) -> dict[str, int]:
    return {name: client.get(url).status_code for name, url in pages.items()}  # type: ignore[attr-defined]


def test_a_district_administrator_sees_every_school_and_person(district: District) -> None:
    got = statuses(client_for(district.district_admin), pages_of(district))
    assert got == {
        "home": 200, "north": 200, "south": 200, "north-people": 200, "south-people": 200,
        "math": 200, "north-student": 200, "south-student": 200, "students": 404, "audit": 200,
    }


def test_a_school_administrator_sees_their_school_only(district: District) -> None:
    got = statuses(client_for(district.school_admin), pages_of(district))
    assert got == {
        "home": 200, "north": 200, "south": 404, "north-people": 200, "south-people": 404,
        "math": 200, "north-student": 200, "south-student": 404, "students": 404, "audit": 404,
    }


def test_a_technician_sees_accounts_and_the_audit_log_but_not_claim_rates(
    district: District,
) -> None:
    got = statuses(client_for(district.technician), pages_of(district))
    assert got == {
        "home": 200, "north": 404, "south": 404, "north-people": 404, "south-people": 404,
        "math": 404, "north-student": 200, "south-student": 200, "students": 404, "audit": 200,
    }


def test_a_teacher_sees_their_own_students_only(district: District) -> None:
    client = client_for(district.teacher)
    got = statuses(client, pages_of(district))
    assert got == {
        "home": 302, "north": 404, "south": 404, "north-people": 404, "south-people": 404,
        "math": 404, "north-student": 404, "south-student": 404, "students": 200, "audit": 404,
    }
    page = client.get(reverse("dashboard:students")).content.decode()
    assert "Una Unclaimed" in page and "Cleo Claimed" in page
    assert "Olga Other" not in page and "Sol South" not in page


@pytest.mark.parametrize("who", ["student", "employee", "unused-admin"])
def test_people_without_a_dashboard_role_see_nothing(district: District, who: str) -> None:
    if who == "student":
        account = district.claimed
    elif who == "employee":
        account = make_claimed_account(role=Person.Role.STAFF, given_name="Emma")
    else:  # a directory administrator of no school
        account = make_claimed_account(make_person(role=Person.Role.ADMINISTRATOR))
    got = statuses(client_for(account), pages_of(district))
    assert set(got.values()) == {404}


def test_pages_of_things_that_do_not_exist_answer_the_same_404(district: District) -> None:
    client = client_for(district.school_admin)
    for url in (
        reverse("dashboard:school", args=[999999]),
        reverse("dashboard:class-people", args=[999999]),
        reverse("dashboard:account", args=[999999]),
        reverse("dashboard:account-action", args=[district.unclaimed.pk, "reset"]),
    ):
        assert client.get(url).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(district: District) -> None:
    from django.test import Client

    response = Client().get(reverse("dashboard:home"))
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_a_teachers_letters_are_for_their_own_unclaimed_students_only(district: District) -> None:
    client = client_for(district.teacher)
    letters = reverse("dashboard:letters")
    assert client.get(letters, {"student": district.other_class.pk}).status_code == 404
    assert client.get(letters, {"student": str(district.claimed.person_id)}).status_code == 404
    assert client.get(letters, {"student": district.unclaimed.pk}).status_code == 200


def test_the_support_centers_my_students_leads_to_the_one_page(district: District) -> None:
    response = client_for(district.teacher).get(reverse("support:students"))
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:students")


def test_a_class_list_shows_a_school_administrator_only_their_schools_students(
    district: District,
) -> None:
    visitor = student(district.south, "09", given_name="Zed", family_name="Southerner")
    Enrollment.objects.create(
        person=visitor, klass=district.math, role=Enrollment.Role.STUDENT, status=Status.ACTIVE
    )
    url = reverse("dashboard:class-people", args=[district.math.pk])
    for viewer, sees in ((district.school_admin, False), (district.district_admin, True)):
        client = client_for(viewer)
        page = client.get(url, {"state": "all"}).content.decode()
        csv = client.get(url, {"state": "all", "csv": "people"}).content.decode()
        assert ("Southerner" in page, "Southerner" in csv) == (sees, sees)
