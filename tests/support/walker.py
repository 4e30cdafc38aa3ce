"""Walks referrals through every stage to `closed` over the public API, whatever happens.

Each step looks at where a referral is now and does the next thing a coordinator would do;
every step is safe to repeat (a 409 means it was already done, or, `not_ready`, that a service
has not heard of it yet), so the walk survives restarts, redeliveries and outages of what it
drives.
A test driver, not part of the product: used by the fault tests and by bench/soak.py.
"""
import time

import requests

from kring.client import ApiClient, ApiError

# tried again on the next round: 409 (done already, or `not_ready`), 503 (unavailable), and
# 404, what a service from before `not_ready` answered for a referral it had not heard of yet
# (docs/contract.md §4 "Error answers"): a walk across an upgrade takes both
RETRYABLE = (404, 409, 503)


class Walker(ApiClient):
    def __init__(self, base_url, secret, **kwargs):
        super().__init__(base_url, secret, **kwargs)
        self.errors = []

    def submit(self, body):
        return self.call("POST", "/referrals", self.referrer, body)["referral_id"]

    def step(self, referral_id):
        """One step forward; returns the status the referral had."""
        return self.advance(referral_id, self.referral(referral_id))

    def advance(self, referral_id, view):
        """The next step from `view`, the referral as last read; returns its status. The step
        is chosen from that one reading: a second one may find the referral moved on."""
        status = view["status"]
        coordinator = self.coordinator
        if status == "received":
            self.call("POST", "/intakes", coordinator, {
                "referral_id": referral_id, "fits": True, "severity": "low",
                "reason": "intake held"}, accept=(200, 201) + RETRYABLE)
        elif status == "matching" and view.get("proposal_id"):
            for party in ("family", "supporter"):
                self.call("POST", f"/proposals/{view['proposal_id']}/responses", coordinator,
                          {"party": party, "accept": True, "reason": "yes"},
                          accept=(200, 201) + RETRYABLE)
        elif status == "in_progress" and view.get("case_id"):
            case = f"/cases/{view['case_id']}"
            self.call("POST", f"{case}/close", coordinator,
                      {"evaluation": "parents manage", "goals_met": True},
                      accept=(200, 201) + RETRYABLE)
            self.call("POST", f"{case}/handover", coordinator, {
                "receiving_party": {"kind": "municipality", "name": "Gemeente Utrecht"},
                "summary": "handed over"}, accept=(200, 201) + RETRYABLE)
        elif status == "aftercare" and view.get("aftercare_id"):
            self.call("POST", f"/aftercare/{view['aftercare_id']}/complete", coordinator,
                      {"notes": "done"}, accept=(200, 201) + RETRYABLE)
        return status

    def walk(self, referral_ids, timeout=120, pause=0.1):
        """Step every referral until all are closed; returns those still open at the deadline.

        A request that fails outright (the service is restarting) is noted and tried again.
        """
        open_ids = list(referral_ids)
        deadline = time.monotonic() + timeout
        while open_ids and time.monotonic() < deadline:
            still_open = []
            for referral_id in open_ids:
                try:
                    if self.step(referral_id) != "closed":
                        still_open.append(referral_id)
                except (ApiError, requests.RequestException) as exc:
                    self.errors.append(str(exc))
                    still_open.append(referral_id)
            open_ids = still_open
            if open_ids:
                time.sleep(pause)  # the services work by events: give them a moment
        return open_ids


class PlannedWalker(Walker):
    """A Walker that walks each referral to the outcome planned for it: `completed`
    (the Walker's own way), `declined` at intake, or `withdrawn` by the referrer mid-case."""

    def __init__(self, base_url, secret, plans):
        super().__init__(base_url, secret)
        self.plans = plans

    def step(self, referral_id):
        plan = self.plans.get(referral_id, "completed")
        view = self.referral(referral_id)
        if plan == "completed":
            return self.advance(referral_id, view)
        status = view["status"]
        if plan == "declined" and status == "received":
            self.call("POST", "/intakes", self.coordinator, {
                "referral_id": referral_id, "fits": False, "reason": "does not fit"},
                accept=(200, 201) + RETRYABLE)
        elif plan == "withdrawn" and status == "in_progress":
            self.call("POST", f"/referrals/{referral_id}/withdraw", self.referrer,
                      {"by": "family", "reason": "the family stops"},
                      accept=(200, 201) + RETRYABLE)
        elif plan == "withdrawn" and status in ("received", "matching"):
            # on to the start of the case first; from this reading, or a case that started
            # meanwhile would be closed and handed over instead of withdrawn
            return self.advance(referral_id, view)
        return status
