"""Use cases, for the coordinators' API and for other services' events: load, ask the domain,
save — in one transaction, whose commit sends the referral's events (kring.kit.repository).

Every use case that changes anything first takes its turn (models.take_turn): matching decisions
depend on every supporter's free capacity, so they are made one at a time. The referral's end
(withdrawn or closed), a handover and a relapse move capacity; wherever capacity comes free the
waiting list is matched again, oldest first.
"""
import functools
import logging
import uuid

from kring import programmes
from kring.clock import iso

from kring.errors import NotFound
from kring.kit import audit, erasure, paging
from kring.kit.access import Owner
from services.matching.domain import LOOKING, MatchingReferral
from services.matching.models import BATCH, Proposals, Referrals, Supporters, take_turn
from services.matching.scoring import FreePlaces, area, best_candidate
from services.matching.supporter import Supporter
from services.matching.views import (intake_view, profile_view, proposal_row, proposal_view,
                                     supporter_view, waiting_row)

log = logging.getLogger(__name__)
SOURCE = "matching"


# --- the coordinators' API ------------------------------------------------------------------
# `caller` (kring.kit.access.Caller) reaches its own organisation's supporters, and the intake
# and proposals of the referrals routed to its organisation; anything else answers exactly as
# an unknown id does (kring/contracts/access.py). Reaching a referral names it to the caller, so
# the unit of work records the call in the audit trail in the same transaction.

def register_supporter(uow, caller, body, at):
    with uow:
        take_turn(uow)
        supporters = Supporters(uow)
        supporter = Supporter.register(str(uuid.uuid4()), supporters.next_position(),
                                       caller.org, body, at)
        supporters.add(supporter)
        _serve_waiting_list(uow, at)  # a new supporter may be what a waiting family needs
        return supporter_view(supporters.get(supporter.supporter_id))


def update_supporter(uow, caller, supporter_id, changes, at):
    with uow:
        take_turn(uow)
        supporters = Supporters(uow)
        supporter = _own_supporter(caller, supporters.get(supporter_id), supporter_id)
        supporter.update(changes)
        supporters.save(supporter)
        # more capacity, another municipality or language: a waiting family may fit now
        _serve_waiting_list(uow, at)
        return supporter_view(supporters.get(supporter_id))


def get_supporter(uow, caller, supporter_id):
    with uow:
        return supporter_view(_own_supporter(caller, Supporters(uow).get(supporter_id),
                                             supporter_id))


def list_supporters(uow, caller, query):
    """A page of the caller's organisation's supporters, in registration order."""
    limit = query["limit"]
    with uow:
        found = Supporters(uow).page(caller.org, limit + 1, query.get("cursor"))
    shown, next_cursor = paging.cut(found, limit, lambda supporter: (supporter.position,))
    return {"supporters": [supporter_view(s) for s in shown], "next_cursor": next_cursor}


def list_proposals(uow, caller, query):
    """A page of the open proposals of the referrals routed to the caller's organisation, the
    longest open first, each with the parties still to answer (no family data)."""
    limit = query["limit"]
    with uow:
        found = Proposals(uow).open_page(caller.scope(), limit + 1, query.get("cursor"))
    shown, next_cursor = paging.cut(found, limit,
                                    lambda proposal: (proposal.made_at, proposal.proposal_id))
    return {"proposals": [proposal_row(proposal) for proposal in shown],
            "next_cursor": next_cursor}


def list_waiting_list(uow, caller, query):
    """A page of the waiting list of the caller's organisation, the longest waiting first.
    The intake's severity is of the family: each referral listed is in its audit trail."""
    limit = query["limit"]
    with uow:
        found = Referrals(uow).waiting_page(caller.scope(), limit + 1, query.get("cursor"))
        shown, next_cursor = paging.cut(
            found, limit, lambda referral: (referral.waitlisted_at, referral.referral_id))
        audit.record_each(uow, caller, [referral.referral_id for referral in shown])
    return {"referrals": [waiting_row(referral) for referral in shown],
            "next_cursor": next_cursor}


