"""Use cases of the casework service, for HTTP commands and event reactions alike.

Each loads the case, asks the domain, saves — in one transaction; the unit of work collects the
case's domain events on commit and stores them in the outbox (services/casework/outgoing.py).
Every use case that depends on the time takes `now`, so tests decide what moment it is. The
HTTP use cases take the `Caller` (kring.kit.access) and act only on a case within its reach.
"""
import logging
import uuid

from kring import programmes
from kring.clock import iso
from kring.contracts.casework import LISTED_STATUSES, SetPlan
from kring.contracts.fields import one
from kring.errors import NotAllowed, NotFound
from kring.kit import audit, erasure, paging
from kring.kit.access import Owner
from kring.kit.db import is_duplicate
from services.casework.domain import Author, Case
from services.casework import views
from services.casework.models import Cases, list_key
from services.casework.views import view

log = logging.getLogger(__name__)
SOURCE = "casework"


def open_case(uow, event, now):
    """Matching made the match (koppeling): the case starts, once per referral.

    A second match_made for the referral (a new event_id, or two deliveries racing) finds the
    case, or loses on the unique referral_id, and changes nothing.
    """
    data = event.data
    try:
        with uow:
            if not uow.first_time(event.event_id):
                return
            cases = Cases(uow)
            if cases.was_withdrawn(event.referral_id):
                log.info("match for withdrawn referral %s: no case opened", event.referral_id)
                return
            if cases.by_referral(event.referral_id) is not None:
                return
            cases.add(Case.open(str(uuid.uuid4()), event.referral_id, data["supporter_id"],
                                data["supporter_kind"], data["severity"],
                                data["coordinator_org"], event.occurred_at,
                                programme=data.get("programme")))
    except Exception as exc:
        if not is_duplicate(exc):
            raise
        log.info("referral %s already has a case", event.referral_id)


def end_on_withdrawal(uow, event, now):
    """The referral was withdrawn (support is voluntary): its case ends, without an event —
    matching frees the supporter's capacity from referral_withdrawn itself."""
    with uow:
        if not uow.first_time(event.event_id):
            return
        cases = Cases(uow)
        cases.note_withdrawal(event.referral_id)
        case = cases.by_referral(event.referral_id, for_update=True)
        if case is None:
            return
        try:
            case.withdraw(event.occurred_at)
        except NotAllowed as exc:  # already withdrawn: nothing left to stop
            log.info("case %s: %s", case.case_id, exc)
            return
        cases.save(case)


def reopen_case(uow, event, now):
    """Aftercare reported a relapse: the handed-over case opens again, same supporter."""
    with uow:
        if not uow.first_time(event.event_id):
            return
        cases = Cases(uow)
        case = cases.get(event.data["case_id"], for_update=True)
        if case is None:
            log.warning("relapse reported for unknown case %s", event.data["case_id"])
            return
        try:
            case.reopen(event.occurred_at)
        except NotAllowed as exc:  # e.g. withdrawn meanwhile: a refusal, not worth retrying
            log.warning("relapse on case %s not applied: %s", case.case_id, exc)
            return
        cases.save(case)


def note_closure(uow, event, now):
    """The referral closed: its retention period starts (kring.kit.erasure)."""
    with uow:
        if uow.first_time(event.event_id):
            erasure.on_closed(uow, event)


def erase_data(uow, referral_id, now):
    """This service's part of an erased referral: the texts of its case (Case.erase)."""
    cases = Cases(uow)
    case = cases.by_referral(referral_id, for_update=True)
    if case is not None:
        case.erase(iso(now))
        cases.save(case)


def erase_on_request(uow, event, now):
    erasure.on_request(uow, event, now, SOURCE,
                       lambda uow, referral_id: erase_data(uow, referral_id, now))


def erase_expired(uow, retention, now):
    """The retention timer: cases of referrals closed longer ago than their retention period."""
    return erasure.erase_expired(uow, retention, now,
                                 lambda uow, referral_id: erase_data(uow, referral_id, now))


def export_of(uow, referral_id):
    """What casework holds of `referral_id` (exportReferral); {} when nothing."""
    with uow:
        case = Cases(uow).by_referral(referral_id)
        retention = erasure.retention_view(uow.session, uow.retention_table, referral_id)
        if case is None and retention is None:
            return {}
        return {"case": view(case) if case else None, "retention": retention}


# the events casework reacts to (kring/contracts/topology.py subscribes it to exactly these)
REACTIONS = {
    "match_made": open_case,
    "referral_withdrawn": end_on_withdrawal,
    "referral_closed": note_closure,
    "referral_erased": erase_on_request,
    "relapse_reported": reopen_case,
}


def react(uow, event, now):
    return REACTIONS[event.type](uow, event, now)


