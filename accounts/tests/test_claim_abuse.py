"""Claim My Account under abuse: failures that must look alike, throttles, and the
wizard's Back / reload / second tab / double submit / race behaviour."""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.hashers import make_password
from django.db import close_old_connections, connection
from django.utils import timezone

from accounts.claiming import do_complete_claim
from accounts.models import Account
from accounts.resetting import do_disable_account, do_reset_account
from accounts.tests.builders import answers_for, make_claimed_account, make_person
from accounts.tests.claim_helpers import (
    CHALLENGES_URL,
    CLAIM_URL,
    DONE_URL,
    PASSWORD,
    PASSWORD_URL,
    answer,
    answer_data,
    choose_password,
    claim,
    identify,
    without_csrf,
    wizard_token,
)
from audit.models import AuditEvent, EventType, Outcome
from common.tests.client import FormClient
from common.tests.seed import restore_seed_data
from directory.models import Person, Status

FAILED = "<p><strong>The Claim Account Operation Failed.</strong></p>"
THROTTLED = "Too many attempts, please try again later."


def _attempt(
    family: str = "Okafor", given: str = "Chidi", identifier: str = "246810", ip: str = "10.0.0.1"
) -> Any:
    return FormClient(REMOTE_ADDR=ip).submit(
        CLAIM_URL, {"family_name": family, "given_name": given, "identifier": identifier}
    )


@pytest.mark.django_db
def test_every_kind_of_failure_gets_the_same_response(forget_counters):
    """No such person, inside the waiting period, already claimed, left the
    district, account disabled: one page, one status, byte for byte."""
    details = {"family": "Okafor", "given": "Chidi", "identifier": "246810"}
    person_kwargs: dict[str, Any] = {
        "family_name": "Okafor",
        "given_name": "Chidi",
        "identifier": "246810",
    }

    bodies = {}
    response = _attempt(**details)
    bodies["no_match"] = (response.status_code, without_csrf(response.content))

    setups: dict[str, Callable[[], Person | None]] = {
        "not_yet_claimable": lambda: make_person(claimable=False, **person_kwargs),
        "already_claimed": lambda: make_claimed_account(make_person(**person_kwargs)).person,
        "inactive": lambda: make_person(active=False, **person_kwargs),
        "disabled": lambda: _disabled_unclaimed(make_person(**person_kwargs)),
    }
    for reason, setup in setups.items():
        person = setup()
        response = _attempt(**details)
        bodies[reason] = (response.status_code, without_csrf(response.content))
        failed = AuditEvent.objects.filter(event_type=EventType.CLAIM_FAILED).first()
        assert failed is not None and person is not None
        assert failed.details == {"step": "identify", "reason": reason}
        assert failed.person_id == person.pk
        Person.objects.filter(pk=person.pk).update(
            sourced_id=f"gone-{reason}", username=f"gone-{reason}", identifier="0"
        )
        Account.objects.filter(person=person).update(username=f"gone-{reason}")
        forget_counters()

    statuses = {status for status, _ in bodies.values()}
    assert statuses == {200}
    first = bodies["no_match"][1]
    assert FAILED in first
    for reason, (_, body) in bodies.items():
        assert body == first, reason


def _disabled_unclaimed(person: Person) -> Person:
    account = make_claimed_account(person)
    do_reset_account(account, actor=None)
    do_disable_account(account, actor=None)
    return person


@pytest.mark.django_db
def test_a_failed_attempt_is_audited_without_what_was_typed():
    _attempt(family="Zyxwvut", given="Qponml", identifier="13579")
    event = AuditEvent.objects.get(event_type=EventType.CLAIM_FAILED)
    assert event.outcome == Outcome.FAILURE
    assert event.ip_address == "10.0.0.1"
    dump = repr(event.details).lower()
    assert "zyxwvut" not in dump and "qponml" not in dump and "13579" not in dump


@pytest.mark.django_db
def test_claiming_twice_fails_until_the_account_is_reset():
    person = make_person()
    claim(FormClient(), person)
    response = identify(FormClient(), person)
    assert FAILED in response.content.decode()
    do_reset_account(Account.objects.get(person=person), actor=None)
    assert claim(FormClient(), person, password="Brand-New-Secret-5")["Location"] == DONE_URL
    assert Account.objects.filter(person=person).count() == 1


