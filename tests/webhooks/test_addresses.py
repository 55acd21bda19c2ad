"""Webhooks reach public addresses only: no subscription or delivery may point the worker at the
private network (the database, Redis, a cloud metadata endpoint)."""

import ipaddress
import socket
import ssl
import subprocess

import pytest
from django.core.exceptions import ValidationError

from tests.webhooks.conftest import ALL_EVENTS
from tests.webhooks.receiver import Receiver, serving
from tests.webhooks.test_delivery import emit_one
from webhooks.addresses import PRIVATE_ADDRESS, BlockedAddress, is_public, public_address_of
from webhooks.services import delivery_send, subscription_create, transport_post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.9", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped loopback
    ],
)
def test_only_global_unicast_addresses_are_public(address, public):
    assert is_public(address) is public


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:6379/",
        "http://10.0.0.5/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:5432/",
        "https://localhost/hook",
        "https://api.localhost./hook",
    ],
)
def test_a_subscription_to_a_private_address_is_refused(program, url):
    with pytest.raises(ValidationError) as caught:
        subscription_create(institution=program.institution, url=url, events=ALL_EVENTS)

    assert caught.value.message_dict == {"url": [PRIVATE_ADDRESS]}


@pytest.mark.parametrize("url", ["https://hooks.example.org/in", "https://93.184.215.14/in"])
def test_a_subscription_to_a_public_address_or_a_name_is_accepted(program, url):
    # A name is not resolved now (it may not exist yet); every delivery checks it.
    subscription = subscription_create(
        institution=program.institution, url=url, events=["session.verified"]
    )

    assert subscription.url == url


def test_development_may_allow_private_addresses(program, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True

    subscription = subscription_create(
        institution=program.institution, url="http://127.0.0.1:9000/hook", events=ALL_EVENTS
    )

    assert subscription.url == "http://127.0.0.1:9000/hook"


def _resolving(monkeypatch, answers: list[str]) -> None:
    """Names resolve to `answers` once; asked again, they fail, as a name rebound between the
    check and the connection would. Addresses "resolve" to themselves."""
    asked: set[str] = set()

    def fake(host, port, *args, **kwargs):
        try:
            ipaddress.ip_address(host)
            found = [host]
        except ValueError:
            if host in asked:
                raise socket.gaierror(f"{host} asked twice") from None
            asked.add(host)
            found = answers
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in found
        ]

    monkeypatch.setattr(socket, "getaddrinfo", fake)


def test_a_name_resolving_to_any_private_address_is_refused(monkeypatch):
    # Public first, private second: a connection could land on either, so neither is tried.
    _resolving(monkeypatch, ["93.184.215.14", "10.0.0.7"])

    with pytest.raises(BlockedAddress) as caught:
        public_address_of("hooks.example.org", 443)

    assert str(caught.value) == f"hooks.example.org resolves to 10.0.0.7. {PRIVATE_ADDRESS}"


def test_a_name_resolving_to_public_addresses_gives_the_first(monkeypatch):
    _resolving(monkeypatch, ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])

    assert public_address_of("hooks.example.org", 443) == "93.184.215.14"


@pytest.fixture
def local_receiver():
    with serving() as server:
        yield server


def _hosts() -> list[str]:
    return [headers["Host"] for headers, _ in Receiver.received]


def test_a_delivery_to_a_name_that_now_resolves_privately_fails_without_retrying(
    subscription, local_receiver, monkeypatch
):
    """The subscription passed when created; the name now points at the private network (a
    changed DNS record). The delivery is refused for good and nothing reaches the receiver."""
    subscription.url = f"http://hooks.example.org:{local_receiver.server_port}/in"
    subscription.save()
    _resolving(monkeypatch, ["127.0.0.1"])
    delivery = emit_one(subscription)

    assert delivery_send(delivery_id=delivery.pk) == "failed"

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("failed", 1, None)
    assert delivery.last_error == (
        f"Refused: hooks.example.org resolves to 127.0.0.1. {PRIVATE_ADDRESS}"
    )
    assert _hosts() == []


def test_the_delivery_connects_to_the_address_it_checked_and_names_the_host(
    local_receiver, monkeypatch, settings
):
    """Connection to the vetted address, Host header with the name: the name is not resolved a
    second time between the check and the connection."""
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True  # the stand-in receiver is on 127.0.0.1
    _resolving(monkeypatch, ["127.0.0.1"])
    port = local_receiver.server_port

    status = transport_post(f"http://receiver.example:{port}/in?x=1", b"{}", {})

    assert status == 204
    assert _hosts() == [f"receiver.example:{port}"]


@pytest.fixture
def tls_receiver(tmp_path, monkeypatch):
    """An https receiver on 127.0.0.1 with a certificate for receiver.example, trusted by the
    sender for the length of the test; it records the server name each client asked for."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=receiver.example", "-addext", "subjectAltName=DNS:receiver.example"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    server_names: list[str | None] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: server_names.append(name)
    trusting = ssl.create_default_context
    monkeypatch.setattr(ssl, "create_default_context", lambda: trusting(cafile=str(cert)))
    with serving(tls=context) as server:
        yield server, server_names


def test_https_checks_the_certificate_against_the_name_not_the_address(
    tls_receiver, monkeypatch, settings
):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True  # the stand-in receiver is on 127.0.0.1
    server, server_names = tls_receiver
    port = server.server_port
    _resolving(monkeypatch, ["127.0.0.1"])

    assert transport_post(f"https://receiver.example:{port}/in", b"{}", {}) == 204
    with pytest.raises(ssl.SSLCertVerificationError):
        transport_post(f"https://impostor.example:{port}/in", b"{}", {})

    assert server_names[:2] == ["receiver.example", "impostor.example"]
    assert _hosts() == [f"receiver.example:{port}"]
