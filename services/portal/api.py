"""The public API as the signed-in person: every call carries a token made for that call,
short-lived, naming the session's identity. The API applies the rule table; the portal only
forwards who is asking."""
from dataclasses import dataclass

import requests

from kring.contracts.api import OPERATIONS
from kring.kit.auth import create_token

CALL_TOKEN_SECONDS = 300
TIMEOUT_SECONDS = 30
# in KRING_API_URL: the service that owns the operation (docs/contract.md §2), so a portal in a
# container of its own calls each service straight, `http://{service}:8000`
SERVICE_PLACEHOLDER = "{service}"


@dataclass
class Answer:
    status: int
    body: dict

    @property
    def ok(self):
        return 200 <= self.status < 300


class ApiUnreachable(Exception):
    """The API did not answer at all."""


class Api:
    def __init__(self, base_url, secrets, session, http=None):
        self.base_url = base_url.rstrip("/")
        self.secrets = secrets
        self.session = session
        self.http = http or requests

    def call(self, operation_id, path=None, body=None, query=None):
        response = self.send(operation_id, path=path, body=body, query=query)
        try:
            payload = response.json()
        except ValueError:
            payload = {}
        return Answer(response.status_code, payload if isinstance(payload, dict) else {})

    def send(self, operation_id, path=None, body=None, query=None):
        """The API's response as it came (a CSV to pass on as it is, say)."""
        operation = OPERATIONS[operation_id]
        url = operation.path
        for name, value in (path or {}).items():
            url = url.replace(f"<{name}>", requests.utils.quote(str(value), safe=""))
        token = create_token(self.secrets, self.session.org, self.session.role,
                             self.session.subject, ttl=CALL_TOKEN_SECONDS)
        base_url = self.base_url.replace(SERVICE_PLACEHOLDER, operation.service)
        try:
            return self.http.request(
                operation.method, base_url + url, json=body, params=query,
                headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT_SECONDS)
        except requests.RequestException as exc:
            raise ApiUnreachable(str(exc)) from None
