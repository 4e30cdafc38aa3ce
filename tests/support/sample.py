"""The sample referral: examples/referral.json, the one the README submits with curl, is the one
every test starts from."""
import copy
import json

from tests.support import ROOT

SAMPLE = json.loads((ROOT / "examples" / "referral.json").read_text(encoding="utf-8"))


def referral_body(external_ref=SAMPLE["external_ref"], **overrides):
    """A fresh copy of the sample with its own `external_ref` and top-level keys replaced."""
    body = copy.deepcopy(SAMPLE)
    body["external_ref"] = external_ref
    for key, value in overrides.items():
        body[key] = value
    return body


def changed(path, value=None, delete=False):
    """referral_body() with the field at `path` (a tuple of keys) replaced or deleted."""
    body = referral_body()
    *parents, last = path
    target = body
    for key in parents:
        target = target[key]
    if delete:
        del target[last]
    else:
        target[last] = value
    return body


def self_referral_body(email="ouder@example.org", language="nl", **overrides):
    """submitSelfReferral's body from the sample: no referrer, no external_ref, the applicant
    (the family itself) in their place; top-level keys replaced by `overrides`."""
    body = copy.deepcopy(SAMPLE)
    del body["referrer"], body["external_ref"]
    body["applicant"] = {"email": email, "language": language, "on_behalf": False}
    body.update(overrides)
    return body
