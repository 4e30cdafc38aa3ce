"""The waiting list (wachtlijst): oldest first, and no last place promised twice."""
from services.matching.scoring import rematch
from tests.support.unit.matching import OTHER_ORG, referral, supporter


def waiting(referral_id, since, **profile):
    made = referral(referral_id, **profile)
    made.place(None, "unused", since)
    made.events.clear()
    return made


def test_the_oldest_waiting_family_gets_the_one_free_place():
    pool = [supporter(capacity=1)]
    newer = waiting("r-new", "2026-03-02T10:00:00.000000Z")
    older = waiting("r-old", "2026-02-01T10:00:00.000000Z")
    placed = rematch([newer, older], pool)
    assert [(r.referral_id, c.supporter.supporter_id) for r, c in placed] == [("r-old", "s-1")]


def test_each_proposal_reserves_capacity_before_the_next_family_is_considered():
    pool = [supporter("s-1", 1, capacity=2, load=1), supporter("s-2", 2, capacity=1)]
    families = [waiting(f"r-{n}", f"2026-02-0{n}T10:00:00.000000Z") for n in (1, 2, 3)]
    placed = rematch(families, pool)
    # s-2 is idle, so the lighter load wins first; then s-1's last place; r-3 waits on
    assert [(r.referral_id, c.supporter.supporter_id) for r, c in placed] == [
        ("r-1", "s-2"), ("r-2", "s-1")]
    assert [s.reserved for s in pool] == [0, 0]  # the caller's supporters are left alone


def test_a_family_nobody_fits_does_not_hold_up_the_ones_behind_it():
    pool = [supporter(languages=["nl"])]
    stuck = waiting("r-1", "2026-02-01T10:00:00.000000Z", languages=["ar"])
    behind = waiting("r-2", "2026-02-02T10:00:00.000000Z")
    assert [r.referral_id for r, _ in rematch([stuck, behind], pool)] == ["r-2"]


def test_a_declined_supporter_is_not_offered_to_that_family_from_the_waiting_list():
    family = waiting("r-1", "2026-02-01T10:00:00.000000Z")
    family.declined_supporters.append("s-1")
    assert rematch([family], [supporter("s-1")]) == []


def test_a_waiting_family_is_offered_only_its_coordinating_organisations_supporters():
    pool = [supporter("s-1", 1, organisation=OTHER_ORG, capacity=3)]
    ours = waiting("r-1", "2026-02-01T10:00:00.000000Z")
    theirs = waiting("r-2", "2026-02-02T10:00:00.000000Z", coordinating_org=OTHER_ORG)
    assert [(r.referral_id, c.supporter.supporter_id) for r, c in rematch([ours, theirs], pool)] \
        == [("r-2", "s-1")]
