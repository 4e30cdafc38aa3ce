"""HTTP bodies of the referral service (docs/contract.md §4), shared with the partner queue
(docs/contract.md §5)."""
import re

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates

from kring.contracts.fields import LANGUAGE, PROGRAMME, Flag, Strict, text
from kring.contracts.operation import PREFIX, Operation
from kring.contracts.paging import Page, PageQuery

POSTCODE = re.compile(r"^[1-9][0-9]{3} ?[A-Za-z]{2}$")
PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,19}$")
NOTICE_LANGUAGES = ("nl", "en")
REFERRER_ROLES = ("gp", "district_nurse", "social_worker", "youth_health", "preschool",
                  "youth_care", "municipality", "family", "other")
URGENCIES = ("low", "normal", "high")
STATUSES = ("received", "matching", "waitlisted", "in_progress", "aftercare", "closed")


class Referrer(Strict):
    name = text(200, required=True)
    organisation = text(200, required=True)
    role = fields.String(required=True, validate=validate.OneOf(REFERRER_ROLES))
    email = fields.Email(required=True, validate=validate.Length(max=254))
    language = fields.String(load_default="nl", validate=validate.OneOf(NOTICE_LANGUAGES))


class Family(Strict):
    contact_name = text(200, required=True)
    phone = fields.String(required=True, validate=validate.Regexp(
        PHONE, error="not a phone number"))
    postcode = fields.String(required=True, validate=validate.Regexp(
        POSTCODE, error="not a Dutch postcode (1234 AB)"))
    municipality = text(100, required=True)
    languages = fields.List(fields.String(validate=validate.Regexp(
        LANGUAGE, error="use a two- or three-letter language code")),
        required=True, validate=validate.Length(min=1, max=10))
    children_ages = fields.List(fields.Integer(strict=True, validate=validate.Range(0, 25)),
                                load_default=list, validate=validate.Length(max=20))

    @post_load
    def normalise(self, data, **_):
        data["postcode"] = data["postcode"].replace(" ", "").upper()
        data["languages"] = list(dict.fromkeys(data["languages"]))
        return data


class Request(Strict):
    question = text(5000, required=True)
    domains = fields.List(text(64), required=True, validate=validate.Length(min=1, max=20))
    urgency = fields.String(load_default="normal", validate=validate.OneOf(URGENCIES))


class Consent(Strict):
    """What the family agreed to (docs/contract.md §7 "Consent"): support itself, and whom its
    status may be shared with."""
    family_consents = Flag(required=True)
    share_status_with_referrer = Flag(required=True, metadata={
        "description": "the referrer may hear when support starts and ends (notices, and the "
                       "statuses in between in getReferral)"})
    share_status_with_partner = Flag(load_default=None, metadata={
        "description": "for a partner's submission: the partner organisation may hear its "
                       "status changes on kring.partner.out; left out or null: the same as "
                       "share_status_with_referrer"})
    given_on = fields.Date(required=True)

    @validates("family_consents")
    def check_consent(self, value, **_):
        if value is not True:
            raise ValidationError("the family must consent: support is voluntary")

    @post_load
    def partner_scope(self, data, **_):
        if data.get("share_status_with_partner") is None:
            data["share_status_with_partner"] = data["share_status_with_referrer"]
        return data


class SubmitReferral(Strict):
    programme = fields.String(required=True, validate=validate.Regexp(
        PROGRAMME, error="lower-case letters, digits and dashes, e.g. home-start"))
    external_ref = text(128, required=True)
    referrer = fields.Nested(Referrer, required=True)
    family = fields.Nested(Family, required=True)
    request = fields.Nested(Request, required=True)
    consent = fields.Nested(Consent, required=True)


class WithdrawReferral(Strict):
    by = fields.String(load_default=None, validate=validate.OneOf(
        ("family", "referrer", "coordinator")), metadata={
            "description": "who asked: the caller's role (the default) or the family"})
    reason = text(2000, load_default=None, allow_none=True)


class WithdrawConsent(Strict):
    reason = text(2000, load_default=None, allow_none=True, metadata={
        "description": "kept with the consent record only; told to no one"})


class ReferralCreated(Schema):
    referral_id = fields.String(required=True)
    status = fields.String(required=True)


