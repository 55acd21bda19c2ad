"""Fixtures for webhooks: a subscription of the cast's institution, and a fake transport."""

from dataclasses import dataclass, field

import pytest

from webhooks import services
from webhooks.models import WebhookEvent
from webhooks.services import subscription_create

ALL_EVENTS = list(WebhookEvent.values)


@pytest.fixture
def subscription(program):
    return subscription_create(
        institution=program.institution, url="https://hooks.example.org/in", events=ALL_EVENTS
    )


@dataclass
class FakeTransport:
    """Answers each POST with the next scripted outcome (a status code or an exception)."""

    outcomes: list[int | Exception] = field(default_factory=list)
    calls: list[tuple[str, bytes, dict[str, str]]] = field(default_factory=list)

    def __call__(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        self.calls.append((url, body, headers))
        outcome = self.outcomes.pop(0) if len(self.outcomes) > 1 else self.outcomes[0]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


@pytest.fixture
def transport(monkeypatch) -> FakeTransport:
    fake = FakeTransport(outcomes=[200])
    monkeypatch.setattr(services, "transport_post", fake)
    return fake
