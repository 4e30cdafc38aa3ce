"""Use cases driven by other services' events; each applies an event once (the inbox).

The referral's end (withdrawn or closed), a handover and a relapse move capacity; wherever
capacity comes free the waiting list is matched again.
"""
import logging

from services.matching.domain import MatchingReferral
from services.matching.placement import rematch_waiting_list, save
from services.matching.repository import Proposals, Referrals, take_turn

log = logging.getLogger(__name__)


def receive_referral(uow, event, handler):
    """Keep the profile matching needs — programme, area, languages, domains — nothing else."""
    with uow:
        take_turn(uow.session)
        if not uow.first_time(event.event_id, handler):
            return
        referrals = Referrals(uow.session)
        if referrals.get(event.referral_id) is None:  # else it ended before it arrived
            referrals.add(MatchingReferral.receive(event.referral_id, event.data,
                                                   event.occurred_at))


def end_referral(uow, event, handler, at):
    """Withdrawn or closed: cancel an open proposal, leave the waiting list, free the match."""
    with uow:
        take_turn(uow.session)
        if not uow.first_time(event.event_id, handler):
            return
        referrals, proposals = Referrals(uow.session), Proposals(uow.session)
        referral = referrals.get(event.referral_id)
        if referral is None:  # the end overtook the profile: remember, so it is never matched
            referrals.add(MatchingReferral.ended_unseen(event.referral_id, at))
            return
        proposal = proposals.get(referral.proposal_id) if referral.proposal_id else None
        freed = referral.end(proposal, at)
        if proposal is not None:
            proposals.save(proposal)
        save(uow, referral)
        if freed:
            rematch_waiting_list(uow, at)


def hand_over(uow, event, handler, at):
    """The case was handed over: its supporter has room for another family."""
    with uow:
        take_turn(uow.session)
        if not uow.first_time(event.event_id, handler):
            return
        referral = Referrals(uow.session).get(event.referral_id)
        if referral is None:
            log.warning("handover of %s, a referral matching never saw", event.referral_id)
            return
        if referral.supporter_id != event.data["supporter_id"]:
            log.warning("handover of %s names supporter %s; matched was %s", event.referral_id,
                        event.data["supporter_id"], referral.supporter_id)
        freed = referral.hand_over()
        save(uow, referral)
        if freed:
            rematch_waiting_list(uow, at)


def reopen(uow, event, handler):
    """A relapse reopened the case with the same supporter: the family takes its place again."""
    with uow:
        take_turn(uow.session)
        if not uow.first_time(event.event_id, handler):
            return
        referral = Referrals(uow.session).get(event.referral_id)
        if referral is not None:
            referral.reopen()
            save(uow, referral)


def rematch_waiting_list_now(uow, at):
    """The timer's safety net: whatever capacity there is goes to the oldest waiting first."""
    with uow:
        take_turn(uow.session)
        return rematch_waiting_list(uow, at)
