"""The claim policies' pages in a real browser, in every language at 375 px and
1280 px, checked by axe-core: the Acceptable Use Policy step of the claim (with the
browser's Back), the password rules of a role, skipping the challenge questions, a
new version of the policy at sign-in (declined), and what the forgot-password page
tells a person who skipped the questions."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AcceptableUsePolicy, Account
from accounts.tests.builders import make_claimed_account, make_person
from e2e.test_pages import Visit, sign_in
from hallpass.settings import password_validators

pytestmark = pytest.mark.e2e

STAFF_PASSWORD = "Harbor-Lantern-Violet-2718"
POLICY_TEXT = {
    "en": "## Using district technology\n\n- Keep your password to yourself.\n- Be kind online.",
    "es": "## Uso de la tecnología del distrito\n\n- No comparta su contraseña.\n- Sea amable.",
    "vi": "## Sử dụng công nghệ của học khu\n\n- Giữ bí mật mật khẩu.\n- Cư xử tử tế.",
}


@pytest.fixture
def visit(page: Any) -> Visit:
    lang, width, site = page.hallpass
    return Visit(page=page, lang=lang, width=width, site=site)


def publish(version: str) -> AcceptableUsePolicy:
    return AcceptableUsePolicy.objects.create(
        version=version,
        text_en=POLICY_TEXT["en"],
        text_es=POLICY_TEXT["es"],
        text_vi=POLICY_TEXT["vi"],
        roles=["student", "teacher", "staff", "administrator"],
        guardian_note_under_13=True,
        published_at=timezone.now(),
    )


@pytest.fixture(autouse=True)
def staff_rules(settings: Any) -> None:
    """The other district's guide: staff 12 characters with three classes, and staff
    may skip the challenge questions."""
    settings.PASSWORD_POLICIES = {
        **settings.PASSWORD_POLICIES,
        "staff": password_validators(min_length=12, character_classes=3, history_count=5),
    }
    settings.CHALLENGE_QUESTION_POLICIES = {
        **settings.CHALLENGE_QUESTION_POLICIES,
        "staff": {"count": 3, "required": False},
    }


def test_claim_with_the_policy_the_rules_and_the_questions_skipped(visit: Visit) -> None:
    publish("2026-1")
    person = make_person(role="staff", given_name="Ana", family_name="Pérez")
    v = visit
    v.go("accounts:claim")
    v.fill("family_name", "Perez")
    v.fill("given_name", "Ana")
    v.fill("identifier", person.identifier)
    v.submit()
    assert v.page.url.endswith(reverse("accounts:claim-policy"))
    assert "2026-1" in v.main_text()
    v.check("claim-policy")

    v.page.check("#id_agree")
    v.submit()
    assert v.page.url.endswith(reverse("accounts:claim-password"))
    assert "12" in str(v.page.inner_text("#password-rules"))
    v.check("claim-password-rules")

    # The browser's Back shows the policy ticked; unticked it is refused, and ticked
    # again Next goes on where the wizard was.
    v.page.go_back()
    v.assert_language()
    assert v.page.url.endswith(reverse("accounts:claim-policy"))
    assert v.page.is_checked("#id_agree")
    v.page.uncheck("#id_agree")
    v.submit()
    assert v.page.locator("main [role=alert]").count() >= 1
    v.check("claim-policy-error")
    v.page.check("#id_agree")
    v.submit()
    assert v.page.url.endswith(reverse("accounts:claim-password"))

    v.fill("password1", "alllowercaseletters")
    v.fill("password2", "alllowercaseletters")
    v.submit()
    assert v.page.locator("main [role=alert]").count() >= 1
    v.check("claim-password-rules-error")
    v.fill("password1", STAFF_PASSWORD)
    v.fill("password2", STAFF_PASSWORD)
    v.submit()
    assert v.page.url.endswith(reverse("accounts:claim-challenges"))
    v.check("claim-questions-skippable")

    with v.page.expect_navigation():
        v.page.click("main form button[name=skip]")
    v.assert_language()
    assert v.page.url.endswith(reverse("accounts:claim-done"))
    v.check("claim-done-questions-skipped")
    account = Account.objects.get(person=person)
    assert account.challenge_answers.count() == 0
    assert account.policy_acceptances.get().language == v.lang


def test_a_new_version_at_sign_in_declined(visit: Visit) -> None:
    account = make_claimed_account(given_name="Maria", family_name="Lopez")
    publish("2026-2")
    sign_in(visit, account)
    assert visit.page.url.startswith(visit.site + reverse("accounts:policy"))
    visit.check("policy-new-version")
    with visit.page.expect_navigation():
        visit.page.click("main form button[value=decline]")
    visit.assert_language()
    assert visit.page.url.startswith(visit.site + reverse("accounts:login"))
    assert visit.page.locator(".signed-in").count() == 0
    visit.check("policy-declined-signed-out")


def test_forgot_password_tells_who_skipped_the_questions_what_to_do(visit: Visit) -> None:
    visit.go("accounts:forgot-password")
    assert visit.page.locator("#no-questions").count() == 1
    visit.check("forgot-password-no-questions-notice")
