"""The client address every throttle and audit row uses."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from common.net import client_ip, client_network


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


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("10.20.0.1", "10.20.0.1"),
        ("::ffff:10.20.0.1", "10.20.0.1"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::1", "2001:db8:1:2::/64"),
        ("unknown", "unknown"),
    ],
)
def test_throttles_count_an_ipv4_address_alone_and_an_ipv6_address_by_its_64(address, expected):
    assert client_network(address) == expected


def test_the_ipv6_network_length_is_a_setting(settings):
    settings.THROTTLE_IPV6_PREFIX_LENGTH = 56
    assert client_network("2001:db8:1:2ff::1") == "2001:db8:1:200::/56"
