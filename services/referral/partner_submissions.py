"""A partner's submission over the queue, and the answer it gets (docs/contract.md §5).

Idempotent per partner and message_id (the answer is recorded and repeated), and per partner
and external_ref (the same referral as over HTTP: the partner is the organisation).
"""
import json
import uuid

from marshmallow import ValidationError

from kring.contracts.audit import PARTNER_ROLE
from kring.contracts.partner_queues import ACCEPTED, DEAD_EXCHANGE, PARTNER_NAME, REJECTED
from kring.contracts.fields import read_json_object
from kring.contracts.referral import SubmitReferral
from kring.errors import Invalid, Malformed
from kring.clock import iso, utcnow
from kring.kit.access import Caller
from kring.kit.auth import Identity
from kring.kit.db import is_duplicate
from services.referral.handlers import submit_referral
from services.referral.models import PartnerMessageRow, Referrals
from services.referral.outgoing import partner_update
from services.referral.views import shown_status

JSON_TYPES = ("application/json", None, "")


def read_submission(received):
    """(body, None) when the message is a valid submission, else (None, errors): read by the
    same rules as an HTTP body (kring.contracts.fields)."""
    if not received.message_id:
        return None, {"message_id": ["a message_id property is required"]}
    if received.content_type not in JSON_TYPES:
        return None, {"content_type": [f"must be application/json, not {received.content_type}"]}
    try:
        payload = read_json_object(received.body)
    except Malformed as exc:
        return None, {"_schema": [exc.message]}
    except Invalid as exc:
        return None, exc.errors
    try:
        return SubmitReferral().load(payload), None
    except ValidationError as exc:
        return None, exc.messages


def receive_partner_message(uow, received, secret):
    """Answer one message from a partner. Returns the errors when it is refused, else None."""
    if not received.partner or not PARTNER_NAME.match(received.partner):
        # no one to answer (or a name that cannot be a routing key): kept for the operator
        errors = {"user_id": ["a broker user_id of lower-case letters, digits, - and _ is "
                              "required"]}
        with uow:
            _dead_letter(uow, received, errors)
        return errors
    if _answered_before(uow, received):
        return None
    body, errors = read_submission(received)
    referral = None
    # in the audit trail like an HTTP submission: the partner is the organisation and, as the
    # broker vouches for no one else, the person too (docs/security.md "The audit trail")
    uow.caller = Caller(Identity(received.partner, PARTNER_ROLE, received.partner),
                        "submitReferral")
    if body is not None:
        try:
            referral = submit_referral(uow, received.partner, body, secret,
                                       partner=received.partner, caller=uow.caller)[0]
        except Invalid as exc:  # nowhere to route it: refused as over HTTP (422)
            errors = exc.errors
    try:
        with uow:
            if received.message_id:
                uow.session.add(PartnerMessageRow(
                    partner=received.partner, message_id=received.message_id,
                    referral_id=referral["referral_id"] if referral else None, errors=errors))
            if errors:  # published before the reply: whoever sees the reply finds it kept
                _dead_letter(uow, received, errors)
            _reply(uow, received, referral, errors)
    except Exception as exc:
        if not is_duplicate(exc):
            raise
        _answered_before(uow, received)  # a twin delivery recorded it first: repeat its answer
    return errors


def _answered_before(uow, received):
    """The same message again gets the same answer, and nothing else happens."""
    if not received.message_id:
        return False
    with uow:
        answered = uow.session.get(PartnerMessageRow, (received.partner, received.message_id))
        if answered is None:
            return False
        referral = Referrals(uow).get(answered.referral_id) \
            if answered.referral_id else None
        _reply(uow, received, {"referral_id": referral.referral_id,
                               "external_ref": referral.external_ref,
                               "status": shown_status(referral)} if referral else None,
               answered.errors)
        return True


def _reply(uow, received, referral, errors):
    """The answer is no aggregate's event (the referral may not exist): stored by hand."""
    uow.store(partner_update(received.partner, REJECTED if errors else ACCEPTED,
                             referral["referral_id"] if referral else None,
                             referral["external_ref"] if referral else _external_ref(received),
                             referral["status"] if referral else None, errors=errors,
                             in_reply_to=received.message_id))


def _dead_letter(uow, received, errors):
    body = {"partner": received.partner, "message_id": received.message_id,
            "received_at": iso(utcnow()), "content_type": received.content_type,
            "errors": errors, "body": received.body.decode("utf-8", errors="replace")}
    uow.publish(DEAD_EXCHANGE, "partner.in", body, str(uuid.uuid4()))


def _external_ref(received):
    """Best effort, so a partner can match a rejection to its own record."""
    try:
        ref = json.loads(received.body).get("external_ref")
        return ref if isinstance(ref, str) else None
    except (ValueError, UnicodeDecodeError, AttributeError):
        return None