@pytest.mark.django_db
def test_after_a_reset_the_old_password_cannot_be_chosen_again():
    person = make_person()
    claim(FormClient(), person)
    do_reset_account(Account.objects.get(person=person), actor=None)
    client = FormClient()
    identify(client, person)
    response = choose_password(client, PASSWORD)
    assert "Passwords cannot be reused." in response.content.decode()


@pytest.mark.django_db
def test_the_waiting_period_ends_and_the_claim_then_works():
    person = make_person(claimable=False)
    assert FAILED in identify(FormClient(), person).content.decode()
    later = timezone.now() + timedelta(hours=24)
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = identify(FormClient(), person)
    assert response["Location"] == PASSWORD_URL


@pytest.mark.django_db
def test_the_identity_throttle_trips_and_recovers(forget_counters, settings):
    settings.CLAIM_MAX_FAILURES_PER_IDENTITY = 3
    person = make_person(family_name="Okafor", given_name="Chidi", identifier="246810")
    for n in range(3):
        response = _attempt(given=f"Wrong{n}", ip=f"10.0.1.{n}")
        assert FAILED in response.content.decode()

    # From a fresh address, with the right details, the same identity is refused.
    response = _attempt(ip="10.9.9.9")
    assert response.status_code == 429
    body = response.content.decode()
    assert THROTTLED in body and FAILED not in body
    throttled = AuditEvent.objects.get(event_type=EventType.THROTTLED)
    assert throttled.outcome == Outcome.BLOCKED and throttled.details == {"scope": "claim-identity"}
    # Case and zeros do not earn fresh attempts.
    assert _attempt(family="OKAFOR", identifier="0246810", ip="10.9.9.8").status_code == 429

    # Once the window has ended (common/tests/test_throttle.py), the claim goes on.
    forget_counters()
    response = _attempt(ip="10.9.9.9")
    assert response.status_code == 302
    assert not Account.objects.filter(person=person).exists()


@pytest.mark.django_db
def test_guessing_names_for_one_id_from_many_addresses_trips_the_identity_throttle(settings):
    # The ID is what is being claimed: trying other names with it (from a fresh
    # address each time, to stay under the per-IP limit) must not earn fresh attempts.
    settings.CLAIM_MAX_FAILURES_PER_IDENTITY = 3
    person = make_person(family_name="Okafor", given_name="Chidi", identifier="246810")
    for n, family in enumerate(["Smith", "Jones", "Brown"]):
        assert FAILED in _attempt(family=family, ip=f"10.0.2.{n}").content.decode()

    assert _attempt(ip="10.9.9.7").status_code == 429
    assert not Account.objects.filter(person=person).exists()


@pytest.mark.django_db
def test_the_ip_throttle_trips_for_many_identities_and_ends_with_its_window(
    forget_counters, settings
):
    settings.CLAIM_MAX_FAILURES_PER_IP = 4
    make_person(family_name="Okafor", given_name="Chidi", identifier="246810")
    for n in range(4):
        _attempt(family=f"Nobody{n}", identifier=str(100000 + n))
    assert _attempt().status_code == 429
    assert _attempt(ip="10.0.0.2").status_code == 302
    forget_counters()
    assert _attempt().status_code == 302


@pytest.mark.django_db
def test_the_ip_throttle_counts_an_ipv6_clients_whole_64(settings):
    settings.CLAIM_MAX_FAILURES_PER_IP = 4
    make_person(family_name="Okafor", given_name="Chidi", identifier="246810")
    for n in range(4):
        _attempt(family=f"Nobody{n}", identifier=str(100000 + n), ip=f"2001:db8:7:7::{n + 1}")
    assert _attempt(ip="2001:db8:7:7:abcd::1").status_code == 429
    assert _attempt(ip="2001:db8:7:8::1").status_code == 302


