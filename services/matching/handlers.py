"""Use cases of the coordinators' API: load, ask the domain, save, emit — in one transaction.

Every use case that changes anything first takes its turn (repository.take_turn): matching
decisions depend on every supporter's free capacity, so they are made one at a time.
"""
import uuid

from kring.errors import NotFound
from services.matching.domain import LOOKING
from services.matching.placement import place, rematch_waiting_list, save
from services.matching.repository import Proposals, Referrals, Supporters, take_turn
from services.matching.supporter import Supporter
from services.matching.views import intake_view, proposal_view, supporter_view


def register_supporter(uow, body, at):
    with uow:
        take_turn(uow.session)
        supporters = Supporters(uow.session)
        supporter = Supporter.register(str(uuid.uuid4()), supporters.next_position(), body, at)
        supporters.add(supporter)
        rematch_waiting_list(uow, at)  # a new supporter may be what a waiting family needs
        return supporter_view(supporters.get(supporter.supporter_id))


def update_supporter(uow, supporter_id, changes, at):
    with uow:
        take_turn(uow.session)
        supporters = Supporters(uow.session)
        supporter = _found(supporters.get(supporter_id), "supporter", supporter_id)
        supporter.update(changes)
        supporters.save(supporter)
        # more capacity, another municipality or language: a waiting family may fit now
        rematch_waiting_list(uow, at)
        return supporter_view(supporters.get(supporter_id))


def get_supporter(uow, supporter_id):
    with uow:
        return supporter_view(_found(Supporters(uow.session).get(supporter_id), "supporter",
                                     supporter_id))


def list_supporters(uow):
    with uow:
        return {"supporters": [supporter_view(s) for s in Supporters(uow.session).all()]}


def record_intake(uow, body, coordinator_org, at):
    """The intake (kennismaking): fits → propose or wait; does not fit → the referral ends."""
    with uow:
        take_turn(uow.session)
        referral = _found(Referrals(uow.session).get(body["referral_id"]), "referral",
                          body["referral_id"])
        referral.record_intake(body["fits"], body["severity"], body["reason"], coordinator_org)
        proposal = None
        if referral.status == LOOKING:
            proposal = place(uow, referral, at)  # saves the referral, with its events
        else:
            save(uow, referral)
        return intake_view(referral, proposal)


def get_proposal(uow, proposal_id):
    with uow:
        return proposal_view(_found(Proposals(uow.session).get(proposal_id), "proposal",
                                    proposal_id))


def respond_to_proposal(uow, proposal_id, party, accept, reason, at):
    """An answer for the family or the supporter; a no sends matching to the next candidate."""
    with uow:
        take_turn(uow.session)
        proposals = Proposals(uow.session)
        proposal = _found(proposals.get(proposal_id), "proposal", proposal_id)
        referral = Referrals(uow.session).get(proposal.referral_id)
        referral.answer(proposal, party, accept, reason, at)
        proposals.save(proposal)
        next_proposal = None
        if referral.status == LOOKING:  # a no: that supporter is never proposed again here
            next_proposal = place(uow, referral, at)
            rematch_waiting_list(uow, at)  # the no freed the unit the proposal held
        else:
            save(uow, referral)
        return proposal_view(proposal, next_proposal.proposal_id if next_proposal else None)


def _found(item, what, key):
    if item is None:
        raise NotFound(f"no {what} {key}")
    return item
