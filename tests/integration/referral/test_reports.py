"""getReports (docs/contract.md §7 "Reports") with the real referral and casework services, the
real broker and a real database (SQLite and PostgreSQL): eight referrals in Utrecht walked to
different ends, the figures checked against them, who sees which figures, the CSV, and a
casework that does not answer."""
import csv
import io
import uuid

import pytest

from kring.clock import utcnow
from kring.contracts.events import make_event
from services.casework.service import CaseworkService
from services.referral.service import ReferralService
from tests.support.api import token
from tests.support.directory import COORDINATING_ORG, OTHER_COORDINATING_ORG
from tests.support.events import deliver
from tests.support.integration.casework import match_made, relapse
from tests.support.integration.referral import (ADMIN, COORDINATOR, OTHER_ADMIN, REFERRER,
                                                trail_stub)
from tests.support.sample import referral_body
from tests.support.waiting import eventually

UTRECHT, ZEIST = "GM0344", "GM0355"
MUNICIPALITY = token(UTRECHT, "municipality")
OPERATOR = token("platform", "operator")
VISIT_HOURS = 2.0


@pytest.fixture
def services(container_factory, kring_config):
    referral = container_factory(ReferralService, kring_config)
    casework = container_factory(CaseworkService, kring_config)
    casework.start()
    referral.start()
    return referral, casework


class Walk:
    """Moves referrals along through the services' own events and APIs."""

    def __init__(self, api, referral, casework, amqp_uri):
        self.api, self.referral, self.casework, self.amqp_uri = api, referral, casework, \
            amqp_uri

    def submit(self):
        answer = self.api.post("/referrals", REFERRER,
                               json=referral_body(f"R-{uuid.uuid4().hex[:8]}"))
        assert answer.status_code == 201, answer.text
        return answer.json()["referral_id"]

    def shown(self, referral_id):
        return self.api.get(f"/referrals/{referral_id}", COORDINATOR).json()

    def tell_referral(self, source, kind, referral_id, **data):
        deliver(self.referral, self.amqp_uri, make_event(source, kind, referral_id, **data))

    def intake(self, referral_id, fits=True):
        self.tell_referral("matching", "intake_recorded", referral_id, fits=fits,
                           severity="medium" if fits else None,
                           coordinator_org=COORDINATING_ORG)

    def start(self, referral_id):
        """Matched: casework opens the case; a visit of VISIT_HOURS is logged on it."""
        self.intake(referral_id)
        deliver(self.casework, self.amqp_uri, match_made(referral_id))
        case_id = eventually(lambda: self.shown(referral_id)["case_id"],
                             what="the referral to hear its case started")
        visit = {"date": utcnow().date().isoformat(), "hours": VISIT_HOURS, "notes": "visit"}
        answer = self.api.post(f"/cases/{case_id}/visits", COORDINATOR, json=visit)
        assert answer.status_code == 201, answer.text
        return case_id

    def into_aftercare(self, referral_id, case_id):
        for step, body in (("close", {"evaluation": "they manage", "goals_met": True}),
                           ("handover", {"receiving_party": {"kind": "municipality",
                                                             "name": "Gemeente Utrecht"},
                                         "summary": "stable"})):
            answer = self.api.post(f"/cases/{case_id}/{step}", COORDINATOR, json=body)
            assert answer.status_code == 200, answer.text
        aftercare_id = str(uuid.uuid4())
        eventually(lambda: "handed_over" in self.timeline(referral_id),
                   what="the referral to hear of the handover")
        self.tell_referral("aftercare", "aftercare_started", referral_id,
                           aftercare_id=aftercare_id, ends_on=utcnow().date().isoformat())
        return aftercare_id

    def timeline(self, referral_id):
        return [entry["status"] for entry in self.shown(referral_id)["timeline"]]


