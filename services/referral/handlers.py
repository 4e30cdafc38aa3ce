"""Use cases of the referral service: load, ask the domain, save — in one transaction.

What the referral records as it changes leaves through the unit of work (services/referral/
outgoing.py). The stages' reports are reactions, mapped by event type in `REACTIONS`.
"""
import uuid

from kring.clock import iso, utcnow
from kring.contracts.referral import SubmitReferral
from kring.errors import NotFound
from kring.kit.db import is_duplicate
from services.referral.domain import PROGRESS, Referral
from services.referral.models import Referrals
from services.referral.pseudonym import family_key
from services.referral.views import referral_view, status_view


def submit_referral(uow, org, body, secret, partner=None):
    """Store a new referral, or return the first one for this organisation and external_ref.

    Returns (view, created). Two identical requests racing both pass the look-up; the unique
    constraint lets one insert win and the other reads the winner's referral.
    """
    body = SubmitReferral().dump(body)  # JSON types (dates as text) for storage and events
    with uow:
        existing = Referrals(uow).by_external_ref(org, body["external_ref"])
        if existing:
            return referral_view(existing, "referrer"), False
    try:
        with uow:
            referral = Referral.receive(str(uuid.uuid4()), org, body, iso(utcnow()),
                                        family_key(secret, body["family"]["phone"]), partner)
            Referrals(uow).add(referral)
            return referral_view(referral, "referrer"), True
    except Exception as exc:
        if not is_duplicate(exc):
            raise
    with uow:
        return referral_view(Referrals(uow).by_external_ref(org, body["external_ref"]),
                             "referrer"), False


def get_referral(uow, referral_id, org, role):
    with uow:
        referral = _load(Referrals(uow), referral_id)
        referral.check_visible_to(org, role)
        return referral_view(referral, role)


def withdraw_referral(uow, referral_id, org, role, body):
    """A coordinator withdraws as the coordinator; a referrer says who asked (`by`)."""
    by = "coordinator" if role == "coordinator" else body["by"]
    with uow:
        referrals = Referrals(uow)
        referral = _load(referrals, referral_id, for_update=True)
        referral.check_visible_to(org, role)
        referral.withdraw(by, body["reason"], iso(utcnow()))
        referrals.save(referral)
        return referral_view(referral, role)


def referral_status(uow, referral_id):
    """The status and timeline for an operator (`kring status`), or None."""
    with uow:
        referral = Referrals(uow).get(referral_id)
        return status_view(referral) if referral else None


# --- reactions: a later stage reported on a referral --------------------------------------

def record_intake(uow, event, now):
    """The coordinator's intake: on to matching, or closed as declined."""
    data = event.data
    _report(uow, event, lambda referral: referral.record_intake(
        data["fits"], data.get("reason"), data["coordinator_org"], event.occurred_at))


def record_progress(uow, event, now):
    """A step in matching, casework or aftercare: timeline, downstream id, maybe a status."""
    _report(uow, event, lambda referral: referral.record_progress(
        event.type, event.data, event.occurred_at))


def complete(uow, event, now):
    """Aftercare is over: the referral closes as completed."""
    _report(uow, event, lambda referral: referral.complete(event.occurred_at))


REACTIONS = {
    "intake_recorded": record_intake,
    **{event_type: record_progress for event_type in PROGRESS},
    "aftercare_completed": complete,
}


def react(uow, event, now):
    return REACTIONS[event.type](uow, event, now)


def _report(uow, event, change):
    """Apply `change` to the event's referral, once per event. The stages' events travel on
    different queues, so the domain orders them by when they happened (event.occurred_at)."""
    with uow:
        if not uow.first_time(event.event_id):
            return
        referrals = Referrals(uow)
        referral = referrals.get(event.referral_id, for_update=True)
        if referral is None:
            return  # not ours (another deployment's referral): nothing to update
        change(referral)
        referrals.save(referral)


def _load(referrals, referral_id, for_update=False):
    referral = referrals.get(referral_id, for_update=for_update)
    if referral is None:
        raise NotFound(f"no referral {referral_id}")
    return referral
