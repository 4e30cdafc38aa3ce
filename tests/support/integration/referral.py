"""The referral service's neighbours for its integration tests: stand-ins for the other four
services that answer `audit_trail` and `export_of` (getAudit and exportReferral gather from all
five), and the tokens of the
people of the organisation the sample referral is routed to (tests/support/directory.py)."""
from kring.config import SERVICES
from kring.kit.consumer import rpc
from tests.support.api import token
from tests.support.directory import COORDINATING_ORG, OTHER_COORDINATING_ORG

REFERRER = token("huisarts-oost", "referrer")
COORDINATOR = token(COORDINATING_ORG, "coordinator")
ADMIN = token(COORDINATING_ORG, "admin")
OTHER_ADMIN = token(OTHER_COORDINATING_ORG, "admin")
OTHER_SERVICES = [service for service in SERVICES if service != "referral"]


def trail_stub(service, at):
    """A stand-in for `service` that answers `audit_trail` with one record of its own at `at`
    (ISO text), and `export_of` with its name, for whatever referral it is asked about."""

    def audit_trail(self, referral_id):
        return [{"at": at, "service": service, "operation": f"{service}Read",
                 "person": "carla", "organisation": COORDINATING_ORG, "role": "coordinator",
                 "answer": 200, "target_id": None}]

    def export_of(self, referral_id):
        return {"stand_in": service}

    return type(f"{service.title()}Trail", (), {"name": service,
                                                "audit_trail": rpc(audit_trail),
                                                "export_of": rpc(export_of)})
