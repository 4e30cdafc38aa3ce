"""What the aftercare plan's domain events become on the wire: contract events
(kring.contracts.events), one translation per event class.

Referral hears that aftercare started and completed (the referral then closes); casework hears
of a relapse (the case reopens). They carry ids and dates, never the coordinator's notes.
"""
from kring.contracts.events import make_event
from kring.kit.outbox import outgoing_table
from services.aftercare.events import AftercareCompleted, AftercareStarted, RelapseReported

SOURCE = "aftercare"


def _started(plan, happened):
    return make_event(SOURCE, "aftercare_started", plan.referral_id,
                      aftercare_id=plan.aftercare_id, ends_on=happened.ends_on.isoformat())


def _completed(plan, _happened):
    return make_event(SOURCE, "aftercare_completed", plan.referral_id,
                      aftercare_id=plan.aftercare_id)


def _relapsed(plan, _happened):
    return make_event(SOURCE, "relapse_reported", plan.referral_id,
                      aftercare_id=plan.aftercare_id, case_id=plan.case_id)


OUTGOING = {
    AftercareStarted: _started,
    AftercareCompleted: _completed,
    RelapseReported: _relapsed,
}

outgoing = outgoing_table(OUTGOING)
