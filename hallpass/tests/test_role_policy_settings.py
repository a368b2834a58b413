"""HALLPASS_PASSWORD_POLICIES and HALLPASS_CHALLENGE_QUESTIONS: rules per role over the
defaults, and a start refused for anything unknown rather than a rule ignored."""

from __future__ import annotations

import json

import pytest

from hallpass.tests.test_settings import load_settings

PRINT_POLICIES = (
    "import json, hallpass.settings as s; "
    "print(json.dumps([s.PASSWORD_POLICY_RULES, s.CHALLENGE_QUESTION_POLICIES]))"
)


def test_the_defaults_are_8_characters_and_15_for_it_staff_with_three_questions() -> None:
    result = load_settings({}, PRINT_POLICIES)
    assert result.returncode == 0, result.stderr
    passwords, questions = json.loads(result.stdout)
    assert {role: rules["min_length"] for role, rules in passwords.items()} == {
        "student": 8, "teacher": 8, "staff": 8, "administrator": 8, "it": 15
    }
    assert all(rules["character_classes"] == 0 for rules in passwords.values())
    assert all(rules == {"count": 3, "required": True} for rules in questions.values())


def test_a_district_sets_the_rules_of_a_role() -> None:
    env = {
        "HALLPASS_PASSWORD_POLICIES": '{"staff": {"min_length": 12, "character_classes": 3}}',
        "HALLPASS_CHALLENGE_QUESTIONS": '{"teacher": {"count": 2, "required": false}}',
    }
    result = load_settings(env, PRINT_POLICIES)
    assert result.returncode == 0, result.stderr
    passwords, questions = json.loads(result.stdout)
    assert passwords["staff"] == {"min_length": 12, "character_classes": 3, "history_count": 5}
    assert passwords["student"]["min_length"] == 8
    assert questions["teacher"] == {"count": 2, "required": False}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("HALLPASS_PASSWORD_POLICIES", '{"janitor": {"min_length": 12}}'),
        ("HALLPASS_PASSWORD_POLICIES", '{"staff": {"min_lenght": 12}}'),
        ("HALLPASS_PASSWORD_POLICIES", '{"staff": {"min_length": "12"}}'),
        ("HALLPASS_PASSWORD_POLICIES", '{"staff": {"character_classes": 5}}'),
        ("HALLPASS_PASSWORD_POLICIES", "staff=12"),
        ("HALLPASS_CHALLENGE_QUESTIONS", '{"student": {"count": 0}}'),
        ("HALLPASS_CHALLENGE_QUESTIONS", '{"student": {"required": "no"}}'),
    ],
)
def test_an_unknown_role_rule_or_value_stops_the_start(name: str, value: str) -> None:
    result = load_settings({name: value}, PRINT_POLICIES)
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {name}" in result.stderr
