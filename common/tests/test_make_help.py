"""`make help` lists every target of the Makefile, each with its one line."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

MAKEFILE = Path(settings.BASE_DIR) / "Makefile"
MAKE = shutil.which("make")


@pytest.mark.skipif(MAKE is None, reason="make is not installed")
def test_make_help_lists_every_phony_target_with_its_line():
    assert MAKE is not None
    phony = re.search(r"^\.PHONY:(.*)$", MAKEFILE.read_text(), re.MULTILINE)
    assert phony is not None
    targets = phony.group(1).split()

    result = subprocess.run(
        [MAKE, "--no-print-directory", "-f", str(MAKEFILE), "help"],
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )

    listed = {line.split()[1]: line for line in result.stdout.splitlines()}
    assert set(listed) == set(targets)
    assert all(len(line.split(maxsplit=2)) == 3 for line in listed.values())
    assert "ruff, mypy" in listed["test"]
