"""The matrix lists every route there is, and only routes there are. A new page or endpoint fails
here until matrix.csv says what every caller gets from it (README.md says how)."""

from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from tests.authorization.matrix import excluded, rows
from tests.authorization.operations import API, PAGE_METHODS, PAGES
from tests.authorization.world import PAGE_PERSONAS, PERSONAS


def test_every_route_is_in_the_matrix() -> None:
    listed = {(row.route, row.method) for row in rows()}
    missing = sorted(routed_operations() - listed)
    assert not missing, f"routes the matrix does not list (add rows to matrix.csv): {missing}"


def test_every_row_of_the_matrix_names_a_route_that_exists() -> None:
    listed = {(row.route, row.method) for row in rows()}
    gone = sorted(listed - routed_operations())
    assert not gone, f"matrix.csv rows for routes or methods that no longer exist: {gone}"


def test_every_route_of_the_matrix_lists_every_persona() -> None:
    personas: dict[tuple[str, str], list[str]] = {}
    for row in rows():
        personas.setdefault((row.route, row.method), []).append(row.persona)
    wrong = {
        key: found
        for key, found in personas.items()
        if sorted(found) != sorted(PERSONAS if key[0].startswith("api:") else PAGE_PERSONAS)
    }
    assert not wrong


def test_every_row_has_a_way_to_call_it_and_the_right_cells() -> None:
    """operations.py knows how to call each listed operation, and a row has a `theirs` cell
    exactly when the operation targets an object."""
    ways = {*API, *((route, method) for route in PAGES for method in PAGE_METHODS)}
    assert {(row.route, row.method) for row in rows()} == ways
    for row in rows():
        op = API[(row.route, row.method)] if row.route.startswith("api:") else PAGES[row.route]
        assert (row.theirs != "-") is op.targeted, row


def routed_operations() -> set[tuple[str, str]]:
    """(namespaced url name, method) of every route, found by walking the URL resolver. An API
    view answers the methods it defines; a page is listed with both GET and POST, since a
    function view answers whatever it is sent unless it says otherwise."""
    skip = excluded()
    found: set[tuple[str, str]] = set()

    def walk(patterns: list[Any], namespace: str, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                if f"{inner}*" in skip:
                    continue
                walk(pattern.url_patterns, inner, route)
            elif isinstance(pattern, URLPattern):
                assert pattern.name, f"unnamed route {route}: the matrix cannot list it"
                name = namespace + pattern.name
                if name in skip:
                    continue
                for method in _methods(pattern, name):
                    found.add((name, method))

    walk(get_resolver().url_patterns, "", "")
    return found


def _methods(pattern: URLPattern, name: str) -> list[str]:
    if not name.startswith("api:"):
        return list(PAGE_METHODS)
    view = pattern.callback.cls  # type: ignore[attr-defined]
    return [
        method.upper()
        for method in view.http_method_names
        if method not in ("head", "options") and hasattr(view, method)
    ]
