"""The district's claim deadline, when set, is on the claim and sign-in pages."""

from datetime import date

import pytest
from django.urls import reverse

from common.tests.client import FormClient

PAGES = ["accounts:claim", "accounts:login"]


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_the_deadline_is_shown_in_the_visitors_language(page, settings):
    settings.DISTRICT = {**settings.DISTRICT, "claim_deadline": date(2027, 8, 2)}
    english = FormClient().get(reverse(page)).content.decode()
    assert "Everyone must claim their account before Aug. 2, 2027." in english
    spanish = FormClient(headers={"accept-language": "es"}).get(reverse(page)).content.decode()
    assert "Todos deben reclamar su cuenta antes del 2 de agosto de 2027." in spanish


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_no_deadline_no_notice(page, settings):
    settings.DISTRICT = {**settings.DISTRICT, "claim_deadline": None}
    assert "must claim their account before" not in FormClient().get(reverse(page)).content.decode()
