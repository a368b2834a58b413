"""The sync's progress: a bar only when told it is on a terminal, else a log line a tenth."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from directory.sync.progress import LoggedProgress, TerminalProgress


def test_it_draws_a_labelled_bar_with_the_count_on_stderr_when_enabled(capsys, time_machine):
    time_machine.move_to(datetime(2026, 9, 1, 7, 0, tzinfo=UTC), tick=False)
    bar = TerminalProgress("oneroster", enabled=True)
    bar(0, 10)
    # The bar redraws at most ten times a second: the next count comes a second later.
    time_machine.shift(timedelta(seconds=1))
    bar(7, 12)
    bar.close()

    err = capsys.readouterr().err
    assert "oneroster" in err and "0/10" in err and "7/12" in err


def test_it_draws_nothing_when_disabled(capsys):
    bar = TerminalProgress("oneroster", enabled=False)
    bar(3, 10)
    bar.close()

    assert capsys.readouterr() == ("", "")


def test_logged_progress_writes_a_line_at_each_tenth_passed_and_never_twice(caplog):
    progress = LoggedProgress("hr")

    with caplog.at_level(logging.INFO, logger="directory.sync.progress"):
        for done in range(0, 1001, 7):
            progress(done, 1000)
        progress(1000, 1000)
        # The total grows (OneRoster counts its steps as it learns them): no line
        # goes backwards, none repeats.
        progress(1000, 2000)
        progress(2000, 2000)

    lines = [r.getMessage() for r in caplog.records if r.name == "directory.sync.progress"]
    assert lines[0] == "hr sync: 10% (105 of 1000 rows)"
    assert [line.split(": ")[1].split("%")[0] for line in lines] == [
        str(p) for p in range(10, 101, 10)
    ]
