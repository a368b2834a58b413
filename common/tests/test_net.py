"""The client address every throttle and audit row uses."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from common.net import client_ip


@pytest.mark.parametrize(
    ("remote_addr", "expected"),
    [
        ("10.20.0.1", "10.20.0.1"),
        ("::ffff:10.20.0.1", "10.20.0.1"),  # an IPv4 client of a dual-stack server
        ("::FFFF:10.20.0.1", "10.20.0.1"),
        ("2001:db8::1", "2001:db8::1"),
        ("::ffff:not-an-address", "::ffff:not-an-address"),
        ("", "unknown"),
    ],
)
def test_the_client_address_is_remote_addr_with_ipv4_given_as_ipv4(remote_addr, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=remote_addr)
    assert client_ip(request) == expected


def test_a_forwarded_for_header_is_not_trusted():
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.20.0.1")
    assert client_ip(request) == "203.0.113.9"
