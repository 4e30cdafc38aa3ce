"""Who reaches a case (kring/contracts/access.py): the coordinators of its organisation, and its
own supporter while it is open or closing. Anyone else gets exactly the 404 of an unknown id.
Every call that reaches a case is in the audit trail, written in the call's own transaction."""
from dataclasses import replace
from datetime import date, datetime, timezone

import pytest

from kring.contracts.casework import SetPlan
from kring.contracts.family import ChangeIntensity, SetFamilyMembers, SupportFigure
from kring.contracts.events import make_event
from kring.errors import NotAllowed, NotFound
from services.casework import handlers
from tests.support.databases import audit_records, outbox
from tests.support.unit.access import call, caller
from tests.support.unit.casework import plan

MATCHED_AT = "2026-01-05T09:30:00.000000Z"
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
ORG = "home-start-oost"
VISIT = {"date": date(2026, 3, 2), "hours": 4, "notes": "to the park with the children"}
CONCERN = {"description": "shouting heard through the door", "immediate": False}
EVALUATION = "the parents manage on their own"
FIGURE = SupportFigure().load({"name": "Opa Kees", "relation": "grandfather", "formal": False,
                               "functions": ["emotional"], "consent": True})
MOMENT = {"date": date(2026, 3, 2), "notes": "all well"}
# operationId -> (use case, what it is called with after the case id); "CONCERN" and "FIGURE"
# stand for the id of a concern and of a support figure the case really has
OPERATIONS = {
    "getCase": (handlers.get_case, ()),
    "setPlan": (handlers.set_plan, (SetPlan().load(plan()), NOW)),
    "logVisit": (handlers.log_visit, (VISIT, NOW)),
    "recordSafetyConcern": (handlers.record_safety_concern, (CONCERN, NOW)),
    "resolveSafetyConcern": (handlers.resolve_safety_concern, ("CONCERN", "all calm", NOW)),
    "closeCase": (handlers.close_case, (EVALUATION, True, NOW)),
    "handOverCase": (handlers.hand_over_case, (
        {"kind": "municipality", "name": "Gemeente Utrecht"}, "what they need to know", NOW)),
    "setFamilyMembers": (handlers.set_family_members, (SetFamilyMembers().load(
        {"members": [{"role": "parent", "age_band": "18+"}]}), NOW)),
    "addSupportFigure": (handlers.add_support_figure, (FIGURE, NOW)),
    "updateSupportFigure": (handlers.update_support_figure, ("FIGURE", FIGURE, NOW)),
    "removeSupportFigure": (handlers.remove_support_figure, ("FIGURE", NOW)),
    "changeIntensity": (handlers.change_intensity, (ChangeIntensity().load(
        {"level": "light", "reason": "the family manages more"}), NOW)),
    "recordCheckIn": (handlers.record_check_in, (MOMENT, NOW)),
    "recordEvaluation": (handlers.record_evaluation, (MOMENT, NOW)),
}
SUPPORTERS_MAY = ("getCase", "setPlan", "logVisit", "recordSafetyConcern", "setFamilyMembers",
                  "addSupportFigure", "updateSupportFigure", "removeSupportFigure",
                  "changeIntensity")
FAMILY_DATA = ("park", "shouting", "parents manage", "calm bedtimes", "Aunt Ayse", "Opa Kees",
               "manages more", "all well")


def coordinator(operation_id, org=ORG):
    return caller(operation_id, org, "coordinator", f"anna-of-{org}")


def supporter(operation_id, supporter_id="s-1", org=ORG):
    return caller(operation_id, org, "supporter", supporter_id)


def open_case(uow, referral_id="r-1"):
    """A case of ORG with supporter s-1, one concern and a plan with one support figure:
    (case id, concern id), the figure's id in `figure_of`."""
    uow.inbox_key = "on_matching"
    match = make_event("matching", "match_made", referral_id, proposal_id="p-1",
                       supporter_id="s-1", supporter_kind="volunteer", severity="high",
                       coordinator_org=ORG)
    handlers.react(uow, replace(match, occurred_at=MATCHED_AT), NOW)
    case_id = outbox(uow)[-1]["data"]["case_id"]
    shown = call(uow, handlers.record_safety_concern, coordinator("recordSafetyConcern"),
                 case_id, CONCERN, NOW)
    figure_of[case_id] = call(uow, handlers.set_plan, coordinator("setPlan"), case_id,
                              SetPlan().load(plan()), NOW)["plan"]["support_figures"][0][
                                  "figure_id"]
    return case_id, shown["safety_concerns"][0]["concern_id"]


figure_of = {}


def run(uow, operation_id, who, case_id, concern_id="no-such-concern"):
    use_case, args = OPERATIONS[operation_id]
    args = tuple(concern_id if arg == "CONCERN" else
                 figure_of.get(case_id, "no-such-figure") if arg == "FIGURE" else arg
                 for arg in args)
    return call(uow, use_case, who, case_id, *args)


