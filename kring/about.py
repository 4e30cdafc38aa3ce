"""What every `kring run` process says about itself: its health and the OpenAPI document.

Each process serves them, so a load balancer can probe any replica of any service, and the one
API document describes every operation whichever services a process runs.
"""
from kring.contracts.openapi import build_openapi
from kring.kit.web import api

SERVICE_NAME = "kring_about"


class AboutService:
    name = SERVICE_NAME
    document = None

    @api("getHealth")
    def health(self):
        return {"status": "ok"}

    @api("getOpenApi")
    def openapi(self):
        if AboutService.document is None:  # built once per process: it never changes while up
            AboutService.document = build_openapi()
        return AboutService.document