@pytest.mark.django_db
def test_later_steps_need_the_earlier_ones():
    client = FormClient()
    assert client.get(PASSWORD_URL)["Location"] == CLAIM_URL
    assert client.submit(CHALLENGES_URL, answer_data())["Location"] == CLAIM_URL
    identify(client, make_person())
    assert client.get(CHALLENGES_URL)["Location"] == PASSWORD_URL
    assert client.submit(CHALLENGES_URL, answer_data())["Location"] == PASSWORD_URL
    assert not Account.objects.exists()


@pytest.mark.django_db
def test_back_and_reload_after_the_password_step_keep_the_chosen_password():
    person = make_person()
    client = FormClient()
    identify(client, person)
    choose_password(client)
    chosen = client.session["claim"]["password_hash"]
    # Back to step 2 shows it, saying a password is chosen and how to keep it.
    back = client.get(PASSWORD_URL)
    assert back.status_code == 200
    assert "You have already chosen a password." in back.content.decode()
    assert f'href="{CHALLENGES_URL}"' in back.content.decode()
    assert client.session["claim"]["password_hash"] == chosen
    # Reloading step 3 shows it again, and the claim gets the chosen password.
    assert client.get(CHALLENGES_URL).status_code == 200
    assert answer(client)["Location"] == DONE_URL
    assert Account.objects.get(person=person).check_password(PASSWORD)


@pytest.mark.django_db
def test_going_back_to_change_the_password_gives_the_claim_the_new_one():
    person = make_person()
    client = FormClient()
    identify(client, person)
    choose_password(client)
    client.get(PASSWORD_URL)  # Back
    assert choose_password(client, "Something-Else-99")["Location"] == CHALLENGES_URL
    assert answer(client)["Location"] == DONE_URL
    account = Account.objects.get(person=person)
    assert account.check_password("Something-Else-99")
    assert not account.check_password(PASSWORD)


@pytest.mark.django_db
def test_going_back_and_submitting_a_bad_password_keeps_the_chosen_one():
    person = make_person()
    client = FormClient()
    identify(client, person)
    choose_password(client)
    refused = choose_password(client, "short")
    assert refused.status_code == 200
    assert "You have already chosen a password." in refused.content.decode()
    assert answer(client)["Location"] == DONE_URL
    assert Account.objects.get(person=person).check_password(PASSWORD)


@pytest.mark.django_db
def test_a_double_submit_of_the_last_step_shows_the_done_page_once_claimed():
    person = make_person(identifier="777001")
    client = FormClient()
    identify(client, person)
    choose_password(client)
    assert answer(client)["Location"] == DONE_URL
    second = answer(client)
    assert second["Location"] == DONE_URL
    assert "S0777001" in client.get(DONE_URL).content.decode()
    assert AuditEvent.objects.filter(event_type=EventType.CLAIM_COMPLETED).count() == 1


@pytest.mark.django_db
def test_a_double_submit_racing_the_first_is_recognised_as_the_same_claim():
    """The second request read the session before the first one saved it: it
    still holds the wizard state and finishes as a repeat, not a failure."""
    person = make_person()
    first, second = FormClient(), FormClient()
    identify(first, person)
    choose_password(first)
    second.cookies = first.cookies  # same browser, same session
    state = dict(first.session["claim"])
    assert answer(first)["Location"] == DONE_URL
    session = second.session
    session["claim"] = state  # as the racing request saw it
    session.save()
    assert answer(second)["Location"] == DONE_URL
    assert AuditEvent.objects.filter(event_type=EventType.CLAIM_COMPLETED).count() == 1
    assert not AuditEvent.objects.filter(event_type=EventType.CLAIM_FAILED).exists()


@pytest.mark.django_db
def test_a_second_tab_restarting_the_wizard_does_not_corrupt_the_first():
    first_person, second_person = make_person(), make_person(given_name="Lucia")
    tab = FormClient()
    identify(tab, first_person)
    choose_password(tab)
    # The same browser, another tab: starts over for another child.
    identify(tab, second_person)
    # The first tab's step-3 form now posts into a wizard at step 2.
    assert answer(tab)["Location"] == PASSWORD_URL
    assert not Account.objects.exists()
    choose_password(tab, "Second-Child-Pass-1")
    assert answer(tab)["Location"] == DONE_URL
    assert Account.objects.get().person == second_person


