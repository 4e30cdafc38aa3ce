"""Ask every service the same question over the broker and gather the answers: a referral's
audit trail (kring.audit_trail), its export (`exportReferral`), a report's figures
(`getReports`).

Each service keeps its part in its own database and answers for itself. A service that does
not answer makes the whole answer fail: a trail or an export with a hole would look complete.
"""
from kring.config import SERVICES
from kring.rpc import call

TIMEOUT_SECONDS = 10


class Incomplete(Exception):
    """A service did not answer; `service` says which."""

    def __init__(self, service, reason):
        super().__init__(f"the {service} service did not answer ({reason})")
        self.service = service


def from_every_service(amqp_uri, method, *args, timeout=TIMEOUT_SECONDS, own=None, ssl=None,
                       services=SERVICES):
    """{service: its answer to `method(*args)`} for every service, in SERVICES order. `own`:
    (service, answer) a caller already has, so a service asking does not ask itself over the
    broker. `ssl`: the broker's TLS options (kring.kit.broker.connect). `services`: only
    these (getReports asks the ones that hold figures the referral service does not)."""
    answers = {}
    for service in services:
        if own is not None and service == own[0]:
            answers[service] = own[1]
            continue
        try:
            answers[service] = call(amqp_uri, service, method, *args, timeout=timeout, ssl=ssl)
        except (TimeoutError, OSError) as exc:
            raise Incomplete(service, exc) from None
    return answers
