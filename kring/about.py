"""What every `kring run` process says about itself: its health, whether it is ready, its
metrics and the OpenAPI document.

Each process serves them, so a load balancer can probe any replica of any service, Prometheus
can scrape each process, and the one API document describes every operation whichever services
a process runs.
"""
from nameko.web.handlers import HttpRequestHandler
from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from kring.contracts.openapi import build_openapi
from kring.kit import metrics, readiness
from kring.kit.web import ProcessWebServer, api

SERVICE_NAME = "kring_about"
METRICS_PATH = "/metrics"  # where Prometheus looks by default; not part of the JSON API


class PlainGet(HttpRequestHandler):
    """A public GET beside the API, on the process's one socket: an answer that is not JSON."""

    server = ProcessWebServer()

    def __init__(self, path, **kwargs):
        super().__init__("GET", path, **kwargs)

    def get_url_rule(self):
        return Rule(self.url, methods=["GET"])

    def get_entrypoint_parameters(self, request):
        return (), {}

    def check_signature(self, args, kwargs):
        pass


class AboutService:
    name = SERVICE_NAME
    document = None

    @api("getHealth")
    def health(self):
        return {"status": "ok"}

    @api("getReady")
    def ready(self):
        ready, services = readiness.check()
        if ready:
            return {"status": "ready", "services": services}
        waiting = [f"{service} {part} {state}" for service, checks in services.items()
                   for part, state in checks.items() if state != readiness.OK]
        return 503, {"error": "unavailable",
                     "message": "not ready: " + ("; ".join(waiting) or "no service started yet"),
                     "services": services}

    @PlainGet.decorator(METRICS_PATH)
    def metrics(self):
        return Response(metrics.exposition(), mimetype=None,
                        headers={"Content-Type": metrics.CONTENT_TYPE})

    @api("getOpenApi")
    def openapi(self):
        if AboutService.document is None:  # built once per process: it never changes while up
            AboutService.document = build_openapi()
        return AboutService.document