def record_intake(uow, caller, body, at, accepted):
    """The intake (kennismaking): fits → propose or wait; does not fit → the referral ends.

    `accepted(referral_id)`: whose a referral is that matching has not heard of yet, as the
    referral service says (kring.kit.unheard); asked only then, after this transaction and
    turn, so no other decision waits on the call."""
    referral_id = body["referral_id"]
    missing = NotFound(f"no referral {referral_id}")
    with uow:
        take_turn(uow)
        referrals = Referrals(uow)
        referral = referrals.get(referral_id)
        # a referral from before routing has no route yet: its intake's organisation becomes
        # it; one that ended before we heard of it has none yet, and is not heard of yet
        route = None if referral is None else \
            referral.coordinator_org or (None if referral.is_over else caller.org)
        if route is not None:
            caller.reach(Owner(referral_id=referral_id, coordinating_org=route), missing)
            referral.record_intake(
                body["fits"], body["severity"], body["reason"], caller.org,
                programmes.current().of(referral.programme).commission_required)
            proposal = None
            if referral.status == LOOKING:
                proposal = _propose_or_wait(uow, referral, at)
            referrals.save(referral)
            return intake_view(referral, proposal)
    caller.reach_unheard(accepted(referral_id), missing)


def get_proposal(uow, caller, proposal_id):
    with uow:
        proposal, _ = _routed_proposal(caller, Proposals(uow), Referrals(uow), proposal_id)
        return proposal_view(proposal)


def respond_to_proposal(uow, caller, proposal_id, party, accept, reason, at):
    """An answer for the family or the supporter; a no sends matching to the next candidate."""
    with uow:
        take_turn(uow)
        proposals, referrals = Proposals(uow), Referrals(uow)
        proposal, referral = _routed_proposal(caller, proposals, referrals, proposal_id)
        referral.answer(proposal, party, accept, reason, at)
        proposals.save(proposal)
        said_no = referral.status == LOOKING  # that supporter is never proposed again here
        next_proposal = _propose_or_wait(uow, referral, at) if said_no else None
        referrals.save(referral)
        if said_no:
            _serve_waiting_list(uow, at)  # the no freed the unit the proposal held
        return proposal_view(proposal, next_proposal.proposal_id if next_proposal else None)


def _own_supporter(caller, supporter, supporter_id):
    """`supporter` when it is of the caller's organisation; else an unknown id's 404."""
    caller.reach(Owner(org=supporter.organisation) if supporter else None,
                 NotFound(f"no supporter {supporter_id}"))
    return supporter


def _routed_proposal(caller, proposals, referrals, proposal_id):
    """(proposal, its referral) when the referral is routed to the caller's organisation; else
    an unknown id's 404."""
    proposal = proposals.get(proposal_id)
    referral = referrals.get(proposal.referral_id) if proposal else None
    caller.reach(Owner(referral_id=referral.referral_id,
                       coordinating_org=referral.coordinator_org) if referral else None,
                 NotFound(f"no proposal {proposal_id}"))
    return proposal, referral


# --- other services' events -----------------------------------------------------------------

def _applied_once(reaction):
    """Run `reaction` in its own transaction and turn, once per event (the inbox): a redelivered
    event changes nothing."""
    @functools.wraps(reaction)
    def apply(uow, event, at):
        with uow:
            take_turn(uow)
            if uow.first_time(event.event_id):
                reaction(uow, event, at)
    return apply


@_applied_once
def receive_referral(uow, event, at):
    """Keep the profile matching needs — programme, area, languages, domains — nothing else."""
    referrals = Referrals(uow)
    ended = referrals.get(event.referral_id)
    if ended is None:
        referrals.add(MatchingReferral.receive(event.referral_id, event.data,
                                               event.occurred_at))
    else:  # it ended before it arrived: only whose it is, so its coordinator gets the 409
        ended.learn_route(event.data.get("coordinating_org"))
        referrals.save(ended)


