"""Cursor paging, for every list of the API (kring.contracts.paging).

A cursor is the sort key of a page's last row, opaque to the caller: a row stored while someone
pages neither repeats nor skips one (the key ends with the row's id, which breaks ties). The
query asks for one row more than the page (`limit + 1`); that row says whether there is a next
page, and `cut` turns it into `next_cursor`.
"""
import base64
import binascii
import json
from datetime import date, datetime
from types import FunctionType

from sqlalchemy import and_, or_

from kring.errors import INVALID_QUERY, Invalid

# a date or an instant in a key travels as {"<tag>": iso}, so it comes back as what it was
_TAGS = {"at": datetime.fromisoformat, "on": date.fromisoformat}


def encode(*key):
    raw = json.dumps([_plain(value) for value in key]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor, size):
    """The key of `size` values `encode` made; anything else is the caller's mistake (422)."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(key, list) or len(key) != size:
            raise ValueError(cursor)
        return tuple(_typed(value) for value in key)
    except (ValueError, TypeError, KeyError, binascii.Error):
        raise Invalid(INVALID_QUERY, {"cursor": ["not a cursor this list gave"]}) from None


def after(order, key):
    """The filter of the rows after `key` in `order` [(column or expression, descending)]: the
    first column past the key's, or equal and the rest past."""
    (column, descending), *rest = order
    past = column < key[0] if descending else column > key[0]
    if not rest:
        return past
    return or_(past, and_(column == key[0], after(rest, key[1:])))


def ordered(query, order, cursor):
    """`query` in `order`, after the page `cursor` ended with (None: from the start)."""
    if cursor:
        query = query.where(after(order, decode(cursor, len(order))))
    return query.order_by(*(column.desc() if descending else column.asc()
                            for column, descending in order))


def scoped(query, scope, columns):
    """`query` within the caller's reach (Caller.scope: an Owner's field -> the value it must
    have), `columns` saying which column (or `lambda value: clause`) stands for each field of
    this table. A field without one raises, so a list never shows more than the rule allows."""
    for name, value in scope.items():
        if name not in columns:
            raise ValueError(f"no column for {name!r} of the caller's reach")
        target = columns[name]
        query = query.where(target(value) if isinstance(target, FunctionType) else
                            target == value)
    return query


def cut(rows, limit, key):
    """(the page, next_cursor) of `rows` fetched with `limit + 1`; `key(row)` is its sort key."""
    shown = rows[:limit]
    return shown, encode(*key(shown[-1])) if len(rows) > limit else None


def _plain(value):
    if isinstance(value, datetime):
        return {"at": value.isoformat()}
    if isinstance(value, date):
        return {"on": value.isoformat()}
    return value


def _typed(value):
    if isinstance(value, dict):
        (tag, text), = value.items()
        return _TAGS[tag](text)
    return value
