"""The Referral aggregate: status, timeline, downstream ids and its route; no IO."""
import pytest

from kring.errors import NotAllowed
from services.referral.directory import Route
from services.referral.domain import Referral, TimelineEntry
from services.referral.events import Closed, Received, StatusChanged, Withdrawn
from tests.support.sample import referral_body

ORG = "huisarts-oost"
FAMILY_KEY = "family-key-1"


def at(minute):
    """A moment in the format the service stores (ISO 8601 UTC, microseconds)."""
    return f"2026-11-20T10:{minute:02d}:00.000000Z"


def arrived(minute=0):
    return Referral.receive("r-1", ORG, referral_body(), at(minute), FAMILY_KEY)


def received(minute=0):
    """A referral as a later transaction loads it: its arrival already told."""
    referral = arrived(minute)
    referral.events.clear()
    return referral


def statuses(referral):
    return [entry.status for entry in referral.timeline]


def snapshot(referral):
    """Everything a later event could change."""
    return (referral.status, referral.status_at, referral.outcome, list(referral.timeline),
            referral.proposal_id, referral.case_id, referral.aftercare_id, list(referral.events))


def test_receive_stores_the_body_and_starts_the_timeline():
    referral = arrived()
    assert (referral.status, referral.status_at, referral.outcome) == ("received", at(0), None)
    assert (referral.external_ref, referral.programme, referral.org) == (
        "HA-2026-0042", "home-start", ORG)
    assert referral.timeline == [TimelineEntry("received", at(0))]
    assert set(referral.details) == {"referrer", "family", "request", "consent"}
    assert (referral.proposal_id, referral.case_id, referral.aftercare_id) == (None, None, None)
    assert referral.events == [Received(FAMILY_KEY)]


def test_an_intake_that_fits_moves_to_matching():
    referral = received()
    referral.record_intake(True, None, "home-start-oost", at(1))
    assert (referral.status, referral.status_at, referral.outcome) == ("matching", at(1), None)
    assert referral.coordinating_org == "home-start-oost"
    # the timeline names the status it moved to, not only the event that moved it
    assert statuses(referral) == ["received", "intake_done", "matching"]
    assert referral.events == [StatusChanged("matching")]


def test_an_intake_that_does_not_fit_closes_as_declined():
    referral = received()
    referral.record_intake(False, "outside the programme", "home-start-oost", at(1))
    assert (referral.status, referral.outcome) == ("closed", "declined")
    assert referral.timeline[1:] == [TimelineEntry("intake_done", at(1), "does not fit"),
                                     TimelineEntry("closed", at(1), "declined")]
    assert referral.events == [Closed("declined", "outside the programme")]


def test_withdraw_closes_as_withdrawn():
    referral = received()
    referral.withdraw("family", "we manage now", at(2))
    assert (referral.status, referral.outcome, referral.status_at) == (
        "closed", "withdrawn", at(2))
    assert referral.timeline[1:] == [TimelineEntry("withdrawn", at(2), "by family"),
                                     TimelineEntry("closed", at(2), "withdrawn")]
    assert referral.events == [Withdrawn("family", "we manage now"),
                               Closed("withdrawn", "we manage now")]


def test_withdrawing_a_closed_referral_is_not_allowed():
    referral = received()
    referral.withdraw("family", None, at(1))
    before = snapshot(referral)
    with pytest.raises(NotAllowed):
        referral.withdraw("referrer", None, at(2))
    assert snapshot(referral) == before


@pytest.mark.parametrize("event_type,ids,status,id_field,labels", [
    ("proposal_made", {"proposal_id": "p-1"}, "matching", "proposal_id",
     ["proposal_made", "matching"]),
    ("referral_waitlisted", {}, "waitlisted", None, ["waitlisted"]),
    ("case_started", {"case_id": "c-1"}, "in_progress", "case_id", ["in_progress"]),
    ("case_reopened", {"case_id": "c-1"}, "in_progress", None, ["case_reopened", "in_progress"]),
    ("aftercare_started", {"aftercare_id": "a-1"}, "aftercare", "aftercare_id", ["aftercare"]),
])
def test_progress_sets_status_and_ids(event_type, ids, status, id_field, labels):
    referral = received()
    referral.record_progress(event_type, ids, at(1))
    assert (referral.status, referral.status_at) == (status, at(1))
    if id_field:
        assert getattr(referral, id_field) == ids[id_field]
    added = referral.timeline[1:]
    assert [entry.status for entry in added] == labels
    assert {entry.at for entry in added} == {at(1)}
    assert referral.events == [StatusChanged(status)]


@pytest.mark.parametrize("event_type,label", [
    ("proposal_declined", "proposal_declined"), ("match_made", "matched"),
    ("case_closed", "case_closed"), ("case_handed_over", "handed_over")])
def test_progress_without_a_status_only_adds_to_the_timeline(event_type, label):
    referral = received()
    referral.record_progress(event_type, {}, at(1))
    assert (referral.status, referral.status_at) == ("received", at(0))
    assert referral.timeline[-1] == TimelineEntry(label, at(1))
    assert referral.events == []


def test_a_stale_event_is_recorded_but_does_not_change_the_status():
    referral = received()
    referral.record_progress("aftercare_started", {"aftercare_id": "a-1"}, at(5))
    referral.record_progress("case_started", {"case_id": "c-1"}, at(3))  # overtaken in transit
    assert (referral.status, referral.status_at) == ("aftercare", at(5))
    assert TimelineEntry("in_progress", at(3)) in referral.timeline
    assert referral.events == [StatusChanged("aftercare")]


