"""`manage.py demo --no-serve` on a small generated district."""

from __future__ import annotations

import re
import shlex
import subprocess
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.commands.runserver import Command as RunserverCommand
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from common.tests.client import FormClient
from demo.services import do_make_new_people_claimable, sample_identities
from directory.models import Person, Status, SyncRun

SIZES = ["--students", "40", "--staff", "20", "--schools", "3"]


def run_demo(district: Path, *extra: str) -> str:
    out = StringIO()
    call_command("demo", "--no-serve", "--district-dir", str(district), *SIZES, *extra,
                 stdout=out)
    return out.getvalue()


def admin_password(output: str) -> str:
    match = re.search(r"username: admin\s+password: (\S+)", output)
    assert match, output
    return match.group(1)


def people_snapshot() -> list[tuple[object, ...]]:
    return list(
        Person.objects.order_by("sourced_id").values_list(
            "pk", "sourced_id", "username", "status", "first_seen_at", "claimable_at",
            "supervisor_id", "primary_org_id",
        )
    )


@pytest.mark.django_db
def test_it_loads_the_district_and_everyone_can_claim_now(tmp_path: Path) -> None:
    output = run_demo(tmp_path / "district")

    assert (tmp_path / "district" / "manifest.csv").exists()
    students = Person.objects.filter(role=Person.Role.STUDENT)
    assert students.count() == 40
    assert Person.objects.exclude(role=Person.Role.STUDENT).count() == 20
    active = Person.objects.filter(status=Status.ACTIVE)
    assert active.exists()
    assert Person.objects.claimable().count() == active.count()
    assert not Person.objects.filter(claimable_at__gt=timezone.now()).exists()
    assert set(SyncRun.objects.values_list("result", flat=True)) == {"applied"}

    assert "http://127.0.0.1:8000/" in output
    assert "http://127.0.0.1:8000/account/claim/" in output
    assert "http://127.0.0.1:8000/outbox/" in output
    admin = Account.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser and admin.person is None
    assert admin.check_password(admin_password(output))


@pytest.mark.django_db
def test_it_prints_two_unclaimed_students_and_an_employee_who_exist(tmp_path: Path) -> None:
    output = run_demo(tmp_path / "district")

    samples = sample_identities()
    assert [s.role for s in samples] == ["Student", "Student", "Teacher"]
    for sample in samples:
        person = Person.objects.get(
            identifier=sample.identifier, username=sample.username.casefold()
        )
        assert (person.family_name, person.given_name) == (sample.family_name, sample.given_name)
        assert not hasattr(person, "account")
        line = next(li for li in output.splitlines() if f"ID: {sample.identifier} " in li)
        assert sample.family_name in line and sample.given_name in line
        assert sample.username in line


