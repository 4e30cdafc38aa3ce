"""A referral's whole audit trail: the records of all five services, in time order.

Each service keeps its records in its own database (kring.kit.audit) and answers `audit_trail`
over the broker; `getAudit` and `kring audit` gather them here (kring.gather). A service that
does not answer makes the whole answer fail: a trail with a hole would look complete.
"""
from kring.gather import TIMEOUT_SECONDS, Incomplete, from_every_service
from kring.kit.audit import merged

TrailIncomplete = Incomplete  # a service did not answer; `service` says which


def full_trail(amqp_uri, referral_id, timeout=TIMEOUT_SECONDS, own=None, ssl=None):
    """Every record of `referral_id`. `own`: (service, records) a caller already has, so a
    service asking for the trail does not ask itself over the broker."""
    trails = from_every_service(amqp_uri, "audit_trail", referral_id, timeout=timeout, own=own,
                                ssl=ssl)
    return merged(trails.values())
