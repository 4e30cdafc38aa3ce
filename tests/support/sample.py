"""The sample referral the tests submit, and variants of it."""


def referral_body(external_ref="HA-2026-0042", **overrides):
    body = {
        "programme": "home-start",
        "external_ref": external_ref,
        "referrer": {"name": "J. de Vries", "organisation": "Huisartsenpraktijk Oost",
                     "role": "gp", "email": "j.devries@example.org", "language": "nl"},
        "family": {"contact_name": "Fam. Yilmaz", "phone": "+31612345678",
                   "postcode": "3581AB", "municipality": "Utrecht", "languages": ["nl", "tr"],
                   "children_ages": [2, 5]},
        "request": {"question": "Support with parenting after a move", "domains": ["parenting"],
                    "urgency": "normal"},
        "consent": {"family_consents": True, "share_status_with_referrer": True,
                    "given_on": "2026-11-20"},
    }
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
