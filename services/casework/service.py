"""The casework service: the family's trajectory with one supporter, from match to handover."""
from nameko.dependency_providers import Config

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
from services.casework import handlers, reports
from services.casework.models import metadata
from services.casework.outgoing import outgoing


class CaseworkService(ParkedMessages):
    name = "casework"

    db = Database(metadata, outgoing=outgoing)
    config = Config()

    @on_events("matching")
    def on_matching(self, event):
        handlers.react(self.db, event, utcnow())

    @on_events("referral")
    def on_referral(self, event):
        handlers.react(self.db, event, utcnow())

    @on_events("aftercare")
    def on_aftercare(self, event):
        handlers.react(self.db, event, utcnow())

    @retention_timer
    def erase_expired(self):
        """Referrals closed longer ago than their retention period (docs/contract.md §2)."""
        handlers.erase_expired(self.db, self.config[RETENTION_KEY], utcnow())

    @api("listCases")
    def list_cases(self, caller, query):
        return handlers.list_cases(self.db, caller, query, utcnow())

    @api("getCase")
    def get_case(self, caller, case_id):
        return handlers.get_case(self.db, caller, case_id)

    @api("setPlan")
    def set_plan(self, caller, body, case_id):
        return handlers.set_plan(self.db, caller, case_id, body, utcnow())

    @api("logVisit")
    def log_visit(self, caller, body, case_id):
        return handlers.log_visit(self.db, caller, case_id, body, utcnow())

    @api("recordSafetyConcern")
    def record_safety_concern(self, caller, body, case_id):
        return handlers.record_safety_concern(self.db, caller, case_id, body, utcnow())

    @api("resolveSafetyConcern")
    def resolve_safety_concern(self, caller, body, case_id, concern_id):
        return handlers.resolve_safety_concern(self.db, caller, case_id, concern_id,
                                               body["resolution"], utcnow())

    @api("closeCase")
    def close_case(self, caller, body, case_id):
        return handlers.close_case(self.db, caller, case_id, body["evaluation"],
                                   body["goals_met"], utcnow(), body["reason"])

    @api("handOverCase")
    def hand_over_case(self, caller, body, case_id):
        return handlers.hand_over_case(self.db, caller, case_id, body["receiving_party"],
                                       body["summary"], utcnow(),
                                       body["support_figures_staying"])

    @api("setFamilyMembers")
    def set_family_members(self, caller, body, case_id):
        return handlers.set_family_members(self.db, caller, case_id, body, utcnow())

    @api("addSupportFigure")
    def add_support_figure(self, caller, body, case_id):
        return handlers.add_support_figure(self.db, caller, case_id, body, utcnow())

    @api("updateSupportFigure")
    def update_support_figure(self, caller, body, case_id, figure_id):
        return handlers.update_support_figure(self.db, caller, case_id, figure_id, body,
                                              utcnow())

    @api("removeSupportFigure")
    def remove_support_figure(self, caller, case_id, figure_id):
        return handlers.remove_support_figure(self.db, caller, case_id, figure_id, utcnow())

    @api("changeIntensity")
    def change_intensity(self, caller, body, case_id):
        return handlers.change_intensity(self.db, caller, case_id, body, utcnow())

    @api("recordCheckIn")
    def record_check_in(self, caller, body, case_id):
        return handlers.record_check_in(self.db, caller, case_id, body, utcnow())

    @api("recordEvaluation")
    def record_evaluation(self, caller, body, case_id):
        return handlers.record_evaluation(self.db, caller, case_id, body, utcnow())

    @rpc
    def export_of(self, referral_id):
        """What this service holds of a referral (exportReferral gathers every service's)."""
        return handlers.export_of(self.db, referral_id)

    @rpc
    def report_hours(self, groups, periods):
        """getReports: the hours of visits per group and period (no ids in the answer)."""
        return reports.report_hours(self.db, groups, periods)

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
