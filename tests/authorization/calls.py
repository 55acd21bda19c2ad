"""Making one cell's request: sign the persona in, put the target sessions in the state the
operation needs, and send it."""

from typing import Any

from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.authorization.operations import API, PAGES, Operation
from tests.authorization.world import KEYS, PEOPLE, World, arrange_sessions


def operation(route: str, method: str) -> Operation:
    if route.startswith("api:"):
        return API[(route, method)]
    return PAGES[route]


def arrange(world: World, route: str, method: str) -> None:
    """Put the target sessions in the state the operation needs (before taking the snapshot)."""
    arrange_sessions(world, operation(route, method).session_state)


def call(world: World, route: str, method: str, persona: str, target: str | None) -> Any:
    op = operation(route, method)
    kwargs = op.path_args(world, target or "ours") if op.path_args else None
    path = reverse(route, kwargs=kwargs)
    client = APIClient() if route.startswith("api:") else Client()
    if persona in PEOPLE:
        client.force_login(world.people[persona])
    elif persona in KEYS:
        # On a page an API key is just a header the session middleware ignores.
        if isinstance(client, APIClient):
            client.credentials(HTTP_AUTHORIZATION=f"Api-Key {world.keys[persona]}")
        else:
            client.defaults["HTTP_AUTHORIZATION"] = f"Api-Key {world.keys[persona]}"
    send = getattr(client, method.lower())
    if isinstance(client, APIClient):
        body = op.body(world, target or "ours") if op.body else None
        return send(path, body, format=op.format) if body is not None else send(path)
    if method == "GET":
        return send(path)
    return send(path, op.body(world, target or "ours") if op.body else {})
