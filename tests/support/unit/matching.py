"""Matching for its unit tests: supporters and referrals built through the domain's own steps,
and the use cases driven on a unit of work (the `uow` fixture) as its entrypoints would."""
from kring.contracts.events import make_event
from services.matching import handlers
from services.matching.domain import MatchingReferral
from services.matching.scoring import best_candidate
from services.matching.supporter import Supporter
from tests.support.databases import outbox

AT = "2026-03-02T10:00:00.000000Z"
LATER = "2026-03-09T10:00:00.000000Z"


def supporter(supporter_id="s-1", position=1, **overrides):
    body = {"name": f"Supporter {supporter_id}", "kind": "volunteer",
            "programmes": ["home-start"], "languages": ["nl"], "municipalities": ["Utrecht"],
            "capacity": 2, "expertise": [], "active": True}
    usage = {key: overrides.pop(key) for key in ("load", "reserved", "families")
             if key in overrides}
    body.update(overrides)
    made = Supporter.register(supporter_id, position, body, AT)
    for key, value in usage.items():
        setattr(made, key, value)
    return made


def profile(**overrides):
    return {"programme": "home-start", "municipality": "Utrecht", "languages": ["nl", "tr"],
            "domains": ["parenting"], "urgency": "normal", "family_key": "fam-1", **overrides}


def referral(referral_id="r-1", severity="medium", fits=True, **overrides):
    """A referral whose intake is done (looking for a supporter), events cleared."""
    made = MatchingReferral.receive(referral_id, profile(**overrides), AT)
    if fits is not None:
        made.record_intake(fits, severity, "intake held", "home-start-oost")
    made.events.clear()
    return made


def proposed(looking=None, supporter_id="s-1", kind="volunteer"):
    """A referral with an open proposal "p-1" of one supporter; events cleared."""
    looking = looking or referral()
    candidate = best_candidate(looking, [supporter(supporter_id, kind=kind)])
    proposal = looking.place(candidate, "p-1", AT)
    looking.events.clear()
    return looking, proposal


# --- the use cases on a unit of work ----------------------------------------------------------

def outbox_tuples(uow):
    """Every event emitted so far, as (type, referral_id, data)."""
    return [(m["type"], m["referral_id"], m["data"]) for m in outbox(uow)]


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
