import pytest

from config.middleware import NUL_MESSAGE


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/sessions/?category=%00", None),
        ("/api/v1/sessions/", '{"category": "\\u0000"}'),
    ],
)
def test_api_refuses_nul_characters_with_the_error_shape(api_client, trainee, path, body):
    api_client.force_login(trainee.user)
    if body is None:
        response = api_client.get(path)
    else:
        response = api_client.post(path, data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"error": {"status": 400, "code": "invalid", "message": NUL_MESSAGE}}


@pytest.mark.django_db
def test_pages_refuse_nul_characters_in_forms(client, trainee):
    client.force_login(trainee.user)
    response = client.post(
        "/accounts/login/",
        data="username=a%00b&password=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert response.content.decode() == NUL_MESSAGE


@pytest.mark.django_db
def test_ordinary_requests_pass(api_client):
    assert api_client.get("/api/v1/health/?q=ok").status_code == 200
