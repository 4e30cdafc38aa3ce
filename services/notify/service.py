"""The notify service: tells the referrer when support starts and when the referral closes,
and the requester of a consultation when it is answered.

Listens to referral_received (the referrer's contact and consent), consent_withdrawn (nothing
more goes out), case_started (start notice), referral_closed (closure notice),
consultation_answered (an answer notice) and self_referral_submitted (the confirmation e-mail
of a family's own application); delivers by SMTP or as .eml files
(docs/contract.md §6).

Each notice is claimed before it is sent, so replicas never send one at once; a claim names
this notify's instance and start (services.notify.claims), so a restart takes back what its
dead predecessor had claimed at once, after recording what that one's delivery marks say.
"""
import logging

from nameko.dependency_providers import Config
from nameko.timer import Timer

from kring.config import (DATA_DIR_KEY, DEFAULT_SWEEP_SECONDS, PUBLIC_URL_KEY, RETENTION_KEY,
                          SWEEP_SECONDS_KEY)
from kring.clock import utcnow
from kring.kit import audit
from kring.kit.consumer import rpc
from kring.kit.db import Database
from kring.kit.parked import ParkedMessages
from kring.kit.erasure import retention_timer
from kring.kit.events import on_events
from kring.kit.failures import trace
from services.notify import handlers
from services.notify.claims import NotifyClaimant
from services.notify.delivery import Transport, notices_folder
from services.notify.marks import DeliveryMarks, Marks
from services.notify.models import metadata

log = logging.getLogger(__name__)


class SweepTimer(Timer):
    """nameko's timer with its interval from config (KRING_NOTIFY_SWEEP_SECONDS), so tests can
    keep it out of the way or make it quick."""

    def setup(self):
        self.interval = self.container.config[SWEEP_SECONDS_KEY]


class NotifyService(ParkedMessages):
    name = "notify"

    db = Database(metadata, gauges=handlers.gauges)
    transport = Transport()
    marks = DeliveryMarks()
    claimant = NotifyClaimant()
    config = Config()

    @on_events("referral")
    def on_referral(self, event):
        if handlers.react(self.db, event, utcnow(), self._folder(),
                          self.config.get(PUBLIC_URL_KEY)):
            self._send_due()

    @on_events("casework")
    def on_casework(self, event):
        if handlers.react(self.db, event, utcnow()):
            self._send_due()

    @SweepTimer.decorator(interval=DEFAULT_SWEEP_SECONDS)
    def send_due(self):
        """Retries whose back-off has passed, and notices a crash left unsent."""
        self._send_due()

    @retention_timer
    def erase_expired(self):
        """Referrals closed longer ago than their retention period (docs/contract.md §2)."""
        handlers.erase_expired(self.db, self.config[RETENTION_KEY], utcnow(), self._folder())

    @rpc
    def export_of(self, referral_id):
        """What this service holds of a referral (exportReferral gathers every service's)."""
        return handlers.export_of(self.db, referral_id)

    @rpc
    def notices(self, referral_id, person=None, mails=False):
        """`kring notices REFERRAL_ID`; `person`: who runs it (the OS user), for the audit.
        `mails` (`--mail`): each notice written as a file with its mail, opened."""
        return handlers.delivery_log(self.db, referral_id, person,
                                     self._folder() if mails else None)

    def _folder(self):
        return notices_folder(self.config[DATA_DIR_KEY])

    def _send_due(self):
        try:
            handlers.send_due(self.db, self.transport, self.marks, utcnow(),
                              claimant=self.claimant)
        except Exception as exc:  # the event is handled and committed; the timer sends the rest
            log.error("sending due notices failed; the next sweep tries again:\n%s", trace(exc))

    @rpc
    def rekey(self):
        """`kring rekey`: this service's family data sealed again under the current data key;
        {table (or folder): values (or files) sealed again}: its notice files and delivery
        marks too."""
        return handlers.rekey_all(self.db, metadata, self._folder(),
                                  Marks.under(self.config[DATA_DIR_KEY]).folder)

    @rpc
    def audit_trail(self, referral_id):
        """This service's audit records of a referral (`kring audit`, getAudit)."""
        return audit.trail_in(self.db, referral_id, self.name)

    @rpc
    def trace_steps(self, referral_id):
        """`kring trace`: this service's steps of a referral, its notices among them."""
        return handlers.trace_steps(self.db, referral_id)
