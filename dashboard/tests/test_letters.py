"""Printable claim letters: one page per student who has not claimed, in the
language the teacher chose for each, with the name, ID, portal and the steps."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from dashboard.tests.builders import District, client_for

pytestmark = pytest.mark.django_db

LETTER = re.compile(r'<article class="letter" lang="(\w+)".*?</article>', re.S)


def letters_in(html: bytes) -> list[tuple[str, str]]:
    """(language, text without tags) of each letter on the page."""
    page = html.decode()
    return [
        (match.group(1), " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split()))
        for match in LETTER.finditer(page)
    ]

HEADINGS = {
    "en": "Claim your account, Una Unclaimed",
    "es": "Reclame su cuenta, Una Unclaimed",
    "vi": "Nhận tài khoản của bạn, Una Unclaimed",
}


@pytest.mark.parametrize("language", ["en", "es", "vi"])
def test_a_letter_is_in_the_language_chosen_for_the_student(
    district: District, language: str, settings: Any
) -> None:
    settings.DISTRICT = {**settings.DISTRICT, "portal_url": "https://my.example.org"}
    response = client_for(district.teacher).get(
        reverse("dashboard:letters"),
        {"student": str(district.unclaimed.pk), f"language-{district.unclaimed.pk}": language},
    )
    ((lang, text),) = letters_in(response.content)
    assert lang == language
    assert HEADINGS[language] in text
    assert district.unclaimed.identifier in text
    assert district.unclaimed.display_username in text
    assert "https://my.example.org/account/claim/" in text
    article = LETTER.search(response.content.decode())
    assert article is not None and article.group(0).count("<li>") == 5  # the claim steps


def test_each_student_gets_a_page_in_their_own_language(district: District) -> None:
    unclaimed, waiting = district.unclaimed, district.waiting
    response = client_for(district.teacher).get(reverse("dashboard:letters"), {
        "student": [str(unclaimed.pk), str(waiting.pk), str(district.claimed.person_id)],
        f"language-{unclaimed.pk}": "vi",
        f"language-{waiting.pk}": "es",
    })
    letters = letters_in(response.content)
    # The claimed student gets none; the others are in name order.
    assert [language for language, _text in letters] == ["vi", "es"]
    # The student still inside the wait is told from when the claim works.
    assert "puede reclamar" in letters[1][1]


def test_the_letters_print_one_per_page(district: District) -> None:
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static/hallpass/dashboard.css").read_text()
    print_rules = css[css.index("@media print"):]
    assert ".letter" in print_rules and "break-after: page" in print_rules
    response = client_for(district.teacher).get(
        reverse("dashboard:letters"), {"student": district.unclaimed.pk}
    )
    assert b"hallpass/dashboard" in response.content


def test_my_students_offers_a_letter_for_each_student_who_has_not_claimed(
    district: District,
) -> None:
    page = client_for(district.teacher).get(reverse("dashboard:students"))
    html = page.content.decode()
    offered = {int(pk) for pk in re.findall(r'name="student" value="(\d+)"', html)}
    assert offered == {district.unclaimed.pk, district.waiting.pk}
    resets = re.findall(r'href="([^"]*/reset/)"', html)
    assert resets == [reverse("support:reset-request", args=[district.claimed.person_id])]
