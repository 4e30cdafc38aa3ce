"""The one place where text, flags and JSON bodies are validated, for both roads in.

An HTTP body (kring.kit.web) and a partner's message (docs/contract.md §5) are read by the same
`read_json_object` and loaded by the same schemas, so what one road refuses the other refuses
too, with the same words.
"""
import functools
import json
import re

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from kring.errors import INVALID_BODY, Invalid, Malformed

MAX_BODY_BYTES = 256 * 1024
PROGRAMME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}$")


@functools.cache
def one(schema, **options):
    """The one instance of `schema` with `options` (unknown=EXCLUDE, say), made on first use:
    building a marshmallow schema copies all its fields and costs more than loading a body
    with it, and a schema keeps nothing of one call for the next."""
    return schema(**options)


def storable(text):
    """False for text no database or e-mail can keep: a NUL (PostgreSQL refuses it) or half a
    UTF-16 pair (JSON may escape one, `"\\ud800"`, and Python keeps it; UTF-8 cannot)."""
    return "\x00" not in text and not any("\ud800" <= c <= "\udfff" for c in text)


def _check_storable(value):
    if not storable(value):
        raise ValidationError("contains characters that cannot be stored")


def text(max_length, also=(), **kwargs):
    """A non-empty string of at most `max_length` characters that can be stored; `also`: more
    validators."""
    return fields.String(validate=[validate.Length(min=1, max=max_length), _check_storable,
                                   *also], **kwargs)


class Flag(fields.Boolean):
    """JSON true or false, nothing else: marshmallow's Boolean also takes "yes", "0" and 1, and
    a consent given by accident is no consent."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class Strict(Schema):
    class Meta:
        unknown = RAISE  # a misspelt field is an error, not silently lost information


def read_json_object(raw, max_bytes=MAX_BODY_BYTES, empty_is_object=False):
    """The JSON object in `raw` (bytes), or Malformed / Invalid saying what is wrong with it.

    `empty_is_object`: an empty body reads as {} (an HTTP body whose fields all have defaults).
    """
    if len(raw) > max_bytes:
        raise Malformed(f"the body is larger than {max_bytes} bytes")
    if not raw.strip() and empty_is_object:
        return {}
    try:
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise Malformed("the body is not valid JSON") from None
    except RecursionError:  # nesting deeper than Python's stack: no body of ours is
        raise Malformed("the body is nested too deeply") from None
    _refuse_unstorable_text(payload)
    if not isinstance(payload, dict):
        raise Invalid(INVALID_BODY,
                      {"_schema": ["the body must be a JSON object"]})
    return payload


def _refuse_unstorable_text(payload):
    """Refuse the whole body, as bad input, before such text travels anywhere. The walk is a
    loop, not recursion: json.loads has already bounded the depth, but a stack of our own costs
    nothing."""
    pending = [payload]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str) and not storable(item):
            raise Malformed("the body holds text that cannot be stored: a NUL character or a "
                            "lone UTF-16 surrogate")
