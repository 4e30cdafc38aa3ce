"""The query and answer of a list that pages by cursor (docs/contract.md §4): `limit` rows a
page, `cursor` the `next_cursor` of the page before, and `next_cursor` in the answer (null on
the last page). kring.kit.paging makes and reads the cursors."""
from marshmallow import Schema, fields, validate

from kring.contracts.fields import Strict, text

MAX_PAGE, DEFAULT_PAGE = 100, 20


def limit(default=DEFAULT_PAGE):
    return fields.Integer(load_default=default, validate=validate.Range(1, MAX_PAGE), metadata={
        "description": f"rows a page, 1–{MAX_PAGE} (default {default})"})


def cursor():
    return text(200, load_default=None, metadata={
        "description": "next_cursor of the page before; left out: the first page"})


def next_cursor():
    return fields.String(allow_none=True, metadata={
        "description": "give it as `cursor` for the next page; null: this is the last"})


class PageQuery(Strict):
    """A list's query when it has nothing else to ask."""
    limit = limit()
    cursor = cursor()


class Page(Schema):
    """What every paged answer carries besides its rows."""
    next_cursor = next_cursor()
