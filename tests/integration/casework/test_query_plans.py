"""Every lookup of casework's steps uses an index: a case, its visits and concerns, and the
case of a referral another service's event names (tests/support/query_plans.py; the scale
bench's data at a small size, on SQLite)."""
from datetime import date

from kring.clock import utcnow
from kring.contracts.events import make_event
from services.casework import handlers
from services.casework.models import Cases
from tests.support.query_plans import data_of, no_full_scan, units_of
from tests.support.unit.access import caller

BIG = {"cases", "case_visits", "case_safety_concerns", "case_withdrawals", "audit", "inbox",
       "outbox", "retention"}

data = data_of("casework")
uow = units_of("casework")


def test_a_case_and_a_visit_to_it_are_found_by_index(data):
    engine, sample = data
    coordinator = caller("getCase", sample["case_org"], "coordinator")
    with no_full_scan(engine, BIG) as seen:
        handlers.get_case(uow(engine), coordinator, sample["case"])
        handlers.log_visit(uow(engine), caller("logVisit", sample["case_org"], "coordinator"),
                           sample["case"], {"date": date(2025, 1, 20), "hours": 1.0,
                                            "notes": None}, utcnow())
    assert seen


def test_a_withdrawal_finds_the_case_of_its_referral_by_index(data):
    engine, sample = data
    with uow(engine) as reading:
        referral_id = Cases(reading).get(sample["case"]).referral_id
    event = make_event("referral", "referral_withdrawn", referral_id, by_role="referrer")
    with no_full_scan(engine, BIG) as seen:
        handlers.end_on_withdrawal(uow(engine, "on_referral_withdrawn"), event, utcnow())
    assert seen
