"""Every HTTP operation of the public API (docs/contract.md §4), gathered from each service's
contracts.

The services' entrypoints take their method, path and roles from here, and the OpenAPI document
is built from it, so the document cannot drift from what is served.
"""
from kring.contracts import (aftercare, audit, casework, commission, consultation, directory,
                             erasure, leaflet, matching, referral, report, self_referral)
from kring.contracts.operation import PREFIX, Operation

META = [
    Operation("getHealth", "about", "GET", f"{PREFIX}/health",
              "Liveness of this process and the services it runs."),
    Operation("getReady", "about", "GET", f"{PREFIX}/ready",
              "Readiness: 200 while every service of this process reaches its database and "
              "the broker and has its consumers attached; 503 saying what is not ready.",
              statuses=(503,)),
    Operation("getOpenApi", "about", "GET", f"{PREFIX}/openapi.json",
              "This document."),
]

OPERATIONS = {op.operation_id: op for op in [
    *META, *referral.OPERATIONS, *audit.OPERATIONS, *erasure.OPERATIONS, *directory.OPERATIONS,
    *leaflet.OPERATIONS, *consultation.OPERATIONS, *commission.OPERATIONS, *report.OPERATIONS,
    *self_referral.OPERATIONS,
    *matching.OPERATIONS, *casework.OPERATIONS, *aftercare.OPERATIONS]}

