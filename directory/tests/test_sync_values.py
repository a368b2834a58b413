"""Single values as the syncs check them: an email address is accepted exactly when
Django's validator accepts it, even where a plain address skips the validator."""

from __future__ import annotations

import random

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from directory.sync import values
from directory.sync.values import EMAIL_MAX_LENGTH, check_email

PLAIN = [
    "dana.whitfield@example.org",
    "s0123456@students.district.k12.ca.us",
    "A.B-c_d+tag@Mail-1.Example.COM",
    "x@a.io",
    "a" * 64 + "@" + "b" * 63 + ".org",
]
# Around the edges of a plain address, and what only the validator knows.
EDGES = [
    "dana.whitfield@",
    "@example.org",
    "dana",
    "dana..whitfield@example.org",
    ".dana@example.org",
    "dana.@example.org",
    "dana@example",
    "dana@-example.org",
    "dana@example-.org",
    "dana@ex--ample.org",
    "dana@example.org.",
    "dana@example..org",
    "dana@.example.org",
    "dana@example.o",
    "dana@example.c0m",
    "dana@example.123",
    "dana@1.2.3.4",
    "dana@ex_ample.org",
    "da na@example.org",
    "dana@example.org\n",
    "dana@example.org ",
    '"dana whitfield"@example.org',
    "o'brien@example.org",
    "dana@[192.168.0.1]",
    "dana@[999.1.1.1]",
    "dana@localhost",
    "dana@bücher.example",
    "dana@xn--bcher-kva.example",
    "dana@example.xn--p1ai",
    "josé@example.org",
    "dana@@example.org",
    "dana@exa@mple.org",
    "dana@" + "a" * 64 + ".org",
    "dana@" + "a" * 63 + ".org",
    "dana@example." + "a" * 64,
    "a" * 308 + "@example.org",
    "a" * 309 + "@example.org",
]


def accepted(address: str) -> bool:
    try:
        check_email(address)
    except ValueError:
        return False
    return True


def django_accepts(address: str) -> bool:
    """Django's validator, within the length a person's record holds."""
    if len(address) > EMAIL_MAX_LENGTH:
        return False
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("address", PLAIN + EDGES)
def test_an_address_is_accepted_exactly_when_djangos_validator_accepts_it(address):
    assert accepted(address) == django_accepts(address)


def test_random_addresses_are_accepted_exactly_when_djangos_validator_accepts_them():
    chooser = random.Random(20251207)

    def part(common: str, rare: list[str], most: int) -> str:  # one to ``most`` pieces
        # Mostly characters of plain addresses, now and then one of the others.
        pieces = [*common, *rare]
        weights = [40] * len(common) + [1] * len(rare)
        return "".join(chooser.choices(pieces, weights, k=chooser.randint(1, most)))

    tlds = ["org", "io", "edu", "c0m", "a", "-org", "org-", "xn--p1ai", "", "org."]
    accepted_count = 0
    for _ in range(20_000):
        labels = [part("aZ0-", ["_", "xn--", "é", "."], 6) for _ in range(chooser.randint(0, 3))]
        user = part("aZ0_+-.", ["'", "é", " ", '"', "@"], 6)
        address = f"{user}@{'.'.join([*labels, chooser.choice(tlds)])}"
        accepted_count += accepted(address)
        assert accepted(address) == django_accepts(address), address
    # Both answers come up often enough to mean something.
    assert 1_000 < accepted_count < 19_000


def test_a_plain_address_is_accepted_without_djangos_validator(monkeypatch):
    def unused(value: str) -> None:
        raise AssertionError(f"the validator was asked about {value!r}")

    monkeypatch.setattr(values, "validate_email", unused)
    for address in PLAIN:
        assert check_email(address) == address


def test_an_address_that_is_not_plain_still_goes_to_djangos_validator(monkeypatch):
    asked: list[str] = []
    monkeypatch.setattr(values, "validate_email", asked.append)
    assert check_email("dana@[192.168.0.1]") == "dana@[192.168.0.1]"
    assert asked == ["dana@[192.168.0.1]"]
