"""The walker of the fault tests and the soak decides each step from one reading of the
referral: a referral moving on between two readings must not be walked down another path."""
from tests.support.walker import PlannedWalker

RID = "r-1"


class Moving(PlannedWalker):
    """Reads the referral from a script of views; records the calls instead of making them."""

    def __init__(self, plans, views):
        super().__init__("http://127.0.0.1:9", "a-secret-of-at-least-thirty-two-characters",
                         plans)
        self.views, self.calls = list(views), []

    def referral(self, referral_id):
        return self.views.pop(0) if len(self.views) > 1 else self.views[0]

    def call(self, method, path, token, body=None, accept=(200, 201)):
        self.calls.append((method, path))


MATCHING = {"status": "matching", "proposal_id": "p-1", "case_id": None}
STARTED = {"status": "in_progress", "proposal_id": "p-1", "case_id": "c-1"}


def test_a_referral_to_be_withdrawn_is_never_closed_and_handed_over():
    walker = Moving({RID: "withdrawn"}, [MATCHING, STARTED])  # the case starts in between
    assert walker.step(RID) == "matching"
    assert walker.calls == [("POST", "/proposals/p-1/responses")] * 2
    assert walker.step(RID) == "in_progress"
    assert walker.calls[2:] == [("POST", f"/referrals/{RID}/withdraw")]


def test_a_referral_to_be_completed_is_walked_from_the_same_reading():
    walker = Moving({RID: "completed"}, [MATCHING, STARTED])
    assert walker.step(RID) == "matching"
    assert walker.calls == [("POST", "/proposals/p-1/responses")] * 2
