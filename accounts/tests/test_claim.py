"""Claim My Account: the happy paths, matching rules and what each page says."""

from __future__ import annotations

import html

import pytest
from django.contrib.auth import authenticate
from django.urls import reverse

from accounts.models import Account, ChallengeAnswer
from accounts.tests.builders import make_person
from accounts.tests.claim_helpers import (
    CHALLENGES_URL,
    CLAIM_URL,
    DONE_URL,
    PASSWORD,
    PASSWORD_URL,
    answer,
    choose_password,
    claim,
    identify,
    text_of,
    wizard_token,
)
from audit.models import AuditEvent, EventType
from common.tests.client import FormClient
from directory.models import Person

pytestmark = pytest.mark.django_db

# The notice itself (the troubleshooting help quotes the message too).
FAILED = "<p><strong>The Claim Account Operation Failed.</strong></p>"


def test_the_first_step_asks_for_last_name_first_name_and_id():
    response = FormClient().get(CLAIM_URL)
    assert response.status_code == 200
    body = response.content.decode()
    for field in ("family_name", "given_name", "identifier"):
        assert f'<label for="id_{field}">' in body
    assert 'aria-current="step"' in body
    assert "without the letter" in body


def test_a_student_claims_their_account_and_can_sign_in():
    person = make_person(identifier="123456", given_name="Ana", family_name="Nguyen")
    client = FormClient()
    response = claim(client, person)
    assert response.status_code == 302
    assert response["Location"] == DONE_URL

    account = Account.objects.get(person=person)
    assert account.is_claimed
    assert account.username == "s0123456"
    assert account.check_password(PASSWORD)
    assert ChallengeAnswer.objects.filter(account=account).count() == 3

    done = client.get(DONE_URL)
    text = text_of(done.content)
    assert "You Have Claimed Your Account" in text
    assert "Your challenge questions were successfully updated." in text
    assert "Please retain your username for future use: S0123456" in text
    assert "Please remember your username and password in order to log into your account." in text
    assert f'href="{reverse("accounts:login")}"' in done.content.decode()

    assert authenticate(username="S0123456", password=PASSWORD) == account
    assert authenticate(username="s0123456", password=PASSWORD) == account
    assert authenticate(username="s0123456", password=PASSWORD.upper()) is None
    assert FormClient().login(username="S0123456", password=PASSWORD)


def test_an_employee_types_their_id_without_the_leading_zeros():
    person = make_person(role=Person.Role.TEACHER, identifier="077777")
    client = FormClient()
    response = claim(client, person, identifier="77777")
    assert response["Location"] == DONE_URL
    text = text_of(client.get(DONE_URL).content)
    assert f"Please retain your username for future use: {person.username}" in text
    assert person.username == "e077777"


def test_an_employee_may_type_the_zero_padded_id():
    person = make_person(role=Person.Role.STAFF, identifier="000042")
    response = claim(FormClient(), person, identifier="000042")
    assert response["Location"] == DONE_URL


@pytest.mark.parametrize(
    ("family", "given", "identifier"),
    [
        ("  núñez ", "JOSÉ   maría", "123456"),
        ("NUNEZ", "jose maria", " 123456 "),
        ("Núñez", "José María", "123 456"),
    ],
)
def test_matching_tolerates_case_accents_and_spacing(family, given, identifier):
    person = make_person(identifier="123456", given_name="José María", family_name="Núñez")
    response = identify(
        FormClient(), person, family_name=family, given_name=given, identifier=identifier
    )
    assert response.status_code == 302
    assert response["Location"] == PASSWORD_URL


@pytest.mark.parametrize(
    ("family", "given", "identifier"),
    [
        ("Smith Jones", "Ana", "123456"),  # the hyphen is part of the name
        ("Smith-Jones", "Anna", "123456"),
        ("Smith-Jones", "Ana", "1234567"),
        ("Smith-Jones", "Ana", "X123456"),  # a letter that starts no username
        ("Smith-Jones", "Ana", "S00123456"),  # a username with one zero too many
        ("Smith-Jones", "Ana", "123456S"),  # the prefix goes in front
        ("Ana", "Smith-Jones", "123456"),  # first and last swapped
    ],
)
def test_nothing_else_is_forgiven(family, given, identifier):
    person = make_person(identifier="123456", given_name="Ana", family_name="Smith-Jones")
    response = identify(
        FormClient(), person, family_name=family, given_name=given, identifier=identifier
    )
    assert response.status_code == 200
    assert FAILED in response.content.decode()


@pytest.mark.parametrize(
    ("family", "given"),
    [("Đặng", "Đức"), ("O\u2019Brien", "Siobhán"), ("Ødegård", "Łukasz")],
)
def test_names_with_letters_that_have_no_ascii_form_are_matched(family, given):
    person = make_person(identifier="123456", given_name=given, family_name=family)
    response = identify(FormClient(), person, family_name=family.upper(), given_name=given)
    assert response.status_code == 302
    assert response["Location"] == PASSWORD_URL


