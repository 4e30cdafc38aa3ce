"""A small client of Kring's public HTTP API, for the demo, the fault tests and the soak run."""
import requests

from kring.kit.auth import create_token

COORDINATING_ORG = "home-start-utrecht"
REFERRING_ORG = "huisartsenpraktijk-oost"


class ApiError(Exception):
    def __init__(self, method, path, response):
        super().__init__(f"{method} {path}: {response.status_code} {response.text[:300]}")
        self.status = response.status_code


class ApiClient:
    def __init__(self, base_url, secret, referring_org=REFERRING_ORG):
        self.base = base_url.rstrip("/") + "/api/v1"
        self.http = requests.Session()
        self.coordinator = create_token(secret, COORDINATING_ORG, "coordinator",
                                        "demo-coordinator", 12 * 3600)
        self.referrer = create_token(secret, referring_org, "referrer", "demo-referrer",
                                     12 * 3600)

    def call(self, method, path, token, body=None, accept=(200, 201)):
        """The JSON answer; ApiError for any status outside `accept`, None for one inside it
        that is not a success (so callers can accept a 409 as "not yet", `not_ready`, or "done")."""
        response = self.http.request(method, self.base + path, json=body, timeout=30,
                                     headers={"Authorization": f"Bearer {token}"})
        if response.status_code not in accept:
            raise ApiError(method, path, response)
        return response.json() if response.status_code < 300 else None

    def referral(self, referral_id):
        return self.call("GET", f"/referrals/{referral_id}", self.coordinator)

    def close(self):
        self.http.close()
