"""The referral (aanmelding / verwijzing): its status, its timeline, and when it is closed.

Pure: no nameko, no SQLAlchemy, no IO. The referral service is the one place that decides a
referral is closed; the other stages report to it through events, which may arrive out of order
(they travel on different queues), so a status is only ever replaced by a newer one.
"""
from dataclasses import dataclass, field

from kring.errors import NotAllowed
from services.referral.commission import Commission
from services.referral.consent import Consent
from services.referral.events import (Closed, Commissioned, ConsentWithdrawn, Erased, Received,
                                      Routed, StatusChanged, Withdrawn)

RECEIVED, MATCHING, WAITLISTED = "received", "matching", "waitlisted"
IN_PROGRESS, AFTERCARE, CLOSED = "in_progress", "aftercare", "closed"
COMPLETED, DECLINED, WITHDRAWN = "completed", "declined", "withdrawn"
ERASED = "erased"  # a timeline entry: the family's data is gone; the status stays closed
CONSENT_WITHDRAWN = "consent_withdrawn"  # a timeline entry, not a status
# timeline entries of the municipality's commission (docs/contract.md §4 "Commissions")
AWAITING_COMMISSION, COMMISSIONED, NOT_COMMISSIONED = (
    "awaiting_commission", "commissioned", "not_commissioned")

# downstream event type -> (timeline label, new status or None, id field it brings)
PROGRESS = {
    "proposal_made": ("proposal_made", MATCHING, "proposal_id"),
    "proposal_declined": ("proposal_declined", None, None),
    "referral_waitlisted": (WAITLISTED, WAITLISTED, None),
    "match_made": ("matched", None, None),
    "case_started": (IN_PROGRESS, IN_PROGRESS, "case_id"),
    "case_closed": ("case_closed", None, None),
    "case_handed_over": ("handed_over", None, None),
    "case_reopened": ("case_reopened", IN_PROGRESS, None),
    "aftercare_started": (AFTERCARE, AFTERCARE, "aftercare_id"),
}


@dataclass(frozen=True)
class TimelineEntry:
    status: str
    at: str  # ISO 8601 UTC with microseconds: sorts as text
    detail: str | None = None