@pytest.mark.parametrize(
    ("family", "given"),
    [("Dang", "Du"), ("Dag", "Đức"), ("O Brien", "Đức"), ("Dang-", "Duc")],
)
def test_a_wrong_name_with_or_without_such_letters_gets_the_failure_page(family, given):
    make_person(identifier="123456", given_name="Đức", family_name="Đặng")
    response = FormClient().submit(
        CLAIM_URL, {"family_name": family, "given_name": given, "identifier": "123456"}
    )
    assert response.status_code == 200
    assert FAILED in response.content.decode()
    assert AuditEvent.objects.filter(event_type=EventType.CLAIM_FAILED).count() == 1


@pytest.mark.parametrize(
    ("in_the_sis", "typed"),
    [
        (("Đặng", "Đức"), ("Dang", "Duc")),  # Vietnamese
        (("Đỗ", "Thị Ánh"), ("do", "thi anh")),
        (("Wiśniewski", "Łukasz"), ("Wisniewski", "Lukasz")),  # Polish
        (("Ødegård", "Øyvind"), ("Odegard", "Oyvind")),  # Norwegian
        (("Ægirsdóttir", "Þóra"), ("Aegirsdottir", "Thora")),  # Icelandic
        (("O'Brien", "Siobhán"), ("O\u2019Brien", "Siobhan")),  # a phone's apostrophe
        (("Smith-Jones", "Ana"), ("Smith\u2013Jones", "Ana")),  # an en dash
        (("Smith\u2010Jones", "Ana"), ("smith-jones", "ana")),  # the SIS's Unicode hyphen
    ],
)
def test_names_are_matched_as_families_type_them(in_the_sis, typed):
    person = make_person(identifier="123456", family_name=in_the_sis[0], given_name=in_the_sis[1])
    response = identify(FormClient(), person, family_name=typed[0], given_name=typed[1])
    assert response.status_code == 302
    assert response["Location"] == PASSWORD_URL


@pytest.mark.parametrize(
    ("in_the_sis", "typed"),
    [
        (("Иванова", "Анна"), ("Ivanova", "Anna")),  # other scripts keep their letters
        (("李", "小龍"), ("Li", "Xiao Long")),
        (("Παπαδόπουλος", "Ελένη"), ("Papadopoulos", "Eleni")),
    ],
)
def test_other_scripts_are_not_transliterated(in_the_sis, typed):
    person = make_person(identifier="123456", family_name=in_the_sis[0], given_name=in_the_sis[1])
    response = identify(FormClient(), person, family_name=typed[0], given_name=typed[1])
    assert FAILED in response.content.decode()
    same = identify(FormClient(), person)
    assert same["Location"] == PASSWORD_URL


def test_the_preferred_first_name_from_the_sis_is_accepted_too():
    person = make_person(given_name="Nguyen Van", preferred_given_name="Tommy")
    response = identify(FormClient(), person, given_name="tommy")
    assert response["Location"] == PASSWORD_URL


def test_a_student_and_an_employee_with_the_same_number_each_claim_their_own():
    teacher = make_person(role=Person.Role.TEACHER, identifier="012345", given_name="Ana")
    student = make_person(identifier="012345", given_name="Bea")
    claim(FormClient(), student, identifier="012345")
    claim(FormClient(), teacher, identifier="12345")
    assert Account.objects.get(person=student).username == "s0012345"
    assert Account.objects.get(person=teacher).username == "e012345"


def test_step_one_checks_that_every_field_is_filled_in():
    empty = {"family_name": "", "given_name": "", "identifier": ""}
    response = FormClient().submit(CLAIM_URL, empty)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in body
    assert "Enter your last name." in body
    assert "Enter your first name." in body
    assert "Enter your student or employee ID number." in body
    assert 'aria-describedby="id_family_name_error"' in body
    assert 'aria-invalid="true"' in body
    assert FAILED not in body


def test_the_wizard_moves_through_the_steps_with_the_step_indicator():
    person = make_person()
    client = FormClient()
    identify(client, person)
    page = client.get(PASSWORD_URL).content.decode()
    assert '<li aria-current="step">Create a password</li>' in page
    assert 'class="done">Who are you' in page
    choose_password(client)
    page = client.get(CHALLENGES_URL).content.decode()
    assert '<li aria-current="step">Challenge questions</li>' in page
    assert page.count('<fieldset class="form-field question-field">') == 3


def test_the_session_holds_only_a_hash_of_the_password():
    person = make_person()
    client = FormClient()
    identify(client, person)
    choose_password(client)
    state = client.session["claim"]
    assert state["person_id"] == person.pk
    assert state["step"] == "challenges"
    assert state["password_hash"].startswith("argon2$argon2id$")
    assert PASSWORD not in repr(dict(client.session))


