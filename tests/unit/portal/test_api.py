"""The portal's calls to the API: to one address, or with `{service}` in KRING_API_URL to the
service that owns each operation (a portal in a container of its own)."""
from services.portal.api import Api
from services.portal.signin import Session

PERSON = Session("home-start-utrecht", "coordinator", "carla", "csrf")


class Recorder:
    """An HTTP client that keeps what it was asked and answers an empty JSON object."""

    def __init__(self):
        self.asked = []

    def request(self, method, url, **kwargs):
        self.asked.append((method, url, kwargs["headers"]["Authorization"].split()[0]))
        return Answered()


class Answered:
    status_code = 200

    def json(self):
        return {}


def test_one_address_serves_every_operation():
    http = Recorder()
    api = Api("http://127.0.0.1:8000/", ["a-secret-of-more-than-32-characters-long"], PERSON,
              http)
    api.call("getReferral", path={"referral_id": "r 1"})
    assert http.asked == [("GET", "http://127.0.0.1:8000/api/v1/referrals/r%201", "Bearer")]


def test_the_service_placeholder_names_the_operations_owner():
    http = Recorder()
    api = Api("http://{service}:8000", ["a-secret-of-more-than-32-characters-long"], PERSON,
              http)
    api.call("getReferral", path={"referral_id": "r1"})
    api.call("getCase", path={"case_id": "c1"})
    api.call("listSupporters")
    assert [url for _, url, _ in http.asked] == [
        "http://referral:8000/api/v1/referrals/r1", "http://casework:8000/api/v1/cases/c1",
        "http://matching:8000/api/v1/supporters"]
