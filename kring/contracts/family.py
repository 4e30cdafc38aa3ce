"""HTTP bodies of a case's family: its members, the support figures they named, and the
intensity of the support over time (docs/contract.md §4 "Family, support figures and
intensity"). The operations are casework's (kring.contracts.casework).

Minimal on purpose: a member is an id, a role, an age band and languages, at most a first name
or an initial; no birth date, no surname, no contact details. A support figure is recorded only
with their consent.
"""
from marshmallow import Schema, fields, validate

from kring.contracts.fields import LANGUAGE, Flag, Strict, text

MEMBER_ROLES = ("parent", "child", "other_carer", "other")
AGE_BANDS = ("0-3", "4-11", "12-17", "18+")
FUNCTIONS = ("emotional", "practical", "informative")
INTENSITIES = ("high", "regular", "light")
MEMBER_ID = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,35}$"
MAX_VISITS_PER_WEEK = 7
MAX_HOURS_PER_WEEK = 40


def member_id(**kwargs):
    return fields.String(validate=validate.Regexp(
        MEMBER_ID, error="letters, digits, - and _, at most 36"), **kwargs)


class FamilyMember(Strict):
    member_id = member_id(load_default=None, metadata={
        "description": "kept when given; a new member without one gets one"})
    role = fields.String(required=True, validate=validate.OneOf(MEMBER_ROLES))
    age_band = fields.String(required=True, validate=validate.OneOf(AGE_BANDS))
    languages = fields.List(fields.String(validate=validate.Regexp(LANGUAGE)),
                            load_default=list, validate=validate.Length(max=5), metadata={
                                "description": "ISO 639 codes, e.g. nl, ar, uk"})
    first_name = text(40, load_default=None, allow_none=True, metadata={
        "description": "optional: a first name or an initial, nothing more"})


class SetFamilyMembers(Strict):
    members = fields.List(fields.Nested(FamilyMember), required=True,
                          validate=validate.Length(max=20))


class SupportFigure(Strict):
    """A trusted person (vertrouwenspersoon-steunfiguur) named by the child or a parent."""
    figure_id = fields.String(load_default=None, allow_none=True, metadata={
        "description": "in setPlan: kept when it names a figure the plan has; else a new id"})
    name = text(200, required=True, metadata={"description": "as the family gives it"})
    relation = text(100, required=True)
    formal = Flag(required=True)
    functions = fields.List(fields.String(validate=validate.OneOf(FUNCTIONS)), required=True,
                            validate=validate.Length(min=1, max=len(FUNCTIONS)))
    decides = Flag(load_default=False, metadata={
        "description": "takes part in decisions about the support"})
    consent = Flag(required=True, validate=validate.Equal(
        True, error="a support figure is recorded only with their consent"), metadata={
            "description": "the figure agreed to be recorded: must be true"})
    named_by = member_id(load_default=None, allow_none=True, metadata={
        "description": "the member (member_id) who named them"})


class ChangeIntensity(Strict):
    level = fields.String(load_default=None, allow_none=True,
                          validate=validate.OneOf(INTENSITIES))
    visits_per_week = fields.Float(load_default=None, allow_none=True,
                                   validate=validate.Range(0, MAX_VISITS_PER_WEEK))
    hours_per_week = fields.Float(load_default=None, allow_none=True,
                                  validate=validate.Range(0, MAX_HOURS_PER_WEEK))
    reason = text(2000, required=True)


class RecordMoment(Strict):
    """A coordinator's check-in (tussentijdse check) or an evaluation moment."""
    date = fields.Date(required=True, metadata={"description": "not in the future"})
    notes = text(5000, load_default=None, allow_none=True)


class MemberView(Schema):
    member_id = fields.String(required=True)
    role = fields.String(required=True)
    age_band = fields.String(allow_none=True)
    languages = fields.List(fields.String())
    first_name = fields.String(allow_none=True)


class WeekView(Schema):
    week_of = fields.Date(required=True, metadata={"description": "the Monday"})
    visits = fields.Integer(required=True)
    hours = fields.Float(required=True)


class IntensityView(Schema):
    level = fields.String(allow_none=True, metadata={"description": "the plan's intensity"})
    expected = fields.Dict(required=True, metadata={
        "description": "visits_per_week, hours_per_week and from where: the programme's "
                       "rhythm or the last intensity change that set them"})
    recent_weeks = fields.List(fields.Nested(WeekView), required=True, metadata={
        "description": "visits and hours of the last weeks, this week last"})
    changes = fields.List(fields.Dict(), required=True, metadata={
        "description": "level, visits_per_week, hours_per_week, reason, by, by_role, at"})


class MomentView(Schema):
    date = fields.Date(required=True)
    notes = fields.String(allow_none=True)
    by = fields.String(allow_none=True)
    by_role = fields.String(required=True)
    at = fields.String(required=True)