def test_the_session_key_changes_when_the_person_is_identified():
    person = make_person()
    client = FormClient()
    client.get(CLAIM_URL)
    client.session.save()
    before = client.session.session_key
    identify(client, person)
    assert client.session.session_key != before


def test_abandoning_the_wizard_leaves_the_person_unclaimed():
    person = make_person()
    client = FormClient()
    identify(client, person)
    choose_password(client)
    assert not Account.objects.filter(person=person).exists()
    # Someone else (or the same person later) can still claim it.
    assert claim(FormClient(), person)["Location"] == DONE_URL


def test_the_done_page_survives_a_reload_and_the_wizard_state_is_cleared():
    person = make_person(identifier="555123")
    client = FormClient()
    claim(client, person)
    assert "claim" not in client.session
    for _ in range(2):
        response = client.get(DONE_URL)
        assert response.status_code == 200
        assert "S0555123" in response.content.decode()


def test_the_done_page_without_a_claim_goes_to_step_one():
    response = FormClient().get(DONE_URL)
    assert response.status_code == 302
    assert response["Location"] == CLAIM_URL


def test_password_rules_are_explained_at_step_two():
    person = make_person(given_name="Gabriela", family_name="Fernandez")
    client = FormClient()
    identify(client, person)
    cases = {
        "short1!": "This password is too short. It must contain at least 8 characters.",
        "password123": "This password is too common.",
        "Gabriela-2024!": "Your password cannot contain your username or your name.",
        f"x{person.username}x!": "Your password cannot contain your username or your name.",
    }
    for password, message in cases.items():
        response = choose_password(client, password)
        assert response.status_code == 200
        assert message in html.unescape(response.content.decode()), password
    response = choose_password(client, "Fine-Password-42", again="Fine-Password-43")
    assert "The passwords do not match." in response.content.decode()
    assert client.session["claim"]["step"] == "password"


def test_challenge_questions_must_be_three_different_questions_and_answers():
    person = make_person()
    client = FormClient()
    identify(client, person)
    choose_password(client)
    from accounts.challenges import active_questions

    ids = list(active_questions().values_list("pk", flat=True)[:3])
    data = {
        "question_1": ids[0], "answer_1": "Blue",
        "question_2": ids[0], "answer_2": "Rex",
        "question_3": ids[2], "answer_3": "",
        "wizard": wizard_token(client),
    }  # fmt: skip
    body = client.submit(CHALLENGES_URL, data).content.decode()
    assert "Choose a different question for each." in body
    assert "Answer this question." in body
    data.update({"question_2": ids[1], "answer_2": " BLUE ", "answer_3": "x"})
    body = client.submit(CHALLENGES_URL, data).content.decode()
    assert "Your answers must all be different." in body
    assert not Account.objects.filter(person=person).exists()


def test_questions_are_shown_in_the_chosen_language():
    person = make_person()
    client = FormClient(headers={"accept-language": "es"})
    identify(client, person)
    choose_password(client)
    body = client.get(CHALLENGES_URL).content.decode()
    assert "Nombre de la primera mascota" in body
    client = FormClient(headers={"accept-language": "vi"})
    identify(client, make_person())
    choose_password(client)
    assert "Tên con vật nuôi đầu tiên của bạn là gì?" in client.get(CHALLENGES_URL).content.decode()


def test_the_troubleshooting_help_uses_the_districts_settings(settings):
    settings.DISTRICT = {
        **settings.DISTRICT,
        "sis_name": "Infinite Campus",
        "help_email": "ITHelp@clayton.example",
        "help_phone": "(770) 473-2772",
        "support_center_name": "Technology Support Center",
    }
    text = text_of(FormClient().get(CLAIM_URL).content)
    assert "exactly as they appear in Infinite Campus" in text
    assert "the ID number does NOT include the letter “S”" in text
    assert "with zeros in front to make 6 digits" in text
    assert "claim their account 24 hours after they are entered into Infinite Campus" in text
    assert "incognito mode" in text and "Ctrl+Shift+Delete" in text
    assert "ITHelp@clayton.example" in text and "(770) 473-2772" in text


def test_the_claim_is_audited_without_secrets():
    person = make_person(given_name="Zenobia", family_name="Quartermaine")
    claim(FormClient(), person)
    events = list(AuditEvent.objects.order_by("id"))
    assert [e.event_type for e in events] == [EventType.CLAIM_STARTED, EventType.CLAIM_COMPLETED]
    assert events[0].person_id == person.pk
    account = Account.objects.get(person=person)
    assert events[1].account_id == account.pk
    dump = repr([(e.details, e.user_agent, e.ip_address) for e in events])
    for secret in (PASSWORD, "Blue", "Rex", "Springfield", "argon2"):
        assert secret.lower() not in dump.lower()


def test_signing_in_works_after_a_claim_via_the_answers_helper():
    person = make_person()
    client = FormClient()
    identify(client, person)
    choose_password(client, "Another-Good-One-9")
    answer(client)
    assert FormClient().login(username=person.username, password="Another-Good-One-9")
