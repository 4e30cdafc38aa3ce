"""Every lookup of matching's steps uses an index: no step reads the referrals, supporters,
proposals or their areas from end to end (tests/support/query_plans.py; the scale bench's data
at a small size, on SQLite)."""
import pytest
from sqlalchemy import select

from kring.clock import iso, utcnow
from services.matching import handlers
from services.matching.models import Proposals, ReferralRow, Referrals
from tests.support.query_plans import data_of, no_full_scan, units_of
from tests.support.unit.matching import caller

BIG = {"matching_referrals", "supporters", "supporter_areas", "proposals", "audit", "inbox",
       "outbox", "retention"}

data = data_of("matching")
uow = units_of("matching")


def test_the_intake_finds_its_referral_and_candidates_by_index(data):
    engine, sample = data
    body = {"referral_id": sample["received"], "fits": True, "severity": "medium",
            "reason": "fits"}
    with no_full_scan(engine, BIG) as seen:
        handlers.record_intake(uow(engine), caller("recordIntake", sample["received_org"]),
                               body, iso(utcnow()), lambda _referral_id: None)
    assert any("supporter_areas" in statement for statement, _ in seen)


def test_an_answer_finds_its_proposal_and_the_next_candidate_by_index(data):
    engine, sample = data
    with no_full_scan(engine, BIG) as seen:
        handlers.respond_to_proposal(uow(engine), caller("respondToProposal",
                                                         sample["proposal_org"]),
                                     sample["proposal"], "family", False, "not now",
                                     iso(utcnow()))
    assert seen


def test_re_matching_the_waiting_list_reads_it_and_its_supporters_by_index(data):
    engine, _ = data
    with no_full_scan(engine, BIG) as seen:
        handlers.rematch_waiting_list(uow(engine), iso(utcnow()))
    assert any("supporter_areas" in statement for statement, _ in seen)


def test_a_supporter_and_an_organisation_s_supporters_are_found_by_index(data):
    engine, sample = data
    with no_full_scan(engine, BIG) as seen:
        handlers.get_supporter(uow(engine), caller("getSupporter", sample["supporter_org"]),
                               sample["supporter"])
        who = caller("listSupporters", sample["supporter_org"])
        first = handlers.list_supporters(uow(engine), who, {"limit": 5})
        handlers.list_supporters(uow(engine), who, {"limit": 5, "cursor": first["next_cursor"]})
    assert first["next_cursor"] and seen


def test_another_service_s_event_finds_its_referral_by_index(data):
    engine, sample = data
    with no_full_scan(engine, BIG) as seen, uow(engine) as reading:
        Referrals(reading).get(sample["waiting"])
        Proposals(reading).of_referral(sample["waiting"])
    assert seen


def test_the_check_sees_a_table_read_whole(data):
    engine, _ = data
    with pytest.raises(AssertionError, match="SCAN matching_referrals"):
        with no_full_scan(engine, BIG), uow(engine) as reading:  # urgency has no index
            reading.session.execute(select(ReferralRow).where(ReferralRow.urgency == "high"))
