"""Every lookup of the referral service's steps uses an index: no list, look-up or timer reads
the referrals from end to end (tests/support/query_plans.py; the scale bench's data at a small
size, on SQLite)."""
import pytest

from services.referral import commission_handlers, handlers
from services.referral.models import Referrals
from tests.support.query_plans import data_of, no_full_scan, units_of
from tests.support.unit.access import caller

BIG = {"referrals", "audit", "inbox", "outbox", "retention", "partner_messages", "erasures"}
PAGE = {"limit": 3, "status": None, "cursor": None}
data = data_of("referral")
uow = units_of("referral")


def test_a_referral_is_found_by_its_id_and_by_its_reference(data):
    engine, sample = data
    with no_full_scan(engine, BIG) as seen:
        handlers.get_referral(uow(engine), caller("getReferral", sample["coordinator"],
                                                  "coordinator"), sample["referral"])
        handlers.referral_owner(uow(engine), sample["referral"])
        with uow(engine) as reading:  # submitReferral's look-up of a resubmission
            Referrals(reading).by_external_ref(sample["referrer"], "B-1")
    assert seen


@pytest.mark.parametrize("role, org", [("referrer", "referrer"),
                                       ("coordinator", "coordinator")])
def test_every_page_of_the_list_is_read_by_index(data, role, org):
    engine, sample = data
    who = caller("listReferrals", sample[org], role)
    with no_full_scan(engine, BIG) as seen:
        first = handlers.list_referrals(uow(engine), who, PAGE)
        handlers.list_referrals(uow(engine), who, {**PAGE, "cursor": first["next_cursor"]})
    assert first["next_cursor"] and seen


def test_a_coordinator_s_list_of_one_status_is_read_by_index(data):
    engine, sample = data
    who = caller("listReferrals", sample["coordinator"], "coordinator")
    with no_full_scan(engine, BIG) as seen:
        handlers.list_referrals(uow(engine), who, {**PAGE, "status": "in_progress"})
    assert seen


@pytest.mark.parametrize("state", ["awaiting", "decided"])
def test_a_municipality_s_commission_requests_are_read_by_index(data, state):
    engine, sample = data
    who = caller("listCommissionRequests", sample["municipality"], "municipality")
    with no_full_scan(engine, BIG) as seen:
        listed = commission_handlers.list_commission_requests(
            uow(engine), who, {"state": state, "limit": 5, "offset": 5})
    assert listed["total"] and seen


def test_the_retention_timer_finds_closed_referrals_by_index(data):
    engine, _ = data
    with no_full_scan(engine, BIG) as seen, uow(engine) as reading:
        Referrals(reading).closed_before("2030-01-01T00:00:00.000000Z")
    assert seen

