"""What matching's domain events become on the wire: one contract event each.

Every matching event carries its fields under the referral it happened to, except the words a
person or the scoring wrote (the intake's reason, a proposal's reasons): those say things about
the family and no other stage needs them (docs/contract.md §7 "Data in motion"). The unit of
work translates them through this table when it commits (kring.kit.repository); the schemas
they must meet are kring.contracts.events.
"""
from dataclasses import asdict

from kring.contracts.events import make_event
from kring.kit.outbox import outgoing_table
from services.matching.events import (IntakeRecorded, MatchMade, ProposalDeclined,
                                      ProposalMade, ReferralWaitlisted)

SOURCE = "matching"


def _contract_event(event_type, leave_out=(), unless_true=()):
    """Translate to the contract event `event_type` of the referral, with the same fields but
    those in `leave_out`, and those in `unless_true` only when they are true."""
    def translate(referral, happened):
        data = {key: value for key, value in asdict(happened).items() if key not in leave_out
                and (key not in unless_true or value is True)}
        return make_event(SOURCE, event_type, referral.referral_id, **data)
    return translate


OUTGOING = {
    # a programme without a commission sends the intake as it always did
    IntakeRecorded: _contract_event("intake_recorded", leave_out=("reason",),
                                    unless_true=("commission_required",)),
    ProposalMade: _contract_event("proposal_made", leave_out=("reasons",)),
    ProposalDeclined: _contract_event("proposal_declined"),
    ReferralWaitlisted: _contract_event("referral_waitlisted"),
    MatchMade: _contract_event("match_made"),
}

outgoing = outgoing_table(OUTGOING)
