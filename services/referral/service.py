"""The referral service: takes referrals in, keeps their status and timeline, closes the loop."""
from nameko.dependency_providers import Config

from kring.clock import utcnow
from kring.config import SECRET_KEY
from kring.kit import audit
from kring.kit.consumer import rpc
from kring.kit.db import Database
from kring.kit.events import on_events
from kring.kit.partner_consumer import partner_inbound
from kring.kit.web import api
from services.referral import handlers, partner_submissions
from services.referral.models import metadata
from services.referral.outgoing import outgoing


class ReferralService:
    name = "referral"

    db = Database(metadata, outgoing=outgoing)
    config = Config()

    @api("submitReferral")
    def submit_referral(self, identity, body):
        referral, created = handlers.submit_referral(self.db, identity.org, body,
                                                      self.config[SECRET_KEY])
        status = 201 if created else 200  # the same external_ref again: the first referral
        return status, {"referral_id": referral["referral_id"], "status": referral["status"]}

    @api("getReferral")
    def get_referral(self, identity, referral_id):
        return handlers.get_referral(self.db, referral_id, identity.org, identity.role)

    @api("withdrawReferral")
    def withdraw_referral(self, identity, body, referral_id):
        return handlers.withdraw_referral(self.db, referral_id, identity.org, identity.role,
                                          body)

    @on_events("matching")
    def on_matching(self, event):
        handlers.react(self.db, event, utcnow())

    @on_events("casework")
    def on_casework(self, event):
        handlers.react(self.db, event, utcnow())

    @on_events("aftercare")
    def on_aftercare(self, event):
        handlers.react(self.db, event, utcnow())

    @partner_inbound()
    def on_partner_message(self, received):
        partner_submissions.receive_partner_message(self.db, received, self.config[SECRET_KEY])

    @rpc
    def referral_status(self, referral_id):
        return handlers.referral_status(self.db, referral_id)

    @rpc
    def audit_trail(self, referral_id):
        """This service's audit records of a referral (`kring audit`, getAudit)."""
        return audit.trail_in(self.db, referral_id, self.name)
