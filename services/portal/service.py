"""The portal: the web app for the people who do the work (referrers, coordinators), on the
public API as the signed-in person. It holds no family data and no domain logic; its own
store is sign-in links and sessions (docs/contract.md §4 "The portal")."""
import functools

from nameko.dependency_providers import Config

from kring.config import API_URL_KEY, PREVIOUS_SECRET_KEY, SECRET_KEY, WEB_SERVER_KEY
from services.portal import pages
from services.portal.api import ApiUnreachable
from services.portal.visit import Visit
from services.portal.web import Store, page, static_response


def visiting(handler):
    """The page's Visit made from the request; an API that does not answer is a page too."""
    @functools.wraps(handler)
    def entrypoint(self, request, **path):
        visit = Visit(request, self.store, api_url(self.config), secrets(self.config))
        try:
            return handler(visit, **path)
        except ApiUnreachable:
            return visit.error_page(503)
    return entrypoint


def api_url(config):
    """KRING_API_URL, else this process's own port: `kring run` serves the API there too."""
    port = config[WEB_SERVER_KEY].rsplit(":", 1)[1]
    return config.get(API_URL_KEY) or f"http://127.0.0.1:{port}"


def secrets(config):
    return [config[SECRET_KEY], config.get(PREVIOUS_SECRET_KEY)]


class PortalService:
    name = "portal"

    store = Store()
    config = Config()

    @page("GET", "/")
    @visiting
    def home(visit):
        return pages.home(visit)

    @page("GET", "/login/<token>")
    @visiting
    def login_page(visit, token):
        return pages.login_page(visit, token)

    @page("POST", "/login/<token>")
    @visiting
    def login(visit, token):
        return pages.login(visit, token)

    @page("POST", "/logout")
    @visiting
    def logout(visit):
        return pages.logout(visit)

    @page("GET", "/language")
    @visiting
    def language(visit):
        return pages.switch_language(visit)

    @page("GET,POST", "/refer")
    @visiting
    def refer(visit):
        return pages.new_referral(visit)

    @page("GET", "/referrals")
    @visiting
    def referrals(visit):
        return pages.referral_list(visit)

    @page("GET", "/queue")
    @visiting
    def queue(visit):
        return pages.queue(visit)

    @page("GET", "/referrals/<referral_id>")
    @visiting
    def referral(visit, referral_id):
        return pages.referral(visit, referral_id)

    @page("GET,POST", "/referrals/<referral_id>/intake")
    @visiting
    def intake(visit, referral_id):
        return pages.intake(visit, referral_id)

    @page("POST", "/proposals/<proposal_id>/responses")
    @visiting
    def respond(visit, proposal_id):
        return pages.respond(visit, proposal_id)

    @page("GET", "/reports")
    @visiting
    def reports(visit):
        return pages.reports(visit)

    @page("GET", "/reports.csv")
    @visiting
    def reports_csv(visit):
        return pages.reports_csv(visit)

    @page("GET", "/static/<name>")
    def static(self, request, name):
        return static_response(name)
