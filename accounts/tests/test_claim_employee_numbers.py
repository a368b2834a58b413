"""Employee numbers with letters (EMPLOYEE_ID_DIGITS = 0): an employee the directory
sync took in can claim with the number the sync took, whatever its shape."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse

from accounts.forms_claim import ClaimIdentityForm
from accounts.tests.claim_helpers import PASSWORD_URL, identify
from common.tests.client import FormClient
from directory.models import Org, Person
from directory.sync import sync_hr

pytestmark = pytest.mark.django_db
SYNCED_AT = datetime(2026, 8, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def letters_allowed(settings):
    settings.EMPLOYEE_ID_DIGITS = 0


def synced_employees(tmp_path: Path) -> dict[str, Person]:
    """The HR sync's people, by employee ID: one row per shape of number."""
    Org.objects.create(sourced_id="org-d", name="District", org_type="district")
    path = tmp_path / "hr.csv"
    path.write_text(
        "employee_id,first_name,last_name,location\n"
        "jdoe42,Jo,Doe,org-d\n"
        "77777,Dana,Whitfield,org-d\n"
        "T-0042.b,Minh,Nguyen,org-d\n",
        encoding="utf-8",
    )
    assert sync_hr(path, now=SYNCED_AT).result == "applied"
    return {p.identifier: p for p in Person.objects.all()}


@pytest.mark.usefixtures("letters_allowed")
@pytest.mark.parametrize("number", ["jdoe42", "77777", "T-0042.b"])
def test_an_employee_number_the_sync_took_is_one_the_claim_takes(tmp_path, number):
    person = synced_employees(tmp_path)[number]
    with time_machine.travel(SYNCED_AT + timedelta(days=2)):
        response = identify(FormClient(), person, identifier=f" {number} ")
    assert response.status_code == 302
    assert response["Location"] == PASSWORD_URL


@pytest.mark.usefixtures("letters_allowed")
def test_with_letters_allowed_numbers_are_not_padded(tmp_path):
    person = synced_employees(tmp_path)["77777"]
    with time_machine.travel(SYNCED_AT + timedelta(days=2)):
        response = identify(FormClient(), person, identifier="077777")
    assert response.status_code == 200


def test_with_padded_digits_a_number_with_letters_is_no_employee_number(tmp_path, settings):
    settings.EMPLOYEE_ID_DIGITS = 6
    person = Person.objects.create(
        sourced_id="p-1", source_system="hr", role=Person.Role.TEACHER, given_name="Jo",
        family_name="Doe", identifier="jdoe42", username="ejdoe42",
        claimable_at=SYNCED_AT,
    )  # fmt: skip
    with time_machine.travel(SYNCED_AT + timedelta(days=2)):
        response = identify(FormClient(), person, identifier="jdoe42")
    assert response.status_code == 200


@pytest.mark.usefixtures("letters_allowed")
def test_the_form_asks_for_the_number_as_hr_holds_it_and_offers_a_keyboard():
    field = ClaimIdentityForm().fields["identifier"]
    assert "zeros" not in str(field.help_text)
    assert field.widget.attrs["inputmode"] == "text"


def test_with_padded_digits_the_form_explains_the_zeros(settings):
    settings.EMPLOYEE_ID_DIGITS = 6
    field = ClaimIdentityForm().fields["identifier"]
    assert "6 digits" in str(field.help_text)
    assert field.widget.attrs["inputmode"] == "numeric"


@pytest.mark.usefixtures("letters_allowed")
def test_the_troubleshooting_tips_speak_of_the_number_as_hr_holds_it():
    page = FormClient().get(reverse("accounts:claim")).content.decode()
    assert "exactly as it appears in the HR system, letters included" in page
    assert "zeros in front" not in page
