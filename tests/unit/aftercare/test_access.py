"""Who reaches an aftercare plan (kring/contracts/access.py): the coordinators of the
organisation its case was routed to, nobody else; anyone else gets exactly the 404 of an
unknown id. Every call that reaches a plan is in the audit trail, in its own transaction."""
from dataclasses import replace
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from kring.contracts.events import make_event
from kring.errors import NotFound
from services.aftercare import handlers
from services.aftercare.models import PlanRow
from tests.support.databases import audit_records
from tests.support.unit.access import call, caller

NOW = datetime(2026, 1, 5, 9, 31, tzinfo=timezone.utc)
DAY = date(2026, 1, 19)
ORG = "home-start-oost"
# operationId -> (use case, what it is called with after the plan's id)
OPERATIONS = {
    "getAftercare": (handlers.get_aftercare, ()),
    "logAftercareContact": (handlers.log_contact, (DAY, "phoned the mother", DAY)),
    "reportRelapse": (handlers.report_relapse, ("the old worries are back",)),
    "completeAftercare": (handlers.complete_aftercare, ("stable at home",)),
}
FAMILY_DATA = ("mother", "worries", "stable")


def coordinator(operation_id, org=ORG):
    return caller(operation_id, org, "coordinator", f"anna-of-{org}")


def run(uow, operation_id, who, aftercare_id):
    use_case, args = OPERATIONS[operation_id]
    return call(uow, use_case, who, aftercare_id, *args)


def start(uow, coordinator_org=ORG, referral_id="r-1", case_id="c-1"):
    """A plan started by a handover whose event names `coordinator_org`: its id."""
    uow.inbox_key = "on_casework"
    event = make_event("casework", "case_handed_over", referral_id, case_id=case_id,
                       supporter_id="s-1", receiving_kind="municipality",
                       receiving_name="Gemeente Utrecht", severity="medium",
                       coordinator_org=coordinator_org)
    handlers.react(uow, replace(event, occurred_at="2026-01-05T09:30:00.000000Z"), NOW)
    with uow:
        return uow.session.scalar(select(PlanRow.id).where(PlanRow.case_id == case_id))


def refused(uow, operation_id, who, aftercare_id):
    with pytest.raises(NotFound) as unknown:
        run(uow, operation_id, coordinator(operation_id), "no-such-plan")
    with pytest.raises(NotFound) as out_of_reach:
        run(uow, operation_id, who, aftercare_id)
    assert unknown.value.message == "no aftercare plan no-such-plan"
    assert out_of_reach.value.message == f"no aftercare plan {aftercare_id}"
    assert out_of_reach.value.errors is unknown.value.errors is None


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_a_coordinator_of_another_organisation_reaches_nothing(uow, operation_id):
    aftercare_id = start(uow)
    before = run(uow, "getAftercare", coordinator("getAftercare"), aftercare_id)
    refused(uow, operation_id, coordinator(operation_id, "buurtgezin-west"), aftercare_id)
    assert run(uow, "getAftercare", coordinator("getAftercare"), aftercare_id) == before
    run(uow, operation_id, coordinator(operation_id), aftercare_id)  # its own: fine


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_a_plan_that_does_not_know_its_organisation_reaches_nobody(uow, operation_id):
    """A plan stored before plans knew their coordinating organisation (the column came later,
    NULL in its row): no coordinator can tell it is theirs, so none reaches it."""
    aftercare_id = start(uow, coordinator_org=None)
    for org in (ORG, "buurtgezin-west"):
        refused(uow, operation_id, coordinator(operation_id, org), aftercare_id)


def test_such_a_plan_learns_its_organisation_from_a_later_handover_of_its_case(uow):
    aftercare_id = start(uow, coordinator_org=None)
    start(uow)  # the case handed over again (a replay, say): the plan runs on as it was
    shown = run(uow, "getAftercare", coordinator("getAftercare"), aftercare_id)
    assert (shown["status"], shown["severity"], len(shown["contacts"])) == ("active", "medium", 3)
    refused(uow, "getAftercare", coordinator("getAftercare", "buurtgezin-west"), aftercare_id)


def test_such_a_plan_learns_its_organisation_when_its_referral_is_routed(uow):
    aftercare_id = start(uow, coordinator_org=None)
    routed = make_event("referral", "referral_routed", "r-1", coordinating_org=ORG,
                        municipality_code="GM0344")
    handlers.react(uow, routed, NOW)
    handlers.react(uow, replace(routed, data={**routed.data, "coordinating_org": "other"}), NOW)
    assert run(uow, "getAftercare", coordinator("getAftercare"), aftercare_id)["status"] == \
        "active"
    refused(uow, "getAftercare", coordinator("getAftercare", "buurtgezin-west"), aftercare_id)


def test_every_call_that_reaches_a_plan_is_audited_in_its_transaction(uow):
    aftercare_id = start(uow)
    second = start(uow, referral_id="r-2", case_id="c-2")
    for operation_id in ("getAftercare", "logAftercareContact", "completeAftercare"):
        run(uow, operation_id, coordinator(operation_id), aftercare_id)
    run(uow, "reportRelapse", coordinator("reportRelapse"), second)
    with pytest.raises(NotFound):  # refused: nothing is written in its (rolled back) work
        run(uow, "getAftercare", coordinator("getAftercare", "buurtgezin-west"), second)
    records = audit_records(uow)
    assert [(r["operation"], r["person"], r["organisation"], r["role"], r["answer"],
             r["referral_id"]) for r in records] == [
        ("getAftercare", f"anna-of-{ORG}", ORG, "coordinator", 200, "r-1"),
        ("logAftercareContact", f"anna-of-{ORG}", ORG, "coordinator", 201, "r-1"),
        ("completeAftercare", f"anna-of-{ORG}", ORG, "coordinator", 200, "r-1"),
        ("reportRelapse", f"anna-of-{ORG}", ORG, "coordinator", 200, "r-2")]
    written = " ".join(str(value) for record in records for value in record.values())
    assert not [secret for secret in FAMILY_DATA if secret in written]
