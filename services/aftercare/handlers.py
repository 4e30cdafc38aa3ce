"""Use cases of the aftercare service: load, ask the domain, save — in one transaction.

The unit of work stores the events the plans record in the outbox when it commits (translated
by outgoing.py), and `uow.first_time` keeps a redelivered event from acting twice. Every use
case that depends on the date takes `today` (or `now`), so tests decide what day it is. The
HTTP use cases take the `Caller` (kring.kit.access) and act only on a plan within its reach.
"""
import logging
import uuid
from datetime import date

from kring.errors import NotAllowed, NotFound
from kring.kit import audit, erasure, paging
from kring.kit.access import Owner
from services.aftercare.domain import AftercarePlan
from services.aftercare.schedule import schedules
from services.aftercare.models import Plans
from services.aftercare import views
from services.aftercare.views import view

log = logging.getLogger(__name__)
SOURCE = "aftercare"


def start_aftercare(uow, event, now):
    """casework handed a case over: plan the contacts its severity needs.

    The plan starts on the day of the handover, not `now`, also when the event arrives late
    (a retry); a case handed over again after a relapse starts a new round of the same plan.
    """
    data, started_on = event.data, date.fromisoformat(event.occurred_at[:10])
    with uow:
        if not uow.first_time(event.event_id):
            return
        plans = Plans(uow)
        if plans.was_withdrawn(event.referral_id):
            log.info("case %s handed over after its referral was withdrawn: no aftercare",
                     data["case_id"])
            return
        plan = plans.by_case(data["case_id"], for_update=True)
        party = (data["receiving_kind"], data["receiving_name"])
        table = schedules(data.get("programme"))  # the programme's contacts per severity
        figures = data.get("support_figures") or []  # who stay involved, with their consent
        if plan is None:
            plans.add(AftercarePlan.start(str(uuid.uuid4()), event.referral_id, data["case_id"],
                                          data["severity"], *party, started_on,
                                          data["coordinator_org"], schedules=table,
                                          support_figures=figures))
            return
        plan.learn_coordinator(data["coordinator_org"])  # a plan stored before it knew
        try:
            plan.restart(data["severity"], *party, started_on, schedules=table,
                         support_figures=figures)
        except NotAllowed as exc:  # a second handover of a running plan: nothing more to do
            log.warning("case %s handed over again, ignored: %s", data["case_id"], exc)
        plans.save(plan)


def learn_route(uow, event, now):
    """A referral from before routing got its route: its plans, stored before plans knew
    theirs, are reachable by its coordinators from now on."""
    with uow:
        if not uow.first_time(event.event_id):
            return
        plans = Plans(uow)
        for plan in plans.of_referral(event.referral_id):
            plan.learn_coordinator(event.data["coordinating_org"])
            plans.save(plan)


def end_on_withdrawal(uow, event, now):
    """The referral was withdrawn (support is voluntary): its aftercare stops, silently."""
    with uow:
        if not uow.first_time(event.event_id):
            return
        plans = Plans(uow)
        plans.note_withdrawal(event.referral_id)
        for plan in plans.of_referral(event.referral_id):
            plan.withdraw()
            plans.save(plan)


def note_closure(uow, event, now):
    """The referral closed: its retention period starts (kring.kit.erasure)."""
    with uow:
        if uow.first_time(event.event_id):
            erasure.on_closed(uow, event)


def erase_data(uow, referral_id):
    """This service's part of an erased referral: the notes of its plans (AftercarePlan.erase)."""
    plans = Plans(uow)
    for plan in plans.of_referral(referral_id):
        plan.erase()
        plans.save(plan)


def erase_on_request(uow, event, now):
    erasure.on_request(uow, event, now, SOURCE, erase_data)


def erase_expired(uow, retention, now):
    """The retention timer: plans of referrals closed longer ago than their retention period."""
    return erasure.erase_expired(uow, retention, now, erase_data)


def export_of(uow, referral_id):
    """What aftercare holds of `referral_id` (exportReferral); {} when nothing."""
    with uow:
        plans = Plans(uow).of_referral(referral_id)
        retention = erasure.retention_view(uow.session, uow.retention_table, referral_id)
        if not plans and retention is None:
            return {}
        return {"plans": [view(plan) for plan in plans], "retention": retention}


# event type -> the use case it starts; which types arrive is kring.contracts.topology's say
REACTIONS = {
    "case_handed_over": start_aftercare,
    "referral_routed": learn_route,
    "referral_withdrawn": end_on_withdrawal,
    "referral_closed": note_closure,
    "referral_erased": erase_on_request,
}


def react(uow, event, now):
    return REACTIONS[event.type](uow, event, now)


def list_aftercare(uow, caller, query):
    """A page of the caller's active aftercare with a contact to make, the earliest due first.
    Each one listed is recorded in its own audit trail."""
    limit = query["limit"]
    with uow:
        found = Plans(uow).with_contacts_due(caller.scope(), limit + 1, query.get("cursor"))
        shown, next_cursor = paging.cut(
            found, limit, lambda plan: (plan.next_contact().due_on, plan.aftercare_id))
        audit.record_each(uow, caller, [plan.referral_id for plan in shown])
        return {"aftercare": [views.row(plan) for plan in shown], "next_cursor": next_cursor}


def get_aftercare(uow, caller, aftercare_id):
    with uow:
        return view(_reach(caller, Plans(uow), aftercare_id))


def log_contact(uow, caller, aftercare_id, on, notes, today, support_figure_id=None):
    return _change(uow, caller, aftercare_id,
                   lambda plan: plan.log_contact(on, notes, today, support_figure_id))


def report_relapse(uow, caller, aftercare_id, notes):
    return _change(uow, caller, aftercare_id, lambda plan: plan.report_relapse(notes))


def complete_aftercare(uow, caller, aftercare_id, notes):
    return _change(uow, caller, aftercare_id, lambda plan: plan.complete(notes))


def _change(uow, caller, aftercare_id, step):
    """One coordinator's step on a plan, locked against a concurrent event or request."""
    with uow:
        plans = Plans(uow)
        plan = _reach(caller, plans, aftercare_id, for_update=True)
        step(plan)
        plans.save(plan)
        return view(plan)


def mark_overdue_contacts(uow, today):
    """Flag the contacts of active plans that are overdue on `today`; returns how many."""
    with uow:
        marked = Plans(uow).mark_overdue(today)
    if marked:
        log.info("%s aftercare contact(s) newly overdue", marked)
    return marked


def _reach(caller, plans, aftercare_id, for_update=False):
    """The plan, if the caller coordinates it (kring/contracts/access.py); anything else, a
    plan that does not know its organisation included, answers word for word as an unknown id.
    Reaching it names the referral, so the unit of work records the call in this transaction."""
    plan = plans.get(aftercare_id, for_update=for_update)
    caller.reach(None if plan is None else owner(plan),
                 NotFound(f"no aftercare plan {aftercare_id}"))
    return plan


def owner(plan):
    return Owner(referral_id=plan.referral_id, coordinating_org=plan.coordinator_org)


def gauges(uow, today):
    """The operator's figures (GET /metrics, kring.kit.metrics): overdue contacts, a count."""
    with uow:
        return [("kring_aftercare_contacts_overdue", {}, Plans(uow).count_overdue(today))]
