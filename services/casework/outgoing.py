"""The contract events (kring.contracts.events) for what happened to a case.

They carry ids, the supporter and the severity, never the family or a safety description.
"""
from kring.contracts.events import make_event
from services.casework.events import (CaseClosed, CaseHandedOver, CaseReopened, CaseStarted,
                                      SafetyConcernRecorded)

SOURCE = "casework"


def contract_event(case, happened):
    ids = {"case_id": case.case_id}
    if isinstance(happened, CaseStarted):
        return make_event(SOURCE, "case_started", case.referral_id, **ids,
                          supporter_id=case.supporter_id, severity=case.severity,
                          coordinator_org=case.coordinator_org)
    if isinstance(happened, SafetyConcernRecorded):  # the description stays here
        return make_event(SOURCE, "safety_concern_recorded", case.referral_id, **ids,
                          immediate=happened.immediate)
    if isinstance(happened, CaseClosed):
        return make_event(SOURCE, "case_closed", case.referral_id, **ids,
                          goals_met=happened.goals_met)
    if isinstance(happened, CaseHandedOver):
        return make_event(SOURCE, "case_handed_over", case.referral_id, **ids,
                          supporter_id=case.supporter_id, severity=case.severity,
                          receiving_kind=happened.receiving_kind,
                          receiving_name=happened.receiving_name)
    if isinstance(happened, CaseReopened):
        return make_event(SOURCE, "case_reopened", case.referral_id, **ids,
                          supporter_id=case.supporter_id)
    raise TypeError(f"no contract event for {happened!r}")