@pytest.mark.django_db
def test_a_stale_tab_of_a_restarted_wizard_cannot_post_into_the_new_one():
    first_person, second_person = make_person(), make_person(given_name="Lucia")
    tab = FormClient()
    identify(tab, first_person)
    first_wizard = wizard_token(tab)
    choose_password(tab)
    # Another tab starts over for another child and reaches step 3 too.
    identify(tab, second_person)
    choose_password(tab, "Second-Child-Pass-1")

    # The first tab's pages still carry the first wizard's token: their answers (meant
    # for the first child) and password must not land in the second child's claim.
    stale = tab.submit(CHALLENGES_URL, {**answer_data(), "wizard": first_wizard})
    assert stale["Location"] == CHALLENGES_URL
    stale = tab.submit(
        PASSWORD_URL, {"password1": PASSWORD, "password2": PASSWORD, "wizard": first_wizard}
    )
    assert stale["Location"] == CHALLENGES_URL
    assert not Account.objects.exists()

    assert answer(tab)["Location"] == DONE_URL
    assert Account.objects.get().person == second_person


@pytest.mark.django_db
def test_a_wizard_token_that_is_not_ascii_is_refused_like_a_stale_one():
    tab = FormClient()
    identify(tab, make_person())
    choose_password(tab)
    forged = tab.submit(CHALLENGES_URL, {**answer_data(), "wizard": "wizard-ü"})
    assert forged["Location"] == CHALLENGES_URL
    assert not Account.objects.exists()


@pytest.mark.django_db
def test_two_browsers_finishing_the_same_claim_make_one_claim():
    person = make_person()
    a, b = FormClient(), FormClient()
    for client, password in ((a, "Browser-A-Pass-1"), (b, "Browser-B-Pass-2")):
        identify(client, person)
        choose_password(client, password)
    assert answer(a)["Location"] == DONE_URL
    loser = answer(b)
    assert loser.status_code == 200
    assert FAILED in loser.content.decode()
    account = Account.objects.get(person=person)
    assert account.check_password("Browser-A-Pass-1")
    assert not account.check_password("Browser-B-Pass-2")
    failed = AuditEvent.objects.get(event_type=EventType.CLAIM_FAILED)
    assert failed.details == {"step": "finish", "reason": "already_claimed"}


@pytest.mark.django_db
def test_a_person_deactivated_during_the_wizard_cannot_finish():
    person = make_person()
    client = FormClient()
    identify(client, person)
    choose_password(client)
    Person.objects.filter(pk=person.pk).update(status=Status.INACTIVE)
    assert FAILED in answer(client).content.decode()
    assert not Account.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_finishes_in_threads_produce_one_claim():
    if connection.vendor == "sqlite":
        pytest.skip(
            "SQLite's shared in-memory test database cannot serve two threads writing; "
            "this runs in the PostgreSQL pass of .ci/run"
        )
    restore_seed_data()  # an earlier transactional test may have flushed the catalog
    person = make_person()
    answers = answers_for()
    hashes = [make_password("Thread-One-Pass-1"), make_password("Thread-Two-Pass-2")]
    barrier = threading.Barrier(2)
    results = []

    def finish(encoded: str) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(do_complete_claim(person.pk, encoded, answers))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=finish, args=(h,)) for h in hashes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 2
    assert sorted(r.ok for r in results) == [False, True]
    assert Account.objects.filter(person=person).count() == 1
    assert AuditEvent.objects.filter(event_type=EventType.CLAIM_COMPLETED).count() == 1


@pytest.mark.django_db
def test_a_wizard_at_step_two_fails_once_the_person_is_claimed_elsewhere():
    """Otherwise "Passwords cannot be reused" would tell the slower browser whether
    a guess is the new owner's current password."""
    person = make_person()
    slow = FormClient()
    identify(slow, person)
    claim(FormClient(), person)
    response = choose_password(slow, PASSWORD)
    body = response.content.decode()
    assert FAILED in body
    assert "Passwords cannot be reused" not in body
    assert "claim" not in slow.session
    assert slow.get(PASSWORD_URL)["Location"] == CLAIM_URL
    failed = AuditEvent.objects.filter(event_type=EventType.CLAIM_FAILED).get()
    assert failed.details == {"step": "password", "reason": "already_claimed"}


