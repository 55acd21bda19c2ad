"""The OpenAPI document and the interactive docs: valid, complete, and served without any CDN."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

SCHEMA = "/api/schema/"
DOCS = "/api/docs/"


def test_the_schema_passes_drf_spectacular_validation_without_warnings(tmp_path):
    target = tmp_path / "openapi.yaml"

    # --validate checks the document against the OpenAPI 3 meta-schema; --fail-on-warn turns
    # every generator warning (an unresolvable type, a view it could not introspect) into a failure.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    assert target.read_text().startswith("openapi: 3.0.3\n")


@pytest.fixture
def document(api_client) -> dict:
    response = api_client.get(SCHEMA, {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oai.openapi+json"
    return json.loads(response.content)


def test_the_schema_is_served_to_anyone(api_client):
    response = api_client.get(SCHEMA)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oai.openapi; charset=utf-8"
    assert response.content.startswith(b"openapi: 3.0.3\n")


def test_the_schema_declares_both_credential_schemes(document):
    schemes = document["components"]["securitySchemes"]

    assert schemes["ApiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "Institution API key: `Authorization: Api-Key csk_...`. Scoped to one "
        "institution and to the scopes it was created with; never sees private details.",
    }
    assert schemes["PersonalToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "Personal token (`Authorization: Bearer cst_...`): acts as the person "
        "who created it.",
    }


def test_every_operation_but_health_accepts_both_credentials(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            security = operation.get("security", [])
            names = {name for requirement in security for name in requirement}
            if path == "/api/v1/health/":
                assert security == [], path
            else:
                assert {"ApiKey", "PersonalToken"} <= names, f"{method.upper()} {path}"


def test_the_schema_lists_every_api_v1_route(document):
    routes = set()

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith("api/v1/"):
                # drf-spectacular names a primary key `{id}`.
                path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route).replace("{pk}", "{id}")
                routes.add(f"/{path}")

    walk(get_resolver().url_patterns, "")

    assert set(document["paths"]) == routes


def test_the_schema_documents_the_privacy_of_session_details(document):
    description = document["components"]["schemas"]["SessionOut"]["description"]

    assert description.startswith(
        "`provider_name` and `notes` are returned only to the trainee who logged the session; "
        "for\neveryone else they are null."
    )


def test_the_list_filters_are_documented(document):
    parameters = document["paths"]["/api/v1/sessions/"]["get"]["parameters"]

    assert [p["name"] for p in parameters] == [
        "category",
        "cursor",
        "date_from",
        "date_to",
        "page_size",
        "status",
        "trainee",
        "withdrawn",
    ]


def test_the_docs_page_loads_everything_from_this_server(api_client):
    response = api_client.get(DOCS)

    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", html) == []
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets == [
        "/static/drf_spectacular_sidecar/swagger-ui-dist/favicon-32x32.png",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-standalone-preset.js",
    ]
    assert 'url: "/api/schema/"' in html


def test_the_swagger_assets_ship_with_the_app():
    for name in (
        "favicon-32x32.png",
        "swagger-ui.css",
        "swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js",
    ):
        assert finders.find(f"drf_spectacular_sidecar/swagger-ui-dist/{name}"), name
