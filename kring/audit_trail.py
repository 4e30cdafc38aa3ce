"""A referral's whole audit trail: the records of all five services, in time order.

Each service keeps its records in its own database (kring.kit.audit) and answers `audit_trail`
over the broker; `getAudit` and `kring audit` gather them here. A service that does not answer
makes the whole answer fail: a trail with a hole would look complete.
"""
from kring.config import SERVICES
from kring.kit.audit import merged
from kring.rpc import call

TIMEOUT_SECONDS = 10


class TrailIncomplete(Exception):
    """A service did not answer; `service` says which."""

    def __init__(self, service, reason):
        super().__init__(f"the {service} service did not answer ({reason})")
        self.service = service


def full_trail(amqp_uri, referral_id, timeout=TIMEOUT_SECONDS, own=None):
    """Every record of `referral_id`. `own`: (service, records) a caller already has, so a
    service asking for the trail does not ask itself over the broker."""
    trails = []
    for service in SERVICES:
        if own is not None and service == own[0]:
            trails.append(own[1])
            continue
        try:
            trails.append(call(amqp_uri, service, "audit_trail", referral_id, timeout=timeout))
        except (TimeoutError, OSError) as exc:
            raise TrailIncomplete(service, exc) from None
    return merged(trails)
