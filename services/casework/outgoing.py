"""What each domain event of a case becomes on the wire: a contract event (kring.contracts.events).

The unit of work collects a case's events on commit and translates them through this table. The
contract events carry ids, the supporter and the severity, never the family or a safety
description; the one exception is the handover's: the names and functions of the support
figures who stay involved, given with their consent, which aftercare needs (docs/contract.md §7
"Data in motion").
"""
from kring.contracts.events import make_event
from kring.kit.outbox import outgoing_table
from services.casework.events import (CaseClosed, CaseHandedOver, CaseReopened, CaseStarted,
                                      SafetyConcernRecorded)

SOURCE = "casework"


def _case_event(case, event_type, **data):
    return make_event(SOURCE, event_type, case.referral_id, case_id=case.case_id, **data)


OUTGOING = {
    CaseStarted: lambda case, _: _case_event(
        case, "case_started", supporter_id=case.supporter_id, severity=case.severity,
        coordinator_org=case.coordinator_org),
    # the description stays here
    SafetyConcernRecorded: lambda case, happened: _case_event(
        case, "safety_concern_recorded", immediate=happened.immediate),
    CaseClosed: lambda case, happened: _case_event(
        case, "case_closed", goals_met=happened.goals_met),
    CaseHandedOver: lambda case, happened: _case_event(
        case, "case_handed_over", supporter_id=case.supporter_id, severity=case.severity,
        receiving_kind=happened.receiving_kind, receiving_name=happened.receiving_name,
        coordinator_org=case.coordinator_org, programme=case.programme,
        support_figures=list(happened.support_figures)),
    CaseReopened: lambda case, _: _case_event(
        case, "case_reopened", supporter_id=case.supporter_id),
}

outgoing = outgoing_table(OUTGOING)
