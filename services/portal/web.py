"""The portal's HTTP edge: its pages on the process's one listening socket (kring.kit.web), its
store, and its static files.

Pages share the port and the routing table of the API: `kring run` serves the API under
/api/v1 and the portal at / (docs/contract.md §3). Every page answer is kept by no cache and
says what the browser may load (its own origin only).
"""
import logging
from pathlib import Path

from nameko.extensions import DependencyProvider
from nameko.web.handlers import HttpRequestHandler
from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from kring.config import DATABASES_KEY
from kring.kit.db import make_engine
from kring.kit.failures import trace
from kring.kit.migrations import migrate
from kring.kit import readiness
from kring.kit.web import ProcessWebServer

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
STATIC_PATH = "/static/<name>"  # beside the route table (routes.py): the gateway routes it too
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'; "
                               "base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # a sign-in link in the address never leaves
    "X-Frame-Options": "DENY",
}


class PageEntrypoint(HttpRequestHandler):
    """A page: the method gets the werkzeug request (and the path's values) and returns a
    Response; a bug becomes a plain 500 page, logged, with no stack trace."""

    server = ProcessWebServer()

    def __init__(self, method, url, **kwargs):
        kwargs.setdefault("expected_exceptions", ())
        super().__init__(method, url, **kwargs)

    def get_url_rule(self):
        return Rule(self.url, methods=self.method.split(","))

    def check_signature(self, args, kwargs):
        pass

    def response_from_result(self, result):
        result.headers.update({key: value for key, value in SECURITY_HEADERS.items()
                               if key not in result.headers})
        return result

    def response_from_exception(self, exc):
        log.error("unexpected error in the portal:\n%s", trace(exc))
        return self.response_from_result(Response(
            "<!doctype html><html lang=\"nl\"><title>Kring</title><main><h1>Er ging iets mis / "
            "Something went wrong</h1></main></html>", status=500, mimetype="text/html"))


page = PageEntrypoint.decorator


class Store(DependencyProvider):
    """The portal's database (sign-in links and sessions): its engine, brought to the newest
    revision as the service starts (kring.kit.migrations), handed to each worker."""

    def setup(self):
        self.engine = make_engine(self.container.config[DATABASES_KEY]["portal"])
        migrate(self.engine, "portal")

    def start(self):
        # the portal is ready when its store answers (kring.kit.readiness)
        readiness.watch_store(self.container.service_name, self.engine)

    def stop(self):
        readiness.unwatch_store(self.container.service_name)
        self.engine.dispose()

    def kill(self):
        self.stop()

    def get_dependency(self, worker_ctx):
        return self.engine


def static_response(name):
    """A file the build put in services/portal/static (`make`), or a 404."""
    path = (STATIC / name).resolve()
    if path.parent != STATIC.resolve() or not path.is_file():
        return Response("not found", status=404, mimetype="text/plain")
    mimetype = "text/css" if name.endswith(".css") else "text/javascript" \
        if name.endswith(".js") else "application/octet-stream"
    response = Response(path.read_bytes(), mimetype=mimetype)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
