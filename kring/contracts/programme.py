"""What a programme is (docs/contract.md §2 "Programmes"): a definition read from a file, not
code. The same schema checks the shipped definitions (kring/programmes/*.yaml), an operator's
own (KRING_PROGRAMMES) and describes getProgramme's answer."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from kring.contracts.events import SEVERITIES
from kring.contracts.fields import PROGRAMME, Strict, text
from kring.contracts.matching import KINDS as SUPPORTER_KINDS

PROGRAMME_KINDS = ("volunteer_family_support", "professional_family_trajectory",
                   "individual_guidance", "consultation")
RHYTHMS = ("weekly", "fortnightly", "monthly")
VISIT_LENGTHS = ("hour", "half_day", "day")
UNITS = ("weeks", "months")
CLOSURE_REASON = r"^[a-z][a-z0-9_]{0,63}$"


class Names(Strict):
    nl = text(200, required=True)
    en = text(200, required=True)


class Duration(Strict):
    min_months = fields.Integer(strict=True, required=True, validate=validate.Range(0, 120))
    max_months = fields.Integer(strict=True, required=True, validate=validate.Range(1, 120))

    @validates_schema
    def ordered(self, data, **_):
        if data.get("min_months", 0) > data.get("max_months", 120):
            raise ValidationError("may not be above max_months", "min_months")


class Rhythm(Strict):
    every = fields.String(required=True, validate=validate.OneOf(RHYTHMS))
    visit = fields.String(required=True, validate=validate.OneOf(VISIT_LENGTHS))


class AftercareSchedule(Strict):
    """`count` contacts, one every `every` weeks or months after the handover."""
    count = fields.Integer(strict=True, required=True, validate=validate.Range(1, 100))
    every = fields.Integer(strict=True, required=True, validate=validate.Range(1, 52))
    unit = fields.String(required=True, validate=validate.OneOf(UNITS))


class ClosureReason(Strict):
    code = fields.String(required=True, validate=validate.Regexp(
        CLOSURE_REASON, error="lower-case letters, digits and underscores"))
    name = fields.Nested(Names, required=True)


class Programme(Strict):
    code = fields.String(required=True, validate=validate.Regexp(
        PROGRAMME, error="lower-case letters, digits and dashes, e.g. home-start"))
    name = fields.Nested(Names, required=True)
    kind = fields.String(required=True, validate=validate.OneOf(PROGRAMME_KINDS))
    commission_required = fields.Boolean(required=True, metadata={
        "description": "a municipal commission (beschikking) is needed before support starts"})
    duration = fields.Nested(Duration, required=True, metadata={
        "description": "expected duration of the support, in months"})
    rhythm = fields.Nested(Rhythm, required=True, metadata={
        "description": "how often a supporter visits, and for how long"})
    check_in_weeks = fields.Integer(strict=True, load_default=6, validate=validate.Range(1, 52),
                                    metadata={"description": "weeks between the coordinator's "
                                              "check-ins on an open case (default 6)"})
    evaluation_weeks = fields.List(
        fields.Integer(strict=True, validate=validate.Range(1, 520)),
        load_default=lambda: [12, 26],
        validate=validate.Length(max=20), metadata={
            "description": "the evaluation moments: weeks after the case opened, ascending "
                           "(default 12 and 26)"})
    supporter_kinds = fields.List(fields.String(validate=validate.OneOf(SUPPORTER_KINDS)),
                                  required=True, validate=validate.Length(min=1), metadata={
                                      "description": "who may be proposed to a family"})
    aftercare = fields.Dict(keys=fields.String(validate=validate.OneOf(SEVERITIES)),
                            values=fields.Nested(AftercareSchedule), required=True, metadata={
                                "description": "the aftercare contacts per severity"})
    closure_reasons = fields.List(fields.Nested(ClosureReason), required=True,
                                  validate=validate.Length(min=1))

    @validates_schema
    def complete(self, data, **_):
        missing = [s for s in SEVERITIES if s not in data.get("aftercare", {s: None})]
        if missing:
            raise ValidationError(f"a schedule for every severity: {', '.join(missing)} "
                                  "missing", "aftercare")
        codes = [r["code"] for r in data.get("closure_reasons", [])]
        if len(codes) != len(set(codes)):
            raise ValidationError("each code once", "closure_reasons")
        weeks = data.get("evaluation_weeks", [])
        if weeks != sorted(set(weeks)):
            raise ValidationError("ascending, each once", "evaluation_weeks")
        kinds = data.get("supporter_kinds", [])
        if len(kinds) != len(set(kinds)):
            raise ValidationError("each kind once", "supporter_kinds")


class ProgrammeSummary(Schema):
    """What listProgrammes says of a programme next to its providers."""
    code = fields.String(required=True)
    name = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    kind = fields.String(required=True, validate=validate.OneOf(PROGRAMME_KINDS))
    commission_required = fields.Boolean(required=True)
    duration = fields.Dict(required=True, metadata={"description": "min_months, max_months"})
    rhythm = fields.Dict(required=True, metadata={"description": "every, visit"})
