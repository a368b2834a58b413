from __future__ import annotations

import pytest

from dashboard.tests.builders import District, make_district


@pytest.fixture
def district(db: None) -> District:
    return make_district()
