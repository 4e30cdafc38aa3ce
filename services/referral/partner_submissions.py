"""A partner's submission over the queue, and the answer it gets (docs/contract.md §5).

Idempotent per partner and message_id (the answer is recorded and repeated), and per partner
and external_ref (the same referral as over HTTP: the partner is the organisation).

Whatever a partner sends is answered, `accepted` or `rejected` with the errors, in one
transaction with what is kept of it: read by the same rules as an HTTP body, and nothing of it
is stored or echoed that a database could refuse (a NUL, a lone surrogate, a message_id too
long for its column), so no partner message can fail in storing, be retried and be parked
without an answer. A refused message is kept in the table refused_submissions for the operator
(`kring dlq show partner`), and its dead letter on kring.partner.in.dead names it by id, with
the partner, the message_id and the errors: never the body, which holds family data.
"""
import json
import uuid
from datetime import timedelta

from marshmallow import ValidationError
from sqlalchemy import delete

from kring.contracts.audit import PARTNER_ROLE
from kring.contracts.partner_queues import ACCEPTED, DEAD_EXCHANGE, PARTNER_NAME, REJECTED
from kring.contracts.fields import MAX_BODY_BYTES, one, read_json_object, storable
from kring.contracts.referral import SubmitReferral
from kring.errors import Invalid, Malformed
from kring.clock import iso, utcnow
from kring.kit.access import Caller
from kring.kit.auth import Identity
from kring.kit.db import is_duplicate
from services.referral.handlers import submit_referral
from services.referral.models import PartnerMessageRow, Referrals, RefusedSubmissionRow
from services.referral.outgoing import partner_update
from services.referral.views import shown_status

JSON_TYPES = ("application/json", None, "")
MESSAGE_ID_LENGTH = 128  # PartnerMessageRow.message_id
EXTERNAL_REF_LENGTH = 128  # kring.contracts.referral: what an accepted external_ref can be


def read_submission(received):
    """(body, None) when the message is a valid submission, else (None, errors): read by the
    same rules as an HTTP body (kring.contracts.fields)."""
    if not received.message_id:
        return None, {"message_id": ["a message_id property is required"]}
    if _message_id(received) is None:
        return None, {"message_id": [f"must be at most {MESSAGE_ID_LENGTH} characters that can "
                                     "be stored (no NUL, no lone surrogate)"]}
    if received.content_type not in JSON_TYPES:  # not echoed: it is the sender's text
        return None, {"content_type": ["must be application/json"]}
    try:
        payload = read_json_object(received.body)
    except Malformed as exc:
        return None, {"_schema": [exc.message]}
    except Invalid as exc:
        return None, exc.errors
    try:
        return one(SubmitReferral).load(payload), None
    except ValidationError as exc:
        return None, exc.messages


def receive_partner_message(uow, received, secret):
    """Answer one message from a partner. Returns the errors when it is refused, else None."""
    if not received.partner or not PARTNER_NAME.match(received.partner):
        # no one to answer (or a name that cannot be a routing key): kept for the operator
        errors = {"user_id": ["a broker user_id of lower-case letters, digits, - and _ is "
                              "required"]}
        with uow:
            _keep_refused(uow, received, errors, partner=None)
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
    message_id = _message_id(received)
    try:
        with uow:
            if message_id:
                uow.session.add(PartnerMessageRow(
                    partner=received.partner, message_id=message_id,
                    referral_id=referral["referral_id"] if referral else None, errors=errors))
            if errors:  # published before the reply: whoever sees the reply finds it kept
                _keep_refused(uow, received, errors, received.partner)
            _reply(uow, received, referral, errors)
    except Exception as exc:
        if not is_duplicate(exc):
            raise
        _answered_before(uow, received)  # a twin delivery recorded it first: repeat its answer
    return errors


def _answered_before(uow, received):
    """The same message again gets the same answer, and nothing else happens."""
    message_id = _message_id(received)
    if not message_id:
        return False
    with uow:
        answered = uow.session.get(PartnerMessageRow, (received.partner, message_id))
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
                             in_reply_to=_message_id(received)))


def _keep_refused(uow, received, errors, partner):
    """The refused message in refused_submissions, and a dead letter that names it."""
    refused_id, now = str(uuid.uuid4()), utcnow()
    message_id = _message_id(received)
    uow.session.add(RefusedSubmissionRow(
        id=refused_id, partner=partner, message_id=message_id,
        content_type=_kept_text(received.content_type, 128), errors=errors,
        body=received.body[:MAX_BODY_BYTES], body_size=len(received.body), received_at=now))
    uow.publish(DEAD_EXCHANGE, "partner.in", {
        "refused_id": refused_id, "partner": partner, "message_id": message_id,
        "received_at": iso(now), "errors": errors}, str(uuid.uuid4()))


def forget_refused(uow, now, retention_days):
    """Refused submissions kept longer than the retention period are deleted; how many."""
    with uow:
        return uow.session.execute(delete(RefusedSubmissionRow).where(
            RefusedSubmissionRow.received_at < now - timedelta(days=retention_days))).rowcount


def refused_submission(uow, refused_id):
    """A kept refused submission, for the operator (`kring dlq show partner --body`), or None."""
    with uow:
        row = uow.session.get(RefusedSubmissionRow, refused_id)
        if row is None:
            return None
        return {"refused_id": row.id, "partner": row.partner, "message_id": row.message_id,
                "content_type": row.content_type, "errors": row.errors,
                "received_at": iso(row.received_at), "body_size": row.body_size,
                "body": row.body.decode("utf-8", errors="replace")}


def _message_id(received):
    """The message_id, if it can be stored and echoed as it is; else None."""
    return _kept_text(received.message_id, MESSAGE_ID_LENGTH)


def _kept_text(text, length):
    return text if isinstance(text, str) and len(text) <= length and storable(text) else None


def _external_ref(received):
    """Best effort, so a partner can match a rejection to its own record: only a reference
    that could have been accepted (never text a database refuses), from a body within the size
    limit whose nesting the parser can follow."""
    if len(received.body) > MAX_BODY_BYTES:
        return None
    try:
        ref = json.loads(received.body).get("external_ref")
    except (ValueError, UnicodeDecodeError, AttributeError, RecursionError):
        return None
    return _kept_text(ref, EXTERNAL_REF_LENGTH)
