"""Every self-service page, in English, Spanish and Vietnamese, at 375 px and 1280 px,
checked by axe-core (WCAG 2.1 A and AA) and saved as a screenshot.

The claim wizard is driven by the keyboard alone (Tab, Shift+Tab, typing, Enter,
Space, arrow keys) in every language and width; the other flows use ordinary
clicks and typing.

Pages that only need to be opened (by a visitor or a signed-in student) are listed
in `PAGES` and checked by `test_every_listed_page`; pages that need a flow get a
walk of their own below; the district dashboard's are walked in test_dashboard.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.urls import reverse
from django.utils import translation

from accounts.models import Account
from accounts.tests.builders import (
    DEFAULT_PASSWORD,
    answers_for,
    make_claimed_account,
    make_person,
)
from e2e.a11y import check_accessibility
from sso.tests.builders import make_app, make_oidc_app

pytestmark = pytest.mark.e2e

# (screenshot name, URL name, signed in?) for pages checked just by opening them.
PAGES = [
    ("help", "accounts:help", False),
    ("claim-start", "accounts:claim", False),
    ("portal-home", "portal:home", True),
    ("change-password", "accounts:change-password", True),
    ("change-challenges", "accounts:change-challenges", True),
    ("support-home", "support:home", True),
    ("support-ticket-new", "support:ticket-new", True),
    ("support-equipment-not-supervisor", "support:equipment-request", True),
    ("support-kb", "support:kb", True),
]

NEW_PASSWORD = "Violet-Harbor-2718"
OTHER_PASSWORD = "Quiet-Lantern-8153"


def t(lang: str, message: str) -> str:
    """`message` as a person reading `lang` sees it (from the compiled catalogs)."""
    with translation.override(lang):
        return translation.gettext(message)


@dataclass
class Visit:
    """One browser tab in one language at one width, against the live server."""

    page: Any
    lang: str
    width: int
    site: str

    def go(self, url_name: str, **kwargs: Any) -> None:
        self.page.goto(self.site + reverse(url_name, kwargs=kwargs or None))
        self.assert_language()

    def assert_language(self) -> None:
        assert self.page.evaluate("document.documentElement.lang") == self.lang
        assert not self.page.js_errors, self.page.js_errors

    def main_text(self) -> str:
        return str(self.page.inner_text("main"))

    def fill(self, field: str, value: str) -> None:
        self.page.fill(f"#id_{field}", value)

    def submit(self) -> None:
        with self.page.expect_navigation():
            self.page.click("main form button[type=submit]")
        self.assert_language()

    def check(self, name: str) -> None:
        check_accessibility(self.page, name)

    # -- keyboard alone ----------------------------------------------------------
    def focused_matches(self, selector: str) -> bool:
        return bool(
            self.page.evaluate(
                "(sel) => !!document.activeElement && document.activeElement.matches(sel)",
                selector,
            )
        )

    def tab_to(self, selector: str, *, backwards: bool = False, limit: int = 40) -> None:
        """Press Tab (or Shift+Tab) until `selector` has the focus, as a person would."""
        key = "Shift+Tab" if backwards else "Tab"
        for _ in range(limit):
            self.page.keyboard.press(key)
            if self.focused_matches(selector):
                return
        raise AssertionError(f"{selector} never got the focus with {key}")

    def type_into(self, selector: str, text: str, *, backwards: bool = False) -> None:
        self.tab_to(selector, backwards=backwards)
        self.page.keyboard.press("Control+A")
        self.page.keyboard.press("Delete")
        self.page.keyboard.type(text)

    def choose_question(self, number: int, *, downs: int) -> None:
        """Tab into question `number`'s radio list (one stop) and press ArrowDown
        `downs` times, which moves the choice down the list."""
        self.tab_to(f"input[name='question_{number}']")
        for _ in range(downs):
            self.page.keyboard.press("ArrowDown")
        assert self.chosen_question(number), f"ArrowDown chose nothing for question {number}"

    def chosen_question(self, number: int) -> str:
        checked = self.page.locator(f"input[name='question_{number}']:checked")
        return str(checked.get_attribute("value")) if checked.count() else ""

    def press_and_wait(self, key: str) -> None:
        with self.page.expect_navigation():
            self.page.keyboard.press(key)
        self.assert_language()


@pytest.fixture
def visit(page: Any, browser: Any) -> Visit:
    lang, width, site = page.hallpass
    return Visit(page=page, lang=lang, width=width, site=site)


def sign_in(visit: Visit, account: Account, password: str = DEFAULT_PASSWORD) -> None:
    visit.go("accounts:login")
    visit.fill("username", account.username)
    visit.fill("password", password)
    visit.submit()


@pytest.mark.parametrize(("name", "url_name", "signed_in"), PAGES, ids=[p[0] for p in PAGES])
def test_every_listed_page(visit: Visit, name: str, url_name: str, signed_in: bool) -> None:
    if signed_in:
        sign_in(visit, make_claimed_account(given_name="Maria", family_name="Lopez"))
    visit.go(url_name)
    assert visit.page.url.endswith(reverse(url_name)), "redirected away"
    visit.check(name)


def test_login_page_and_authentication_failed(visit: Visit) -> None:
    account = make_claimed_account(given_name="Maria", family_name="Lopez")
    visit.go("accounts:login")
    visit.check("login")

    visit.fill("username", account.username.upper())
    visit.fill("password", "not-the-password")
    visit.submit()
    assert t(visit.lang, "Authentication Failed") in visit.main_text()
    visit.check("login-authentication-failed")

    visit.go("accounts:help")
    visit.check("help")


def test_claim_wizard_with_the_keyboard_alone(visit: Visit) -> None:
    person = make_person(given_name="Ana", family_name="Nguyễn", identifier="123456")
    v = visit
    v.go("accounts:claim")
    v.check("claim-1-who-are-you")

    # A wrong ID first: the district's failure message and its troubleshooting help.
    v.type_into("#id_family_name", "nguyen")
    v.type_into("#id_given_name", "Ana")
    v.type_into("#id_identifier", "999999")
    v.press_and_wait("Enter")
    assert t(v.lang, "The Claim Account Operation Failed.") in v.main_text()
    v.check("claim-1-failed")

    # Then the right one; a typo in the first name is fixed by going back with Shift+Tab.
    v.type_into("#id_family_name", "  NGUYEN ")
    v.type_into("#id_given_name", "Anna")
    v.type_into("#id_identifier", "123456")
    v.type_into("#id_given_name", "ana", backwards=True)
    v.tab_to("main form button[type=submit]")
    v.press_and_wait("Space")
    assert v.page.url.endswith(reverse("accounts:claim-password"))
    v.check("claim-2-password")

    # Passwords that differ: the error is announced and linked, then fixed.
    v.type_into("#id_password1", NEW_PASSWORD)
    v.type_into("#id_password2", NEW_PASSWORD + "x")
    v.press_and_wait("Enter")
    assert v.page.url.endswith(reverse("accounts:claim-password"))
    assert v.page.locator("[role=alert]").count() >= 1
    v.check("claim-2-password-error")
    v.type_into("#id_password1", NEW_PASSWORD)
    v.type_into("#id_password2", NEW_PASSWORD)
    v.press_and_wait("Enter")
    assert v.page.url.endswith(reverse("accounts:claim-challenges"))
    v.check("claim-3-questions")

    # Three questions, none chosen in advance: each is picked with the arrow keys.
    # The second is forgotten at first; its error is announced and linked.
    v.choose_question(1, downs=1)
    v.type_into("#id_answer_1", "Blue")
    v.type_into("#id_answer_2", "Rex")
    v.choose_question(3, downs=3)
    v.type_into("#id_answer_3", "Springfield")
    v.press_and_wait("Enter")
    assert v.page.url.endswith(reverse("accounts:claim-challenges"))
    assert t(v.lang, "Choose question %(number)s.") % {"number": 2} in v.main_text()
    v.check("claim-3-questions-error")
    # The chosen questions and the answers, none of which had an error, are kept.
    assert v.chosen_question(1) and v.chosen_question(3)
    assert [v.page.input_value(f"#id_answer_{n}") for n in (1, 2, 3)] == [
        "Blue", "Rex", "Springfield",
    ]
    v.choose_question(2, downs=2)
    v.tab_to("#id_answer_2")
    v.press_and_wait("Enter")
    assert v.page.url.endswith(reverse("accounts:claim-done"))
    assert person.username.casefold() in v.main_text().casefold()
    v.check("claim-4-done")

    account = Account.objects.get(person=person)
    assert account.claimed_at is not None
    assert account.check_password(NEW_PASSWORD)
    assert account.challenge_answers.count() == 3


def identify_ana(v: Visit, identifier: str = "123456") -> None:
    """Step 1 of the claim wizard for Ana Nguyễn (make_person), typed as on a letter."""
    v.go("accounts:claim")
    v.fill("family_name", "Nguyen")
    v.fill("given_name", "Ana")
    v.fill("identifier", identifier)
    v.submit()


def claim_to_the_questions(v: Visit) -> None:
    identify_ana(v)
    v.fill("password1", NEW_PASSWORD)
    v.fill("password2", NEW_PASSWORD)
    v.submit()
    assert v.page.url.endswith(reverse("accounts:claim-challenges"))


def test_claim_wizard_back_from_the_questions(visit: Visit) -> None:
    person = make_person(given_name="Ana", family_name="Nguyễn", identifier="123456")
    v = visit
    claim_to_the_questions(v)

    # The browser's Back button: step 2 says a password is chosen and how to keep it.
    v.page.go_back()
    v.assert_language()
    assert v.page.url.endswith(reverse("accounts:claim-password"))
    assert t(v.lang, "You have already chosen a password. To change it, type a new one "
                     "twice; to keep it, continue to the questions.") in v.main_text()
    v.check("claim-2-password-chosen")
    v.tab_to(f"main a[href='{reverse('accounts:claim-challenges')}']")
    v.press_and_wait("Enter")
    assert v.page.url.endswith(reverse("accounts:claim-challenges"))
    assert not Account.objects.filter(person=person).exists()


def test_forgot_username(visit: Visit) -> None:
    account = make_claimed_account(given_name="Maria", family_name="Lopez")
    visit.go("accounts:forgot-username")
    visit.check("forgot-username")
    visit.fill("email", account.email)
    visit.submit()
    assert visit.page.locator("main [role=status]").count() == 1
    visit.check("forgot-username-sent")


def test_forgot_password_from_username_to_new_password(visit: Visit) -> None:
    answers = answers_for()
    account = make_claimed_account(given_name="Maria", family_name="Lopez", answers=answers)
    visit.go("accounts:forgot-password")
    visit.check("forgot-password-1-username")
    visit.fill("username", account.username)
    visit.submit()
    assert visit.page.url.endswith(reverse("accounts:forgot-password-questions"))
    visit.check("forgot-password-2-questions")

    for question_id in answers:
        visit.fill(f"answer_{question_id}", "wrong answer")
    visit.submit()
    assert visit.page.locator("main [role=alert]").count() >= 1
    visit.check("forgot-password-2-wrong-answers")

    for question_id, answer in answers.items():
        visit.fill(f"answer_{question_id}", answer.upper())
    visit.submit()
    assert visit.page.url.endswith(reverse("accounts:forgot-password-new"))
    visit.check("forgot-password-3-new-password")

    visit.fill("password1", NEW_PASSWORD)
    visit.fill("password2", NEW_PASSWORD)
    visit.submit()
    assert visit.page.url.endswith(reverse("accounts:forgot-password-done"))
    visit.check("forgot-password-4-done")
    account.refresh_from_db()
    assert check_password(NEW_PASSWORD, account.password)


def test_forgot_password_locks_after_too_many_wrong_answers(visit: Visit) -> None:
    answers = answers_for()
    account = make_claimed_account(given_name="Maria", family_name="Lopez", answers=answers)
    visit.go("accounts:forgot-password")
    visit.fill("username", account.username)
    visit.submit()
    for _attempt in range(settings.RECOVERY_MAX_FAILURES):
        if visit.page.locator(f"#id_answer_{next(iter(answers))}").count() == 0:
            break
        for question_id in answers:
            visit.fill(f"answer_{question_id}", "wrong answer")
        visit.submit()
    assert t(visit.lang, "Self-service password reset is locked") in visit.main_text()
    visit.check("forgot-password-locked")


def test_staff_read_the_username_email_in_the_persons_language(
    visit: Visit, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "outbox.backends.OutboxEmailBackend"
    account = make_claimed_account(given_name="Maria", family_name="Lopez")
    Account.objects.filter(pk=account.pk).update(language=visit.lang)
    Account.objects.create_superuser("itadmin", OTHER_PASSWORD)

    visit.go("accounts:forgot-username")
    visit.fill("email", account.email)
    visit.submit()

    visit.go("accounts:login")
    visit.fill("username", "itadmin")
    visit.fill("password", OTHER_PASSWORD)
    visit.submit()
    visit.go("outbox:list")
    visit.check("outbox")
    with visit.page.expect_navigation():
        visit.page.click("main table a")
    visit.assert_language()
    body = str(visit.page.inner_text(".mail-body"))
    expected = t(visit.lang, "Your username is: %(username)s") % {
        "username": account.display_username
    }
    assert expected in body
    visit.check("outbox-message")


def test_portal_home_change_password_and_sign_out(visit: Visit) -> None:
    account = make_claimed_account(given_name="Maria", family_name="Lopez")
    sign_in(visit, account)
    assert visit.page.url.rstrip("/") == visit.site + reverse("portal:home").rstrip("/")
    banner = str(visit.page.inner_text(".signed-in"))
    assert "Maria Lopez" in banner and account.display_username in banner
    visit.check("portal-home")

    visit.go("accounts:change-password")
    visit.check("change-password")
    visit.fill("current_password", "not-my-password")
    visit.fill("password1", OTHER_PASSWORD)
    visit.fill("password2", OTHER_PASSWORD)
    visit.submit()
    assert visit.page.locator("main [role=alert]").count() >= 1
    visit.check("change-password-error")

    visit.fill("current_password", DEFAULT_PASSWORD)
    visit.fill("password1", OTHER_PASSWORD)
    visit.fill("password2", OTHER_PASSWORD)
    visit.submit()
    assert visit.page.locator("main [role=status]").count() >= 1
    visit.check("change-password-done")

    visit.go("accounts:change-challenges")
    visit.check("change-challenges")
    # Nothing is chosen in advance: saving without choosing names each empty choice.
    visit.fill("current_password", OTHER_PASSWORD)
    visit.submit()
    assert visit.page.locator("main [role=alert]").count() >= 1
    assert t(visit.lang, "Choose question %(number)s.") % {"number": 3} in visit.main_text()
    visit.check("change-challenges-error")
    visit.fill("current_password", OTHER_PASSWORD)
    for n, answer in enumerate(("Green", "Max", "Elm Street"), start=1):
        visit.page.check(f"#id_question_{n}_{n + 3}")
        visit.fill(f"answer_{n}", answer)
    visit.submit()
    assert visit.page.locator("main [role=status]").count() >= 1
    visit.check("change-challenges-done")

    with visit.page.expect_navigation():
        visit.page.click(".signed-in form button")
    assert visit.page.locator(".signed-in").count() == 0
    visit.check("signed-out")


def authorization_request(client_id: str, redirect_uri: str) -> str:
    from urllib.parse import urlencode

    from authlib.common.security import generate_token
    from authlib.oauth2.rfc7636 import create_s256_code_challenge

    query = urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
        "scope": "openid profile roster", "state": "e2e", "nonce": "e2e",
        "code_challenge": create_s256_code_challenge(generate_token(48)),
        "code_challenge_method": "S256",
    })
    return f"{reverse('oauth2_provider:authorize')}?{query}"


def test_an_app_not_approved_asks_first_then_signs_in(visit: Visit) -> None:
    account = make_claimed_account(given_name="Maria", family_name="Lopez")
    # The app's callback is an address of the live server (a page not found there):
    # the walk needs no other site.
    callback = visit.site + "/quiz-maker/callback"
    _app, credentials = make_oidc_app(
        "Quiz Maker", approved=False, name_es="Creador de pruebas", name_vi="Tạo bài kiểm tra",
        redirect_uris=(callback,),
    )
    visit.page.goto(visit.site + authorization_request(credentials.client_id, callback))
    visit.assert_language()
    assert visit.page.url.startswith(visit.site + reverse("accounts:login"))
    visit.fill("username", account.username)
    visit.fill("password", DEFAULT_PASSWORD)
    visit.submit()
    assert t(visit.lang, "Your role, your schools and your grade") in visit.main_text()
    visit.check("sso-consent")
    with visit.page.expect_navigation():
        visit.page.click("main form button[name=allow]")
    assert visit.page.url.startswith(callback + "?code=")


def test_an_app_signs_the_person_out(visit: Visit) -> None:
    make_oidc_app("Quiz Maker")
    sign_in(visit, make_claimed_account(given_name="Maria", family_name="Lopez"))
    visit.go("oauth2_provider:rp-initiated-logout")
    assert t(visit.lang, "Sign out?") in visit.main_text()
    visit.check("sso-sign-out")
    visit.submit()
    assert visit.page.locator(".signed-in").count() == 0


def test_the_launchpad_with_many_apps_and_its_search(visit: Visit) -> None:
    for n in range(14):
        make_app(f"Reading Lab {n}" if n % 2 else f"Math Practice {n}", icon_color="green")
    sign_in(visit, make_claimed_account(given_name="Maria", family_name="Lopez"))
    visit.check("portal-home-many-apps")
    visit.page.fill("#app-search", "math")
    with visit.page.expect_navigation():
        visit.page.click(".app-search button")
    visit.assert_language()
    assert visit.page.locator(".tile").count() == 7
    visit.check("portal-home-search")


def test_a_ticket_from_opening_to_the_technicians_queue(visit: Visit) -> None:
    account = make_claimed_account(given_name="Maria", family_name="Lopez")
    Account.objects.create_superuser("itadmin", OTHER_PASSWORD)
    sign_in(visit, account)
    visit.go("support:ticket-new")
    visit.submit()
    assert visit.page.locator("main [role=alert]").count() == 1
    visit.check("support-ticket-new-errors")

    visit.page.select_option("#id_category", index=1)
    visit.fill("subject", "Projector has no signal")
    visit.fill("description", "Room 12's projector shows no signal since Monday.")
    visit.submit()
    assert "T-" in visit.main_text()
    visit.check("support-ticket-detail")
    ticket_url = visit.page.url

    visit.go("support:home")
    assert "Projector has no signal" in visit.main_text()
    visit.check("support-home-with-ticket")

    with visit.page.expect_navigation():
        visit.page.click(".signed-in form button")
    visit.go("accounts:login")
    visit.fill("username", "itadmin")
    visit.fill("password", OTHER_PASSWORD)
    visit.submit()
    visit.go("support:queue")
    assert "Projector has no signal" in visit.main_text()
    visit.check("support-queue")
    visit.page.goto(ticket_url)
    visit.assert_language()
    visit.check("support-ticket-detail-technician")


def test_a_teachers_reset_request_approved_by_a_technician(visit: Visit) -> None:
    from support.tests.builders import make_class, make_teacher

    teacher = make_teacher()
    student = make_claimed_account(given_name="Sam", family_name="Student")
    assert teacher.person is not None and student.person is not None
    make_class(teacher.person, [student.person])
    Account.objects.create_superuser("itadmin", OTHER_PASSWORD)
    sign_in(visit, teacher)
    visit.go("dashboard:students")
    assert student.person.display_username in visit.main_text()
    visit.check("support-students")
    visit.go("support:reset-request", person_pk=student.person.pk)
    visit.submit()
    assert visit.page.locator("main [role=alert]").count() == 1
    visit.check("support-reset-request-error")
    visit.fill("reason", "Does not remember the answers to the challenge questions.")
    visit.submit()
    ticket_url = visit.page.url
    visit.check("support-reset-requested")

    with visit.page.expect_navigation():
        visit.page.click(".signed-in form button")
    visit.go("accounts:login")
    visit.fill("username", "itadmin")
    visit.fill("password", OTHER_PASSWORD)
    visit.submit()
    visit.page.goto(ticket_url)
    visit.check("support-reset-pending-technician")
    visit.submit()
    student.refresh_from_db()
    assert not student.is_claimed
    visit.check("support-reset-approved")


def test_an_equipment_request_from_the_supervisor_to_handed_out(visit: Visit) -> None:
    from directory.models import Person

    supervisor = make_claimed_account(role="staff", given_name="Sue", family_name="Boss")
    report = make_claimed_account(role="staff", given_name="Ray", family_name="Report")
    assert report.person is not None
    Person.objects.filter(pk=report.person.pk).update(supervisor_id=supervisor.person_id)
    Account.objects.create_superuser("itadmin", OTHER_PASSWORD)
    sign_in(visit, supervisor)
    visit.go("support:equipment-request")
    visit.check("support-equipment-request")
    visit.page.select_option("#id_person", index=1)
    visit.page.select_option("#id_item", index=1)
    visit.fill("reason", "New hire starting Monday.")
    visit.submit()
    ticket_url = visit.page.url
    visit.check("support-equipment-requested")

    with visit.page.expect_navigation():
        visit.page.click(".signed-in form button")
    visit.go("accounts:login")
    visit.fill("username", "itadmin")
    visit.fill("password", OTHER_PASSWORD)
    visit.submit()
    visit.page.goto(ticket_url)
    visit.submit()  # approve
    visit.check("support-equipment-approved")
    visit.fill("asset_tag", "CCPS-00412")
    visit.fill("serial_number", "5CD1234XYZ")
    visit.submit()
    visit.go("support:person-equipment", person_pk=report.person_id)
    assert "CCPS-00412" in visit.main_text()
    visit.check("support-person-equipment")


def test_knowledge_base_from_the_login_page_and_signed_in(visit: Visit) -> None:
    visit.go("accounts:login")
    with visit.page.expect_navigation():
        article = reverse("support:kb-article", args=["how-do-i-log-in"])
        visit.page.click(f"main a[href='{article}']")
    visit.assert_language()
    visit.check("support-kb-article-public")

    sign_in(visit, make_claimed_account(given_name="Maria", family_name="Lopez"))
    visit.page.goto(visit.site + reverse("support:kb") + "?q=password")
    visit.assert_language()
    visit.check("support-kb-search")
    visit.go("support:kb-article", slug="forgot-password")
    visit.check("support-kb-article")


def test_page_not_found(visit: Visit) -> None:
    visit.page.goto(visit.site + "/no-such-page/")
    visit.assert_language()
    assert t(visit.lang, "Page not found") in visit.main_text()
    visit.check("page-not-found")


@pytest.mark.parametrize("colour", ["#f1c232", "#777777", "#0b5394"])
def test_any_district_colour_keeps_the_frame_readable(
    browser: Any, site: str, settings: Any, colour: str
) -> None:
    from e2e.conftest import new_page

    # A light yellow, the mid-grey where white and near-black both nearly fail, and
    # the default blue: the text colour on the brand is picked to pass AA each time.
    settings.DISTRICT = {**settings.DISTRICT, "primary_color": colour, "accent_color": colour}
    page = new_page(browser, "en", 1280)
    try:
        v = Visit(page=page, lang="en", width=1280, site=site)
        v.go("accounts:login")
        v.check(f"brand-{colour.lstrip('#')}")
    finally:
        page.context.close()


def test_the_language_switcher_works_with_the_keyboard(browser: Any, site: str) -> None:
    from e2e.conftest import new_page

    page = new_page(browser, "en", 375)
    try:
        v = Visit(page=page, lang="en", width=375, site=site)
        v.go("accounts:login")
        v.tab_to("#language-select")
        # Typing the start of a language's own name picks it, as in any select.
        page.keyboard.type("Ti")
        v.tab_to(".language-switcher button")
        v.lang = "vi"
        v.press_and_wait("Enter")
        assert page.url.endswith(reverse("accounts:login"))
        assert t("vi", "Sign in") in v.main_text()
        v.check("language-switched")
    finally:
        page.context.close()



def test_the_checker_fails_and_names_each_violation(browser: Any, site: str) -> None:
    from e2e.conftest import new_page

    page = new_page(browser, "en", 375)
    try:
        page.set_content(
            '<!doctype html><html lang="en"><title>t</title><body><main>'
            '<h1>Broken</h1><input id="x" type="text">'
            "</main></body></html>"
        )
        with pytest.raises(AssertionError) as failure:
            check_accessibility(page, "deliberately-broken")
        assert "label" in str(failure.value)
        assert "#x" in str(failure.value)

        page.set_content(
            '<!doctype html><html lang="en"><title>t</title><body><main>'
            '<h1>Too wide</h1><pre id="wide">' + "x" * 400 + "</pre>"
            "</main></body></html>"
        )
        with pytest.raises(AssertionError) as failure:
            check_accessibility(page, "deliberately-too-wide")
        assert "scrolls sideways" in str(failure.value)
        assert "pre#wide" in str(failure.value)
    finally:
        page.context.close()
