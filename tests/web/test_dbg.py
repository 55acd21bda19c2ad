import pytest
pytestmark = pytest.mark.django_db
def test_dbg(trainee_client, enrollment, client_session):
    from trainees.models import ComplianceSnapshot
    r = ComplianceSnapshot.objects.get(enrollment=enrollment).result
    print(client_session.date, client_session.status, enrollment.start_date)
    for req in r["requirements"]:
        print(req["key"], req["excluded"], req["explanation"], req.get("credited"))
