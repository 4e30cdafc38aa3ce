"""Matching on the real broker and database: proposals, answers, the waiting list, and what
casework's and referral's events do to a supporter's capacity."""
from kring.contracts.events import make_event
from tests.support.integration.matching import COORDINATOR, intake, received, register, respond


def referred(deliver, api, emitted, expect=2, **profile):
    """A referral matching has heard of, its intake done; returns (referral_id, intake answer).
    `expect` events follow the intake (recorded, then proposed or waitlisted)."""
    referral_id = deliver(received(**profile)).referral_id
    shown = intake(api, referral_id)
    assert [kind for kind, _ in emitted.types(expect)][0] == "intake_recorded"
    return referral_id, shown


def load(api, supporter_id):
    shown = api.get(f"/supporters/{supporter_id}", COORDINATOR).json()
    return shown["load"], shown["reserved"]


def test_an_intake_that_does_not_fit_emits_only_the_intake(matching, api, deliver, emitted):
    register(api)
    declined = deliver(received()).referral_id
    assert intake(api, declined, fits=False, severity=None) == {
        "referral_id": declined, "status": "declined", "proposal_id": None}
    message = emitted.next()
    assert (message["type"], message["data"]["fits"]) == ("intake_recorded", False)
    sentinel = deliver(received()).referral_id
    intake(api, sentinel)
    assert emitted.types(2) == [("intake_recorded", sentinel), ("proposal_made", sentinel)]


def test_both_yes_makes_the_match(matching, api, deliver, emitted):
    supporter_id = register(api, kind="professional", capacity=2)
    referral_id, shown = referred(deliver, api, emitted)
    respond(api, shown["proposal_id"], "family", True)
    accepted = respond(api, shown["proposal_id"], "supporter", True)
    assert (accepted["status"], sorted(accepted["answers"])) == (
        "accepted", ["family", "supporter"])
    message = emitted.next()
    assert (message["type"], message["referral_id"], message["data"]) == (
        "match_made", referral_id, {"proposal_id": shown["proposal_id"],
                                    "supporter_id": supporter_id,
                                    "supporter_kind": "professional", "severity": "medium",
                                    "coordinator_org": "home-start-oost",
                                    "programme": "home-start"})
    assert load(api, supporter_id) == (1, 0)
    assert respond(api, shown["proposal_id"], "family", False, status=409)["error"] == \
        "conflict"


def test_a_no_declines_and_proposes_the_next_candidate(matching, api, deliver, emitted):
    first = register(api, "Anna", expertise=["parenting"])
    second = register(api, "Bram")
    referral_id, shown = referred(deliver, api, emitted)
    answer = respond(api, shown["proposal_id"], "supporter", False)
    assert (answer["status"], answer["supporter_id"]) == ("declined", first)
    declined, made = emitted.next(), emitted.next()
    assert (declined["type"], declined["data"]) == (
        "proposal_declined", {"proposal_id": shown["proposal_id"], "party": "supporter"})
    assert (made["type"], made["data"]["supporter_id"], made["data"]["proposal_id"]) == (
        "proposal_made", second, answer["next_proposal_id"])
    assert load(api, first) == (0, 0)


def test_the_waiting_list_is_served_oldest_first_when_a_supporter_arrives(matching, api,
                                                                           deliver, emitted):
    older, shown = referred(deliver, api, emitted)
    assert shown == {"referral_id": older, "status": "waitlisted", "proposal_id": None}
    newer, _ = referred(deliver, api, emitted)
    supporter_id = register(api, capacity=1)
    made = emitted.next()
    assert (made["type"], made["referral_id"], made["data"]["supporter_id"]) == (
        "proposal_made", older, supporter_id)
    api.call("PATCH", f"/supporters/{supporter_id}", COORDINATOR, json={"capacity": 2})
    assert emitted.types(1) == [("proposal_made", newer)]


def test_a_handover_frees_the_supporter_for_the_waiting_family(matching, api, deliver,
                                                                emitted):
    supporter_id = register(api, capacity=1)
    first, shown = referred(deliver, api, emitted)
    respond(api, shown["proposal_id"], "family", True)
    respond(api, shown["proposal_id"], "supporter", True)
    assert emitted.types(1) == [("match_made", first)]
    waiting, _ = referred(deliver, api, emitted)
    handover = make_event("casework", "case_handed_over", first, case_id="c-1",
                          supporter_id=supporter_id, receiving_kind="local_partner",
                          receiving_name="Buurtteam Oost", severity="medium")
    deliver(handover)
    assert emitted.types(1) == [("proposal_made", waiting)]
    assert load(api, supporter_id) == (0, 1)
    deliver(make_event("casework", "case_reopened", first, case_id="c-1",
                       supporter_id=supporter_id))
    assert load(api, supporter_id) == (1, 1)
    deliver(handover)  # redelivered after the relapse: applied once, the family keeps its place
    assert load(api, supporter_id) == (1, 1)
    sentinel, _ = referred(deliver, api, emitted)  # no second proposal slipped out before
    assert emitted.simple.qsize() == 0


def test_a_withdrawal_cancels_the_open_proposal(matching, api, deliver, emitted):
    supporter_id = register(api, capacity=1)
    first, shown = referred(deliver, api, emitted)
    waiting, _ = referred(deliver, api, emitted)
    withdrawal = make_event("referral", "referral_withdrawn", first, by_role="family")
    deliver(withdrawal)
    deliver(withdrawal)
    deliver(make_event("referral", "referral_closed", first, outcome="withdrawn"))
    proposal = api.get(f"/proposals/{shown['proposal_id']}", COORDINATOR).json()
    assert proposal["status"] == "cancelled"
    assert emitted.types(1) == [("proposal_made", waiting)]
    assert load(api, supporter_id) == (0, 1)
    assert respond(api, shown["proposal_id"], "family", True, status=409)
    assert intake(api, first, status=409)["error"] == "conflict"
