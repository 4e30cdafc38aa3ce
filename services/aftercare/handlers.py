"""Use cases of the aftercare service: load, ask the domain, save, emit — in one transaction.

Every use case that depends on the date takes `today`, so tests decide what day it is.
"""
import logging
import uuid
from datetime import date

from kring.contracts.events import make_event
from kring.errors import NotAllowed, NotFound
from services.aftercare.domain import (AftercareCompleted, AftercarePlan, AftercareStarted,
                                       RelapseReported)
from services.aftercare.models import Plans

log = logging.getLogger(__name__)

SOURCE = "aftercare"


def start_aftercare(uow, event, handler):
    """casework handed a case over: plan the contacts its severity needs.

    The plan starts on the day of the handover, also when the event arrives late (a retry);
    a case handed over again after a relapse starts a new round of the same plan.
    """
    data, started_on = event.data, date.fromisoformat(event.occurred_at[:10])
    with uow:
        if not uow.first_time(event.event_id, handler):
            return
        plans = Plans(uow)
        if plans.was_withdrawn(event.referral_id):
            log.info("case %s handed over after its referral was withdrawn: no aftercare",
                     data["case_id"])
            return
        plan = plans.by_case(data["case_id"], for_update=True)
        party = (data["receiving_kind"], data["receiving_name"])
        if plan is None:
            plan = AftercarePlan.start(str(uuid.uuid4()), event.referral_id, data["case_id"],
                                       data["severity"], *party, started_on)
            _save(uow, plan, new=True)
            return
        try:
            plan.restart(data["severity"], *party, started_on)
        except NotAllowed as exc:  # a second handover of a running plan: nothing to do
            log.warning("case %s handed over again, ignored: %s", data["case_id"], exc)
            return
        _save(uow, plan)


def end_on_withdrawal(uow, event, handler):
    """The referral was withdrawn (support is voluntary): its aftercare stops, silently."""
    with uow:
        if not uow.first_time(event.event_id, handler):
            return
        plans = Plans(uow)
        plans.note_withdrawal(event.referral_id)
        for plan in plans.of_referral(event.referral_id):
            plan.withdraw()
            _save(uow, plan)


def get_aftercare(uow, aftercare_id):
    with uow:
        return view(_load(uow, aftercare_id))


def log_contact(uow, aftercare_id, on, notes, today):
    return _change(uow, aftercare_id, lambda plan: plan.log_contact(on, notes, today))


def report_relapse(uow, aftercare_id, notes):
    return _change(uow, aftercare_id, lambda plan: plan.report_relapse(notes))


def complete_aftercare(uow, aftercare_id, notes):
    return _change(uow, aftercare_id, lambda plan: plan.complete(notes))


def _change(uow, aftercare_id, step):
    """One coordinator's step on a plan, locked against a concurrent event or request."""
    with uow:
        plan = _load(uow, aftercare_id, for_update=True)
        step(plan)
        _save(uow, plan)
        return view(plan)


def mark_overdue_contacts(uow, today):
    """Flag the contacts of active plans that are overdue on `today`; returns how many."""
    with uow:
        marked = Plans(uow).mark_overdue(today)
    if marked:
        log.info("%s aftercare contact(s) newly overdue", marked)
    return marked


def view(plan):
    return {
        "aftercare_id": plan.aftercare_id,
        "referral_id": plan.referral_id,
        "case_id": plan.case_id,
        "status": plan.status,
        "severity": plan.severity,
        "receiving_party": {"kind": plan.receiving_kind, "name": plan.receiving_name},
        "started_on": plan.started_on.isoformat(),
        "ends_on": plan.ends_on.isoformat(),
        "end_notes": plan.end_notes,
        "contacts": [{"due_on": _iso(c.due_on), "done_on": _iso(c.done_on),
                      "overdue": c.overdue, "notes": c.notes}
                     for c in sorted(plan.contacts, key=_in_time_order)],
    }


def _in_time_order(contact):
    return contact.due_on or contact.done_on, contact.number


def _iso(day):
    return day.isoformat() if day else None


def _load(uow, aftercare_id, for_update=False):
    plan = Plans(uow).get(aftercare_id, for_update=for_update)
    if plan is None:
        raise NotFound(f"no aftercare plan {aftercare_id}")
    return plan


def _save(uow, plan, new=False):
    plans = Plans(uow)
    (plans.add if new else plans.save)(plan)
    for happened in plan.events:
        uow.emit(_contract_event(plan, happened))
    plan.events.clear()


def _contract_event(plan, happened):
    if isinstance(happened, AftercareStarted):
        return make_event(SOURCE, "aftercare_started", plan.referral_id,
                          aftercare_id=plan.aftercare_id, ends_on=happened.ends_on.isoformat())
    if isinstance(happened, AftercareCompleted):
        return make_event(SOURCE, "aftercare_completed", plan.referral_id,
                          aftercare_id=plan.aftercare_id)
    if isinstance(happened, RelapseReported):
        return make_event(SOURCE, "relapse_reported", plan.referral_id,
                          aftercare_id=plan.aftercare_id, case_id=plan.case_id)
    raise TypeError(f"no contract event for {happened!r}")
