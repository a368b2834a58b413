"""The icon browsers ask for on their own."""

from __future__ import annotations

import pytest
from django.templatetags.static import static


@pytest.mark.django_db
def test_favicon_ico_leads_to_the_logo_the_pages_name(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == static("hallpass/logo.svg")
    assert client.get(response["Location"]).status_code == 200
