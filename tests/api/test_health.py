import pytest


@pytest.mark.django_db
def test_health_answers_anonymous_callers(api_client):
    response = api_client.get("/api/v1/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_health_is_read_only(api_client, method):
    response = getattr(api_client, method)("/api/v1/health/")
    assert response.status_code == 405


@pytest.mark.django_db
def test_health_costs_one_query(api_client, django_assert_num_queries):
    with django_assert_num_queries(1):
        api_client.get("/api/v1/health/")


@pytest.mark.django_db
def test_admin_requires_staff(client, trainee):
    client.force_login(trainee.user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
