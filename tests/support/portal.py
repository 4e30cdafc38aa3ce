"""The portal as a person meets it over HTTP (without a browser): sign in with a one-time link,
open pages, send forms with the session's CSRF token; and the form the sample referral fills."""
import re
from html import unescape

import requests

from kring.config import DATABASES_KEY
from kring.kit.db import make_engine
from services.aftercare.service import AftercareService
from services.casework.service import CaseworkService
from services.matching.service import MatchingService
from services.portal import signin
from services.portal.service import PortalService
from services.referral.service import ReferralService
from tests.support.access import supporter_body
from tests.support.api import not_ready, token
from tests.support.sample import referral_body
from tests.support.waiting import eventually

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def start_portal_stack(container_factory, config):
    """Referral, matching, casework, aftercare and the portal on one port, as `kring run` runs
    them: the API under /api/v1, the portal at /."""
    for service in (ReferralService, MatchingService, CaseworkService, AftercareService,
                    PortalService):
        container_factory(service, config).start()
    return config


def portal_engine_of(config):
    """The portal's own database (its sessions and sign-in links), for a fixture to yield and
    dispose of."""
    return make_engine(config[DATABASES_KEY]["portal"])


class Person:
    def __init__(self, port, engine):
        self.base = f"http://127.0.0.1:{port}"
        self.engine = engine
        self.http = requests.Session()
        self.csrf = None

    def link(self, org, role, subject):
        return f"/login/{signin.create_link(self.engine, org, role, subject)}"

    def sign_in(self, org, role, subject):
        link = self.link(org, role, subject)
        shown = self.get(link)
        assert shown.status_code == 200, shown.text
        home = self.post(link, {})
        assert home.status_code == 200 and subject in home.text, home.text
        return home

    def get(self, path, **kwargs):
        return self._remember(self.http.get(self.base + path, timeout=30, **kwargs))

    def post(self, path, data, csrf=True, **kwargs):
        data = dict(data)
        if csrf and self.csrf:
            data.setdefault("csrf", self.csrf)
        return self._remember(self.http.post(self.base + path, data=data, timeout=30,
                                             **kwargs))

    def _remember(self, response):
        found = CSRF.search(response.text)
        if found:
            self.csrf = unescape(found.group(1))
        return response

    def close(self):
        self.http.close()


def referral_form(external_ref):
    """The sample referral (examples/referral.json) as the portal's form sends it."""
    body = referral_body(external_ref)
    referrer, family, request = body["referrer"], body["family"], body["request"]
    consent = body["consent"]
    form = {"programme": body["programme"], "external_ref": external_ref,
            **{f"referrer.{key}": value for key, value in referrer.items()},
            **{f"family.{key}": value for key, value in family.items()
               if not isinstance(value, list)},
            "family.languages": " ".join(family["languages"]),
            "family.children_ages": " ".join(str(age) for age in family.get("children_ages", [])),
            "request.question": request["question"], "request.domains": " ".join(
                request["domains"]), "request.urgency": request.get("urgency", "normal"),
            "consent.given_on": consent["given_on"]}
    for flag in ("family_consents", "share_status_with_referrer"):
        if consent.get(flag):
            form[f"consent.{flag}"] = "yes"
    return form


def referral_id_of(response):
    found = re.search(r"/referrals/([0-9a-f-]{36})", response.url)
    assert found, response.url
    return found.group(1)


# --- the loop through the API, to fill the pages under test ---------------------------------

class Work:
    """A GP practice and a coordinator of the portal stack's provider at work through the
    public API, so a page under test starts from referrals, cases and aftercare that exist."""

    def __init__(self, api, coordinator, referrer=("huisarts-oost", "referrer", "anna")):
        self.api = api
        self.coordinator = token(coordinator[0], coordinator[1], subject=coordinator[2])
        self.referrer = token(referrer[0], referrer[1], subject=referrer[2])

    def step(self, path, body, status=200):
        """A change by the coordinator that must answer `status`: its JSON answer."""
        answer = self.api.post(path, self.coordinator, json=body)
        assert answer.status_code == status, answer.text
        return answer.json()

    def supporter(self, name, capacity):
        return self.step("/supporters", supporter_body(name, "Utrecht", capacity=capacity),
                         201)["supporter_id"]

    def refer(self, external_ref):
        answer = self.api.post("/referrals", self.referrer, json=referral_body(external_ref))
        assert answer.status_code == 201, answer.text
        return answer.json()["referral_id"]

    def intake(self, referral_id):
        """The intake (it fits, severity high); matching hears of the referral by an event and
        answers 409 not_ready until then."""
        def attempt():
            answer = self.api.post("/intakes", self.coordinator, json={
                "referral_id": referral_id, "fits": True, "severity": "high",
                "reason": "fits"})
            assert answer.status_code == 201 or not_ready(answer), answer.text
            return answer.json() if answer.status_code == 201 else None
        return eventually(attempt, what="the intake")

    def shown(self, referral_id, key):
        """The referral's `key` (case_id, aftercare_id) once the referral service has it."""
        return eventually(lambda: self.api.get(f"/referrals/{referral_id}", self.coordinator)
                          .json()[key], what=f"the referral's {key}")

    def case(self, referral_id):
        """Intake, both answers yes: the case's id."""
        proposal_id = self.intake(referral_id)["proposal_id"]
        for party in ("family", "supporter"):
            self.step(f"/proposals/{proposal_id}/responses", {"party": party, "accept": True})
        return self.shown(referral_id, "case_id")

    def close(self, case_id):
        self.step(f"/cases/{case_id}/close", {"evaluation": "they manage", "goals_met": True})

    def hand_over(self, case_id):
        self.step(f"/cases/{case_id}/handover", {
            "receiving_party": {"kind": "municipality", "name": "Gemeente Utrecht"},
            "summary": "stable"})


# --- a family trajectory waiting for Utrecht's commission (docs/contract.md §4 "Commissions")

COMMISSION_PROVIDER = "gezinstraject-utrecht"
COMMISSION_COORDINATOR = (COMMISSION_PROVIDER, "coordinator", "carla")
UTRECHT = ("GM0344", "municipality", "m.jansen")  # a municipality's org: its CBS code


def commission_work(api):
    """The provider of family trajectories in Utrecht registered, and its coordinator at work
    through the API."""
    registered = api.post("/providers", token("kring", "operator"), json={
        "organisation": COMMISSION_PROVIDER, "name": "Gezinstraject Utrecht",
        "programme": "family-trajectory", "municipalities": ["Utrecht"], "languages": ["nl"]})
    assert registered.status_code == 201, registered.text
    return Work(api, COMMISSION_COORDINATOR)


def waiting_for_commission(api, work, external_ref):
    """A family-trajectory referral whose fitting intake made it wait for Utrecht."""
    answer = api.post("/referrals", work.referrer,
                      json=referral_body(external_ref, programme="family-trajectory"))
    assert answer.status_code == 201, answer.text
    referral_id = answer.json()["referral_id"]
    assert work.intake(referral_id)["status"] == "awaiting_commission"
    return referral_id