def closed_referral():
    referral = received()
    referral.record_intake(False, None, "home-start-oost", at(1))
    referral.events.clear()
    return referral


@pytest.mark.parametrize("late", [
    lambda r: r.record_intake(True, None, "home-start-oost", at(9)),
    lambda r: r.record_progress("case_started", {"case_id": "c-1"}, at(9)),
    lambda r: r.record_progress("case_handed_over", {}, at(9)),
    lambda r: r.complete(at(9)),
], ids=["intake", "case_started", "case_handed_over", "complete"])
def test_nothing_changes_a_closed_referral(late):
    referral = closed_referral()
    before = snapshot(referral)
    late(referral)
    assert snapshot(referral) == before


def test_complete_closes_as_completed():
    referral = received()
    referral.record_progress("aftercare_started", {"aftercare_id": "a-1"}, at(1))
    referral.events.clear()
    referral.complete(at(2))
    assert (referral.status, referral.outcome, referral.status_at) == (
        "closed", "completed", at(2))
    assert referral.timeline[-1] == TimelineEntry("closed", at(2), "completed")
    assert referral.events == [Closed("completed", None)]


def test_a_routed_referral_says_where_it_went():
    referral = Referral.receive("r-1", ORG, referral_body(), at(0), FAMILY_KEY,
                                route=Route("home-start-oost", "GM0344"))
    assert (referral.coordinating_org, referral.municipality_code) == ("home-start-oost",
                                                                       "GM0344")
    assert referral.timeline == [TimelineEntry("received", at(0), "routed to home-start-oost")]


def test_the_intake_does_not_change_the_route():
    referral = Referral.receive("r-1", ORG, referral_body(), at(0), FAMILY_KEY,
                                route=Route("home-start-oost", "GM0344"))
    referral.record_intake(True, None, "someone-else", at(1))
    assert referral.coordinating_org == "home-start-oost"


def test_a_referral_stored_before_routing_is_routed_once():
    referral = received()
    assert referral.municipality == "Utrecht"
    referral.route_to(Route("home-start-oost", "GM0344"))
    referral.route_to(Route("home-start-west", "GM0344"))
    assert (referral.coordinating_org, referral.municipality_code) == ("home-start-oost",
                                                                       "GM0344")


def test_the_timeline_is_shown_in_time_order():
    referral = received()
    referral.record_progress("case_started", {"case_id": "c-1"}, at(7))
    referral.record_intake(True, None, "home-start-oost", at(2))  # arrived late
    referral.record_progress("proposal_made", {"proposal_id": "p-1"}, at(4))
    assert [(e.status, e.at) for e in referral.sorted_timeline()] == [
        ("received", at(0)), ("intake_done", at(2)), ("proposal_made", at(4)),
        ("in_progress", at(7))]
    assert referral.status == "in_progress"


def test_the_case_start_is_known_from_the_timeline_and_is_the_first_one():
    referral = received()
    referral.record_intake(True, None, "Home-Start Oost", at(1))
    assert referral.case_started_at() is None
    referral.record_progress("case_started", {"case_id": "c-1"}, at(3))
    referral.record_progress("case_reopened", {"case_id": "c-1"}, at(8))  # a relapse
    referral.withdraw("family", None, at(9))
    assert referral.case_started_at() == at(3)


def test_a_case_start_heard_after_the_closure_is_not_a_start_of_this_referral():
    referral = received()
    referral.withdraw("referrer", None, at(2))
    referral.record_progress("case_started", {"case_id": "c-1"}, at(3))
    assert referral.case_started_at() is None


# --- erasure (docs/contract.md §7) --------------------------------------------------------

def test_erasing_an_open_referral_withdraws_it_first_and_keeps_only_what_is_anonymous():
    referral = received()
    assert referral.erase("admin", "home-start-oost", at(5)) is True
    assert (referral.status, referral.outcome, referral.erased_at) == ("closed", "withdrawn",
                                                                       at(5))
    assert referral.details["family"] == {"municipality": "Utrecht"}
    assert set(referral.details) == {"family", "consent"}  # the record of what was agreed
    assert referral.details["consent"]["withdrawal_reason"] is None
    assert statuses(referral)[-3:] == ["withdrawn", "closed", "erased"]
    assert referral.timeline[-1].detail == "by admin of home-start-oost"
    assert [type(event).__name__ for event in referral.events] == ["Withdrawn", "Closed",
                                                                    "Erased"]


def test_erasing_again_changes_nothing_but_may_ask_the_stages_again():
    referral = received()
    referral.erase("admin", "home-start-oost", at(5))
    referral.events.clear()
    before = snapshot(referral)
    assert referral.erase("operator", "platform", at(9)) is False
    assert snapshot(referral) == before
    referral.ask_again()
    assert [(type(e).__name__, e.at) for e in referral.events] == [("Erased", at(5))]


def test_a_closed_referral_is_erased_without_a_second_closure():
    referral = received()
    referral.withdraw("family", "we manage", at(1))
    referral.events.clear()
    referral.erase("admin", "home-start-oost", at(5))
    assert statuses(referral).count("closed") == 1
    assert [type(event).__name__ for event in referral.events] == ["Erased"]


def test_the_consent_record_stays_without_the_reason_of_its_withdrawal():
    referral = received()
    referral.withdraw_consent("family", "carla", "home-start-oost", "we moved away", at(1))
    referral.erase("admin", "home-start-oost", at(5))
    assert referral.consent.withdrawn_at == at(1)
    assert referral.consent.withdrawal_reason is None
    assert "we moved away" not in str(referral.details)
