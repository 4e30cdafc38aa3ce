"""The matching service: supporters, the intake, proposals, the match and the waiting list."""
from nameko.dependency_providers import Config
from nameko.timer import timer

from kring.clock import iso, utcnow
from kring.config import RETENTION_KEY
from kring.kit import audit, tracing
from kring.kit.consumer import rpc
from kring.kit.db import Database
from kring.kit.parked import ParkedMessages
from kring.kit.erasure import retention_timer
from kring.kit.events import on_events
from kring.kit.rekey import rekey
from kring.kit.unheard import AcceptedReferrals
from kring.kit.web import api
from services.matching import handlers
from services.matching.models import metadata
from services.matching.outgoing import outgoing

REMATCH_SECONDS = 60  # a safety net: capacity changes already re-match the list themselves


def now():
    return iso(utcnow())


class MatchingDatabase(Database):
    """The service's database; once its tables are up to date, supporters from before
    organisations get theirs where it can be known."""

    def setup(self):
        super().setup()
        handlers.settle_supporter_organisations(self.unit_of_work())


class MatchingService(ParkedMessages):
    name = "matching"

    db = MatchingDatabase(metadata, outgoing=outgoing, gauges=handlers.gauges)
    config = Config()
    accepted = AcceptedReferrals()  # whose a referral is that matching has not heard of yet

    @on_events("referral")
    def on_referral(self, event):
        handlers.react(self.db, event, now())

    @on_events("casework")
    def on_casework(self, event):
        handlers.react(self.db, event, now())

    @timer(interval=REMATCH_SECONDS)
    def rematch_waiting_list(self):
        handlers.rematch_waiting_list(self.db, now())

    @retention_timer
    def erase_expired(self):
        """Referrals closed longer ago than their retention period (docs/contract.md §2)."""
        handlers.erase_expired(self.db, self.config[RETENTION_KEY], utcnow())

    @api("registerSupporter")
    def register_supporter(self, caller, body):
        return handlers.register_supporter(self.db, caller, body, now())

    @api("updateSupporter")
    def update_supporter(self, caller, body, supporter_id):
        return handlers.update_supporter(self.db, caller, supporter_id, body, now())

    @api("getSupporter")
    def get_supporter(self, caller, supporter_id):
        return handlers.get_supporter(self.db, caller, supporter_id)

    @api("listSupporters")
    def list_supporters(self, caller, query):
        return handlers.list_supporters(self.db, caller, query)

    @api("listProposals")
    def list_proposals(self, caller, query):
        return handlers.list_proposals(self.db, caller, query)

    @api("listWaitingList")
    def list_waiting_list(self, caller, query):
        return handlers.list_waiting_list(self.db, caller, query)

    @api("recordIntake")
    def record_intake(self, caller, body):
        return handlers.record_intake(self.db, caller, body, now(), self.accepted)

    @api("getProposal")
    def get_proposal(self, caller, proposal_id):
        return handlers.get_proposal(self.db, caller, proposal_id)

    @api("respondToProposal")
    def respond_to_proposal(self, caller, body, proposal_id):
        return handlers.respond_to_proposal(self.db, caller, proposal_id, body["party"],
                                            body["accept"], body["reason"], now())

    @rpc
    def export_of(self, referral_id):
        """What this service holds of a referral (exportReferral gathers every service's)."""
        return handlers.export_of(self.db, referral_id)

    @rpc
    def rekey(self):
        """`kring rekey`: this service's family data sealed again under the current data key;
        {table: values sealed again}."""
        return rekey(self.db, metadata)

    @rpc
    def audit_trail(self, referral_id):
        """This service's audit records of a referral (`kring audit`, getAudit)."""
        return audit.trail_in(self.db, referral_id, self.name)

    @rpc
    def trace_steps(self, referral_id):
        """`kring trace`: this service's steps of a referral (ids and codes, no family data)."""
        return tracing.steps_in(self.db, referral_id, self.name)
