"""The district dashboard's pages in a real browser, in English, Spanish and
Vietnamese at 375 px and 1280 px, each checked by axe-core: a district
administrator's walk from the district to a school, its unclaimed people, an
account and the audit log; a teacher's "My students" and printed claim letters."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboard.tests.builders import make_district
from e2e.test_pages import Visit, sign_in, t, visit  # noqa: F401

pytestmark = pytest.mark.e2e


@pytest.fixture
def roles(visit: Visit) -> None:  # noqa: F811
    """The role groups a migration creates, which the live server's flush emptied."""
    from django.contrib.auth.models import Group

    from accounts.roles import ROLE_GROUPS

    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


def test_a_district_administrator_drills_down_to_an_account(
    visit: Visit, roles: None  # noqa: F811
) -> None:
    district = make_district()
    from django.conf import settings

    settings.DISTRICT = {
        **settings.DISTRICT, "claim_deadline": timezone.localdate() + timedelta(days=20)
    }
    sign_in(visit, district.district_admin)
    visit.go("dashboard:home")
    assert "svg" in visit.page.inner_html("main")
    visit.check("dashboard-district")

    visit.page.click(f"a[href='{reverse('dashboard:school', args=[district.north.pk])}']")
    visit.assert_language()
    visit.check("dashboard-school")

    visit.go("dashboard:school-people", pk=district.north.pk)
    assert district.unclaimed.display_name in visit.main_text()
    visit.check("dashboard-unclaimed-people")

    visit.go("dashboard:account", person_pk=district.claimed.person_id)
    visit.check("dashboard-account")
    visit.go("dashboard:account-action", person_pk=district.claimed.person_id, action="disable")
    visit.check("dashboard-account-disable")
    visit.submit()
    assert t(visit.lang, "The account is disabled.") in visit.main_text()

    visit.go("dashboard:audit")
    visit.check("dashboard-audit-log")


def test_a_teacher_prints_claim_letters(visit: Visit, roles: None) -> None:  # noqa: F811
    district = make_district()
    sign_in(visit, district.teacher)
    visit.go("dashboard:students")
    visit.check("dashboard-my-students")
    visit.page.select_option(f"#language-{district.unclaimed.pk}", "vi")
    visit.page.select_option(f"#language-{district.waiting.pk}", "es")
    visit.submit()
    languages = visit.page.eval_on_selector_all("article.letter", "els => els.map(e => e.lang)")
    assert languages == ["vi", "es"]
    visit.check("dashboard-claim-letters")
    visit.page.emulate_media(media="print")
    assert visit.page.eval_on_selector(".site-header", "el => getComputedStyle(el).display") == (
        "none"
    )
    visit.page.emulate_media(media="screen")
