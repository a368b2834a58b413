"""The IT admin (Django's own pages) works under the portal's Content-Security-Policy:
no page of it logs a blocked script, style or resource in the browser's console.
Django's admin pages are not walked by axe-core here; the self-service pages are."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from accounts.models import Account
from accounts.tests.builders import make_claimed_account

pytestmark = pytest.mark.e2e

STAFF_PASSWORD = "Tech-Pass-Long-1"


def test_the_admin_runs_under_the_content_security_policy(browser: Any, site: str) -> None:
    from e2e.conftest import new_page

    Account.objects.create_superuser("tech1", STAFF_PASSWORD)
    student = make_claimed_account(given_name="Maria", family_name="Lopez")
    page = new_page(browser, "en", 1280)
    try:
        page.goto(site + reverse("accounts:login") + "?next=/admin/")
        page.fill("#id_username", "tech1")
        page.fill("#id_password", STAFF_PASSWORD)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert page.url == site + reverse("admin:index")
        # Every list and add page the index links to, as staff would open them.
        links = page.eval_on_selector_all("#content-main a[href]", "els => els.map(a => a.href)")
        assert site + reverse("admin:accounts_account_changelist") in links
        for link in dict.fromkeys(links):
            page.goto(link)
        page.goto(site + reverse("admin:accounts_account_change", args=[student.pk]))
        # The admin's scripts ran: the action bar's "select all" box is wired up.
        page.goto(site + reverse("admin:accounts_account_changelist"))
        page.check("#action-toggle")
        assert page.is_checked(f"input[name=_selected_action][value='{student.pk}']")
        assert not page.js_errors, page.js_errors
    finally:
        page.context.close()
