"""Steps shared by the use cases, inside the caller's transaction and turn (take_turn).

A referral that needs a supporter gets the best candidate or waits; whenever capacity frees, the
waiting list is matched again, oldest first. Domain events leave through the outbox.
"""
import uuid
from dataclasses import asdict

from kring.contracts.events import make_event
from services.matching.events import (IntakeRecorded, MatchMade, ProposalDeclined,
                                      ProposalMade, ReferralWaitlisted)
from services.matching.repository import Proposals, Referrals, Supporters
from services.matching.scoring import best_candidate, rematch

SOURCE = "matching"
EVENT_TYPES = {IntakeRecorded: "intake_recorded", ProposalMade: "proposal_made",
               ProposalDeclined: "proposal_declined", ReferralWaitlisted: "referral_waitlisted",
               MatchMade: "match_made"}


def save(uow, referral):
    """Store the referral and emit what happened to it, in the same transaction."""
    Referrals(uow.session).save(referral)
    for happened in referral.events:
        uow.emit(make_event(SOURCE, EVENT_TYPES[type(happened)], referral.referral_id,
                            **asdict(happened)))
    referral.events.clear()


def place(uow, referral, at):
    """Propose the best candidate to a referral looking for one, or put it on the waiting list.

    Returns the new Proposal, or None.
    """
    candidate = best_candidate(referral, Supporters(uow.session).all())
    proposal = referral.place(candidate, str(uuid.uuid4()), at)
    if proposal is not None:
        Proposals(uow.session).add(proposal)
    save(uow, referral)
    return proposal


def rematch_waiting_list(uow, at):
    """Capacity may have come free: propose to every waiting family that now fits someone.

    Returns the ids of the proposals made.
    """
    made = []
    waiting = Referrals(uow.session).waiting()
    for referral, candidate in rematch(waiting, Supporters(uow.session).all()):
        proposal = referral.place(candidate, str(uuid.uuid4()), at)
        Proposals(uow.session).add(proposal)
        save(uow, referral)
        made.append(proposal.proposal_id)
    return made