def refused(uow, operation_id, who, case_id, concern_id):
    """The NotFound `who` gets, after checking it is the one an unknown case gets."""
    with pytest.raises(NotFound) as unknown:
        run(uow, operation_id, coordinator(operation_id), "no-such-case", concern_id)
    with pytest.raises(NotFound) as out_of_reach:
        run(uow, operation_id, who, case_id, concern_id)
    assert unknown.value.message == "no case no-such-case"
    assert out_of_reach.value.message == f"no case {case_id}"
    assert out_of_reach.value.errors is unknown.value.errors is None


def unchanged(uow, case_id, before):
    assert call(uow, handlers.get_case, coordinator("getCase"), case_id) == before


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_a_coordinator_of_another_organisation_reaches_nothing(uow, operation_id):
    case_id, concern_id = open_case(uow)
    before = call(uow, handlers.get_case, coordinator("getCase"), case_id)
    refused(uow, operation_id, coordinator(operation_id, "buurtgezin-west"), case_id,
            concern_id)
    unchanged(uow, case_id, before)


@pytest.mark.parametrize("operation_id", SUPPORTERS_MAY)
def test_a_supporter_reaches_only_the_case_it_supports(uow, operation_id):
    case_id, concern_id = open_case(uow)
    before = call(uow, handlers.get_case, coordinator("getCase"), case_id)
    refused(uow, operation_id, supporter(operation_id, "s-2"), case_id, concern_id)
    # its id in a token of another organisation is not the supporter the case was matched to
    refused(uow, operation_id, supporter(operation_id, "s-1", "buurtgezin-west"), case_id,
            concern_id)
    unchanged(uow, case_id, before)
    run(uow, operation_id, supporter(operation_id), case_id, concern_id)  # its own: fine


def test_a_supporter_takes_part_in_the_evaluation_and_then_no_more(uow):
    case_id, concern_id = open_case(uow)
    run(uow, "closeCase", coordinator("closeCase"), case_id)
    assert run(uow, "getCase", supporter("getCase"), case_id)["status"] == "closing"
    run(uow, "recordSafetyConcern", supporter("recordSafetyConcern"), case_id)
    run(uow, "resolveSafetyConcern", coordinator("resolveSafetyConcern"), case_id, concern_id)
    run(uow, "handOverCase", coordinator("handOverCase"), case_id)
    for operation_id in SUPPORTERS_MAY:
        refused(uow, operation_id, supporter(operation_id), case_id, concern_id)
    assert run(uow, "getCase", coordinator("getCase"), case_id)["status"] == "handed_over"


def test_a_withdrawn_case_is_no_longer_its_supporters(uow):
    case_id, concern_id = open_case(uow)
    uow.inbox_key = "on_referral"
    handlers.react(uow, make_event("referral", "referral_withdrawn", "r-1", by_role="family"),
                   NOW)
    refused(uow, "getCase", supporter("getCase"), case_id, concern_id)
    assert run(uow, "getCase", coordinator("getCase"), case_id)["status"] == "withdrawn"


def test_every_call_that_reaches_a_case_is_audited_in_its_transaction(uow):
    case_id, concern_id = open_case(uow)  # one recordSafetyConcern by the coordinator
    run(uow, "setPlan", supporter("setPlan"), case_id)
    run(uow, "logVisit", supporter("logVisit"), case_id)
    run(uow, "resolveSafetyConcern", coordinator("resolveSafetyConcern"), case_id, concern_id)
    run(uow, "closeCase", coordinator("closeCase"), case_id)
    run(uow, "getCase", supporter("getCase"), case_id)
    run(uow, "handOverCase", coordinator("handOverCase"), case_id)
    with pytest.raises(NotFound):  # refused: nothing is written in its (rolled back) work
        run(uow, "getCase", coordinator("getCase", "buurtgezin-west"), case_id)
    records = audit_records(uow)
    assert [(r["operation"], r["person"], r["organisation"], r["role"], r["answer"])
            for r in records] == [
        ("recordSafetyConcern", f"anna-of-{ORG}", ORG, "coordinator", 201),
        ("setPlan", f"anna-of-{ORG}", ORG, "coordinator", 200),
        ("setPlan", "s-1", ORG, "supporter", 200),
        ("logVisit", "s-1", ORG, "supporter", 201),
        ("resolveSafetyConcern", f"anna-of-{ORG}", ORG, "coordinator", 200),
        ("closeCase", f"anna-of-{ORG}", ORG, "coordinator", 200),
        ("getCase", "s-1", ORG, "supporter", 200),
        ("handOverCase", f"anna-of-{ORG}", ORG, "coordinator", 200)]
    assert {r["referral_id"] for r in records} == {"r-1"}
    written = " ".join(str(value) for record in records for value in record.values())
    assert not [secret for secret in FAMILY_DATA if secret in written]


def test_a_refused_change_writes_no_record_of_success(uow):
    """A step the status refuses (409) rolls its work back, the audit record with it; the
    Database provider records the refusal afterwards (kring.kit.db)."""
    case_id, _ = open_case(uow)
    before = len(audit_records(uow))
    with pytest.raises(NotAllowed):
        run(uow, "handOverCase", coordinator("handOverCase"), case_id)  # not closed yet
    assert len(audit_records(uow)) == before
