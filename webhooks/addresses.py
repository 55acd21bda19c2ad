"""Where webhooks may go: public internet addresses only.

An institution's integrator chooses a subscription's URL. Unchecked, it could point the worker at
PostgreSQL, Redis, a cloud metadata endpoint or anything else on the private network, and have
the worker POST there (server-side request forgery). So the address is checked twice:

- when the subscription is created, for a host written as an IP address or as `localhost`
  (a name is not resolved then: it may not exist yet, and it could change later anyway);
- at every delivery, on every address the name resolves to at that moment. The delivery then
  connects to the address it checked, so a name that resolves differently a moment later (DNS
  rebinding) cannot slip past.

`WEBHOOK_ALLOW_PRIVATE_ADDRESSES` lifts both checks, for development against a local receiver.
"""

import ipaddress
import socket

from django.conf import settings

PRIVATE_ADDRESS = (
    "Webhooks are delivered to public internet addresses only; this address is private, "
    "loopback, link-local or reserved."
)


class BlockedAddress(OSError):
    """The receiver's host is (or resolves to) an address webhooks may not reach."""


def private_addresses_allowed() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False))


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return ip.is_global and not ip.is_multicast


def literal_host_error(host: str | None) -> str | None:
    """Why a subscription may not use this host, judged without resolving names; None if fine."""
    if host is None or private_addresses_allowed():
        return None
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return PRIVATE_ADDRESS
    try:
        return None if is_public(name) else PRIVATE_ADDRESS
    except ValueError:
        return None  # a name, checked on every delivery when it is resolved


def public_address_of(host: str, port: int) -> str:
    """The address to connect to for `host`, once every address it resolves to is checked.

    Raises BlockedAddress if any of them is not public: a name that resolves to both a public and
    a private address is refused rather than raced. Raises OSError if it does not resolve.
    """
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [str(info[4][0]) for info in found]
    if not addresses:
        raise OSError(f"{host} did not resolve")
    if not private_addresses_allowed():
        blocked = [a for a in addresses if not is_public(a)]
        if blocked:
            raise BlockedAddress(f"{host} resolves to {blocked[0]}. {PRIVATE_ADDRESS}")
    return addresses[0]
