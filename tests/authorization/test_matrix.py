"""The authorization matrix: every operation (URL name x method, API and pages) x every kind of
caller x an object of ours and one of theirs, with the exact result expected. The expectations
live in matrix.csv (see README.md); the world in world.py; how each request is made in
operations.py. Deny by default; outside scope is 404, never 403. A refused write must leave
every stored row as it was.
"""

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from tests.authorization.calls import arrange, call
from tests.authorization.matrix import Cell, cells
from tests.authorization.world import World, stored_rows

MATRIX = cells()
ACCESS_LOG = "trainees.AccessLogEntry"


def _param(cell: Cell) -> Any:
    marks = [pytest.mark.xfail(reason=cell.xfail, strict=True)] if cell.xfail else []
    return pytest.param(cell, id=f"{cell.id} -> {cell.text}", marks=marks)


@pytest.mark.parametrize("cell", [_param(c) for c in MATRIX])
def test_authorization_matrix(world: World, cell: Cell) -> None:
    # given
    arrange(world, cell.route, cell.method)
    before = stored_rows() if cell.method != "GET" else None

    # when
    response = call(world, cell.route, cell.method, cell.persona, cell.target)

    # then
    expected = cell.expected
    assert response.status_code == expected.status, _shown(response)
    if expected.redirect:
        assert _redirect_kind(response["Location"]) == expected.redirect, response["Location"]
    if expected.seen is not None:
        assert seen(cell.route, response.json()) == expected.seen
    api = cell.route.startswith("api:")
    if api and expected.status >= 400:
        error = response.json()["error"]
        assert set(error) == {"status", "code", "message"} | (
            {"fields"} if expected.status == 400 else set()
        )
        assert error["status"] == expected.status
    if before is not None:
        after = stored_rows()
        if api:
            # A refused write changed nothing; an accepted one really did something.
            assert (after == before) is expected.refused
        else:
            if expected.status == 200:
                # A page that answers a POST as a read logs who read a trainee's record, as
                # it should; that read is the only change a 200 may make.
                for rows in (before, after):
                    rows.pop(ACCESS_LOG)
            # A page refused it or re-rendered the rejected form: nothing changed. A redirect
            # after the action: it really did something.
            assert (after == before) is expected.changes_nothing


def _shown(response: Any) -> str:
    location = response.get("Location", "")
    return f"got {response.status_code} {location}".strip()


def _redirect_kind(location: str) -> str:
    path = urlsplit(location).path
    if path == reverse("accounts:login"):
        return "login"
    if path == reverse("admin:login"):
        return "admin-login"
    return "other"


def seen(route: str, payload: Any) -> frozenset[str]:
    """What a list response shows, in the vocabulary of matrix.csv's `seen:` cells."""
    from trainees.models import Trainee

    items = payload["results"] if isinstance(payload, dict) else payload
    name = route.removeprefix("api:")
    if name in ("institution-list", "program-list"):
        return frozenset(item["slug"] for item in items)
    if name == "trainee-list":
        return frozenset(item["email"] for item in items)
    if name == "enrollment-list":
        return frozenset(item["trainee"]["email"] for item in items)
    if name == "webhook-list":
        return frozenset(urlsplit(item["url"]).hostname for item in items)
    trainees = dict(Trainee.objects.values_list("pk", "user__email"))
    return frozenset(trainees[item["trainee"]] for item in items)
