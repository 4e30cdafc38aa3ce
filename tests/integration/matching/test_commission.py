"""Matching and the municipality's commission on the real broker and database (SQLite and
PostgreSQL): a family-trajectory intake proposes nobody until referral_commissioned arrives;
a no or a withdrawal while waiting frees nothing (docs/contract.md §4 "Commissions")."""
from kring.contracts.events import make_event
from tests.support.integration.matching import COORDINATOR, intake, received, register, respond

TRAJECTORY = "family-trajectory"  # commission_required: true


def professional(api, name="Anna", capacity=1):
    return register(api, name, kind="professional", programmes=[TRAJECTORY],
                    capacity=capacity)


def waiting(deliver, api, emitted):
    referral_id = deliver(received(programme=TRAJECTORY)).referral_id
    assert intake(api, referral_id) == {"referral_id": referral_id,
                                        "status": "awaiting_commission", "proposal_id": None}
    recorded = emitted.next()
    assert (recorded["type"], recorded["data"]["commission_required"]) == (
        "intake_recorded", True)
    return referral_id


def commissioned(referral_id):
    return make_event("referral", "referral_commissioned", referral_id,
                      municipality_code="GM0344")


def usage(api, supporter_id):
    shown = api.get(f"/supporters/{supporter_id}", COORDINATOR).json()
    return shown["load"], shown["reserved"]


def test_a_commission_starts_matching_as_a_fitting_intake_would(matching, api, deliver,
                                                                 emitted):
    supporter_id = professional(api)
    referral_id = waiting(deliver, api, emitted)
    assert usage(api, supporter_id) == (0, 0)
    deliver(commissioned(referral_id))
    made = emitted.next()
    assert (made["type"], made["referral_id"], made["data"]["supporter_id"]) == (
        "proposal_made", referral_id, supporter_id)
    respond(api, made["data"]["proposal_id"], "family", True)
    respond(api, made["data"]["proposal_id"], "supporter", True)
    assert emitted.types(1) == [("match_made", referral_id)]
    deliver(commissioned(referral_id))  # redelivered: nothing more
    assert usage(api, supporter_id) == (1, 0)
    assert emitted.simple.qsize() == 0


def test_without_a_candidate_the_commissioned_family_waits(matching, api, deliver, emitted):
    referral_id = waiting(deliver, api, emitted)
    deliver(commissioned(referral_id))
    assert emitted.types(1) == [("referral_waitlisted", referral_id)]


def test_a_no_or_a_withdrawal_while_waiting_frees_nothing(matching, api, deliver, emitted):
    declined = waiting(deliver, api, emitted)
    withdrawn = waiting(deliver, api, emitted)
    deliver(make_event("referral", "referral_closed", declined, outcome="declined"))
    deliver(make_event("referral", "referral_withdrawn", withdrawn, by_role="family"))
    supporter_id = professional(api, capacity=1)  # serves the waiting list: nobody is on it
    deliver(commissioned(withdrawn))  # too late: it ended
    assert usage(api, supporter_id) == (0, 0)
    sentinel = deliver(received(programme="home-start")).referral_id
    home_start = register(api, "Bram")
    assert intake(api, sentinel)["status"] == "matching"  # as always: no commission needed
    assert emitted.types(2) == [("intake_recorded", sentinel), ("proposal_made", sentinel)]
    assert usage(api, home_start) == (0, 1)
