"""Person.account_claimed, the copy of each account's claim the figures count, follows
every change of a claim: claiming, a reset, claiming again, an account deleted (one
by one or a whole queryset), an account moved to another person; and nothing else
(a disabled account stays claimed, a sign-in writes no person, the directory admin
keeps it)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.claiming import do_complete_claim
from accounts.models import Account, copy_claims_to_people
from accounts.passwords import do_set_password
from accounts.resetting import do_disable_account, do_reset_account
from accounts.roles import IT_ADMINISTRATOR
from accounts.tests.builders import (
    answers_for,
    make_claimed_account,
    make_person,
    make_staff_account,
)
from common.tests.seed import restore_seed_data
from dashboard.tests.builders import District, client_for
from dashboard.tests.test_figures import as_dict, counted
from directory.models import Person

pytestmark = pytest.mark.django_db


def flag_of(person: Person | None) -> bool:
    assert person is not None
    return Person.objects.values_list("account_claimed", flat=True).get(pk=person.pk)


def claim(person: Person) -> Account:
    result = do_complete_claim(person.pk, make_password("A long new passphrase 7"), answers_for())
    assert result.ok and result.account is not None
    return result.account


def test_claiming_sets_the_flag() -> None:
    person = make_person()
    assert not flag_of(person)

    claim(person)

    assert flag_of(person)


def test_a_reset_clears_the_flag_and_claiming_again_sets_it() -> None:
    person = make_person()
    account = claim(person)

    do_reset_account(account, actor=None)
    assert not flag_of(person)

    claim(person)
    assert flag_of(person)


def test_a_disabled_account_stays_claimed() -> None:
    account = make_claimed_account()
    admin = make_staff_account(IT_ADMINISTRATOR, given_name="Dina")

    assert do_disable_account(account, actor=admin)

    assert flag_of(account.person)


def test_deleting_an_account_clears_the_flag() -> None:
    account = make_claimed_account()

    account.delete()

    assert not flag_of(account.person)


def test_deleting_accounts_through_a_queryset_clears_their_flags() -> None:
    accounts = [make_claimed_account() for _ in range(2)]

    Account.objects.filter(pk__in=[account.pk for account in accounts]).delete()

    assert [flag_of(account.person) for account in accounts] == [False, False]


def test_moving_an_account_to_another_person_moves_the_flag() -> None:
    account = make_claimed_account()
    before, after = account.person, make_person(given_name="Other")

    account.person = after
    account.save()

    assert not flag_of(before)
    assert flag_of(after)


def test_moving_an_account_by_its_person_id_moves_the_flag() -> None:
    account = make_claimed_account()
    before, after = account.person, make_person(given_name="Other")
    assert after is not None

    account.person_id = after.pk
    account.save(update_fields=["person_id"])

    assert not flag_of(before)
    assert flag_of(after)


def test_a_password_change_writes_no_person_row() -> None:
    """Only a change of the claim writes the person: a password change neither waits
    for a sync holding the person's row nor holds it."""
    account = make_claimed_account()

    with CaptureQueriesContext(connection) as queries:
        do_set_password(account, "Another long passphrase 9")

    assert not [q for q in queries if "directory_person" in q["sql"]]
    assert flag_of(account.person)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_reset_during_a_claim_waits_for_it_instead_of_deadlocking() -> None:
    """A claim locks the person, then the account; a reset, which writes the person's
    claim too, must take them in the same order."""
    restore_seed_data()  # an earlier transactional test may have flushed the catalog
    account = make_claimed_account()
    assert account.person_id is not None
    person_pk: int = account.person_id
    # An IT administrator: the role groups are not among the seeds a flush takes away.
    it_administrator = make_staff_account(given_name="Ida")
    it_administrator.is_superuser = True
    it_administrator.save(update_fields=["is_superuser"])
    claim_holds_person = threading.Event()
    errors: list[BaseException] = []

    def claim_in_progress() -> None:
        try:
            with transaction.atomic():
                Person.objects.select_for_update().get(pk=person_pk)
                claim_holds_person.set()
                wait_until_a_session_waits_for_a_lock()  # the reset, blocked on us
                Account.objects.select_for_update().filter(person_id=person_pk).first()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    def reset() -> None:
        claim_holds_person.wait(10)
        try:
            do_reset_account(account, actor=it_administrator)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim_in_progress), threading.Thread(target=reset)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    assert not flag_of(account.person)


def wait_until_a_session_waits_for_a_lock() -> None:
    with connection.cursor() as cursor:
        for _ in range(1000):
            # Inside a transaction PostgreSQL shows the same activity until told not to.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.01)  # polling another session's state: no clock to move
    raise AssertionError("the reset never waited for a lock")


def test_a_sign_in_writes_no_person_row() -> None:
    account = make_claimed_account()

    with CaptureQueriesContext(connection) as queries:
        account.last_login = timezone.now()
        account.save(update_fields=["last_login"])

    assert not [q for q in queries if "directory_person" in q["sql"]]


def test_the_directory_admin_writes_only_the_field_it_edits() -> None:
    """A change page loaded before the person claimed, saved after: the claim stays."""
    person = make_person()
    admin = make_staff_account(IT_ADMINISTRATOR, given_name="Dina")
    request = RequestFactory().post(reverse("admin:directory_person_change", args=[person.pk]))
    request.user = admin
    model_admin = site.get_model_admin(Person)
    loaded = Person.objects.get(pk=person.pk)
    claim(person)
    sooner = timezone.now() - timedelta(days=40)
    form_class = model_admin.get_form(request, loaded, change=True)
    form = form_class(
        {"claimable_at_0": sooner.date().isoformat(), "claimable_at_1": "08:00:00"},
        instance=loaded,
    )
    assert form.is_valid(), form.errors

    model_admin.save_model(request, form.save(commit=False), form, change=True)

    assert flag_of(person)
    assert Person.objects.get(pk=person.pk).claimable_at.date() == sooner.date()


def test_copying_claims_again_changes_no_figure(district: District) -> None:
    """The copy kept by the paths above equals one made afresh from the accounts, and
    every figure equals a count made one person at a time."""
    do_reset_account(district.south_claimed, actor=None)
    claim(district.unclaimed)
    kept = dict(Person.objects.values_list("pk", "account_claimed"))

    copy_claims_to_people(None)

    assert dict(Person.objects.values_list("pk", "account_claimed")) == kept
    now = timezone.now()
    context = client_for(district.district_admin).get(reverse("dashboard:home")).context
    assert as_dict(context["totals"]) == counted(list(Person.objects.all()), now)


def test_correcting_claim_copies_fixes_only_the_people_whose_copy_differs() -> None:
    """Claims written while the code before the copy still served, after migrate."""
    claimed, reset = make_claimed_account(), make_claimed_account(given_name="Rae")
    untouched = make_claimed_account(given_name="Uma")
    assert claimed.person is not None
    Person.objects.filter(pk=claimed.person.pk).update(account_claimed=False)
    Account.objects.filter(pk=reset.pk).update(claimed_at=None)  # around Account.save
    out = StringIO()

    call_command("correct_claim_copies", stdout=out)

    assert out.getvalue().strip() == "2 people's claim status corrected."
    assert flag_of(claimed.person) and not flag_of(reset.person) and flag_of(untouched.person)
    again = StringIO()
    call_command("correct_claim_copies", stdout=again)
    assert again.getvalue().strip() == "0 people's claim status corrected."
