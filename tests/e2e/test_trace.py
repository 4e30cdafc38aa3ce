"""`kring trace` after a whole walk (docs/contract.md §8): every service's steps, in time order,
each tied to the request that caused it — the HTTP call by its own `X-Request-Id`, and every
event, handling and notice down the chain by the id of the request that set it going."""
import io
import uuid

import pytest

from kring import cli
from kring.client import ApiError
from kring.config import SERVICES
from kring.demo import Demo
from kring.trace import full_trace
from tests.support.api import TEST_SECRET
from tests.support.sample import referral_body
from tests.support.walker import Walker


class TracedWalker(Walker):
    """A Walker that gives each request an `X-Request-Id` of its own and notes it."""

    def __init__(self, base_url, secret):
        super().__init__(base_url, secret)
        self.sent = []  # (method, path, request id, status)

    def call(self, method, path, token, body=None, accept=(200, 201)):
        request_id = f"walk-{len(self.sent)}-{uuid.uuid4().hex[:8]}"
        response = self.http.request(method, self.base + path, json=body, timeout=30, headers={
            "Authorization": f"Bearer {token}", "X-Request-Id": request_id})
        assert response.headers["X-Request-Id"] == request_id
        self.sent.append((method, path, request_id, response.status_code))
        if response.status_code not in accept:
            raise ApiError(method, path, response)
        return response.json() if response.status_code < 300 else None

    def ids_of(self, method, path_end):
        """The ids of the successful requests to paths ending in `path_end`, in order."""
        return [request_id for sent_method, path, request_id, status in self.sent
                if sent_method == method and path.endswith(path_end) and status < 300]

    def id_of(self, method, path_end):
        [found] = self.ids_of(method, path_end)
        return found


@pytest.fixture
def walker(stack_api):
    base = stack_api.base.rsplit("/api/v1", 1)[0]
    setup = Demo(base, TEST_SECRET, out=io.StringIO())
    setup.register_supporters()
    setup.close()
    client = TracedWalker(base, TEST_SECRET)
    yield client
    client.close()


def test_kring_trace_shows_every_services_steps_tied_to_their_requests(stack, walker, capsys,
                                                                     monkeypatch):
    referral_id = walker.submit(referral_body(f"TRACE-{uuid.uuid4().hex[:6]}"))
    assert walker.walk([referral_id]) == []

    steps = full_trace(stack["AMQP_URI"], referral_id)
    assert [step["at"] for step in steps] == sorted(step["at"] for step in steps)
    assert {step["service"] for step in steps} == set(SERVICES)
    sent_ids = {request_id for _, _, request_id, _ in walker.sent}

    # one id per request: each call in the audit trail has the id its request was sent with
    calls = [step for step in steps if step["step"] == "call"]
    assert calls and all(step["correlation_id"] in sent_ids for step in calls)
    assert len({step["correlation_id"] for step in calls}) == len(calls), "\n".join(
        f"{step['service']} {step['what']} {step['correlation_id']}" for step in calls)
    # and every event published and handled, and every notice decided, inherits one of those
    # ids: nothing started an id of its own. (Not so the record of a notice sent, which
    # notify's sweep may send under its own id if it comes first.)
    assert {step["correlation_id"] for step in steps if step["step"] != "recorded"} <= sent_ids

    def with_id(request_id):
        return {(step["service"], step["step"], step["what"]) for step in steps
                if step["correlation_id"] == request_id}

    submitted = with_id(walker.id_of("POST", "/referrals"))
    assert {("referral", "call", "submitReferral 201"),
            ("referral", "published", "referral.referral_received"),
            ("matching", "handled", "referral.referral_received by on_referral"),
            ("notify", "handled", "referral.referral_received by on_referral")} <= submitted
    # the family's yes and then the supporter's: the second starts the case, and casework,
    # the start notice and the referral's timeline follow under its id
    started = with_id(walker.ids_of("POST", "/responses")[-1])
    assert ("casework", "published", "casework.case_started") in started
    assert ("notify", "notice", "start notice sent") in started
    assert ("referral", "handled", "casework.case_started by on_casework") in started
    # completing aftercare closes the referral: the closure goes round every stage
    completed = with_id(walker.id_of("POST", "/complete"))
    assert ("aftercare", "published", "aftercare.aftercare_completed") in completed
    assert ("referral", "published", "referral.referral_closed") in completed
    assert ("notify", "notice", "closure notice sent") in completed
    assert {service for service, kind, what in completed
            if kind == "handled" and what.startswith("referral.referral_closed")} >= \
        {"matching", "casework", "aftercare", "notify"}
    # every event handled was published under the same id by the service it came from
    published = {(step["what"], step["correlation_id"]) for step in steps
                 if step["step"] == "published"}
    for step in steps:
        if step["step"] == "handled":
            assert (step["what"].split(" by ")[0], step["correlation_id"]) in published, step

    # the command prints the same steps as a table, for the operator
    monkeypatch.setenv("AMQP_URI", stack["AMQP_URI"])
    assert cli.main(["trace", referral_id]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"Trace of referral {referral_id}")
    assert len(printed.splitlines()) == len(steps) + 2
    for step in steps:
        assert step["correlation_id"] in printed
    assert cli.main(["trace", str(uuid.uuid4())]) == 1
    assert "no referral" in capsys.readouterr().err
