"""An intake for a referral matching has not heard of yet (docs/contract.md §4 "Error
answers"): `not_ready` for the coordinators it is routed to, as the referral service says,
and exactly an unknown id's 404 for everyone else; the referral service is asked only then."""
import pytest

from kring.contracts.events import make_event
from kring.errors import NotAllowed, NotFound, NotReady, Unavailable
from kring.kit.access import Owner
from services.matching import handlers
from tests.support.unit.matching import AT, ORG, OTHER_ORG, intake, outbox_tuples, received


class ReferralService:
    """The referral service's word on whose a referral is, and who asked it."""

    def __init__(self, *known):
        self.known = {referral_id: Owner(referral_id=referral_id, coordinating_org=ORG)
                      for referral_id in known}
        self.asked = []

    def __call__(self, referral_id):
        self.asked.append(referral_id)
        return self.known.get(referral_id)


def answer(call):
    try:
        call()
    except (NotReady, NotFound) as exc:
        return exc.code, exc.message
    raise AssertionError("the intake was taken")


def test_the_routed_coordinator_is_told_not_ready_everyone_else_not_found(uow):
    accepted = ReferralService("r-1")
    assert answer(lambda: intake(uow, "r-1", accepted=accepted))[0] == "not_ready"
    assert answer(lambda: intake(uow, "r-1", org=OTHER_ORG, accepted=accepted)) == \
        ("not_found", "no referral r-1")
    assert answer(lambda: intake(uow, "r-unknown", accepted=accepted)) == \
        ("not_found", "no referral r-unknown")
    assert outbox_tuples(uow) == []  # nothing recorded


def test_once_matching_has_heard_it_the_intake_is_taken_and_nobody_is_asked(uow):
    accepted = ReferralService("r-1")
    handlers.receive_referral(uow, received("r-1"), AT)
    assert intake(uow, "r-1", accepted=accepted)["status"] in ("matching", "waitlisted")
    with pytest.raises(NotFound):  # heard of, and another organisation's: as before
        intake(uow, "r-1", org=OTHER_ORG, accepted=accepted)
    assert accepted.asked == []


def test_an_end_heard_before_the_referral_is_not_ready_until_the_referral_comes(uow):
    accepted = ReferralService("r-1")
    handlers.end_referral(uow, make_event("referral", "referral_withdrawn", "r-1",
                                          by_role="referrer"), AT)
    assert answer(lambda: intake(uow, "r-1", accepted=accepted))[0] == "not_ready"
    assert answer(lambda: intake(uow, "r-1", org=OTHER_ORG, accepted=accepted))[0] == \
        "not_found"
    handlers.receive_referral(uow, received("r-1"), AT)  # now with its route: it is over
    with pytest.raises(NotAllowed, match="over"):
        intake(uow, "r-1", accepted=accepted)


def test_a_referral_service_that_does_not_answer_makes_every_id_unavailable(uow):
    def silent(referral_id):
        raise Unavailable("the referral service did not answer in time; try again")
    for referral_id in ("r-1", "r-unknown"):
        with pytest.raises(Unavailable):
            intake(uow, referral_id, accepted=silent)


def test_the_referral_service_is_asked_after_the_transaction_that_missed(uow):
    """No transaction, and so no turn, is held while the referral service is asked: other
    matching decisions go on meanwhile."""
    open_then = []

    def asked(referral_id):
        open_then.append(uow.session is not None)
        return None
    with pytest.raises(NotFound):
        intake(uow, "r-1", accepted=asked)
    assert open_then == [False]
