"""Matching for its unit tests: supporters and referrals built through the domain's own steps,
and the use cases driven on a unit of work (the `uow` fixture) as its entrypoints would, each
call by a person of an organisation (a Caller, riding on the unit of work as the HTTP
entrypoint puts it there)."""
from contextlib import contextmanager

from kring.contracts.events import make_event
from kring.kit.access import Caller
from kring.kit.auth import Identity
from services.matching import handlers
from services.matching.domain import MatchingReferral
from services.matching.models import ProposalRow, ReferralRow, SupporterRow
from services.matching.scoring import best_candidate
from services.matching.supporter import Supporter
from tests.support.databases import outbox

AT = "2026-03-02T10:00:00.000000Z"
LATER = "2026-03-09T10:00:00.000000Z"
ORG = "home-start-oost"  # the coordinating organisation of the tests' referrals
OTHER_ORG = "home-start-west"


def supporter(supporter_id="s-1", position=1, organisation=ORG, **overrides):
    body = {"name": f"Supporter {supporter_id}", "kind": "volunteer",
            "programmes": ["home-start"], "languages": ["nl"], "municipalities": ["Utrecht"],
            "capacity": 2, "expertise": [], "active": True}
    usage = {key: overrides.pop(key) for key in ("load", "reserved", "families")
             if key in overrides}
    body.update(overrides)
    made = Supporter.register(supporter_id, position, organisation, body, AT)
    for key, value in usage.items():
        setattr(made, key, value)
    return made


def profile(**overrides):
    return {"programme": "home-start", "municipality": "Utrecht", "languages": ["nl", "tr"],
            "domains": ["parenting"], "urgency": "normal", "family_key": "fam-1",
            "coordinating_org": ORG, **overrides}


def referral(referral_id="r-1", severity="medium", fits=True, **overrides):
    """A referral whose intake is done (looking for a supporter), events cleared."""
    made = MatchingReferral.receive(referral_id, profile(**overrides), AT)
    if fits is not None:
        made.record_intake(fits, severity, "intake held", ORG)
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

def caller(operation_id, org=ORG, role="coordinator", target_id=None):
    """A person of `org` calling `operation_id` (on `target_id`, the id in its path), as the
    HTTP entrypoint hands it on."""
    return Caller(Identity(org, role, f"{role}-of-{org}"), operation_id, target_id=target_id)


@contextmanager
def calling(uow, operation_id, org=ORG, role="coordinator", target_id=None):
    """The caller of one call, riding on `uow` for that call only (the unit of work records it
    in the audit trail when it reaches a referral)."""
    uow.caller = caller(operation_id, org, role, target_id)
    try:
        yield uow.caller
    finally:
        uow.caller = None


def outbox_tuples(uow):
    """Every event emitted so far, as (type, referral_id, data)."""
    return [(m["type"], m["referral_id"], m["data"]) for m in outbox(uow)]


def register(uow, name="Anna", org=ORG, **overrides):
    body = {"name": name, "kind": "volunteer", "programmes": ["home-start"],
            "languages": ["nl"], "municipalities": ["Utrecht"], "capacity": 1,
            "expertise": [], "active": True, **overrides}
    with calling(uow, "registerSupporter", org) as who:
        return handlers.register_supporter(uow, who, body, AT)["supporter_id"]


def get_supporter(uow, supporter_id, org=ORG):
    with calling(uow, "getSupporter", org, target_id=supporter_id) as who:
        return handlers.get_supporter(uow, who, supporter_id)


def update_supporter(uow, supporter_id, changes, org=ORG):
    with calling(uow, "updateSupporter", org, target_id=supporter_id) as who:
        return handlers.update_supporter(uow, who, supporter_id, changes, AT)


def list_supporters(uow, org=ORG):
    with calling(uow, "listSupporters", org) as who:
        return handlers.list_supporters(uow, who, {"limit": 100})["supporters"]


def received(referral_id="r-1", **overrides):
    data = {"programme": "home-start", "organisation": "huisarts-oost", "external_ref": "x",
            "municipality": "Utrecht", "languages": ["nl", "tr"], "domains": ["parenting"],
            "urgency": "normal", "referrer_email": "a@example.org",
            "referrer_language": "nl", "referrer_organisation": "Huisarts Oost",
            "share_status_with_referrer": True, "family_key": "fam-1",
            "coordinating_org": ORG, **overrides}
    return make_event("referral", "referral_received", referral_id, **data)


def knows_nothing(referral_id):
    """The referral service, asked whose a referral is that matching has not heard of: it
    knows no such referral either (kring.kit.unheard)."""
    return None


def intake(uow, referral_id="r-1", fits=True, severity="medium", org=ORG,
           accepted=knows_nothing):
    with calling(uow, "recordIntake", org) as who:
        return handlers.record_intake(uow, who, {"referral_id": referral_id, "fits": fits,
                                                 "severity": severity,
                                                 "reason": "intake held"}, AT, accepted)


def referred(uow, referral_id="r-1", org=ORG, **profile):
    """Matching has heard of the referral, routed to `org`, and a coordinator of `org` held
    its intake; returns the intake's answer."""
    handlers.receive_referral(uow, received(referral_id, coordinating_org=org, **profile), AT)
    return intake(uow, referral_id, org=org)


def get_proposal(uow, proposal_id, org=ORG):
    with calling(uow, "getProposal", org, target_id=proposal_id) as who:
        return handlers.get_proposal(uow, who, proposal_id)


def answer(uow, proposal_id, party, accept, org=ORG):
    with calling(uow, "respondToProposal", org, target_id=proposal_id) as who:
        return handlers.respond_to_proposal(uow, who, proposal_id, party, accept, None, AT)


def matched(uow, proposal_id):
    answer(uow, proposal_id, "family", True)
    return answer(uow, proposal_id, "supporter", True)


# --- rows as they stood before supporters belonged to an organisation -----------------------

def old_supporter(supporter_id, position):
    """A supporter's row from before organisations, its new column added empty on start."""
    return SupporterRow(
        id=supporter_id, position=position, organisation=None, name=supporter_id,
        kind="volunteer", programmes=["home-start"], languages=["nl"],
        municipalities=["Utrecht"], capacity=2, expertise=[], active=True, registered_at=AT)


def old_referral(referral_id, coordinator_org, supporter_id=None):
    """A referral whose intake a coordinator of `coordinator_org` held; matched to
    `supporter_id` if given."""
    return ReferralRow(
        id=referral_id, programme="home-start", municipality="Utrecht", languages=["nl"],
        domains=[], received_at=AT, status="matched" if supporter_id else "matching",
        coordinator_org=coordinator_org, declined_supporters=[], supporter_id=supporter_id,
        holds_capacity=bool(supporter_id))


def old_proposal(proposal_id, referral_id, supporter_id, status="declined"):
    return ProposalRow(
        id=proposal_id, referral_id=referral_id, supporter_id=supporter_id,
        supporter_name=supporter_id, supporter_kind="volunteer", score=10, reasons=[],
        status=status, answers={}, made_at=AT)
