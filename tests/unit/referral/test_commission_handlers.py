"""The commission's use cases on a real (SQLite) unit of work: reaching the referral as its
municipality, what it is shown, the event of a yes, the list and its audit records."""
import pytest
from marshmallow import ValidationError

from kring.contracts.commission import DecideCommission, ListCommissionsQuery
from kring.contracts.events import make_event
from kring.errors import NotAllowed, NotFound
from kring.kit.access import Caller
from kring.kit.auth import Identity
from services.referral import commission_handlers as handlers
from services.referral import handlers as referral_handlers
from services.referral.directory import Route
from services.referral.domain import Referral
from services.referral.models import Referrals
from tests.support.databases import audit_records, outbox
from tests.support.sample import referral_body

AT = "2026-11-20T10:00:00.000000Z"
UTRECHT, ZEIST = "GM0344", "GM0355"
PROVIDER = "gezinstraject-utrecht"
FAMILY_DATA = ("Yilmaz", "+31612345678", "3581AB", "Support with parenting",
               "j.devries@example.org")


def caller(operation_id, org=UTRECHT, role="municipality"):
    return Caller(Identity(org, role, "m.jansen"), operation_id)


def stored(uow, referral_id="r-1", programme="family-trajectory", municipality=UTRECHT):
    with uow:
        Referrals(uow).add(Referral.receive(referral_id, "huisarts-oost",
                                            referral_body(referral_id, programme=programme),
                                            AT, "fk-1", route=Route(PROVIDER, municipality)))
    return referral_id


def intake(uow, referral_id, commission_required=True, minute=1):
    data = {"fits": True, "severity": "high", "coordinator_org": PROVIDER}
    if commission_required:
        data["commission_required"] = True
    event = make_event("matching", "intake_recorded", referral_id, **data)
    event = type(event)(**{**event.__dict__,
                           "occurred_at": f"2026-11-20T10:{minute:02d}:00.000000Z"})
    referral_handlers.react(uow, event, None)


def waiting(uow, referral_id="r-1", minute=1, municipality=UTRECHT):
    stored(uow, referral_id, municipality=municipality)
    intake(uow, referral_id, minute=minute)
    return referral_id


def decide(uow, referral_id, commissioned, reason=None, org=UTRECHT):
    body = DecideCommission().load({"commissioned": commissioned, "reason": reason})
    uow.caller = caller("decideCommission", org)
    try:
        return handlers.decide_commission(uow, uow.caller, referral_id, body)
    finally:
        uow.caller = None


def listed(uow, org=UTRECHT, **query):
    uow.caller = caller("listCommissionRequests", org)
    try:
        return handlers.list_commission_requests(uow, uow.caller,
                                                 ListCommissionsQuery().load(query))
    finally:
        uow.caller = None


def get(uow, referral_id, org=UTRECHT):
    uow.caller = caller("getCommissionRequest", org)
    try:
        return handlers.get_commission_request(uow, uow.caller, referral_id)
    finally:
        uow.caller = None


def test_the_municipality_sees_only_what_the_decision_needs(uow):
    shown = get(uow, waiting(uow))
    assert shown == {
        "referral_id": "r-1", "programme": "family-trajectory", "coordinating_org": PROVIDER,
        "municipality_code": UTRECHT, "state": "awaiting", "asked_at": shown["intake_at"],
        "intake_at": "2026-11-20T10:01:00.000000Z", "severity": "high",
        "children_ages": referral_body()["family"]["children_ages"],
        "domains": referral_body()["request"]["domains"],
        "urgency": referral_body()["request"]["urgency"], "decided_at": None,
        "decided_by": None}
    for secret in FAMILY_DATA:
        assert secret not in repr(shown)


def test_another_municipality_and_a_referral_without_a_commission_answer_as_unknown(uow):
    waiting(uow)
    stored(uow, "r-plain", programme="home-start")
    for referral_id, org in (("r-1", ZEIST), ("r-plain", UTRECHT), ("r-none", UTRECHT)):
        with pytest.raises(NotFound) as missing:
            get(uow, referral_id, org)
        assert missing.value.message == f"no commission request {referral_id}"
    with pytest.raises(NotFound):
        decide(uow, "r-1", True, org=ZEIST)
    with pytest.raises(NotAllowed):  # its own municipality's, but nothing to decide
        decide(uow, "r-plain", True)


