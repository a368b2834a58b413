"""Limits hold when requests arrive together: bursts through real servers.

Every limited action reserves its attempt before the slow work, so a burst of
simultaneous requests gets exactly the limit's worth of checks, the right password
or name inside or after the burst does not get through once the limit is spent,
and the counts are exact afterwards. SQLite: one threaded server. PostgreSQL +
Redis: two server processes, the burst's requests alternating between them.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from accounts.tests.portal_server import PortalServers, Reply, serve_portal, together

PASSWORD = "Burst-Right-Pass-77"
WRONG = "Burst-Wrong-Pass-00"
LOCKED = "too many failed attempts"

SETUP = """
import json
from accounts.tests.builders import make_claimed_account, make_person
people = {}
for name, identifier in [("Login", "555001"), ("Change", "555002")]:
    account = make_claimed_account(
        make_person(family_name=name, given_name="Burst", identifier=identifier),
        password="PASSWORD",
    )
    people[name] = account.username
claim = make_person(family_name="Claimant", given_name="Burst", identifier="555003")
mailbox = make_person(family_name="Mailbox", given_name="Burst", identifier="555004")
make_claimed_account(mailbox)
people["mailbox"] = mailbox.email
print(json.dumps(people))
""".replace("PASSWORD", PASSWORD)

AUDIT = """
import json
from audit.models import AuditEvent
rows = AuditEvent.objects.filter(ip_address="ADDRESS").values_list("event_type", "details")
print(json.dumps([[kind, details.get("scope", "")] for kind, details in rows]))
"""


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PortalServers]:
    tmp: Path = tmp_path_factory.mktemp("portal")
    # Only the school-network test speaks from 127.0.0.90.
    env = {"SCHOOL_NETWORKS": "127.0.0.90/32", "SCHOOL_NETWORK_LIMIT_MULTIPLIER": "20"}
    yield from serve_portal(tmp, env)


@pytest.fixture(scope="module")
def people(portal: PortalServers) -> dict[str, str]:
    return dict(portal.run(SETUP))


def audit_of(portal: PortalServers, address: str) -> Counter[tuple[str, str]]:
    return Counter((kind, scope) for kind, scope in portal.run(AUDIT.replace("ADDRESS", address)))


def count_of(portal: PortalServers, counter_code: str) -> int:
    return int(
        portal.run(
            "import json\nfrom common import throttle\n"
            "from accounts import claiming, login, recovery\n"
            f"print(json.dumps(throttle.count({counter_code})))"
        )
    )


def test_a_burst_of_wrong_passwords_for_one_account_checks_only_the_limit(
    portal: PortalServers, people: dict[str, str]
) -> None:
    browser = portal.browser("127.0.0.10")
    token = browser.form_token("/account/login/")
    username = people["Login"]
    hashes = portal.hashes()
    replies = browser.burst(
        "/account/login/", [{"username": username, "password": WRONG}] * 29, token
    )
    assert all(reply.status == 200 for reply in replies)
    right = browser.post("/account/login/", {"username": username, "password": PASSWORD}, token)
    assert right.status == 200 and LOCKED in right.body  # not signed in
    assert portal.hashes() - hashes == 5  # the password was checked 5 times, no more
    events = audit_of(portal, "127.0.0.10")
    assert events[("login.failed", "")] == 5
    assert events[("throttled", "login-account")] == 25
    assert "login.succeeded" not in {kind for kind, _ in events}
    assert count_of(portal, f"login.account_counter({username!r})") == 5


def test_a_burst_of_failures_from_one_address_checks_only_the_limit(
    portal: PortalServers,
) -> None:
    browser = portal.browser("127.0.0.11")
    token = browser.form_token("/account/login/")
    hashes = portal.hashes()
    replies = browser.burst(
        "/account/login/",
        [{"username": f"s09{n:05d}", "password": WRONG} for n in range(80)],
        token,
    )
    assert all(reply.status == 200 for reply in replies)
    events = audit_of(portal, "127.0.0.11")
    assert events[("login.failed", "")] == 50
    assert portal.hashes() - hashes == 50
    assert events[("throttled", "login-ip")] == 30
    assert count_of(portal, "login.address_counter('127.0.0.11')") == 50


def test_a_burst_of_wrong_names_for_one_id_keeps_the_right_one_out(
    portal: PortalServers, people: dict[str, str]
) -> None:
    browser = portal.browser("127.0.0.12")
    token = browser.form_token("/account/claim/")
    replies = browser.burst(
        "/account/claim/",
        [
            {"family_name": "Claimant", "given_name": f"Wrong{n}", "identifier": "555003"}
            for n in range(17)
        ],
        token,
    )
    # Every answer is the redirect to the first step, which then shows the outcome.
    assert {(reply.status, reply.location) for reply in replies} == {(302, "/account/claim/")}
    right = browser.post(
        "/account/claim/",
        {"family_name": "Claimant", "given_name": "Burst", "identifier": "555003"},
        token,
    )
    assert right.location == "/account/claim/"
    assert browser.request("GET", right.location).status == 429
    events = audit_of(portal, "127.0.0.12")
    assert events[("claim.failed", "")] == 5
    assert events[("throttled", "claim-identity")] == 13
    assert "claim.started" not in {kind for kind, _ in events}
    assert count_of(portal, "claiming.identity_counter('555003')") == 5


@pytest.mark.parametrize(
    ("address", "family_name", "attempts", "checked", "scope"),
    [
        # Many IDs from one address: the per-address limit (20).
        ("127.0.0.13", "Nobody", 30, 20, "claim-ip"),
        # A school's address, where that limit is x20: guessing IDs for one known
        # name is held to the per-name limit (10).
        ("127.0.0.90", "Claimant", 25, 10, "claim-name-ip"),
    ],
)
def test_a_burst_of_claims_from_one_address_checks_only_the_limit(
    portal: PortalServers,
    address: str,
    family_name: str,
    attempts: int,
    checked: int,
    scope: str,
) -> None:
    browser = portal.browser(address)
    token = browser.form_token("/account/claim/")
    forms = [
        {"family_name": family_name, "given_name": "Burst", "identifier": str(600000 + n)}
        for n in range(attempts)
    ]
    replies = browser.burst("/account/claim/", forms, token)
    assert {(reply.status, reply.location) for reply in replies} == {(302, "/account/claim/")}
    events = audit_of(portal, address)
    assert events[("claim.failed", "")] == checked
    assert events[("throttled", scope)] == attempts - checked


def test_a_burst_of_username_requests_for_one_mailbox_sends_only_the_limit(
    portal: PortalServers, people: dict[str, str]
) -> None:
    browser = portal.browser("127.0.0.14")
    token = browser.form_token("/account/help/username/")
    replies = browser.burst("/account/help/username/", [{"email": people["mailbox"]}] * 10, token)
    assert {(reply.status, reply.location) for reply in replies} == {
        (302, "/account/help/username/")
    }
    sent = portal.run(
        "import json\nfrom outbox.models import OutboxMessage\n"
        f"print(json.dumps(OutboxMessage.objects.filter(to={people['mailbox']!r}).count()))"
    )
    assert sent == 3
    events = audit_of(portal, "127.0.0.14")
    assert events[("throttled", "recovery-username-recipient")] == 7


def test_a_burst_of_username_requests_from_one_address_answers_only_the_limit(
    portal: PortalServers,
) -> None:
    browser = portal.browser("127.0.0.15")
    token = browser.form_token("/account/help/username/")
    browser.burst(
        "/account/help/username/", [{"email": f"nobody{n}@example.org"} for n in range(30)], token
    )
    events = audit_of(portal, "127.0.0.15")
    assert events[("username.recovered", "")] == 20
    assert events[("throttled", "recovery-username-ip")] == 10


def test_a_burst_of_forgot_password_requests_from_one_address_answers_only_the_limit(
    portal: PortalServers,
) -> None:
    # Thirty visitors behind one address, each with a session of its own: an answered
    # request gives its session a new key, which would cut short a sibling request
    # sharing that session (Django answers it 400, its session deleted meanwhile).
    visitors = [portal.browser("127.0.0.16") for _ in range(30)]
    tokens = [visitor.form_token("/account/help/password/") for visitor in visitors]
    replies: list[Reply] = together(
        *(
            functools.partial(
                visitor.post, "/account/help/password/", {"username": f"s09{n:05d}"}, token, n
            )
            for n, (visitor, token) in enumerate(zip(visitors, tokens, strict=True))
        )
    )
    assert Counter(reply.location for reply in replies) == {
        "/account/help/password/questions/": 20,
        "/account/help/password/": 10,
    }
    events = audit_of(portal, "127.0.0.16")
    assert events[("throttled", "recovery-password-ip")] == 10


def test_a_burst_of_wrong_current_passwords_checks_only_the_limit(
    portal: PortalServers, people: dict[str, str]
) -> None:
    browser = portal.browser("127.0.0.17")
    username = people["Change"]
    signed_in = browser.post(
        "/account/login/",
        {"username": username, "password": PASSWORD},
        browser.form_token("/account/login/"),
    )
    assert signed_in.status == 302
    token = browser.form_token("/account/password/")
    hashes = portal.hashes()
    new = {"password1": "Brand-New-Burst-Pass-1", "password2": "Brand-New-Burst-Pass-1"}
    browser.burst("/account/password/", [{"current_password": WRONG, **new}] * 12, token)
    right = browser.post("/account/password/", {"current_password": PASSWORD, **new}, token)
    assert right.status == 200  # refused: the form again, with the lock's message
    events = audit_of(portal, "127.0.0.17")
    assert events[("password.check_failed", "")] == 5
    assert portal.hashes() - hashes == 5
    assert events[("throttled", "login-account")] == 8
    assert "password.changed" not in {kind for kind, _ in events}
