"""HEAD, which link checkers and some browsers send before a GET, is answered like GET."""

from __future__ import annotations

import pytest

from accounts.tests.claim_helpers import CHALLENGES_URL, CLAIM_URL, DONE_URL, PASSWORD_URL

pytestmark = pytest.mark.django_db


def test_head_on_the_claim_page_answers_like_get(client):
    head = client.head(CLAIM_URL)
    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Type"] == client.get(CLAIM_URL)["Content-Type"]


@pytest.mark.parametrize("url", [PASSWORD_URL, CHALLENGES_URL, DONE_URL])
def test_head_on_a_later_step_redirects_like_get(client, url):
    assert client.head(url).status_code == client.get(url).status_code == 302
