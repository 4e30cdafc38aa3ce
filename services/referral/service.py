"""The referral service: takes referrals in, routes them, keeps their status and timeline,
closes the loop; it holds the provider directory that routes them."""
import logging

from nameko.dependency_providers import Config
from nameko.exceptions import IncorrectSignature, MethodNotFound, RemoteError
from nameko.timer import timer

from kring.audit_trail import TrailIncomplete, full_trail
from kring.clock import utcnow
from kring.config import (AMQP_SSL_KEY, AMQP_URI_KEY, DIRECTORY_KEY, RETENTION_DAYS_KEY,
                          RETENTION_KEY, SECRET_KEY, ConfigError)
from kring.errors import Unavailable
from kring.gather import Incomplete, from_every_service
from kring.kit import audit
from kring.kit.consumer import rpc
from kring.kit.db import Database
from kring.kit.parked import ParkedMessages
from kring.kit.erasure import retention_timer
from kring.kit.events import on_events
from kring.kit.rekey import rekey
from kring.kit.partner_consumer import partner_inbound
from kring.kit.web import api
from services.referral import (commission_handlers, consultation_handlers, handlers,
                               partner_submissions, report_handlers, self_referral_handlers)
from services.referral.directory import DirectoryError
from services.referral.confirmation_page import confirmation_page
from services.referral.leaflets import leaflet_response
from services.referral.models import metadata
from services.referral.outgoing import outgoing

log = logging.getLogger(__name__)

FORGET_REFUSED_SECONDS = 3600  # refused partner messages past retention go within the hour


class ReferralDatabase(Database):
    """The referral database, with the directory of the configuration (KRING_DIRECTORY)
    applied as the service starts: it routes from its first request, or does not start."""

    def setup(self):
        super().setup()
        path = self.container.config[DIRECTORY_KEY]
        try:
            count = handlers.apply_directory(self.unit_of_work(), path)
        except DirectoryError as exc:
            raise ConfigError(f"{DIRECTORY_KEY} {path}: {exc}") from None
        if count:
            log.info("directory: %d provider entries from %s", count, path)


