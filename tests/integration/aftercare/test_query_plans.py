"""Every lookup of aftercare's steps uses an index: a plan and its contacts, the plans of a
referral another service's event names, and the timer's overdue contacts
(tests/support/query_plans.py; the scale bench's data at a small size, on SQLite)."""
from datetime import date

from kring.clock import utcnow
from kring.contracts.events import make_event
from services.aftercare import handlers
from services.aftercare.models import Plans
from tests.support.query_plans import data_of, no_full_scan, units_of
from tests.support.unit.access import caller

BIG = {"aftercare_plans", "aftercare_contacts", "aftercare_withdrawals", "audit", "inbox",
       "outbox", "retention"}

data = data_of("aftercare")
uow = units_of("aftercare")


def test_a_plan_and_a_contact_logged_on_it_are_found_by_index(data):
    engine, sample = data
    with no_full_scan(engine, BIG) as seen:
        handlers.get_aftercare(uow(engine), caller("getAftercare", sample["plan_org"],
                                                   "coordinator"), sample["plan"])
        handlers.log_contact(uow(engine), caller("logAftercareContact", sample["plan_org"],
                                                 "coordinator"),
                             sample["plan"], date(2025, 3, 1), None, date(2025, 3, 1))
    assert seen


def test_a_withdrawal_finds_the_plans_of_its_referral_by_index(data):
    engine, sample = data
    with uow(engine) as reading:
        referral_id = Plans(reading).get(sample["plan"]).referral_id
    event = make_event("referral", "referral_withdrawn", referral_id, by_role="referrer")
    with no_full_scan(engine, BIG) as seen:
        handlers.end_on_withdrawal(uow(engine, "on_referral_withdrawn"), event, utcnow())
    assert seen


def test_the_timer_finds_overdue_contacts_by_index(data):
    engine, _ = data
    with no_full_scan(engine, BIG) as seen:
        assert handlers.mark_overdue_contacts(uow(engine), date(2025, 6, 1)) > 0
    assert seen
