"""HTTP bodies of a family's own application (docs/contract.md §4 "Self-referral").

A family, or someone on its behalf, applies to a programme's provider without a referrer. The
body is submitReferral's without `referrer` and `external_ref`, with the `applicant` instead:
the address the confirmation and, later, the start and closure notices go to. Nothing becomes a
referral until the applicant confirms with the token from the confirmation e-mail.
"""
from marshmallow import Schema, fields, validate

from kring.contracts.fields import PROGRAMME, Flag, Strict, text
from kring.contracts.operation import PREFIX, Operation
from kring.contracts.referral import NOTICE_LANGUAGES, Consent, Family, Request

TOKEN_MAX = 100  # a token is 43 characters (32 random bytes, base64url); room to spare
AWAITING_CONFIRMATION = "awaiting_confirmation"
# the limits on applications (docs/contract.md §4): (how many, in how many seconds)
PER_ADDRESS = (5, 3600)  # from one remote address, per clock hour
PER_EMAIL = (3, 86400)  # for one applicant's e-mail address, per UTC day
CONFIRM_SECONDS = 24 * 3600  # an application not confirmed within this is deleted


class Applicant(Strict):
    email = fields.Email(required=True, validate=validate.Length(max=254), metadata={
        "description": "where the confirmation, and after it the start and closure notices, go"})
    language = fields.String(load_default="nl", validate=validate.OneOf(NOTICE_LANGUAGES))
    on_behalf = Flag(load_default=False, metadata={
        "description": "true: someone applies on the family's behalf (family data: sealed)"})
    name = text(200, load_default=None, allow_none=True)


class SubmitSelfReferral(Strict):
    programme = fields.String(required=True, validate=validate.Regexp(
        PROGRAMME, error="lower-case letters, digits and dashes, e.g. home-start"))
    applicant = fields.Nested(Applicant, required=True)
    family = fields.Nested(Family, required=True)
    request = fields.Nested(Request, required=True)
    consent = fields.Nested(Consent, required=True, metadata={
        "description": "family_consents must be true (support is voluntary); "
                       "share_status_with_referrer here: the family itself is told when "
                       "support starts and ends (at the applicant's address)"})


class ConfirmSelfReferral(Strict):
    token = text(TOKEN_MAX, required=True)


class ConfirmationQuery(Strict):
    token = text(TOKEN_MAX, required=True)


class SelfReferralAccepted(Schema):
    status = fields.String(required=True, metadata={
        "description": "awaiting_confirmation, whatever the address applied with before"})


class SelfReferralConfirmed(Schema):
    referral_id = fields.String(required=True)
    status = fields.String(required=True)


OPERATIONS = [
    Operation("submitSelfReferral", "referral", "POST", f"{PREFIX}/self-referrals",
              "A family's own application (or one on its behalf), without a referrer. Public "
              "and rate-limited. Answered 202 awaiting_confirmation: the application is kept "
              "sealed for 24 hours and becomes a referral only when confirmed with the token "
              "from the e-mail sent to the applicant.",
              body=SubmitSelfReferral, response=SelfReferralAccepted, success=202,
              statuses=(429,)),
    Operation("confirmSelfReferral", "referral", "POST", f"{PREFIX}/self-referrals/confirmation",
              "Confirm an application with the token from its e-mail: the referral is made "
              "and routed as submitReferral's (201). The same token again answers the same "
              "referral (200); an unknown or expired token is a 404.",
              body=ConfirmSelfReferral, response=SelfReferralConfirmed, success=201,
              statuses=(404,)),
    Operation("confirmSelfReferralLink", "referral", "GET",
              f"{PREFIX}/self-referrals/confirmation",
              "The link in the confirmation e-mail: confirms as confirmSelfReferral does and "
              "answers a short HTML page in the applicant's language.",
              query=ConfirmationQuery, statuses=(404,), media_types=("text/html",)),
]


class SelfReferralAsReferral(SubmitSelfReferral):
    """The referral a confirmed application becomes (the referral service's own use): its
    application's id as its external_ref, the applicant in the referrer's place."""
    external_ref = text(128, required=True)
