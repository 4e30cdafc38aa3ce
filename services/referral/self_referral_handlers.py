"""Use cases of a family's own application (services/referral/self_referral.py): submit it
within the limits, confirm it into a referral exactly as submitReferral makes one, and sweep
away what expired (docs/contract.md §4 "Self-referral").

The answer to a submission is the same whatever the address did before: 202, awaiting
confirmation. The token travels once, in the event for notify's e-mail; here only its hash
is kept, and the event's outbox row goes once the application is confirmed or expired.
"""
import hashlib
import hmac
import uuid
from datetime import timedelta

from sqlalchemy import delete

from kring.contracts.fields import one
from kring.contracts.self_referral import (AWAITING_CONFIRMATION, CONFIRM_SECONDS, PER_ADDRESS,
                                           PER_EMAIL, SelfReferralAsReferral,
                                           SubmitSelfReferral)
from kring.errors import RateLimited
from kring.kit import erasure
from kring.kit.db import once_more_if_duplicate
from services.referral import handlers
from services.referral.directory import route
from services.referral.models import Applications, Directory, PseudonymKey, RateCounters
from services.referral.municipalities import register
from services.referral.rate_limit import Limit
from services.referral.self_referral import (SELF_ORG, Application, new_token, token_hash,
                                             unknown_token)

SUBMITTED = "self_referral_submitted"  # the event that carries a token (outgoing.py)
ADDRESS_LIMIT = Limit("address", *PER_ADDRESS)
EMAIL_LIMIT = Limit("email", *PER_EMAIL)


def submit_self_referral(uow, caller, body, secret, now):
    """Count the call against its address, then its applicant's e-mail address, then keep the
    application sealed with its token's hash; the event asks notify to send the token."""
    key = _key(uow, secret)
    _admit(uow, key, ADDRESS_LIMIT, caller.remote or "unknown", now)
    body = one(SubmitSelfReferral).dump(body)  # JSON types (dates as text), to be sealed

    def store():
        with uow:  # a family nobody can take on is told now, as submitReferral would (422)
            route(body["programme"], body["family"]["municipality"], register(),
                  Directory(uow).provider_of)
            _check(uow, key, EMAIL_LIMIT, body["applicant"]["email"], now, count=True)
            application = Application.submit(str(uuid.uuid4()), body, new_token(), now,
                                             CONFIRM_SECONDS)
            Applications(uow).add(application)
            caller.target_id = application.application_id  # the audit record names it
    once_more_if_duplicate(store)
    return 202, {"status": AWAITING_CONFIRMATION}


def confirm_self_referral(uow, caller, token, secret, now):
    """The referral the token's application becomes: made now (201), or the one it became
    (200). An unknown or expired token: 404."""
    with uow:
        application = Applications(uow).by_token(token_hash(token))
        if application is None:
            raise unknown_token()
        application.check_confirmable(now)
        if application.is_confirmed:
            return _again(caller, application.referral_id)
        body = one(SelfReferralAsReferral).load(application.as_referral())
    view, created = handlers.submit_referral(uow, SELF_ORG, body, secret, caller=caller,
                                             schema=SelfReferralAsReferral)
    with uow:  # in a transaction of its own: a crash before it is healed by the next confirm
        applications = Applications(uow)
        application = applications.by_token(token_hash(token), for_update=True)
        if application is not None and not application.is_confirmed:
            application.confirm(view["referral_id"], now)
            applications.save(application)
            erasure.forget_messages(uow.session, uow.outbox_table,
                                    application.application_id)
    if not created:
        return _again(caller, view["referral_id"])
    return 201, {"referral_id": view["referral_id"], "status": view["status"]}


def _again(caller, referral_id):
    caller.answer = 200
    caller.about(referral_id)
    return 200, {"referral_id": referral_id, "status": "received"}


def forget_expired(uow, now):
    """The retention timer: applications past their day go, confirmed or not; so do the
    published outbox rows of their events (each holds a token) once as old, also of an
    application that went before its row was marked sent; and the counters of windows that
    have ended. Returns how many applications went."""
    with uow:
        applications = Applications(uow)
        gone = applications.expired(now)
        for application_id in gone:
            applications.delete(application_id)
        outbox = uow.outbox_table
        uow.session.execute(delete(outbox).where(
            outbox.c.event_type == SUBMITTED, outbox.c.sent_at.is_not(None),
            outbox.c.created_at <= now - timedelta(seconds=CONFIRM_SECONDS)))
        RateCounters(uow).forget_before(now)
    return len(gone)


def _admit(uow, key, limit, subject, now):
    """Count a call against `limit` in a transaction of its own, or refuse it (429)."""
    def count():
        with uow:
            _check(uow, key, limit, subject, now, count=True)
    # two first calls of a window racing both insert its counter: the loser counts in the
    # winner's row
    once_more_if_duplicate(count)


def _check(uow, key, limit, subject, now, count):
    counters = RateCounters(uow)
    bucket = _bucket(key, limit.key(subject))
    start, end = limit.window(now)
    wait = limit.retry_after(counters.used(bucket, start), now)
    if wait is not None:
        raise RateLimited(f"too many applications from this {limit.name}: at most "
                          f"{limit.count} in {limit.seconds // 3600} hour(s); try again "
                          f"after {wait} seconds", wait)
    if count:
        counters.count(bucket, start, end)


def _bucket(key, text):
    """A keyed hash: the counters name no address and no e-mail address."""
    return hmac.new(key.encode(), text.encode("utf-8"), hashlib.sha256).hexdigest()


def _key(uow, secret):
    with uow:
        key = PseudonymKey(uow).get()
    return key or handlers.pseudonym_key(uow, secret)

