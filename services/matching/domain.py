"""Matching: the intake (kennismaking), proposals, the match (koppeling) and the waiting list.

Pure: no nameko, no SQLAlchemy, no IO. A MatchingReferral is the aggregate root; its proposals
change only through it. Which supporter to propose is scoring.py's business.
"""
from dataclasses import dataclass, field

from kring.errors import Invalid, NotAllowed
from services.matching import proposal as proposals  # a proposal's statuses, not a referral's
from services.matching.events import (IntakeRecorded, MatchMade, ProposalDeclined,
                                      ProposalMade, ReferralWaitlisted)
from services.matching.proposal import Proposal

# referral statuses, as matching sees them
RECEIVED, DECLINED, LOOKING = "received", "declined", "looking"  # looking: needs a candidate
MATCHING, WAITLISTED, MATCHED, OVER = "matching", "waitlisted", "matched", "over"
# it fits, and its programme needs the municipality's commission first (docs/contract.md §4
# "Commissions"): nothing is proposed until referral_commissioned
AWAITING = "awaiting"
NO_CANDIDATE = "no_candidate"  # a code of kring.contracts.events.WAITLIST_REASONS


@dataclass
class MatchingReferral:
    """What matching knows of a referral: its profile (no family identity) and where it stands."""
    referral_id: str
    programme: str | None
    municipality: str | None
    languages: list
    domains: list
    urgency: str | None
    family_key: str | None  # keyed hash: recognises the family, never names it
    received_at: str
    status: str = RECEIVED
    severity: str | None = None
    # the route: the organisation that coordinates it (referral_received's coordinating_org);
    # None only for a referral received before routing, until its intake is recorded
    coordinator_org: str | None = None
    waitlisted_at: str | None = None
    declined_supporters: list = field(default_factory=list)
    proposal_id: str | None = None  # the latest proposal
    supporter_id: str | None = None  # the matched supporter
    holds_capacity: bool = False  # the match takes one unit of the supporter's capacity
    ended_at: str | None = None
    events: list = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def receive(cls, referral_id, profile, at):
        return cls(referral_id, profile["programme"], profile["municipality"],
                   list(profile["languages"]), list(profile["domains"]), profile["urgency"],
                   profile["family_key"], at, coordinator_org=profile.get("coordinating_org"))

    @classmethod
    def ended_unseen(cls, referral_id, at):
        """Withdrawn or closed before its profile reached us (the queues may cross)."""
        return cls(referral_id, None, None, [], [], None, None, at, status=OVER, ended_at=at)

    @property
    def is_over(self):
        return self.status == OVER

    def learn_route(self, organisation):
        """The route, heard late (a profile that came after the end). A route never changes."""
        if self.coordinator_org is None:
            self.coordinator_org = organisation

    def record_intake(self, fits, severity, reason, recorder_org, commission_required=False):
        """The intake, held by a coordinator of `recorder_org`. A routed referral keeps its
        route (who may hold the intake is the caller's check); one received before routing is
        coordinated from now on by the organisation that holds its intake. When it fits and
        its programme needs a municipal commission, it waits for that before anything is
        proposed."""
        if self.is_over:
            raise NotAllowed("the referral is over (withdrawn or closed)")
        if self.status != RECEIVED:
            raise NotAllowed("the intake of this referral is already recorded")
        if fits and severity is None:
            raise Invalid("severity is required", {"severity": ["required when it fits"]})
        self.severity = severity
        self.coordinator_org = self.coordinator_org or recorder_org
        awaiting = fits and commission_required
        self.status = (AWAITING if awaiting else LOOKING) if fits else DECLINED
        self.events.append(IntakeRecorded(fits, severity, reason, self.coordinator_org,
                                          awaiting))

    def commission(self):
        """The municipality commissioned it: it looks for a supporter now. False when it was
        not waiting (over, or a redelivered decision): nothing changes then."""
        if self.status != AWAITING:
            return False
        self.status = LOOKING
        return True

    def place(self, candidate, proposal_id, at):
        """Propose `candidate` (a scoring.Candidate), or wait when there is none.

        Returns the new Proposal or None. A referral put back on the waiting list keeps its
        first place in the queue: a no from someone else is not its fault.
        """
        if self.status not in (LOOKING, WAITLISTED):
            raise NotAllowed(f"the referral is {self.status}: nothing to propose")
        if candidate is None:
            if self.status == LOOKING:
                self.status, self.waitlisted_at = WAITLISTED, self.waitlisted_at or at
                self.events.append(ReferralWaitlisted(NO_CANDIDATE))
            return None
        supporter = candidate.supporter
        proposal = Proposal(proposal_id, self.referral_id, supporter.supporter_id,
                            supporter.name, supporter.kind, candidate.score,
                            list(candidate.reasons), at)
        self.status, self.proposal_id = MATCHING, proposal_id
        self.events.append(ProposalMade(proposal_id, supporter.supporter_id, proposal.reasons))
        return proposal

    def answer(self, proposal, party, accept, reason, at):
        """The family's or the supporter's answer, given through the coordinator."""
        if proposal.status != proposals.OPEN or proposal.proposal_id != self.proposal_id or \
                self.status != MATCHING:
            raise NotAllowed(f"the proposal is {proposal.status}, no longer open")
        proposal.answer(party, accept, reason, at)
        if proposal.status == proposals.DECLINED:
            self.declined_supporters.append(proposal.supporter_id)  # never proposed again
            self.status = LOOKING
            self.events.append(ProposalDeclined(proposal.proposal_id, party))
        elif proposal.status == proposals.ACCEPTED:
            self.status, self.supporter_id, self.holds_capacity = (
                MATCHED, proposal.supporter_id, True)
            self.events.append(MatchMade(proposal.proposal_id, proposal.supporter_id,
                                         proposal.supporter_kind, self.severity,
                                         self.coordinator_org, self.programme))

    def end(self, open_proposal, at):
        """Withdrawn or closed: stop everything. True when a unit of capacity came free."""
        if self.is_over:
            return False
        freed = self.holds_capacity
        if open_proposal is not None and open_proposal.status == proposals.OPEN:
            open_proposal.cancel(at)
            freed = True
        self.status, self.ended_at, self.holds_capacity = OVER, at, False
        return freed

    def hand_over(self):
        """The case was handed over: the supporter is free again. True when capacity freed."""
        freed, self.holds_capacity = self.holds_capacity, False
        return freed

    def reopen(self):
        """A relapse reopened the case with the same supporter: it takes capacity again."""
        if self.status == MATCHED:
            self.holds_capacity = True

    def erase(self, proposals_of_it, at):
        """Its data is erased (docs/contract.md §7): the profile's languages, domains and the
        family pseudonym, and what its proposals say about the family. It ends too, should
        the withdrawal not have come first. True when a unit of capacity came free."""
        open_proposal = next((p for p in proposals_of_it if p.proposal_id == self.proposal_id),
                             None)
        freed = self.end(open_proposal, at)
        self.languages, self.domains, self.family_key = [], [], None
        for proposal in proposals_of_it:
            proposal.erase()
        return freed
