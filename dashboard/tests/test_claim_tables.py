"""The claim-rate tables drawn by the claim_table tag: every row, linked where the page
links it, text escaped."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dashboard.tests.builders import District, client_for

pytestmark = pytest.mark.django_db


def test_a_class_title_is_shown_as_text_and_links_to_its_students(district: District) -> None:
    district.math.title = "<b>Algebra {1}</b> & more"
    district.math.save(update_fields=["title"])
    url = reverse("dashboard:school", args=[district.north.pk])

    html = client_for(district.school_admin).get(url).content.decode()

    people = reverse("dashboard:class-people", args=[district.math.pk])
    assert f'<a href="{people}">&lt;b&gt;Algebra {{1}}&lt;/b&gt; &amp; more</a>' in html
    assert "<b>Algebra" not in html


def test_each_grade_links_to_its_people_and_each_count_has_its_column_label(
    district: District,
) -> None:
    url = reverse("dashboard:school", args=[district.north.pk])

    html = client_for(district.school_admin).get(url).content.decode()

    people = reverse("dashboard:school-people", args=[district.north.pk])
    assert f'<a href="{people}?grade=09">09</a>' in html
    assert '<td data-label="Not yet claimable">1</td>' in html
    assert "Download “Claim rate by class (students)” as CSV" in html
