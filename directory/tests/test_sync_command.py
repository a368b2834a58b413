from __future__ import annotations

import logging
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError

from directory.models import Person
from directory.tests.sync_helpers import FIXTURES, append, copy_set, remove_line

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("sync", *args, stdout=out)
    return out.getvalue()


def test_it_applies_and_prints_a_summary_table():
    output = run("oneroster", str(FIXTURES / "oneroster11"))

    assert "created" in output and "held back" in output
    assert any(line.split()[:2] == ["users", "5"] for line in output.splitlines())
    assert "Applied." in output
    assert Person.objects.count() == 5


def test_dry_run_exits_zero_and_applies_nothing():
    output = run("oneroster", str(FIXTURES / "oneroster11"), "--dry-run")

    assert "Dry run" in output
    assert not Person.objects.exists()


def test_errors_exit_1_and_apply_nothing(tmp_path):
    folder = copy_set(tmp_path)
    (folder / "classes.csv").write_bytes((folder / "classes.csv").read_bytes() + b'x,"open\n')
    out = StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("sync", "oneroster", str(folder), stdout=out)

    assert raised.value.returncode == 1
    assert "classes.csv:4: Malformed CSV" in out.getvalue()
    assert not Person.objects.exists()


def test_rows_held_back_exit_4_and_are_listed_as_file_line_field_reason(tmp_path):
    folder = copy_set(tmp_path)
    append(folder / "enrollments.csv", "e-8,,,cl-ghost,org-hs,u-s1,student,,,")
    out = StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("sync", "oneroster", str(folder), stdout=out)

    assert raised.value.returncode == 4
    assert "Rows held back" in out.getvalue()
    assert "enrollments.csv:7 classSourcedId: classSourcedId 'cl-ghost'" in out.getvalue()
    assert Person.objects.count() == 5


def test_a_refused_run_exits_3_and_force_applies_it(tmp_path):
    run("oneroster", str(FIXTURES / "oneroster11"))
    folder = copy_set(tmp_path)
    remove_line(folder / "users.csv", "u-s3,")
    remove_line(folder / "enrollments.csv", "e-4,")

    with pytest.raises(CommandError) as raised:
        run("oneroster", str(folder))

    assert raised.value.returncode == 3
    assert "--force" in str(raised.value)
    output = run("oneroster", str(folder), "--force")
    assert "Applied." in output
    assert Person.objects.get(sourced_id="u-s3").status == "inactive"


def test_a_dry_run_that_would_be_refused_exits_3(tmp_path):
    run("oneroster", str(FIXTURES / "oneroster11"))
    folder = copy_set(tmp_path)
    remove_line(folder / "users.csv", "u-s3,")
    remove_line(folder / "enrollments.csv", "e-4,")
    out = StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("sync", "oneroster", str(folder), "--dry-run", stdout=out)

    assert raised.value.returncode == 3
    assert "Dry run" in out.getvalue() and "--force" in out.getvalue()
    assert Person.objects.get(sourced_id="u-s3").status == "active"
    forced = run("oneroster", str(folder), "--dry-run", "--force")
    assert "Dry run: nothing was applied." in forced
    assert Person.objects.get(sourced_id="u-s3").status == "active"


def test_the_hr_subcommand_imports_employees():
    run("oneroster", str(FIXTURES / "oneroster11"))

    output = run("hr", str(FIXTURES / "hr.csv"))

    assert any(line.split()[:3] == ["employees", "1", "2"] for line in output.splitlines())


@pytest.mark.parametrize("args", [[], ["ldap", "x"], ["oneroster"]])
def test_usage_errors_exit_2(args):
    result = manage("sync", *args)

    assert result.returncode == 2
    assert "usage:" in result.stderr


def progress_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "directory.sync.progress"]


class Terminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_progress_bar(capsys, caplog):
    out = Terminal()

    with caplog.at_level(logging.INFO, logger="directory.sync.progress"):
        call_command("sync", "oneroster", str(FIXTURES / "oneroster11"), stdout=out)

    assert "Applied." in out.getvalue()
    assert "oneroster" in capsys.readouterr().err  # tqdm draws on stderr
    assert not progress_lines(caplog)


def test_a_run_without_a_terminal_logs_a_progress_line_every_tenth(capsys, caplog):
    with caplog.at_level(logging.INFO, logger="directory.sync.progress"):
        run("oneroster", str(FIXTURES / "oneroster11"))

    lines = progress_lines(caplog)
    percents = [int(line.split(": ")[1].split("%")[0]) for line in lines]
    assert lines[0].startswith("oneroster sync: ") and percents[-1] == 100
    assert percents == sorted(set(percents)) and all(p % 10 == 0 for p in percents)
    assert capsys.readouterr().err == ""  # no bar drawn


def test_verbosity_zero_prints_only_the_outcome_and_no_progress(caplog):
    with caplog.at_level(logging.INFO, logger="directory.sync.progress"):
        output = run("oneroster", str(FIXTURES / "oneroster11"), "--verbosity", "0")

    assert output == "Applied.\n"
    assert not progress_lines(caplog)


def test_verbosity_two_adds_the_ignored_rows_lines_and_the_steps_times():
    normal = run("oneroster", str(FIXTURES / "oneroster11"), "--dry-run")
    detailed = run("oneroster", str(FIXTURES / "oneroster11"), "--dry-run", "--verbosity", "2")

    guardian = "users: 1 — not a student or an employee"
    assert guardian in normal and "(line 7)" not in normal
    assert guardian in detailed and "(line 7)" in detailed
    assert "Seconds per step: read" in detailed and "Seconds per step" not in normal


def test_hr_output_says_why_rows_were_ignored():
    run("oneroster", str(FIXTURES / "oneroster11"))

    output = run("hr", str(FIXTURES / "hr.csv"))

    assert "employees: 1 — left before ever being imported" in output


def manage(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(Path(django_settings.BASE_DIR) / "manage.py"), *args],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("source", ["oneroster", "hr"])
def test_help_lists_the_exit_codes(source):
    result = manage("sync", source, "--help")

    assert result.returncode == 0
    codes = ("0  applied clean", "1  errors", "2  usage error", "3  refused", "4  applied with")
    assert all(code in result.stdout for code in codes)
    assert "--verbosity" in result.stdout


@pytest.mark.parametrize("source", ["oneroster", "hr"])
def test_a_path_that_does_not_exist_is_one_line_and_exit_2(tmp_path, source):
    missing = tmp_path / "nowhere"

    result = manage("sync", source, str(missing))

    assert result.returncode == 2
    expected = f"CommandError: {missing}: no such file or folder."
    assert result.stderr.strip().splitlines() == [expected]
    assert result.stdout == ""


def test_verbosity_is_accepted_before_and_after_the_source(tmp_path):
    missing = str(tmp_path / "nowhere")

    before = manage("sync", "-v", "2", "hr", missing)
    after = manage("sync", "hr", missing, "-v", "2")
    wrong = manage("sync", "hr", missing, "-v", "7")

    assert before.returncode == after.returncode == 2
    assert "no such file" in before.stderr and "no such file" in after.stderr
    assert wrong.returncode == 2 and "invalid choice" in wrong.stderr
