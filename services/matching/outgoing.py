"""What matching's domain events become on the wire: one contract event each.

Every matching event carries its fields unchanged, under the referral it happened to; the unit
of work translates them through this table when it commits (kring.kit.repository); the
schemas they must meet are kring.contracts.events.
"""
from dataclasses import asdict

from kring.contracts.events import make_event
from kring.kit.outbox import outgoing_table
from services.matching.events import (IntakeRecorded, MatchMade, ProposalDeclined,
                                      ProposalMade, ReferralWaitlisted)

SOURCE = "matching"


def _contract_event(event_type):
    """Translate to the contract event `event_type` of the referral, with the same fields."""
    def translate(referral, happened):
        return make_event(SOURCE, event_type, referral.referral_id, **asdict(happened))
    return translate


OUTGOING = {
    IntakeRecorded: _contract_event("intake_recorded"),
    ProposalMade: _contract_event("proposal_made"),
    ProposalDeclined: _contract_event("proposal_declined"),
    ReferralWaitlisted: _contract_event("referral_waitlisted"),
    MatchMade: _contract_event("match_made"),
}

outgoing = outgoing_table(OUTGOING)
