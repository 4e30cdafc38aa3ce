"""The partner queues (docs/contract.md §5): exchanges, routing keys and the update body.

Inbound, a partner publishes the body of submitReferral to `kring.partner.in` with routing key
`referral.submit`; the partner is the broker user that published it (the broker-checked
`user_id` property). Outbound, every reply and status change goes to `kring.partner.out` with
routing key `<partner>.referral.<event>`, so a partner binds `<partner>.#` and sees only its own.
"""
import re

from marshmallow import Schema, fields

IN_EXCHANGE = "kring.partner.in"
OUT_EXCHANGE = "kring.partner.out"
SUBMIT_KEY = "referral.submit"
INBOUND_QUEUE = "kring.referral.partner-in"
DEAD_EXCHANGE = "kring.partner.dead"
DEAD_QUEUE = "kring.partner.in.dead"

ACCEPTED, REJECTED, STARTED, CLOSED = "accepted", "rejected", "started", "closed"
# referral status -> the event a partner is told (docs/contract.md §5 names these four; the rest
# follow the status names)
STATUS_EVENTS = {"in_progress": STARTED, "closed": CLOSED, "matching": "matching",
                 "waitlisted": "waitlisted", "aftercare": "aftercare"}
EVENTS = (ACCEPTED, REJECTED, STARTED, CLOSED, "matching", "waitlisted", "aftercare")


PARTNER_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")  # it becomes a routing-key segment


def update_key(partner, event):
    return f"{partner}.referral.{event}"


class PartnerUpdate(Schema):
    """What a partner receives on kring.partner.out; never anything about the family."""
    message_id = fields.String(required=True)
    type = fields.String(required=True, metadata={"enum": list(EVENTS)})
    occurred_at = fields.String(required=True, metadata={"format": "date-time"})
    referral_id = fields.String(allow_none=True)
    external_ref = fields.String(allow_none=True)
    status = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    errors = fields.Dict(allow_none=True)
    in_reply_to = fields.String(allow_none=True, metadata={
        "description": "the message_id of the partner's message this answers"})


class DeadLetter(Schema):
    """What an operator finds in kring.partner.in.dead: which message was refused and why.
    Never the body (family data): the referral service keeps that, by `refused_id`, for the
    retention period (`kring dlq show partner --body`)."""
    refused_id = fields.String(required=True, metadata={
        "description": "the id under which the referral service keeps the refused message"})
    partner = fields.String(allow_none=True)
    message_id = fields.String(allow_none=True)
    received_at = fields.String(required=True)
    errors = fields.Dict(required=True)


def permissions(partner):
    """RabbitMQ permissions that let `partner` submit and read only its own updates.

    Regular permissions: configure only its own queues (`<partner>.…`), write only to the
    inbound exchange, read the outbound exchange (to bind) and its own queues. Topic
    permissions: publish only `referral.submit`, bind only `<partner>.…` routing keys.
    """
    own = f"^{re.escape(partner)}\\..*"
    return {
        "configure": own,
        "write": f"^{re.escape(IN_EXCHANGE)}$|{own}",
        "read": f"^{re.escape(OUT_EXCHANGE)}$|{own}",
        "topic": [
            {"exchange": IN_EXCHANGE, "write": "^referral\\.submit$", "read": "^$"},
            {"exchange": OUT_EXCHANGE, "write": "^$", "read": own},
        ],
    }
