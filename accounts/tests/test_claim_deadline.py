"""The district's claim deadline, when set, is on the claim and sign-in pages."""

from datetime import date

import pytest
from django.urls import reverse

from common.tests.client import FormClient

PAGES = ["accounts:claim", "accounts:login"]


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "Everyone must claim their account before Aug. 2, 2027."),
        ("es", "Todos deben reclamar su cuenta antes del 2 de agosto de 2027."),
        ("vi", "Mọi người phải nhận tài khoản của mình trước ngày 2 tháng 8 năm 2027."),
    ],
)
def test_the_deadline_is_shown_in_the_visitors_language(page, language, sentence, settings):
    settings.DISTRICT = {**settings.DISTRICT, "claim_deadline": date(2027, 8, 2)}
    client = FormClient(headers={"accept-language": language})
    body = client.get(reverse(page)).content.decode()
    assert sentence in body
    # The date format's own word for "day" is not said twice, in any case.
    assert "ngày ngày" not in body.casefold()


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_no_deadline_no_notice(page, settings):
    settings.DISTRICT = {**settings.DISTRICT, "claim_deadline": None}
    assert "must claim their account before" not in FormClient().get(reverse(page)).content.decode()