@dataclass
class Referral:
    referral_id: str
    org: str
    external_ref: str
    programme: str
    details: dict  # referrer, family, request as submitted; consent: its record (consent.py)
    status: str = RECEIVED
    status_at: str = ""
    outcome: str | None = None
    timeline: list = field(default_factory=list)
    proposal_id: str | None = None
    case_id: str | None = None
    aftercare_id: str | None = None
    partner: str | None = None
    # the route (services/referral/directory.py): who coordinates it, for which municipality;
    # None only for a referral stored before routing, until the directory routes it
    coordinating_org: str | None = None
    municipality_code: str | None = None
    erased_at: str | None = None  # when the family's data was erased (None: it is here)
    # the municipality's commission, where a programme needs one: its state and moments in the
    # clear (the municipality's list is a query), the rest sealed in details["commission"]
    commission_state: str | None = None  # None: no commission was asked for
    commission_asked_at: str | None = None
    commission_decided_at: str | None = None
    # the family applied itself (services/referral/self_referral.py): `applicant` in details
    # in place of a referrer, and the notices go to the applicant
    self_referred: bool = False
    events: list = field(default_factory=list, compare=False, repr=False)  # domain events

    @classmethod
    def receive(cls, referral_id, org, body, at, family_key, partner=None, route=None,
                recorded_by=None):
        """A new referral from `body` (submitReferral); `family_key` is the family's pseudonym,
        `route` where it goes (services/referral/directory.py), `recorded_by` who submitted
        it ({"organisation", "person", "role"}), for the consent record."""
        details = {key: body[key] for key in ("referrer", "applicant", "family", "request")
                   if key in body}
        consent = Consent.given(body["consent"], at, recorded_by or {"organisation": org})
        details["consent"] = consent.stored(body["consent"])
        referral = cls(referral_id, org, body["external_ref"], body["programme"], details,
                       status_at=at, partner=partner, self_referred="applicant" in body)
        if route is not None:
            referral.coordinating_org = route.organisation
            referral.municipality_code = route.municipality_code
        referral.timeline.append(TimelineEntry(
            RECEIVED, at, f"routed to {route.organisation}" if route else None))
        referral.events.append(Received(family_key))
        return referral

    @property
    def is_closed(self):
        return self.status == CLOSED

    @property
    def consent(self):
        """What the family agreed to share, and whether it withdrew that (consent.py)."""
        return Consent.of(self.details.get("consent"))

    @property
    def informs_referring_org(self):
        """The referring organisation may see the referral's progress. When a partner
        submitted it, the partner is that organisation, and the partner's scope says."""
        consent = self.consent
        return consent.informs_partner if self.partner else consent.informs_referrer

    @property
    def notice_contact(self):
        """Who hears when support starts and ends: the referrer, or for a self-referral the
        applicant ({"email", "language", "organisation"})."""
        if self.self_referred:
            applicant = self.details["applicant"]
            return {"email": applicant["email"], "language": applicant["language"],
                    "organisation": self.org}
        return self.details["referrer"]

    @property
    def municipality(self):
        """The family's municipality as the referrer wrote it."""
        return self.details["family"]["municipality"]

    def route_to(self, route):
        """A referral stored before routing gets its route once the directory has one."""
        if self.coordinating_org is None:
            self.coordinating_org = route.organisation
            self.municipality_code = route.municipality_code
            self.events.append(Routed(route.organisation, route.municipality_code))

    def check_open(self):
        if self.is_closed:
            raise NotAllowed(f"the referral is already closed ({self.outcome})")

    def withdraw(self, by, reason, at):
        self.check_open()
        self.timeline.append(TimelineEntry(WITHDRAWN, at, f"by {by}"))
        self.events.append(Withdrawn(by, reason))
        self._close(WITHDRAWN, reason, at)

    def withdraw_consent(self, by, person, organisation, reason, at):
        """The family withdraws its consent to share: nothing more goes to the referrer or the
        partner. Support goes on, also after the referral closed it may be asked. The first
        withdrawal stands; another changes nothing (False)."""
        consent = self.consent
        if consent.withdrawn:
            return False
        withdrawn = consent.withdraw(by, person, organisation, reason, at)
        # a new dict, so the change is seen when it is stored
        self.details = {**self.details, "consent": withdrawn.stored(self.details.get("consent"))}
        self.timeline.append(TimelineEntry(CONSENT_WITHDRAWN, at, f"by {by}"))
        self.events.append(ConsentWithdrawn(by))
        return True

    def record_intake(self, fits, reason, coordinator_org, at, severity=None,
                      commission_required=False):
        """The intake: on to matching, closed as declined, or, for a programme that needs a
        municipal commission, waiting for it (the status stays `received`)."""
        if self.is_closed:
            return
        if self.coordinating_org is None:  # stored before routing, and still unrouted
            self.coordinating_org = coordinator_org
        self.timeline.append(TimelineEntry("intake_done", at, None if fits else "does not fit"))
        if fits and commission_required:
            if self.commission_state is None:  # asked once
                self._commission_change(Commission.asked(at, severity))
                self.timeline.append(TimelineEntry(AWAITING_COMMISSION, at))
        elif fits:
            self._move_to(MATCHING, at)
        else:
            self._close(DECLINED, reason, at)

    @property
    def commission(self):
        """The municipality's commission (services/referral/commission.py), or None."""
        return Commission.of(self.commission_state, self.commission_asked_at,
                             self.commission_decided_at, self.details.get("commission"))

    def decide_commission(self, commissioned, reason, by_role, by_org, person, at):
        """The municipality decides: yes, and matching starts; no, and the referral closes as
        declined. Only while it waits for the decision (a second decision is refused too)."""
        commission = self.commission
        if self.is_closed or commission is None or not commission.awaiting:
            raise NotAllowed("the referral is not waiting for a commission" + (
                f" (it is {commission.state})" if commission else ""))
        self._commission_change(commission.decide(commissioned, reason, by_role, by_org,
                                                  person, at))
        detail = f"by {by_role} of {by_org}"
        if commissioned:
            self.timeline.append(TimelineEntry(COMMISSIONED, at, detail))
            self.events.append(Commissioned(self.municipality_code))
            self._move_to(MATCHING, at)
        else:
            self.timeline.append(TimelineEntry(NOT_COMMISSIONED, at, detail))
            self._close(DECLINED, reason, at)

    def _commission_change(self, commission):
        self.commission_state = commission.state
        self.commission_asked_at = commission.asked_at
        self.commission_decided_at = commission.decided_at
        # a new dict, so the change is seen when it is stored
        self.details = {**self.details, "commission": commission.stored()}

    def record_progress(self, event_type, ids, at):
        """A later stage reported progress; stale or post-closure reports change nothing."""
        if self.is_closed:
            return
        label, status, id_field = PROGRESS[event_type]
        self.timeline.append(TimelineEntry(label, at))
        if id_field:
            setattr(self, id_field, ids[id_field])
        if status:
            self._move_to(status, at)

    def complete(self, at):
        if not self.is_closed:
            self._close(COMPLETED, None, at)

    def _move_to(self, status, at):
        if at < self.status_at:
            return
        if status != self.status:
            self.events.append(StatusChanged(status))
            # the timeline shows every status the referral passed through, under its own name
            # (docs/contract.md §1), also where the event that moved it is labelled otherwise
            if self.timeline[-1].status != status:
                self.timeline.append(TimelineEntry(status, at))
        self.status, self.status_at = status, at

    def _close(self, outcome, reason, at):
        commission = self.commission
        if commission is not None and commission.awaiting:  # nothing left to decide
            self._commission_change(commission.lapse())
        self.status, self.status_at, self.outcome = CLOSED, max(at, self.status_at), outcome
        self.timeline.append(TimelineEntry(CLOSED, at, outcome))
        self.events.append(Closed(outcome, reason))

    def case_started_at(self):
        """When the case began, as far as this referral has heard (None: it never did)."""
        return min((entry.at for entry in self.timeline if entry.status == IN_PROGRESS),
                   default=None)

    @property
    def is_erased(self):
        return self.erased_at is not None

    def erase(self, by_role, by_org, at):
        """Erase the family's data (docs/contract.md §7): an open referral is withdrawn first,
        by whoever asked. What stays is anonymous: programme, municipality, route, statuses,
        dates and outcome. The timeline says when and by whom (role and organisation). An
        erasure again changes nothing; `ask_again` repeats the request to the stages."""
        if self.is_erased:
            return False
        if not self.is_closed:
            self.withdraw(by_role, None, at)
        # the consent record stays (what was agreed, by whom, when: the ground on which the
        # data was held), but for the reason of a withdrawal, which is free text
        consent = self.details.get("consent")
        commission = self.commission
        self.details = {"family": {"municipality": self.municipality},
                        **({"consent": {**consent, "withdrawal_reason": None}}
                           if consent else {}),
                        # the decision stays (who decided, when), not the reason for a no
                        **({"commission": commission.erased().stored()} if commission else {})}
        self.erased_at = at
        self.timeline.append(TimelineEntry(ERASED, at, f"by {by_role} of {by_org}"))
        self.events.append(Erased(at))
        return True

    def ask_again(self):
        """A stage has not reported its part erased: the request goes out once more."""
        if self.is_erased:
            self.events.append(Erased(self.erased_at))

    def sorted_timeline(self):
        return sorted(self.timeline, key=lambda entry: entry.at)
