"""After a form error: Back and Forward never meet "Confirm Form Resubmission"
(ERR_CACHE_MISS), the questions step keeps what it can, and every challenge question
reads whole on a phone. Also the admin's reset and disable confirmation pages,
checked by axe-core like every other page."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from accounts.challenges import active_questions
from accounts.models import Account
from accounts.tests.builders import answers_for, make_claimed_account, make_person
from e2e.conftest import LANGUAGES, new_page
from e2e.test_pages import (
    NEW_PASSWORD,
    OTHER_PASSWORD,
    Visit,
    claim_to_the_questions,
    identify_ana,
    t,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def phone(browser: Any, site: str, request: pytest.FixtureRequest) -> Any:
    """A fresh tab at 375 px in the language of the test's `lang` parameter."""
    lang = request.node.callspec.params["lang"]
    page = new_page(browser, lang, 375)
    yield Visit(page=page, lang=lang, width=375, site=site)
    page.context.close()


@pytest.fixture
def visit(page: Any) -> Visit:
    """A tab in each language at each width (e2e.conftest's `page`)."""
    lang, width, site = page.hallpass
    return Visit(page=page, lang=lang, width=width, site=site)


def shows_a_page(v: Visit, url_name: str) -> None:
    """The browser shows the page itself, not its error page about a POST."""
    assert v.page.url == v.site + reverse(url_name)
    assert "ERR_CACHE_MISS" not in v.page.content()
    assert v.page.locator("main h1").count() == 1
    v.assert_language()


def back(v: Visit, url_name: str) -> None:
    v.page.go_back(wait_until="load")
    shows_a_page(v, url_name)


def forward(v: Visit, url_name: str) -> None:
    v.page.go_forward(wait_until="load")
    shows_a_page(v, url_name)


def to_the_questions(v: Visit) -> None:
    make_person(given_name="Ana", family_name="Nguyễn", identifier="123456")
    claim_to_the_questions(v)
    shows_a_page(v, "accounts:claim-challenges")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_back_and_forward_after_errors_in_the_claim_wizard(phone: Visit, lang: str) -> None:
    v = phone
    make_person(given_name="Ana", family_name="Nguyễn", identifier="123456")
    identify_ana(v, "999999")
    assert t(lang, "The Claim Account Operation Failed.") in v.main_text()
    # What was typed is still there, to be corrected.
    assert v.page.input_value("#id_family_name") == "Nguyen"
    assert v.page.input_value("#id_identifier") == "999999"
    back(v, "accounts:claim")
    forward(v, "accounts:claim")

    identify_ana(v)
    v.fill("password1", NEW_PASSWORD)
    v.fill("password2", NEW_PASSWORD + "x")
    v.submit()
    assert v.page.locator("main [role=alert]").count() >= 1
    assert v.page.input_value("#id_password1") == ""  # passwords are never written back
    back(v, "accounts:claim-password")
    forward(v, "accounts:claim-password")
    back(v, "accounts:claim-password")
    back(v, "accounts:claim")
    forward(v, "accounts:claim-password")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_error_on_the_questions_keeps_the_choices_and_the_good_answers(
    phone: Visit, lang: str
) -> None:
    v = phone
    to_the_questions(v)
    ids = [str(pk) for pk in active_questions().values_list("pk", flat=True)[:3]]
    for n, (qid, answer) in enumerate(zip(ids, ["Blue", "Blue", "Springfield"], strict=True), 1):
        v.page.check(f"input[name='question_{n}'][value='{qid}']")
        v.fill(f"answer_{n}", answer)
    v.submit()
    assert t(lang, "Your answers must all be different.") in v.main_text()
    for n, qid in enumerate(ids, start=1):
        assert v.page.is_checked(f"input[name='question_{n}'][value='{qid}']")
    # The answer with the error is typed again; the others are kept.
    assert [v.page.input_value(f"#id_answer_{n}") for n in (1, 2, 3)] == [
        "Blue", "", "Springfield",
    ]
    v.check("claim-3-questions-duplicate-answer")
    back(v, "accounts:claim-challenges")
    forward(v, "accounts:claim-challenges")
    v.page.check(f"input[name='question_2'][value='{ids[1]}']")
    v.fill("answer_2", "Rex")
    v.fill("answer_1", "Blue")
    v.fill("answer_3", "Springfield")
    v.submit()
    shows_a_page(v, "accounts:claim-done")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_back_and_forward_after_errors_in_recovery(phone: Visit, lang: str) -> None:
    v = phone
    answers = answers_for()
    account = make_claimed_account(given_name="Maria", family_name="Lopez", answers=answers)

    v.go("accounts:forgot-username")
    v.fill("email", "not an address")
    v.submit()
    assert v.page.locator("main [role=alert]").count() == 1
    assert v.page.input_value("#id_email") == "not an address"
    back(v, "accounts:forgot-username")
    forward(v, "accounts:forgot-username")
    v.fill("email", account.email)
    v.submit()
    assert v.page.locator("main [role=status]").count() == 1
    back(v, "accounts:forgot-username")
    forward(v, "accounts:forgot-username")

    v.go("accounts:forgot-password")
    v.submit()  # no username
    assert v.page.locator("main [role=alert]").count() == 1
    back(v, "accounts:forgot-password")
    forward(v, "accounts:forgot-password")
    v.fill("username", account.username)
    v.submit()
    for question_id in answers:
        v.fill(f"answer_{question_id}", "wrong answer")
    v.submit()
    assert t(lang, "Those answers do not match") in v.main_text()
    # Answers to recovery questions are never written back.
    assert all(v.page.input_value(f"#id_answer_{q}") == "" for q in answers)
    back(v, "accounts:forgot-password-questions")
    forward(v, "accounts:forgot-password-questions")
    for question_id, answer in answers.items():
        v.fill(f"answer_{question_id}", answer)
    v.submit()
    v.fill("password1", NEW_PASSWORD)
    v.fill("password2", "")
    v.submit()
    assert v.page.locator("main [role=alert]").count() == 1
    back(v, "accounts:forgot-password-new")
    forward(v, "accounts:forgot-password-new")


