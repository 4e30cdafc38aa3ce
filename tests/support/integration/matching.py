"""The matching service fed referral's events over the real broker, and called by coordinators
over the public API."""
import uuid

from kring.contracts.events import make_event
from tests.support.api import token

ORG = "home-start-oost"  # the organisation the tests' referrals are routed to
OTHER_ORG = "home-start-west"
COORDINATOR = token(ORG, "coordinator")
OTHER_COORDINATOR = token(OTHER_ORG, "coordinator")
REFERRER = token("huisarts-oost", "referrer")


def received(referral_id=None, **overrides):
    data = {"programme": "home-start", "organisation": "huisarts-oost",
            "external_ref": "HA-1", "municipality": "Utrecht", "languages": ["nl", "tr"],
            "domains": ["parenting"], "urgency": "normal",
            "referrer_email": "j.devries@example.org", "referrer_language": "nl",
            "referrer_organisation": "Huisartsenpraktijk Oost",
            "share_status_with_referrer": True, "family_key": "fam-1", "coordinating_org": ORG,
            **overrides}
    return make_event("referral", "referral_received", referral_id or str(uuid.uuid4()),
                      **data)


def supporter_body(name="Anna", **overrides):
    return {"name": name, "kind": "volunteer", "programmes": ["home-start"],
            "languages": ["nl"], "municipalities": ["Utrecht"], "capacity": 1,
            "expertise": ["finances"], **overrides}


def register(api, name="Anna", by=COORDINATOR, **overrides):
    created = api.post("/supporters", by, json=supporter_body(name, **overrides))
    assert created.status_code == 201, created.text
    return created.json()["supporter_id"]


def intake(api, referral_id, fits=True, severity="medium", status=201, by=COORDINATOR):
    body = {"referral_id": referral_id, "fits": fits, "reason": "intake held"}
    if severity:
        body["severity"] = severity
    answer = api.post("/intakes", by, json=body)
    assert answer.status_code == status, answer.text
    return answer.json()


def respond(api, proposal_id, party, accept, status=200, by=COORDINATOR):
    answer = api.post(f"/proposals/{proposal_id}/responses", by,
                      json={"party": party, "accept": accept, "reason": "first meeting"})
    assert answer.status_code == status, answer.text
    return answer.json()
