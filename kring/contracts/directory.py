"""HTTP bodies of the provider directory (docs/contract.md §7): which organisation runs which
programme in which municipalities. The referral service owns it: it routes at submission."""
from marshmallow import Schema, ValidationError, fields, validate

from kring.contracts.fields import LANGUAGE, PROGRAMME, Flag, Strict, text
from kring.contracts.operation import PREFIX, Operation
from kring.contracts.programme import Programme, ProgrammeSummary

MAX_MUNICIPALITIES = 400  # a provider may serve a whole province; the country has fewer


def _organisation_name(value):
    """Written exactly as its people's tokens write it: a name padded with spaces, or with a
    control character, would be an organisation nobody can sign in as."""
    if value != value.strip() or not value.isprintable():
        raise ValidationError("no spaces at either end and no control characters: the "
                              "organisation exactly as its tokens name it")


class RegisterProvider(Strict):
    organisation = text(128, also=[_organisation_name], required=True, metadata={
        "description": "the organisation that coordinates this programme's referrals: the "
                       "`org` of its people's tokens"})
    name = text(200, required=True)
    programme = fields.String(required=True, validate=validate.Regexp(
        PROGRAMME, error="lower-case letters, digits and dashes, e.g. home-start"))
    municipalities = fields.List(text(100), required=True, validate=validate.Length(
        min=1, max=MAX_MUNICIPALITIES), metadata={
            "description": "CBS codes (GM0344) or names; names match without regard to case, "
                           "accents and punctuation"})
    languages = fields.List(fields.String(validate=validate.Regexp(
        LANGUAGE, error="use a two- or three-letter language code")),
        required=True, validate=validate.Length(min=1, max=20))
    waiting_list = Flag(load_default=False, metadata={
        "description": "true: it is not taking new families now; referrals still reach it "
                       "and wait"})


class Municipality(Schema):
    code = fields.String(required=True, metadata={"description": "CBS code, e.g. GM0344"})
    name = fields.String(required=True)


class ProviderView(Schema):
    organisation = fields.String(required=True)
    name = fields.String(required=True)
    programme = fields.String(required=True)
    municipalities = fields.List(fields.Nested(Municipality), required=True)
    languages = fields.List(fields.String(), required=True)
    waiting_list = fields.Boolean(required=True)


class ListProgrammesQuery(Strict):
    municipality = text(100, load_default=None, metadata={
        "description": "CBS code or name; without it, the whole directory"})


class ListedProvider(ProviderView):
    programme_details = fields.Nested(ProgrammeSummary, allow_none=True, metadata={
        "description": "what the programme's definition says (getProgramme has all of it); "
                       "null for a code registered before definitions that none knows now"})


class ProgrammeList(Schema):
    municipality = fields.Nested(Municipality, allow_none=True)
    providers = fields.List(fields.Nested(ListedProvider), required=True)


OPERATIONS = [
    Operation("registerProvider", "referral", "POST", f"{PREFIX}/providers",
              "Say which organisation runs a programme in which municipalities. The same "
              "organisation and programme again replaces its entry; a municipality that "
              "another organisation already serves for this programme is a 409.",
              body=RegisterProvider, response=ProviderView, success=201, statuses=(409,)),
    Operation("listProgrammes", "referral", "GET", f"{PREFIX}/programmes",
              "Which programmes a family in a municipality can be referred to, and who "
              "provides them.", query=ListProgrammesQuery, response=ProgrammeList),
    Operation("getProgramme", "referral", "GET", f"{PREFIX}/programmes/<code>",
              "A programme's definition: names, kind of work, whether a municipal commission "
              "is needed, expected duration and visit rhythm, the supporter kinds allowed, "
              "the aftercare table and the closure reasons.", response=Programme,
              statuses=(404,)),
]