def list_cases(uow, caller, query, now=None):
    """A page of the cases the caller works on (open, or closing: to hand over), those with a
    safety concern not resolved first. Each one listed is recorded in its own audit trail."""
    limit = query["limit"]
    statuses = (query["status"],) if query.get("status") else LISTED_STATUSES
    with uow:
        found = Cases(uow).page(caller.scope(), statuses, limit + 1, query.get("cursor"))
        shown, next_cursor = paging.cut(found, limit, list_key)
        audit.record_each(uow, caller, [case.referral_id for case in shown])
        return {"cases": [views.row(case, now and now.date()) for case in shown],
                "next_cursor": next_cursor}


def get_case(uow, caller, case_id, now=None):
    with uow:
        return view(_reach(caller, Cases(uow), case_id), now and now.date())


def set_plan(uow, caller, case_id, body, now):
    plan = one(SetPlan).dump(body)  # JSON types, "for" as the API spells it
    return _change(uow, caller, case_id,
                   lambda case: case.set_plan(plan, _author(caller), iso(now), _new_id))


def set_family_members(uow, caller, case_id, body, now):
    return _change(uow, caller, case_id,
                   lambda case: case.set_members(body["members"], _new_id), now.date())


def add_support_figure(uow, caller, case_id, body, now):
    return _change(uow, caller, case_id,
                   lambda case: case.add_support_figure(body, _new_id()), now.date())


def update_support_figure(uow, caller, case_id, figure_id, body, now):
    return _change(uow, caller, case_id,
                   lambda case: case.update_support_figure(figure_id, body), now.date())


def remove_support_figure(uow, caller, case_id, figure_id, now):
    return _change(uow, caller, case_id, lambda case: case.remove_support_figure(figure_id),
                   now.date())


def change_intensity(uow, caller, case_id, body, now):
    return _change(uow, caller, case_id, lambda case: case.change_intensity(
        body, _author(caller), iso(now)), now.date())


def record_check_in(uow, caller, case_id, body, now):
    return _change(uow, caller, case_id, lambda case: case.record_check_in(
        body["date"], body["notes"], _author(caller), iso(now), now.date()), now.date())


def record_evaluation(uow, caller, case_id, body, now):
    return _change(uow, caller, case_id, lambda case: case.record_evaluation(
        body["date"], body["notes"], _author(caller), iso(now), now.date()), now.date())


def log_visit(uow, caller, case_id, body, now):
    return _change(uow, caller, case_id, lambda case: case.log_visit(
        str(uuid.uuid4()), body["date"], body["hours"], body["notes"], _author(caller),
        iso(now), now.date()))


def record_safety_concern(uow, caller, case_id, body, now):
    return _change(uow, caller, case_id, lambda case: case.record_safety_concern(
        str(uuid.uuid4()), body["description"], body["immediate"], _author(caller), iso(now)))


def resolve_safety_concern(uow, caller, case_id, concern_id, resolution, now):
    return _change(uow, caller, case_id,
                   lambda case: case.resolve_safety_concern(concern_id, resolution, iso(now)))


def close_case(uow, caller, case_id, evaluation, goals_met, now, reason=None):
    """`reason`: a closure reason code of the case's programme (kring.programmes)."""
    def close(case):
        reasons = [known["code"] for known in
                   programmes.current().of(case.programme).closure_reasons]
        case.close(evaluation, goals_met, iso(now), reason, reasons)
    return _change(uow, caller, case_id, close)


def hand_over_case(uow, caller, case_id, receiving_party, summary, now, staying=None):
    """`staying`: the figure_ids of the support figures who stay involved (None: all)."""
    return _change(uow, caller, case_id, lambda case: case.hand_over(
        receiving_party["kind"], receiving_party["name"], summary, iso(now), staying))


def _change(uow, caller, case_id, step, today=None):
    """One person's step on a case, locked against a concurrent event or request."""
    with uow:
        cases = Cases(uow)
        case = _reach(caller, cases, case_id, for_update=True)
        step(case)
        cases.save(case)
        return view(case, today)


def _reach(caller, cases, case_id, for_update=False):
    """The case, if it is within the caller's reach (kring/contracts/access.py): a coordinator
    of its organisation, or its supporter while the supporter takes part. Anything else answers
    word for word as an unknown id, so case ids cannot be probed. Reaching it names the
    referral, so the unit of work records the call in this transaction (kring.kit.db)."""
    case = cases.get(case_id, for_update=for_update)
    caller.reach(None if case is None else owner(case), NotFound(f"no case {case_id}"))
    return case


def owner(case):
    return Owner(referral_id=case.referral_id, coordinating_org=case.coordinator_org,
                 supporter_id=case.supporter_id, open=case.supporter_takes_part)


def _new_id():
    return str(uuid.uuid4())


def _author(caller):
    return Author(caller.subject, caller.role)
