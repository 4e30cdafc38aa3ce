"""The portal's forms as the API's bodies, and the API's 422 errors back at the fields.

Pure: no IO. A form is what the browser sent (name -> value, each name once; a checkbox that is
not ticked is not sent). Field names are the body's paths, dotted (`family.phone`), so an error
the API reports at a path lands next to the field that path names. Nothing is checked here that
the API checks: the API says what is wrong, in one place.
"""
REFERRAL_FIELDS = (
    "programme", "external_ref",
    "referrer.name", "referrer.organisation", "referrer.role", "referrer.email",
    "referrer.language",
    "family.contact_name", "family.phone", "family.postcode", "family.municipality",
    "family.languages", "family.children_ages",
    "request.question", "request.domains", "request.urgency",
    "consent.family_consents", "consent.share_status_with_referrer", "consent.given_on",
)
LISTS = ("family.languages", "family.children_ages", "request.domains")
FLAGS = ("consent.family_consents", "consent.share_status_with_referrer")
INTAKE_FIELDS = ("fits", "severity", "reason")
ANSWER_FIELDS = ("accept", "reason")  # one form a party: named `<party>.accept`, ...
GENERAL = ""  # errors that name no field of the form: shown above it


def split_list(value):
    """"nl, ar" or "nl ar" -> ["nl", "ar"]: a list typed into one box."""
    return [part for part in value.replace(",", " ").split() if part]


def _age(value):
    """An age as a number when it is one; else as typed, for the API to say it is not."""
    return int(value) if value.isdigit() else value


def referral_body(form):
    """submitReferral's body from the referral form. An empty box is left out, so the API
    says it is required; lists are split; the consent boxes are true only when ticked."""
    body = {}
    for name in REFERRAL_FIELDS:
        if name in FLAGS:
            value = form.get(name) == "yes"
        else:
            value = (form.get(name) or "").strip()
            if not value:
                if name == "family.children_ages":
                    _put(body, name, [])
                continue
            if name in LISTS:
                value = split_list(value)
                if name == "family.children_ages":
                    value = [_age(age) for age in value]
        _put(body, name, value)
    return body


def intake_body(referral_id, form):
    """recordIntake's body: whether the question fits, how severe, and why."""
    fits = form.get("fits")
    body = {"referral_id": referral_id}
    if fits in ("yes", "no"):
        body["fits"] = fits == "yes"
    severity = (form.get("severity") or "").strip()
    if severity and fits == "yes":
        body["severity"] = severity
    reason = (form.get("reason") or "").strip()
    if reason:
        body["reason"] = reason
    return body


def answer_fields(party):
    """The fields of one party's answer form: two forms on one page, so each its own names."""
    return tuple(f"{party}.{name}" for name in ANSWER_FIELDS)


def answer_body(party, form):
    """respondToProposal's body from one party's form: yes, no or not chosen, and why."""
    body = {"party": party}
    accept = form.get(f"{party}.accept")
    if accept in ("yes", "no"):
        body["accept"] = accept == "yes"
    reason = (form.get(f"{party}.reason") or "").strip()
    if reason:
        body["reason"] = reason
    return body


def answer_errors(party, errors):
    """The API's errors for one party's answer at that party's fields (`accept` at
    `family.accept`); what names neither under GENERAL."""
    return field_errors({party: errors} if errors else {}, answer_fields(party))


def _put(body, dotted, value):
    *parents, last = dotted.split(".")
    for key in parents:
        body = body.setdefault(key, {})
    body[last] = value


def field_errors(errors, fields):
    """The API's `errors` (nested as marshmallow gives them) as {field: [messages]}, each at the
    nearest field of `fields` its path starts with (`family.children_ages.1` at
    `family.children_ages`); what names none of them under GENERAL."""
    placed = {}
    for path, messages in _flatten(errors or {}):
        field = _nearest(path, fields)
        placed.setdefault(field, []).extend(messages)
    return placed


def _flatten(errors, prefix=""):
    if isinstance(errors, list):
        texts = [str(item) for item in errors if not isinstance(item, (dict, list))]
        if texts:
            yield prefix, texts
        for item in errors:
            if isinstance(item, (dict, list)):
                yield from _flatten(item, prefix)
        return
    if not isinstance(errors, dict):
        yield prefix, [str(errors)]
        return
    for key, value in errors.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if key == "_schema":
            path = prefix
        yield from _flatten(value, path)


def _nearest(path, fields):
    parts = path.split(".") if path else []
    while parts:
        candidate = ".".join(parts)
        if candidate in fields:
            return candidate
        parts.pop()
    return GENERAL