@pytest.mark.django_db
def test_a_printed_identity_passes_the_first_claim_step(tmp_path: Path) -> None:
    run_demo(tmp_path / "district")
    sample = sample_identities()[0]

    response = FormClient().post(
        reverse("accounts:claim"),
        {"family_name": sample.family_name, "given_name": sample.given_name,
         "identifier": sample.identifier},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:claim-password")


@pytest.mark.django_db
def test_running_it_twice_keeps_the_data_and_the_admin_password(tmp_path: Path) -> None:
    first = run_demo(tmp_path / "district")
    password = admin_password(first)
    before = people_snapshot()
    hashed = Account.objects.get(username="admin").password

    # Other sizes are ignored: the district is already there, so it is not rewritten.
    out = StringIO()
    call_command("demo", "--no-serve", "--district-dir", str(tmp_path / "district"),
                 "--students", "90", stdout=out)
    second = out.getvalue()

    assert people_snapshot() == before
    assert Account.objects.get(username="admin").password == hashed
    assert Account.objects.filter(username="admin").count() == 1
    assert "password: unchanged" in second
    assert password not in second
    assert "Writing the demo district" not in second
    assert SyncRun.objects.filter(result="applied").count() == 4


@pytest.mark.django_db
@override_settings(DEMO_ADMIN_PASSWORD="Chosen-by-IT-2026")
def test_the_admin_password_can_come_from_the_environment(tmp_path: Path) -> None:
    output = run_demo(tmp_path / "district")
    assert Account.objects.get(username="admin").check_password("Chosen-by-IT-2026")
    assert "Chosen-by-IT-2026" in output
    assert "shown only now" not in output


@pytest.mark.django_db
def test_the_environment_password_replaces_an_earlier_random_one(tmp_path: Path) -> None:
    run_demo(tmp_path / "district")
    with override_settings(DEMO_ADMIN_PASSWORD="Chosen-by-IT-2026"):
        run_demo(tmp_path / "district")
    assert Account.objects.get(username="admin").check_password("Chosen-by-IT-2026")


@pytest.mark.django_db
@override_settings(PRODUCTION=True)
def test_it_refuses_to_run_in_production(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="production"):
        run_demo(tmp_path / "district")
    assert not (tmp_path / "district").exists()
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_it_rejects_a_district_that_cannot_be_staffed(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="staff"):
        call_command("demo", "--no-serve", "--district-dir", str(tmp_path / "d"),
                     "--students", "40", "--staff", "2", stdout=StringIO())


@pytest.mark.django_db
def test_samples_skip_people_who_have_claimed(tmp_path: Path) -> None:
    run_demo(tmp_path / "district")
    first = sample_identities()[0]
    person = Person.objects.get(username=first.username.casefold())
    Account.objects.create(username=person.username, person=person,
                           claimed_at=timezone.now())

    assert first.username not in {s.username for s in sample_identities()}


@pytest.mark.django_db
def test_only_people_first_seen_in_this_run_skip_the_waiting_period(tmp_path: Path) -> None:
    run_demo(tmp_path / "district")
    now = timezone.now()
    earlier = Person.objects.filter(role=Person.Role.STUDENT).first()
    assert earlier is not None
    # Someone a real sync saw an hour ago still waits out their 24 hours.
    waiting_until = now + timedelta(hours=23)
    Person.objects.filter(pk=earlier.pk).update(
        first_seen_at=now - timedelta(hours=1), claimable_at=waiting_until
    )

    moved = do_make_new_people_claimable(first_seen_since=now - timedelta(minutes=5), now=now)

    assert moved == 0
    earlier.refresh_from_db()
    assert earlier.claimable_at == waiting_until


@pytest.mark.django_db
def test_without_no_serve_it_hands_over_to_runserver_on_the_given_address(
    tmp_path: Path,
) -> None:
    served: list[tuple[str, str, bool]] = []

    def fake_run(self: Any, **options: object) -> None:
        # Stands in for Django's server loop, which would block the test.
        served.append((self.addr, self.port, bool(options["use_reloader"])))

    out = StringIO()
    # The command sets the portal's address for the server it starts; the override
    # puts it back for the tests that follow.
    with override_settings(DISTRICT=dict(settings.DISTRICT)), \
            patch.object(RunserverCommand, "run", fake_run):
        call_command("demo", "--host", "127.0.0.1", "--port", "8123", "--district-dir",
                     str(tmp_path / "district"), *SIZES, stdout=out)

    assert served == [("127.0.0.1", "8123", False)]
    assert "http://127.0.0.1:8123/account/claim/" in out.getvalue()


@pytest.mark.django_db
def test_the_emails_of_the_served_demo_link_to_the_address_it_serves(
    tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    links: list[str] = []

    def fake_run(self: Any, **options: object) -> None:
        # A family asks for their username while the demo is serving.
        person = Person.objects.filter(role="student").exclude(email="").first()
        assert person is not None
        with django_capture_on_commit_callbacks(execute=True):
            FormClient().post(reverse("accounts:forgot-username"), {"email": person.email})
        links.extend(re.findall(r"https?://[^/\s]+/", str(mail.outbox[-1].body)))

    with override_settings(DISTRICT=dict(settings.DISTRICT)), \
            patch.object(RunserverCommand, "run", fake_run):
        call_command("demo", "--host", "0.0.0.0", "--port", "8765", "--district-dir",  # noqa: S104
                     str(tmp_path / "district"), *SIZES, stdout=StringIO())

    assert links
    assert set(links) == {"http://127.0.0.1:8765/"}


@pytest.mark.django_db
def test_the_printed_changepassword_command_works_as_printed(tmp_path: Path) -> None:
    output = run_demo(tmp_path / "district")
    match = re.search(r"`([^`]*changepassword admin)`", output)
    assert match, output
    command = shlex.split(match.group(1))
    assert command[0] != "python"
    # From the folder the demo ran in, as a person pastes it; --help runs Django
    # without changing the password.
    result = subprocess.run(
        [*command, "--help"], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "changepassword" in result.stdout
