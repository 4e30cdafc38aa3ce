"""The family's leaflet of a programme (docs/contract.md §4): public, no token, served by the
referral service as an HTML page or a PDF (the texts: kring/leaflets/)."""
from marshmallow import fields, validate

from kring.contracts.fields import Strict, text
from kring.contracts.operation import PREFIX, Operation

FORMATS = ("html", "pdf")


class LeafletQuery(Strict):
    # any text: a language the leaflet is not in is a 404 that lists the ones it is in
    language = text(35, load_default="nl", metadata={
        "description": "a language code of the leaflet, e.g. nl, en, ar, fa, uk, pl, ti, tr; "
                       "default nl. One it is not in: 404 listing the ones it is in"})
    format = fields.String(load_default="html", validate=validate.OneOf(FORMATS), metadata={
        "description": "html (default) or pdf"})


OPERATIONS = [
    Operation("getLeaflet", "referral", "GET", f"{PREFIX}/programmes/<code>/leaflet",
              "The leaflet for families of a programme, in one of its languages: what the "
              "programme is, that support is voluntary, what Kring records, who is told and "
              "how long it is kept. An HTML page with `lang` and `dir`, or a PDF; answered "
              "with Content-Language. Unknown programme or language: 404.",
              query=LeafletQuery, statuses=(404, 422),
              media_types=("text/html", "application/pdf")),
]
