"""The district's names that appear inside sentences (the SIS, the support center)
have a form per language: no English inside a Spanish or Vietnamese page or email."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from common.context_processors import district_settings
from common.mail import render_email

pytestmark = pytest.mark.django_db

CLAIM = reverse("accounts:claim")
ENGLISH = ("the student information system", "Technology Support Center")


def claim_failure_page(client, language: str) -> str:
    """The first step's failure page, which names the SIS and the support center."""
    response = client.submit(
        CLAIM,
        {"family_name": "Nobody", "given_name": "Here", "identifier": "999999"},
        headers={"accept-language": language},
    )
    return str(response.content.decode())


@pytest.mark.parametrize(
    ("language", "sis", "center"),
    [
        ("en", "the student information system", "Technology Support Center"),
        ("es", "el sistema de información estudiantil", "Centro de Soporte Tecnológico"),
        ("vi", "hệ thống thông tin học sinh", "Trung tâm Hỗ trợ Công nghệ"),
    ],
)
def test_the_default_names_are_translated(client, language, sis, center):
    body = claim_failure_page(client, language)
    assert sis in body
    assert center in body
    if language != "en":
        for english in ENGLISH:
            assert english not in body


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Infinite Campus"), ("es", "Infinite Campus (ES)"), ("vi", "Infinite Campus")],
)
def test_a_district_gives_its_own_name_for_every_language_or_for_one(
    client, settings, language, expected
):
    settings.DISTRICT = {
        **settings.DISTRICT, "sis_name": "Infinite Campus", "sis_name_es": "Infinite Campus (ES)",
    }
    body = claim_failure_page(client, language)
    assert expected in body
    if language != "es":
        assert "Infinite Campus (ES)" not in body
    with translation.override(language):
        assert district_settings()["sis_name"] == expected


@pytest.mark.parametrize(
    ("language", "center"),
    [("es", "Centro de Soporte Tecnológico"), ("vi", "Trung tâm Hỗ trợ Công nghệ")],
)
def test_emails_name_the_support_center_in_their_language(language, center):
    _subject, text, html = render_email(
        "username", {"usernames": ["S0123456"], "login_url": "https://portal.example/"}, language
    )
    assert center in text
    assert center in html
    assert "Technology Support Center" not in text
