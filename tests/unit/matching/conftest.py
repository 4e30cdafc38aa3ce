"""The use cases against a throw-away SQLite file (no broker): storage, inbox, outbox."""
import json

import pytest
from sqlalchemy import select

from kring.contracts.events import make_event
from kring.kit.db import UnitOfWork, make_engine
from services.matching import handlers
from services.matching.models import metadata
from services.matching.outgoing import outgoing

AT = "2026-03-02T10:00:00.000000Z"


@pytest.fixture
def uow(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/matching.db")
    metadata.create_all(engine)
    # the tests are one consumer of referral's and casework's events alike
    yield UnitOfWork.on(engine, metadata, outgoing, inbox_key="tests")
    engine.dispose()


def outbox(uow):
    """Every event emitted so far, as (type, referral_id, data)."""
    with uow:
        rows = uow.session.execute(select(metadata.tables["outbox"].c.body)
                                   .order_by(metadata.tables["outbox"].c.id)).scalars().all()
    return [(m["type"], m["referral_id"], m["data"]) for m in map(json.loads, rows)]


def register(uow, name="Anna", **overrides):
    body = {"name": name, "kind": "volunteer", "programmes": ["home-start"],
            "languages": ["nl"], "municipalities": ["Utrecht"], "capacity": 1,
            "expertise": [], "active": True, **overrides}
    return handlers.register_supporter(uow, body, AT)["supporter_id"]


def received(referral_id="r-1", **overrides):
    data = {"programme": "home-start", "organisation": "huisarts-oost", "external_ref": "x",
            "municipality": "Utrecht", "languages": ["nl", "tr"], "domains": ["parenting"],
            "urgency": "normal", "referrer_email": "a@example.org",
            "referrer_language": "nl", "referrer_organisation": "Huisarts Oost",
            "share_status_with_referrer": True, "family_key": "fam-1", **overrides}
    return make_event("referral", "referral_received", referral_id, **data)


def intake(uow, referral_id="r-1", fits=True, severity="medium"):
    return handlers.record_intake(uow, {"referral_id": referral_id, "fits": fits,
                                        "severity": severity, "reason": "intake held"},
                                  "home-start-oost", AT)


def referred(uow, referral_id="r-1", **profile):
    """Matching has heard of the referral; returns the intake's answer."""
    handlers.receive_referral(uow, received(referral_id, **profile), AT)
    return intake(uow, referral_id)


def answer(uow, proposal_id, party, accept):
    return handlers.respond_to_proposal(uow, proposal_id, party, accept, None, AT)


def matched(uow, proposal_id):
    answer(uow, proposal_id, "family", True)
    return answer(uow, proposal_id, "supporter", True)