def test_a_yes_emits_referral_commissioned_and_a_second_decision_is_refused(uow):
    referral_id = waiting(uow)
    shown = decide(uow, referral_id, True)
    assert (shown["state"], shown["decided_by"]) == (
        "commissioned", {"role": "municipality", "organisation": UTRECHT})
    assert [(m["type"], m["data"]) for m in outbox(uow)
            if m["type"] == "referral_commissioned"] == [
        ("referral_commissioned", {"municipality_code": UTRECHT})]
    with pytest.raises(NotAllowed):
        decide(uow, referral_id, False, "changed our mind")
    # the decision is in the audit trail with the change (a refused call is recorded by the
    # HTTP entrypoint after it: tests/integration/referral/test_commission.py)
    records = [(r["operation"], r["referral_id"], r["answer"]) for r in audit_records(uow)]
    assert records == [("decideCommission", referral_id, 200)]


def test_a_no_closes_as_declined_and_its_reason_travels_nowhere(uow):
    referral_id = waiting(uow)
    decide(uow, referral_id, False, "the district team takes it on")
    with uow:
        referral = Referrals(uow).get(referral_id)
    assert (referral.status, referral.outcome) == ("closed", "declined")
    closed = [m for m in outbox(uow) if m["type"] == "referral_closed"]
    assert [m["data"]["outcome"] for m in closed] == ["declined"]
    assert "district team" not in repr(outbox(uow))
    shown = referral_handlers.export_of(uow, referral_id)["referral"]
    assert shown["commission"]["reason"] == "the district team takes it on"


def test_a_no_needs_a_reason_of_at_most_2000_characters():
    with pytest.raises(ValidationError) as refused:
        DecideCommission().load({"commissioned": False})
    assert "reason" in refused.value.messages
    with pytest.raises(ValidationError):
        DecideCommission().load({"commissioned": False, "reason": "x" * 2001})
    assert DecideCommission().load({"commissioned": True})["reason"] is None


def test_the_list_pages_the_waiting_oldest_first_and_the_decided_latest_first(uow):
    for minute, referral_id in ((3, "r-c"), (1, "r-a"), (2, "r-b")):
        waiting(uow, referral_id, minute)
    waiting(uow, "r-zeist", 1, municipality=ZEIST)
    first = listed(uow, limit=2)
    assert ([c["referral_id"] for c in first["commissions"]], first["total"]) == (
        ["r-a", "r-b"], 3)
    assert [c["referral_id"] for c in listed(uow, limit=2, offset=2)["commissions"]] == ["r-c"]
    decide(uow, "r-a", True)
    decide(uow, "r-c", False, "no")
    assert [c["referral_id"] for c in listed(uow)["commissions"]] == ["r-b"]
    decided = listed(uow, state="decided")
    assert [(c["referral_id"], c["state"]) for c in decided["commissions"]] == [
        ("r-c", "not_commissioned"), ("r-a", "commissioned")]
    assert listed(uow, org=ZEIST)["total"] == 1


def test_each_listed_referral_is_in_its_audit_trail(uow):
    waiting(uow, "r-a")
    waiting(uow, "r-b", 2)
    listed(uow)
    assert [(r["operation"], r["referral_id"], r["organisation"]) for r in audit_records(uow)] \
        == [("listCommissionRequests", "r-a", UTRECHT), ("listCommissionRequests", "r-b", UTRECHT)]


def test_a_withdrawal_while_waiting_takes_it_off_the_list(uow):
    referral_id = waiting(uow)
    uow.caller = Caller(Identity("huisarts-oost", "referrer", "gp"), "withdrawReferral")
    referral_handlers.withdraw_referral(uow, uow.caller, referral_id,
                                        {"by": "family", "reason": None})
    uow.caller = None
    assert listed(uow)["total"] == 0 and listed(uow, state="decided")["total"] == 0
    assert get(uow, referral_id)["state"] == "withdrawn"
