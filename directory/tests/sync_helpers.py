"""Builders for sync tests: copy a shipped fixture set and damage it on purpose."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from django.test import Client

from accounts.models import Account
from common.tests.client import FormClient
from directory.sync import SyncReport

FIXTURES = Path(__file__).parent / "fixtures"


def copy_set(tmp_path: Path, name: str = "oneroster11") -> Path:
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target)
    return target


def zip_set(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        for child in sorted(folder.iterdir()):
            archive.write(child, child.name)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def remove_line(path: Path, startswith: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(startswith)]
    assert len(kept) == len(lines) - 1
    path.write_text("".join(kept), encoding="utf-8")


def problem_places(report: SyncReport) -> set[tuple[str, int | None, str | None]]:
    return {(p.file, p.line, p.field) for p in report.problems}


def client_for(account: Account) -> Client:
    """A browser-like client signed in as ``account``."""
    client = FormClient()
    client.force_login(account)
    return client
