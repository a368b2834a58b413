"""The sync's terminal progress bar draws only when told it is on a terminal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from directory.sync.progress import TerminalProgress


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
