"""What a partner hears when one of its referrals moves (kring.partner.out)."""
import uuid

from kring.contracts.partner_queues import CLOSED, STATUS_EVENTS, update_key
from kring.clock import iso, utcnow
from services.referral.domain import Closed, StatusChanged


def partner_updates(referral, happened):
    """(routing key, body) for what a partner hears of a domain event, or None."""
    if not referral.partner:
        return None
    if isinstance(happened, Closed):
        event = CLOSED
    elif isinstance(happened, StatusChanged):
        event = STATUS_EVENTS.get(happened.status)
    else:
        return None
    if event is None:
        return None
    return update_key(referral.partner, event), update_body(
        event, referral.referral_id, referral.external_ref, referral.status, referral.outcome)


def update_body(event, referral_id, external_ref, status, outcome=None, errors=None,
                in_reply_to=None):
    return {"message_id": str(uuid.uuid4()), "type": event, "occurred_at": iso(utcnow()),
            "referral_id": referral_id, "external_ref": external_ref, "status": status,
            "outcome": outcome, "errors": errors, "in_reply_to": in_reply_to}
