"""The portal: the web app for the people who do the work (referrers, coordinators), on the
public API as the signed-in person. It holds no family data and no domain logic; its own
store is sign-in links and sessions (docs/contract.md §4 "The portal")."""
import functools

from nameko.dependency_providers import Config

from kring.config import API_URL_KEY, PREVIOUS_SECRET_KEY, SECRET_KEY, WEB_SERVER_KEY
from services.portal.api import ApiUnreachable
from services.portal.routes import ROUTES
from services.portal.visit import Visit
from services.portal.web import STATIC_PATH, Store, page, static_response


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

    @page("GET", STATIC_PATH)
    def static(self, request, name):
        return static_response(name)


def _add_pages(service, routes):
    """An entrypoint on the service for each row of the route table; nameko finds them as it
    finds any decorated method."""
    for name, methods, path, answer in routes:
        setattr(service, name, page(methods, path)(visiting(answer)))


_add_pages(PortalService, ROUTES)
