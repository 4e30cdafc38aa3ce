"""Supporters and referrals for the unit tests, built through the domain's own steps."""
from services.matching.domain import MatchingReferral
from services.matching.scoring import best_candidate
from services.matching.supporter import Supporter

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
