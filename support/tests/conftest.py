"""Fixtures of the Support Center's tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from accounts.models import Account
from accounts.tests.builders import make_claimed_account
from support.tests.builders import make_technician


@pytest.fixture(autouse=True)
def attachment_root(tmp_path: Path, settings: Any) -> Path:
    """Each test stores attachments in a folder of its own."""
    root = tmp_path / "attachments"
    settings.SUPPORT_ATTACHMENT_ROOT = root
    return root


@pytest.fixture
def requester(db: None) -> Account:
    return make_claimed_account(given_name="Rosa", family_name="Parks")


@pytest.fixture
def technician(db: None) -> Account:
    return make_technician()
