"""Many organisations on one Kring, as the access and audit tests meet it (docs/contract.md §7,
docs/security.md): named people of named organisations calling operations by their
operationId, the provider directory, supporters and referrals of each organisation, and the
steps of the loop that one referral walks.

Every call goes through `Kring.call`, which fills the operation's path from kring.contracts.api,
so a test names what it calls exactly as the rule table does.
"""
import json
import uuid
from dataclasses import dataclass
from datetime import date

from kring.contracts.api import OPERATIONS
from kring.contracts.operation import PREFIX
from tests.support.api import not_ready, token
from tests.support.sample import referral_body
from tests.support.waiting import eventually

PROGRAMME = "home-start"
OPERATOR_ORG = "kring-platform"
# one provider of the programme per municipality and a GP practice referring families there
PROVIDERS = {"Utrecht": "hs-utrecht", "Zeist": "hs-zeist"}
REFERRERS = {"Utrecht": "gp-utrecht", "Zeist": "gp-zeist"}
# a municipality's token names its municipality by its CBS code as its organisation
MUNICIPALITIES = {"Utrecht": "GM0344", "Zeist": "GM0355"}
UNSERVED = "Amersfoort"  # a real municipality that no provider serves in these tests

# what the sample referral (examples/referral.json) tells about the family and the referrer:
# none of it may appear where it does not belong (an audit trail, a notice)
FAMILY_DATA = ("Yilmaz", "+31612345678", "0612345678", "3581AB", "3581 AB",
               "Support with parenting after a move", "j.devries@example.org", "J. de Vries")


@dataclass(frozen=True)
class Person:
    """Someone with a token: `subject` is the token's sub (a supporter's is its supporter_id)."""
    org: str
    role: str
    subject: str

    @property
    def token(self):
        return token(self.org, self.role, subject=self.subject)

    def __str__(self):
        return f"{self.role} {self.subject} of {self.org}"


def person(org, role, subject=None):
    return Person(org, role, subject or f"{role}-of-{org}")


def fresh_id():
    """An id nobody has: what a 404 for something out of reach must look exactly like."""
    return str(uuid.uuid4())


class Kring:
    """The public API called as people, operation by operation."""

    def __init__(self, api):
        self.api = api
        self.root = api.base[:-len(PREFIX)]

    def call(self, operation_id, who, ids=None, body=None, query=None):
        """The response to `operation_id` called by `who` (a Person, or None: no token), its
        path filled from `ids` (path parameter -> value; others are ignored)."""
        operation = OPERATIONS[operation_id]
        path = operation.path
        for name, value in (ids or {}).items():
            path = path.replace(f"<{name}>", value)
        assert "<" not in path, f"{operation_id}: no id given for {path}"
        headers = {"Authorization": f"Bearer {who.token}"} if who is not None else {}
        return self.api.http.request(operation.method, self.root + path, json=body,
                                     params=query, headers=headers, timeout=30)

    def do(self, operation_id, who, ids=None, body=None, query=None, expect=(200, 201)):
        """Like `call`, for a step that must succeed: its JSON answer."""
        response = self.call(operation_id, who, ids, body, query)
        assert response.status_code in expect, \
            f"{operation_id} as {who}: {response.status_code} {response.text[:500]}"
        return response.json()

    def until(self, operation_id, who, ids, check, what):
        """The answer to a read once `check(answer)` holds (the services talk by events)."""
        def read():
            response = self.call(operation_id, who, ids)
            return response.json() if response.status_code == 200 and \
                check(response.json()) else None
        return eventually(read, what=what)


def body_text(response, limit=300):
    """The start of the answer's JSON as text, or of the raw text when it is not JSON: enough
    for a failure message to say what came back."""
    try:
        text = json.dumps(response.json(), sort_keys=True)
    except ValueError:
        text = response.text
    return text if len(text) <= limit else text[:limit] + "…"


# --- bodies --------------------------------------------------------------------------------

def provider_body(municipality):
    org = PROVIDERS[municipality]
    return {"organisation": org, "name": f"Home-Start {municipality}", "programme": PROGRAMME,
            "municipalities": [municipality], "languages": ["nl", "tr"]}


def supporter_body(name, municipality, capacity=2, languages=("nl", "tr")):
    return {"name": name, "kind": "volunteer", "programmes": [PROGRAMME],
            "languages": list(languages), "municipalities": [municipality],
            "capacity": capacity, "expertise": ["parenting"]}


def referral_in(municipality, external_ref=None):
    """The sample referral, of a family living in `municipality`, under a reference of its
    own (the same reference from the same organisation would return the first referral)."""
    body = referral_body(external_ref or f"REF-{uuid.uuid4().hex[:10]}")
    body["family"]["municipality"] = municipality
    return body