FULLY_VISIBLE = """(labels) => labels.map((label) => {
  const box = label.getBoundingClientRect();
  return {
    text: label.textContent.trim(),
    cut: label.scrollWidth > label.clientWidth + 1 || label.scrollHeight > label.clientHeight + 1,
    inside: box.left >= 0 && box.right <= document.documentElement.clientWidth,
  };
})"""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_question_reads_whole_on_a_phone(phone: Visit, lang: str) -> None:
    v = phone
    to_the_questions(v)
    expected = [question.text_for(lang) for question in active_questions()]
    for n in (1, 2, 3):
        shown = v.page.eval_on_selector_all(f"#id_question_{n} label", FULLY_VISIBLE)
        assert [label["text"] for label in shown] == expected
        assert [label for label in shown if label["cut"] or not label["inside"]] == []


@pytest.mark.parametrize("action", ["reset_accounts", "disable_accounts"])
def test_the_admins_confirmation_pages(visit: Visit, action: str) -> None:
    students = [
        make_claimed_account(given_name="Maria", family_name="Lopez"),
        make_claimed_account(given_name="Ana", family_name="Nguyễn"),
    ]
    Account.objects.create_superuser("itadmin", OTHER_PASSWORD)
    v = visit
    v.go("accounts:login")
    v.fill("username", "itadmin")
    v.fill("password", OTHER_PASSWORD)
    v.submit()
    v.go("admin:accounts_account_changelist")
    for student in students:
        v.page.check(f"input[name=_selected_action][value='{student.pk}']")
    v.page.select_option("select[name=action]", action)
    with v.page.expect_navigation():
        v.page.click("button[name=index]")
    v.assert_language()
    page_text = str(v.page.inner_text("#content"))
    assert all(student.display_username in page_text for student in students)
    v.check(f"admin-{action.replace('_', '-')}-confirmation")