@_applied_once
def learn_route(uow, event, at):
    """A referral from before routing got its route: whose it is from now on, unless its intake
    already made it someone's (a route never changes)."""
    referrals = Referrals(uow)
    referral = referrals.get(event.referral_id)
    if referral is not None:
        referral.learn_route(event.data["coordinating_org"])
        referrals.save(referral)


@_applied_once
def end_referral(uow, event, at):
    """Withdrawn or closed: cancel an open proposal, leave the waiting list, free the match."""
    if event.type == "referral_closed":  # when its retention period starts
        erasure.on_closed(uow, event)
    referrals, proposals = Referrals(uow), Proposals(uow)
    referral = referrals.get(event.referral_id)
    if referral is None:  # the end overtook the profile: remember, so it is never matched
        referrals.add(MatchingReferral.ended_unseen(event.referral_id, at))
        return
    proposal = proposals.get(referral.proposal_id) if referral.proposal_id else None
    freed = referral.end(proposal, at)
    if proposal is not None:
        proposals.save(proposal)
    referrals.save(referral)
    if freed:
        _serve_waiting_list(uow, at)


@_applied_once
def start_after_commission(uow, event, at):
    """The municipality commissioned the support: propose, or wait, as after a fitting
    intake of a programme that needs no commission."""
    referrals = Referrals(uow)
    referral = referrals.get(event.referral_id)
    if referral is None or not referral.commission():
        return
    _propose_or_wait(uow, referral, at)
    referrals.save(referral)


@_applied_once
def hand_over(uow, event, at):
    """The case was handed over: its supporter has room for another family."""
    referrals = Referrals(uow)
    referral = referrals.get(event.referral_id)
    if referral is None:
        log.warning("handover of %s, a referral matching never saw", event.referral_id)
        return
    if referral.supporter_id != event.data["supporter_id"]:
        log.warning("handover of %s names supporter %s; matched was %s", event.referral_id,
                    event.data["supporter_id"], referral.supporter_id)
    freed = referral.hand_over()
    referrals.save(referral)
    if freed:
        _serve_waiting_list(uow, at)


@_applied_once
def reopen(uow, event, at):
    """A relapse reopened the case with the same supporter: the family takes its place again."""
    referrals = Referrals(uow)
    referral = referrals.get(event.referral_id)
    if referral is not None:
        referral.reopen()
        referrals.save(referral)


def erase_data(uow, referral_id, at):
    """This service's part of an erased referral (kring.kit.erasure): the profile's family
    data and the proposals' reasons; it ends, and capacity it held goes to the waiting list."""
    take_turn(uow)
    referrals, proposals = Referrals(uow), Proposals(uow)
    referral = referrals.get(referral_id)
    if referral is None:
        return
    of_it = proposals.of_referral(referral_id)
    freed = referral.erase(of_it, at)
    for proposal in of_it:
        proposals.save(proposal)
    referrals.save(referral)
    if freed:
        _serve_waiting_list(uow, at)


def erase_on_request(uow, event, at):
    erasure.on_request(uow, event, erasure.moment(at), SOURCE,
                       lambda uow, referral_id: erase_data(uow, referral_id, at))


REACTIONS = {
    "referral_erased": erase_on_request,
    "referral_received": receive_referral,
    "referral_routed": learn_route,
    "referral_withdrawn": end_referral,
    "referral_closed": end_referral,
    "referral_commissioned": start_after_commission,
    "case_handed_over": hand_over,
    "case_reopened": reopen,
}


def react(uow, event, at):
    """Apply another service's event (kring.contracts.topology says which ones come here)."""
    return REACTIONS[event.type](uow, event, at)


# --- the timer ------------------------------------------------------------------------------

def rematch_waiting_list(uow, at):
    """The timer's safety net: whatever capacity there is goes to the oldest waiting first.

    Returns the ids of the proposals made.
    """
    with uow:
        take_turn(uow)
        return _serve_waiting_list(uow, at)