def today():
    return date.today().isoformat()


PLAN = {"goals": [{"life_domain": "parenting", "goal": "calm bedtimes", "for": "adult"}],
        "intensity": "regular"}
CONCERN = {"description": "the landlord threatens eviction", "immediate": False}
CLOSING = {"evaluation": "the parents manage on their own", "goals_met": True}
HANDOVER = {"receiving_party": {"kind": "municipality", "name": "Gemeente Utrecht"},
            "summary": "stable; the neighbourhood team stays involved"}


def visit():
    return {"date": today(), "hours": 3.5, "notes": "home visit"}


def contact():
    return {"date": today(), "notes": "called the family"}


# --- the directory and the loop ------------------------------------------------------------

class Directory:
    """Two providers of the programme (Utrecht and Zeist), registered by an operator, and the
    people of each: referrer, coordinator, admin, and supporters registered by the coordinator."""

    def __init__(self, kring):
        self.kring = kring
        self.operator = person(OPERATOR_ORG, "operator", "olga-operator")

    def register_providers(self):
        self._hand_over_our_municipalities()
        for municipality in PROVIDERS:
            self.kring.do("registerProvider", self.operator, body=provider_body(municipality))

    def _hand_over_our_municipalities(self):
        """The stack may start with a directory (KRING_DIRECTORY) in which another provider
        serves the programme in our municipalities; the operator takes them off its entry
        first, as when a region's work passes to new providers."""
        listings = [self.kring.do("listProgrammes", self.operator,
                                  query={"municipality": municipality})
                    for municipality in PROVIDERS]
        ours = {listing["municipality"]["code"] for listing in listings}
        others = {provider["organisation"]: provider for listing in listings
                  for provider in listing["providers"] if provider["programme"] == PROGRAMME
                  and provider["organisation"] not in PROVIDERS.values()}
        for provider in others.values():
            keep = [place["code"] for place in provider["municipalities"]
                    if place["code"] not in ours]
            assert keep, f"{provider['organisation']} serves only our municipalities"
            self.kring.do("registerProvider", self.operator, body={
                **{key: provider[key] for key in ("organisation", "name", "programme",
                                                  "languages", "waiting_list")},
                "municipalities": keep})

    @staticmethod
    def referrer(municipality):
        return person(REFERRERS[municipality], "referrer")

    @staticmethod
    def coordinator(municipality):
        return person(PROVIDERS[municipality], "coordinator")

    @staticmethod
    def admin(municipality):
        return person(PROVIDERS[municipality], "admin")

    @staticmethod
    def supporter(municipality, supporter_id):
        return person(PROVIDERS[municipality], "supporter", supporter_id)

    def register_supporter(self, municipality, name, **kwargs):
        """A supporter of the provider in `municipality`, registered by its coordinator; the
        supporter_id."""
        return self.kring.do("registerSupporter", self.coordinator(municipality),
                             body=supporter_body(name, municipality, **kwargs),
                             expect=(201,))["supporter_id"]

    def submit(self, municipality):
        """A referral of a family in `municipality` by the GP practice there; its id."""
        return self.kring.do("submitReferral", self.referrer(municipality),
                             body=referral_in(municipality), expect=(201,))["referral_id"]


def intake(kring, coordinator, referral_id):
    """The intake (it fits); the proposal's id. Matching hears of the referral by an event, and
    answers 409 `not_ready` until it has."""
    def attempt():
        response = kring.call("recordIntake", coordinator, body={
            "referral_id": referral_id, "fits": True, "severity": "medium",
            "reason": "intake held"})
        assert response.status_code == 201 or not_ready(response), body_text(response)
        return response.json() if response.status_code == 201 else None
    result = eventually(attempt, what=f"the intake of {referral_id} to be taken")
    assert result["proposal_id"], f"no supporter was proposed: {result}"
    return result["proposal_id"]


def case_of(kring, coordinator, referral_id):
    """The case's id once the referral shows that support started."""
    return kring.until("getReferral", coordinator, {"referral_id": referral_id},
                       lambda referral: referral["case_id"], "the case to start")["case_id"]


def aftercare_of(kring, coordinator, referral_id):
    return kring.until("getReferral", coordinator, {"referral_id": referral_id},
                       lambda referral: referral["aftercare_id"],
                       "aftercare to start")["aftercare_id"]


def closed(kring, coordinator, referral_id):
    return kring.until("getReferral", coordinator, {"referral_id": referral_id},
                       lambda referral: referral["status"] == "closed",
                       "the referral to close")
