"""Use cases of the referral service: load, ask the domain, save, emit — in one transaction."""
import uuid

from kring.contracts.events import make_event
from kring.contracts.partner_queues import OUT_EXCHANGE
from kring.contracts.referral import SubmitReferral
from kring.errors import NotFound
from kring.clock import iso, utcnow
from kring.kit.db import is_duplicate
from services.referral.pseudonym import family_key
from services.referral.domain import Closed, Referral, Withdrawn
from services.referral.models import Referrals
from services.referral.partner_updates import partner_updates

SOURCE = "referral"
DOWNSTREAM_IDS = ("proposal_id", "case_id", "aftercare_id")


def submit_referral(uow, org, body, secret, partner=None):
    """Store a new referral, or return the first one for this organisation and external_ref.

    Returns (view, created). Two identical requests racing both pass the look-up; the unique
    constraint lets one insert win and the other reads the winner's referral.
    """
    body = SubmitReferral().dump(body)  # JSON types (dates as text) for storage and events
    with uow:
        existing = Referrals(uow.session).by_external_ref(org, body["external_ref"])
        if existing:
            return view(existing, "referrer"), False
    try:
        with uow:
            referral = Referral.receive(str(uuid.uuid4()), org, body, iso(utcnow()), partner)
            Referrals(uow.session).add(referral)
            uow.emit(_received_event(referral, family_key(secret, body["family"]["phone"])))
            return view(referral, "referrer"), True
    except Exception as exc:
        if not is_duplicate(exc):
            raise
    with uow:
        return view(Referrals(uow.session).by_external_ref(org, body["external_ref"]),
                    "referrer"), False


def get_referral(uow, referral_id, org, role):
    with uow:
        referral = _load(uow, referral_id)
        referral.check_visible_to(org, role)
        return view(referral, role)


def withdraw_referral(uow, referral_id, org, role, by, reason):
    with uow:
        referral = _load(uow, referral_id, for_update=True)
        referral.check_visible_to(org, role)
        referral.withdraw(by, reason, iso(utcnow()))
        _save(uow, referral)
        return view(referral, role)


def apply_stage_event(uow, event, handler):
    """A later stage reported on a referral: update status and timeline, close when it is over."""
    with uow:
        if not uow.first_time(event.event_id, handler):
            return
        referral = Referrals(uow.session).get(event.referral_id, for_update=True)
        if referral is None:
            return  # not ours (another deployment's referral): nothing to update
        at = event.occurred_at
        if event.type == "intake_recorded":
            referral.record_intake(event.data["fits"], event.data.get("reason"),
                                   event.data["coordinator_org"], at)
        elif event.type == "aftercare_completed":
            referral.complete(at)
        else:
            referral.record_progress(event.type, event.data, at)
        _save(uow, referral)


def referral_status(uow, referral_id):
    """The status and timeline for an operator (`kring status`): no family details."""
    with uow:
        referral = Referrals(uow.session).get(referral_id)
        return view(referral, "referrer") if referral else None


def view(referral, role):
    shown = {
        "referral_id": referral.referral_id,
        "external_ref": referral.external_ref,
        "programme": referral.programme,
        "status": referral.status,
        "outcome": referral.outcome,
        "timeline": [{"status": e.status, "at": e.at, "detail": e.detail}
                     for e in referral.sorted_timeline()],
        **{name: getattr(referral, name) for name in DOWNSTREAM_IDS},
    }
    if role in ("coordinator", "admin"):  # they do the intake; a referrer already knows this
        shown["family"] = referral.details["family"]
        shown["request"] = referral.details["request"]
    return shown


def _load(uow, referral_id, for_update=False):
    referral = Referrals(uow.session).get(referral_id, for_update=for_update)
    if referral is None:
        raise NotFound(f"no referral {referral_id}")
    return referral


def _save(uow, referral):
    Referrals(uow.session).save(referral)
    for happened in referral.events:
        event = _contract_event(referral, happened)
        if event is not None:
            uow.emit(event)
        update = partner_updates(referral, happened)
        if update is not None:
            routing_key, body = update
            uow.publish(OUT_EXCHANGE, routing_key, body, body["message_id"])
    referral.events.clear()


def _contract_event(referral, happened):
    if isinstance(happened, Withdrawn):
        return make_event(SOURCE, "referral_withdrawn", referral.referral_id,
                          by_role=happened.by, reason=happened.reason)
    if isinstance(happened, Closed):
        return make_event(SOURCE, "referral_closed", referral.referral_id,
                          outcome=happened.outcome, reason=happened.reason,
                          coordinating_org=referral.coordinating_org,
                          case_started_at=referral.case_started_at())
    return None  # a status change: the stages learn of it from their own events


def _received_event(referral, family_key):
    details = referral.details
    return make_event(
        SOURCE, "referral_received", referral.referral_id,
        programme=referral.programme, organisation=referral.org,
        external_ref=referral.external_ref,
        municipality=details["family"]["municipality"],
        languages=details["family"]["languages"],
        domains=details["request"]["domains"], urgency=details["request"]["urgency"],
        referrer_email=details["referrer"]["email"],
        referrer_language=details["referrer"]["language"],
        referrer_organisation=details["referrer"]["organisation"],
        share_status_with_referrer=details["consent"]["share_status_with_referrer"],
        partner=referral.partner, family_key=family_key)