def report(api, who=OPERATOR, **query):
    answer = api.get("/reports", who, params={"period": "year", **query})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_figures_are_those_of_the_referrals_walked(services, api, kring_config):
    walk = Walk(api, *services, kring_config["AMQP_URI"])
    completed = [walk.submit() for _ in range(2)]
    for referral_id in completed:
        aftercare_id = walk.into_aftercare(referral_id, walk.start(referral_id))
        walk.tell_referral("aftercare", "aftercare_completed", referral_id,
                           aftercare_id=aftercare_id)
    relapsed = walk.submit()
    case_id = walk.start(relapsed)
    walk.into_aftercare(relapsed, case_id)
    deliver(walk.casework, walk.amqp_uri, relapse(relapsed, case_id))
    eventually(lambda: "case_reopened" in walk.timeline(relapsed), what="the relapse")
    walk.start(walk.submit())  # still supported
    withdrawn = walk.submit()
    walk.start(withdrawn)
    assert api.post(f"/referrals/{withdrawn}/withdraw", REFERRER,
                    json={"by": "family"}).status_code == 200
    walk.intake(walk.submit(), fits=False)
    waiting = walk.submit()
    walk.intake(waiting)
    walk.tell_referral("matching", "referral_waitlisted", waiting, reason="no_candidate")
    walk.submit()  # no intake yet
    asked = api.post("/consultations", MUNICIPALITY, json={
        "programme": "home-start", "municipality": UTRECHT, "question": "how to start?",
        "requester": {"email": "gemeente@example.org"}})
    assert asked.status_code == 201, asked.text

    table = report(api)
    assert table["suppressed_below"] == 5 and table["period"] == "year"
    [row] = table["rows"]
    assert (row["programme"], row["municipality"], row["municipality_name"]) == (
        "home-start", UTRECHT, "Utrecht")
    assert row["period"] == str(utcnow().year)
    expected = {"referrals_in": 8, "support_started": 5, "families_visited": 5,
                "visit_hours": 5 * VISIT_HOURS, "completed": "< 5", "declined": "< 5",
                "withdrawn": "< 5", "aftercare_completed": "< 5", "relapses": "< 5",
                "waitlisted_at_end": "< 5", "support_ended": "< 5",  # two closed, one withdrawn
                "consultations_requested": "< 5", "consultations_closed": 0,
                "commissioned": 0, "not_commissioned": 0, "self_referred": 0,
                "support_weeks_median": None}  # three ended: too few for a median
    assert {name: row[name] for name in expected} == expected
    for measure in ("intake_days_median", "intake_days_p90",  # seven intakes
                    "start_days_median", "start_days_p90"):  # five starts
        assert isinstance(row[measure], float) and row[measure] >= 0, (measure, row)
    assert not any(str(value) in {*completed, relapsed, withdrawn, waiting}
                   for value in row.values())

    # who sees what: the municipality its own, the routed organisation's admin its own
    assert report(api, MUNICIPALITY)["rows"] == table["rows"]
    assert report(api, ADMIN)["rows"] == table["rows"]
    assert report(api, OTHER_ADMIN)["rows"] == []
    assert report(api, token(ZEIST, "municipality"))["rows"] == []
    assert report(api, programme="family-help")["rows"] == []


def test_a_municipality_asks_for_its_own_figures_only(services, api):
    elsewhere = api.get("/reports", MUNICIPALITY, params={"municipality": "Zeist"})
    assert elsewhere.status_code == 404, elsewhere.text
    assert elsewhere.json()["error"] == "not_found"
    for name in (UTRECHT, "Utrecht"):
        assert api.get("/reports", MUNICIPALITY,
                       params={"municipality": name}).status_code == 200
    unknown = api.get("/reports", MUNICIPALITY, params={"municipality": "Atlantis"})
    assert unknown.status_code == 422 and "municipality" in unknown.json()["errors"]
    for role in ("referrer", "coordinator", "supporter"):
        refused = api.get("/reports", token(COORDINATING_ORG, role))
        assert refused.status_code == 403, (role, refused.text)
    assert api.get("/reports").status_code == 401
    backwards = api.get("/reports", OPERATOR, params={"from": "2026-05-01", "to": "2026-04-01"})
    assert backwards.status_code == 422 and "from" in backwards.json()["errors"]
    assert api.get("/reports", OPERATOR, params={"period": "week"}).status_code == 422
    today = utcnow().date()
    future = api.get("/reports", OPERATOR, params={"to": f"{today.year + 1}-12-31"})
    assert future.status_code == 200 and future.json()["to"] == today.isoformat()
    after = api.get("/reports", OPERATOR, params={"from": f"{today.year + 1}-01-01"})
    assert after.status_code == 422 and "from" in after.json()["errors"]
    other = api.get("/reports", token(OTHER_COORDINATING_ORG, "admin"),
                    params={"municipality": UTRECHT})
    assert other.status_code == 200 and other.json()["rows"] == []


def test_csv_is_asked_for_by_the_query_or_the_accept_header(services, api):
    walk = Walk(api, *services, None)
    walk.submit()
    by_query = api.get("/reports", OPERATOR, params={"format": "csv", "period": "year"})
    by_header = api.get("/reports", OPERATOR, params={"period": "year"},
                        headers={"Accept": "text/csv"})
    as_json = api.get("/reports", OPERATOR, params={"period": "year"},
                      headers={"Accept": "*/*"})
    assert as_json.headers["Content-Type"].startswith("application/json")
    for answer in (by_query, by_header):
        assert answer.status_code == 200, answer.text
        assert answer.headers["Content-Type"].startswith("text/csv")
        assert answer.headers["Cache-Control"] == "no-store"
        header, *rows = list(csv.reader(io.StringIO(answer.text)))
        assert header == as_json.json()["columns"]
        [row] = rows
        assert dict(zip(header, row))["referrals_in"] == "< 5"


def test_without_casework_the_report_fails_naming_it(container_factory, kring_config, api):
    container_factory(ReferralService, kring_config).start()
    answer = api.get("/reports", OPERATOR)
    assert answer.status_code == 503, answer.text
    assert "casework" in answer.json()["message"]


def test_a_casework_that_cannot_answer_fails_the_report_naming_it(container_factory,
                                                                  kring_config, api):
    # a casework of a version before reports: it runs, but knows no report_hours
    container_factory(trail_stub("casework", utcnow().isoformat()), kring_config).start()
    container_factory(ReferralService, kring_config).start()
    answer = api.get("/reports", OPERATOR)
    assert answer.status_code == 503, answer.text
    assert "casework" in answer.json()["message"]