@pytest.mark.django_db
def test_testing_old_passwords_at_step_two_is_throttled(forget_counters, settings):
    settings.CLAIM_MAX_FAILURES_PER_IDENTITY = 3
    person = make_person()
    account = make_claimed_account(person, password="Old-Secret-Pass-1")
    do_reset_account(account, actor=None)
    client = FormClient()
    identify(client, person)
    for _ in range(3):
        body = choose_password(client, "Old-Secret-Pass-1").content.decode()
        assert "Passwords cannot be reused." in body
    response = choose_password(client, "Old-Secret-Pass-1")
    assert response.status_code == 429
    assert THROTTLED in response.content.decode()
    assert "claim" not in client.session
    # Other mistakes (too short, mismatch) do not count towards it.
    forget_counters()
    identify(client, person)
    for _ in range(5):
        assert choose_password(client, "short").status_code == 200
    assert choose_password(client, "Brand-New-Pass-77")["Location"] == CHALLENGES_URL


@pytest.mark.django_db
def test_a_school_address_may_fail_the_ip_limit_times_the_multiplier(forget_counters, settings):
    settings.CLAIM_MAX_FAILURES_PER_IP = 2
    settings.SCHOOL_NETWORKS = (ipaddress.ip_network("10.20.0.0/16"),)
    settings.SCHOOL_NETWORK_LIMIT_MULTIPLIER = 3
    make_person(family_name="Okafor", given_name="Chidi", identifier="246810")
    for n in range(5):
        _attempt(family=f"Nobody{n}", identifier=str(100000 + n), ip="10.20.1.1")
    assert _attempt(ip="10.20.1.1").status_code == 302
    forget_counters()
    for n in range(6):
        _attempt(family=f"Nobody{n}", identifier=str(100000 + n), ip="10.20.1.1")
    assert _attempt(ip="10.20.1.1").status_code == 429


@pytest.mark.django_db
def test_guessing_ids_for_one_name_from_a_school_address_trips_the_name_throttle(settings):
    # A classmate's name is known; IDs are guessed from the school's address, whose
    # per-IP limit is multiplied.
    settings.SCHOOL_NETWORKS = (ipaddress.ip_network("10.20.0.0/16"),)
    settings.CLAIM_MAX_FAILURES_PER_NAME_PER_IP = 3
    person = make_person(family_name="Okafor", given_name="Chidi", identifier="246810")
    for n in range(3):
        assert FAILED in _attempt(identifier=str(300000 + n), ip="10.20.0.1").content.decode()

    # From there even the right ID is refused now, however the name is spelled ...
    assert _attempt(ip="10.20.0.1").status_code == 429
    assert _attempt(family=" okafor ", given="CHIDI", ip="10.20.0.1").status_code == 429
    assert AuditEvent.objects.filter(
        event_type=EventType.THROTTLED, details__scope="claim-name-ip"
    ).exists()
    assert not Account.objects.filter(person=person).exists()
    # ... while others claim there as usual, and the person can claim from home.
    make_person(family_name="Nguyen", given_name="An", identifier="135790")
    other = _attempt(family="Nguyen", given="An", identifier="135790", ip="10.20.0.1")
    assert other.status_code == 302
    assert _attempt(ip="198.51.100.7").status_code == 302


@pytest.mark.django_db
def test_outside_school_networks_the_per_ip_limit_alone_caps_guesses_for_a_name(settings):
    settings.SCHOOL_NETWORKS = (ipaddress.ip_network("10.20.0.0/16"),)
    settings.CLAIM_MAX_FAILURES_PER_NAME_PER_IP = 3
    make_person(family_name="Okafor", given_name="Chidi", identifier="246810")
    for n in range(3):
        _attempt(identifier=str(300000 + n), ip="198.51.100.7")
    assert _attempt(ip="198.51.100.7").status_code == 302