class ReferralService(ParkedMessages):
    name = "referral"

    db = ReferralDatabase(metadata, outgoing=outgoing)
    config = Config()

    @api("submitReferral")
    def submit_referral(self, caller, body):
        referral, created = handlers.submit_referral(self.db, caller.org, body,
                                                      self.config[SECRET_KEY], caller=caller)
        status = 201 if created else 200  # the same external_ref again: the first referral
        return status, {"referral_id": referral["referral_id"], "status": referral["status"]}

    @api("listReferrals")
    def list_referrals(self, caller, query):
        return handlers.list_referrals(self.db, caller, query)

    @api("getReferral")
    def get_referral(self, caller, referral_id):
        return handlers.get_referral(self.db, caller, referral_id)

    @api("withdrawReferral")
    def withdraw_referral(self, caller, body, referral_id):
        return handlers.withdraw_referral(self.db, caller, referral_id, body)

    @api("withdrawConsent")
    def withdraw_consent(self, caller, body, referral_id):
        return handlers.withdraw_consent(self.db, caller, referral_id, body)

    @api("getAudit")
    def get_audit(self, caller, referral_id):
        return handlers.get_audit(self.db, caller, referral_id, self._other_trails)

    @api("eraseReferral")
    def erase_referral(self, caller, body, referral_id):
        return handlers.erase_referral(self.db, caller, referral_id, body["reason"], utcnow())

    @api("exportReferral")
    def export_referral(self, caller, referral_id):
        return handlers.export_referral(self.db, caller, referral_id, self._other_exports,
                                        utcnow())

    @api("decideCommission")
    def decide_commission(self, caller, body, referral_id):
        return commission_handlers.decide_commission(self.db, caller, referral_id, body)

    @api("getCommissionRequest")
    def get_commission_request(self, caller, referral_id):
        return commission_handlers.get_commission_request(self.db, caller, referral_id)

    @api("listCommissionRequests")
    def list_commission_requests(self, caller, query):
        return commission_handlers.list_commission_requests(self.db, caller, query)

    @api("registerProvider")
    def register_provider(self, caller, body):
        return handlers.register_provider(self.db, body)

    @api("listProgrammes")
    def list_programmes(self, caller, query):
        return handlers.list_programmes(self.db, query["municipality"])

    @api("getLeaflet")
    def get_leaflet(self, query, code):
        return leaflet_response(code, query["language"], query["format"])

    @api("requestConsultation")
    def request_consultation(self, caller, body):
        return consultation_handlers.request_consultation(self.db, caller, body)

    @api("getConsultation")
    def get_consultation(self, caller, consultation_id):
        return consultation_handlers.get_consultation(self.db, caller, consultation_id)

    @api("answerConsultation")
    def answer_consultation(self, caller, body, consultation_id):
        return consultation_handlers.answer_consultation(self.db, caller, consultation_id,
                                                         body)

    @api("askFollowUp")
    def ask_follow_up(self, caller, body, consultation_id):
        return consultation_handlers.ask_follow_up(self.db, caller, consultation_id, body)

    @api("closeConsultation")
    def close_consultation(self, caller, body, consultation_id):
        return consultation_handlers.close_consultation(self.db, caller, consultation_id)

    @api("getReports")
    def get_reports(self, caller, query):
        report = report_handlers.get_reports(self.db, caller.scope(), query, self._hours_of,
                                             utcnow().date())
        return report_handlers.report_response(report, query["format"])

    @api("submitSelfReferral")
    def submit_self_referral(self, caller, body):
        return self_referral_handlers.submit_self_referral(
            self.db, caller, body, self.config[SECRET_KEY], utcnow())

    @api("confirmSelfReferral")
    def confirm_self_referral(self, caller, body):
        return self_referral_handlers.confirm_self_referral(
            self.db, caller, body["token"], self.config[SECRET_KEY], utcnow())

    @api("confirmSelfReferralLink")
    def confirm_self_referral_link(self, caller, query):
        return confirmation_page(lambda: self_referral_handlers.confirm_self_referral(
            self.db, caller, query["token"], self.config[SECRET_KEY], utcnow()))

    @api("getProgramme")
    def get_programme(self, caller, code):
        return handlers.get_programme(code)

    @on_events("matching")
    def on_matching(self, event):
        handlers.react(self.db, event, utcnow())

    @on_events("casework")
    def on_casework(self, event):
        handlers.react(self.db, event, utcnow())

    @on_events("aftercare")
    def on_aftercare(self, event):
        handlers.react(self.db, event, utcnow())

    @on_events("notify")
    def on_notify(self, event):
        handlers.react(self.db, event, utcnow())

    @retention_timer
    def erase_expired(self):
        """Referrals and consultations closed longer ago than their retention period
        (docs/contract.md §2)."""
        handlers.erase_expired(self.db, self.config[RETENTION_KEY], utcnow())
        consultation_handlers.erase_expired(self.db, self.config[RETENTION_KEY], utcnow())
        self_referral_handlers.forget_expired(self.db, utcnow())

    @partner_inbound()
    def on_partner_message(self, received):
        partner_submissions.receive_partner_message(self.db, received, self.config[SECRET_KEY])

    @timer(interval=FORGET_REFUSED_SECONDS)
    def forget_refused(self):
        partner_submissions.forget_refused(self.db, utcnow(), self.config[RETENTION_DAYS_KEY])

    # --- operators, over the broker (the `kring` command) ----------------------------------

    @rpc
    def refused_submission(self, refused_id):
        """`kring dlq show partner --body`: a refused partner message as kept, or None."""
        return partner_submissions.refused_submission(self.db, refused_id)

    @rpc
    def referral_status(self, referral_id, person=None):
        """`kring status`: `person` is the operator's login, for the audit trail."""
        return handlers.referral_status(self.db, referral_id, person)

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
        """`kring trace`: this service's steps of a referral (None: no such referral)."""
        return handlers.trace_steps(self.db, referral_id)

    @rpc
    def audit_read(self, referral_id, person=None):
        """`kring audit`: the read recorded, then this service's records (None: no referral)."""
        return handlers.audit_read(self.db, referral_id, person)

    @rpc
    def erase(self, referral_id, reason, person=None):
        """`kring erase`: erase the referral's data; where the erasure stands (None: no such
        referral). `person`: the operator's login, for the audit trail."""
        return handlers.erase_by_operator(self.db, referral_id, reason, person, utcnow())

    @rpc
    def erasure_state(self, referral_id):
        """`kring erase` waits on this until every stage has reported its part erased."""
        return handlers.erasure_state(self.db, referral_id)

    @rpc
    def referral_owner(self, referral_id):
        """Whose a referral is, for a stage that has not heard of it yet (kring.kit.unheard);
        None: no such referral."""
        return handlers.referral_owner(self.db, referral_id)

    @rpc
    def export_of(self, referral_id):
        """What this service holds of a referral (exportReferral gathers every service's)."""
        return handlers.export_of(self.db, referral_id)

    @rpc
    def register_providers(self, entries):
        """`kring provider register`: each registerProvider body on its own; for each, the
        provider as registered or why not."""
        return handlers.register_entries(self.db, entries)

    @rpc
    def programmes(self, municipality=None):
        """`kring provider list`: a ProgrammeList, or why not."""
        return handlers.answer_of(handlers.list_programmes, self.db, municipality)

    @rpc
    def report(self, query):
        """`kring report`: the operator's report (getReports' table), or why not."""
        return handlers.answer_of(report_handlers.report_for_operator, self.db, query,
                                  self._hours_of, utcnow().date())

    def _hours_of(self, groups, periods):
        """Casework's hours of visits per group and period (getReports)."""
        try:
            answers = from_every_service(self.config[AMQP_URI_KEY], "report_hours", groups,
                                         periods, services=("casework",),
                                         ssl=self.config.get(AMQP_SSL_KEY))
        except Incomplete as exc:
            raise Unavailable(f"the report is incomplete: {exc}; try again") from None
        except (RemoteError, MethodNotFound, IncorrectSignature) as exc:
            # its database is away, or it is of a version before reports: no figures from it
            kind = getattr(exc, "exc_type", None) or type(exc).__name__
            raise Unavailable(f"the report is incomplete: the casework service failed "
                              f"({kind}); try again") from None
        return answers["casework"]

    def _other_exports(self, referral_id):
        try:
            answers = from_every_service(self.config[AMQP_URI_KEY], "export_of", referral_id,
                                         own=(self.name, None), ssl=self.config.get(AMQP_SSL_KEY))
        except Incomplete as exc:
            raise Unavailable(f"the export is incomplete: {exc}; try again") from None
        answers.pop(self.name)
        return answers

    def _other_trails(self, referral_id):
        try:
            return full_trail(self.config[AMQP_URI_KEY], referral_id, own=(self.name, []),
                              ssl=self.config.get(AMQP_SSL_KEY))
        except TrailIncomplete as exc:
            raise Unavailable(f"the audit trail is incomplete: {exc}; try again") from None
