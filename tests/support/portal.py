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
from tests.support.sample import referral_body

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
