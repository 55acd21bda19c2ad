"""Beyond status codes: what a caller in scope reads never mentions another institution."""

from tests.authorization.calls import call
from tests.authorization.operations import API
from tests.authorization.world import World

ELSEWHERE = {
    "elsewhere",
    "elsewhere-psy",
    "outsider@example.org",
    "other.supervisor@example.org",
    "elsewhere-2026",
}


def test_an_api_key_sees_nothing_of_another_institution(world: World) -> None:
    """Walk every readable route with riverside's key: nothing of elsewhere appears anywhere."""
    read = [
        route
        for (route, method) in API
        if method == "GET" and route not in ("api:schema", "api:docs", "api:health")
    ]
    assert read
    for route in read:
        response = call(world, route, "GET", "key", "ours")
        # Downloads stream; everything else is a plain body.
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode()
        assert response.status_code == 200, route
        assert not [word for word in ELSEWHERE if word in text], route
