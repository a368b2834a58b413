import contextlib
import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind a proxy, configure it to set REMOTE_ADDR
    (e.g. gunicorn --forwarded-allow-ips); X-Forwarded-For is not trusted here
    because any client can forge it to dodge per-IP throttles. An IPv4 client of a
    dual-stack server (::ffff:10.20.0.1) is given as IPv4, so that its throttles,
    school network and audit rows do not depend on how the server listens."""
    address = str(request.META.get("REMOTE_ADDR", "") or "unknown")
    if address.lower().startswith("::ffff:"):  # parse only what may be mapped
        with contextlib.suppress(ValueError):
            return str(unmapped(ipaddress.ip_address(address)))
    return address


def unmapped(
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """An IPv4 client of a dual-stack server (::ffff:10.20.0.1) as its IPv4 address;
    any other address as it is."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def user_agent(request: HttpRequest) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))[:512]


def client_network(address: str) -> str:
    """The block of addresses one client holds, which per-address throttles count.

    An IPv4 address stands alone. An IPv6 home, phone or server is given a whole
    /64 (settings.THROTTLE_IPV6_PREFIX_LENGTH) and may use any address in it, so
    counting single IPv6 addresses would give an attacker 2**64 fresh limits."""
    try:
        ip = unmapped(ipaddress.ip_address(address))
    except ValueError:  # "unknown" when the server did not say
        return address
    if isinstance(ip, ipaddress.IPv4Address):
        return str(ip)
    network = ipaddress.IPv6Network((ip, settings.THROTTLE_IPV6_PREFIX_LENGTH), strict=False)
    return str(network)


def in_school_network(address: str) -> bool:
    """True for an address in settings.SCHOOL_NETWORKS (a school's shared NAT)."""
    try:
        ip = unmapped(ipaddress.ip_address(address))
    except ValueError:  # "unknown" when the server did not say
        return False
    return any(ip in network for network in settings.SCHOOL_NETWORKS)