def erase_expired(uow, retention, now):
    """The retention timer (kring.kit.erasure): referrals closed longer ago than their
    programme's retention period lose their family data here."""
    return erasure.erase_expired(uow, retention, now,
                                 lambda uow, referral_id: erase_data(uow, referral_id, iso(now)))


def export_of(uow, referral_id):
    """What matching holds of `referral_id` (exportReferral); {} when nothing."""
    with uow:
        referral = Referrals(uow).get(referral_id)
        if referral is None:
            return {}
        return {"profile": profile_view(referral),
                "proposals": [proposal_view(p) for p in Proposals(uow).of_referral(referral_id)],
                "retention": erasure.retention_view(uow.session, uow.retention_table,
                                                    referral_id)}


# --- on start -------------------------------------------------------------------------------

def settle_supporter_organisations(uow):
    """Supporters registered before supporters belonged to an organisation: each gets the
    organisation it can be known to work for, the one coordinating every referral it was
    proposed to or matched with. The others (never proposed, or proposed for several
    organisations) stay without one and reach nobody until an admin registers them again.

    Run on every start (service.py); it changes only supporters without an organisation, so a
    second run, or a second replica, changes nothing. Returns {supporter_id: organisation}.
    """
    with uow:
        take_turn(uow)
        supporters = Supporters(uow)
        settled = {}
        for supporter in supporters.without_organisation():
            served = supporters.organisations_served(supporter.supporter_id)
            if len(served) != 1:
                log.warning("supporter %s has no organisation (it worked for %s): it is "
                            "proposed to nobody until an admin registers it again",
                            supporter.supporter_id, ", ".join(sorted(served)) or "nobody")
                continue
            supporter.organisation = settled[supporter.supporter_id] = served.pop()
            supporters.save(supporter)
        return settled


# --- steps shared by the use cases, inside their transaction and turn -----------------------

def _propose_or_wait(uow, referral, at):
    """Propose the best candidate to a referral looking for one, or put it on the waiting list.

    Returns the new Proposal, or None. The caller saves the referral.
    """
    candidate = best_candidate(referral, Supporters(uow).serving(
        referral.coordinator_org, referral.programme, referral.municipality))
    proposal = referral.place(candidate, str(uuid.uuid4()), at)
    if proposal is not None:
        Proposals(uow).add(proposal)
    return proposal


def _serve_waiting_list(uow, at):
    """Capacity may have come free: propose to every waiting family that now fits someone,
    oldest first (scoring.FreePlaces).

    Returns the ids of the proposals made. Only supporters with room in a waiting family's
    area are loaded, and a family is read (its profile unsealed) only while someone in its area
    still has room: at 10,000 waiting, most are passed over by their place in the list alone.
    """
    referrals, proposals = Referrals(uow), Proposals(uow)
    waiting = referrals.waiting()
    places = FreePlaces(Supporters(uow).with_room({area(row) for row in waiting}))
    made = []
    for at_row in range(0, len(waiting), BATCH):
        if not places.any():
            break
        batch = waiting[at_row:at_row + BATCH]
        loaded = {referral.referral_id: referral for referral in referrals.of(
            [row.id for row in batch if places.in_area(area(row))])}
        for row in batch:
            referral = loaded.get(row.id)
            candidate = places.take(referral) if referral else None
            if candidate is None:
                continue
            proposal = referral.place(candidate, str(uuid.uuid4()), at)
            proposals.add(proposal)
            referrals.save(referral)
            made.append(proposal.proposal_id)
    return made


def gauges(uow):
    """The operator's figures (GET /metrics, kring.kit.metrics), by programme code: the waiting
    list's length, and how many more families the active supporters can take (a supporter of
    two programmes counts in both)."""
    with uow:
        waiting = Referrals(uow).waiting_by_programme()
        free = {}
        for supporter in Supporters(uow).all():
            if supporter.active:
                for programme in supporter.programmes:
                    free[programme] = free.get(programme, 0) + supporter.free
    return [("kring_waiting_list_length", {"programme": p}, n) for p, n in waiting.items()] + \
        [("kring_supporter_free_capacity", {"programme": p}, n) for p, n in free.items()]
