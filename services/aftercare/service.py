"""The aftercare service (nazorg): contacts after the handover, relapse, and the end of support."""
from nameko.dependency_providers import Config
from nameko.timer import timer

from kring.clock import utcnow
from kring.config import RETENTION_KEY
from kring.kit import audit, tracing
from kring.kit.consumer import rpc
from kring.kit.db import Database
from kring.kit.parked import ParkedMessages
from kring.kit.erasure import retention_timer
from kring.kit.events import on_events
from kring.kit.rekey import rekey
from kring.kit.web import api
from services.aftercare import handlers
from services.aftercare.models import metadata
from services.aftercare.outgoing import outgoing

# how often each replica looks for contacts that became overdue; the check is idempotent
OVERDUE_CHECK_SECONDS = 60


class AftercareService(ParkedMessages):
    name = "aftercare"

    db = Database(metadata, outgoing=outgoing,
                  gauges=lambda uow: handlers.gauges(uow, today()))
    config = Config()

    @on_events("casework")
    def on_casework(self, event):
        handlers.react(self.db, event, utcnow())

    @on_events("referral")
    def on_referral(self, event):
        handlers.react(self.db, event, utcnow())

    @api("listAftercare")
    def list_aftercare(self, caller, query):
        return handlers.list_aftercare(self.db, caller, query)

    @api("getAftercare")
    def get_aftercare(self, caller, aftercare_id):
        return handlers.get_aftercare(self.db, caller, aftercare_id)

    @api("logAftercareContact")
    def log_contact(self, caller, body, aftercare_id):
        return handlers.log_contact(self.db, caller, aftercare_id, body["date"], body["notes"],
                                    today(), body["support_figure_id"])

    @api("reportRelapse")
    def report_relapse(self, caller, body, aftercare_id):
        return handlers.report_relapse(self.db, caller, aftercare_id, body["notes"])

    @api("completeAftercare")
    def complete_aftercare(self, caller, body, aftercare_id):
        return handlers.complete_aftercare(self.db, caller, aftercare_id, body["notes"])

    @timer(interval=OVERDUE_CHECK_SECONDS)
    def mark_overdue(self):
        handlers.mark_overdue_contacts(self.db, today())

    @retention_timer
    def erase_expired(self):
        """Referrals closed longer ago than their retention period (docs/contract.md §2)."""
        handlers.erase_expired(self.db, self.config[RETENTION_KEY], utcnow())

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


def today():
    """The UTC date: what the domain's date rules count from."""
    return utcnow().date()
