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


def _contract_event(event_type, leave_out=()):
    """Translate to the contract event `event_type` of the referral, with the same fields but
    those in `leave_out`."""
    def translate(referral, happened):
        data = {key: value for key, value in asdict(happened).items() if key not in leave_out}
        return make_event(SOURCE, event_type, referral.referral_id, **data)
    return translate


OUTGOING = {
    IntakeRecorded: _contract_event("intake_recorded", leave_out=("reason",)),
    ProposalMade: _contract_event("proposal_made", leave_out=("reasons",)),
    ProposalDeclined: _contract_event("proposal_declined"),
    ReferralWaitlisted: _contract_event("referral_waitlisted"),
    MatchMade: _contract_event("match_made"),
}

outgoing = outgoing_table(OUTGOING)
