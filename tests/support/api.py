"""The public HTTP API as a client sees it, and the signed tokens the tests call it with."""
import requests

from kring.kit.auth import MAX_TTL_SECONDS, create_token

TEST_SECRET = "kring-test-secret-of-at-least-32-bytes"


def token(org="huisarts-oost", role="referrer", ttl=MAX_TTL_SECONDS, subject=None):
    """A token for a person of `org` in `role`; by default a person named after both. Modules
    make theirs when they are collected, so by default a token lives as long as a token may:
    the whole suite runs well within it."""
    return create_token(TEST_SECRET, org, role, subject or f"{role}-of-{org}", ttl)


def not_ready(response):
    """A 409 `not_ready`: the service has not heard of the referral yet, try again
    (docs/contract.md §4 "Error answers")."""
    return response.status_code == 409 and response.json().get("error") == "not_ready"


class Api:
    """The public HTTP API as a client sees it."""

    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}/api/v1"
        self.http = requests.Session()

    def call(self, method, path, token=None, **kwargs):
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.http.request(method, self.base + path, headers=headers, timeout=30,
                                 **kwargs)

    def post(self, path, token=None, **kwargs):
        return self.call("POST", path, token, **kwargs)

    def get(self, path, token=None, **kwargs):
        return self.call("GET", path, token, **kwargs)