class TimelineEntry(Schema):
    status = fields.String(required=True)
    at = fields.String(required=True, metadata={"format": "date-time"})
    detail = fields.String(allow_none=True)


class ConsentView(Schema):
    """The consent record as the coordinating organisation sees it (never the reason)."""
    share_status_with_referrer = fields.Boolean(required=True)
    share_status_with_partner = fields.Boolean(required=True)
    given_on = fields.String(required=True, metadata={"format": "date"})
    recorded_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    recorded_by = fields.Dict(allow_none=True, metadata={
        "description": "organisation, person and role that submitted it"})
    withdrawn_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    withdrawn_by = fields.String(allow_none=True, metadata={"description": "the role"})


class ReferralView(Schema):
    referral_id = fields.String(required=True)
    external_ref = fields.String(required=True)
    programme = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    outcome = fields.String(allow_none=True)
    timeline = fields.List(fields.Nested(TimelineEntry), required=True)
    proposal_id = fields.String(allow_none=True)
    case_id = fields.String(allow_none=True)
    aftercare_id = fields.String(allow_none=True)
    family = fields.Nested(Family, metadata={"description": "coordinators only"})
    request = fields.Nested(Request, metadata={"description": "coordinators only"})
    consent = fields.Nested(ConsentView, metadata={"description": "coordinators only"})
    commission = fields.Dict(metadata={
        "description": "coordinators only, where the programme needs a municipal commission "
                       "(docs/contract.md §4 \"Commissions\"): {state, asked_at, decided_at, "
                       "decided_by: {role, organisation}, reason (for a no)}"})
    erased_at = fields.String(metadata={
        "format": "date-time", "description": "only once the family's data was erased "
        "(eraseReferral): then there is no family or request any more"})
    self_referred = fields.Boolean(metadata={
        "description": "coordinators only, and only when true: the family applied itself "
                       "(submitSelfReferral); there is no referrer"})
    applicant = fields.Dict(metadata={
        "description": "coordinators only, for a self-referral: {email, language, on_behalf, "
                       "name}, where the start and closure notices go"})


class ListReferralsQuery(PageQuery):
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES), metadata={
        "description": "coordinators and admins only: the referrals in this status"})


class ReferralSummary(Schema):
    referral_id = fields.String(required=True)
    external_ref = fields.String(required=True)
    programme = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES), metadata={
        "description": "for the referring organisation as far as the family's consent allows "
                       "(received or closed only, once it is withdrawn), as in getReferral"})
    received_at = fields.String(required=True, metadata={"format": "date-time"})


class ReferralList(Page):
    referrals = fields.List(fields.Nested(ReferralSummary), required=True)


OPERATIONS = [
    Operation("listReferrals", "referral", "GET", f"{PREFIX}/referrals",
              "Referrals, newest first, a page at a time: a referrer's are those its "
              "organisation submitted (status as far as consent allows); a coordinator's and "
              "an admin's those routed to their organisation, optionally in one status.",
              query=ListReferralsQuery, response=ReferralList),
    Operation("submitReferral", "referral", "POST", f"{PREFIX}/referrals",
              "Refer a family. The same external_ref from the same organisation returns the "
              "first referral (200) instead of creating a second one.",
              body=SubmitReferral, response=ReferralCreated, success=201),
    Operation("getReferral", "referral", "GET", f"{PREFIX}/referrals/<referral_id>",
              "Status, outcome, timeline and downstream ids of a referral. The referring "
              "organisation sees the status; coordinators also see the family's details.",
              response=ReferralView,
              statuses=(404,)),
    Operation("withdrawReferral", "referral", "POST", f"{PREFIX}/referrals/<referral_id>/withdraw",
              "Withdraw a referral (the family or the referrer stops; support is voluntary). "
              "Downstream work stops and the supporter's capacity is freed.",
              body=WithdrawReferral, response=ReferralView,
              statuses=(404, 409)),
    Operation("withdrawConsent", "referral", "POST",
              f"{PREFIX}/referrals/<referral_id>/consent/withdrawal",
              "The family withdraws its consent to share: from now on the referrer and the "
              "partner hear nothing more (no notice, no partner update; the referrer's view "
              "shows only that the referral was received and when it closed). Support goes "
              "on. A second withdrawal changes nothing and answers the same way.",
              body=WithdrawConsent, response=ReferralView,
              statuses=(404,)),
]
