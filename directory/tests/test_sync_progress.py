"""The sync's terminal progress bar draws only when told it is on a terminal."""

from __future__ import annotations

from directory.sync.progress import TerminalProgress


def test_it_draws_a_labelled_bar_on_stderr_when_enabled(capsys):
    bar = TerminalProgress("oneroster", enabled=True)
    bar(0, 10)
    bar(7, 12)
    assert bar.bar is not None and (bar.bar.n, bar.bar.total) == (7, 12)
    bar.close()

    err = capsys.readouterr().err
    assert "oneroster" in err and "0/10" in err


def test_it_draws_nothing_when_disabled(capsys):
    bar = TerminalProgress("oneroster", enabled=False)
    bar(3, 10)
    bar.close()

    assert capsys.readouterr() == ("", "")
