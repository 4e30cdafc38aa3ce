"""The portal's forms as the API's bodies, and the API's 422 errors back at the fields.

Pure: no IO. A form is what the browser sent (name -> value, each name once; a checkbox that is
not ticked is not sent). Field names are the body's paths, dotted (`family.phone`), so an error
the API reports at a path lands next to the field that path names. Nothing is checked here that
the API checks: the API says what is wrong, in one place.
"""
import re

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
    `family.accept`); what names neither under GENERAL. An answer is a form named by its
    party, as a case's forms are by their step."""
    return step_errors(party, errors, answer_fields(party))


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


# --- the steps of a case and of aftercare (services/portal/cases.py) ------------------------
# Several forms on one page: each form's fields are named `<form>.<body path>` (`visit.hours`,
# `handover.receiving_party.kind`), so ids stay unique on the page and the API's errors, put
# under the form's name, land at its fields.

def typed(form, step):
    """What was typed into one form of the page: its fields as sent, to show them again."""
    prefix = f"{step}."
    return {name: value for name, value in form.items() if name.startswith(prefix)}


def step_errors(step, errors, fields):
    """The API's errors for one form at that form's fields; what names none under GENERAL."""
    return field_errors({step: errors} if errors else {}, fields)


def number(value):
    """A number as typed, with a decimal comma or point ("2,5" is 2.5); else as typed, for the
    API to say it is not one."""
    try:
        return float(value.replace(",", "."))
    except ValueError:
        return value


def flag(value):
    """A yes/no pair of radio buttons: True, False, or None when neither was chosen."""
    return {"yes": True, "no": False}.get(value)


def step_body(step, form, texts=(), numbers=(), flags=()):
    """A body of the named fields of one form: an empty box and an unchosen yes/no are left
    out (the API says when they are required); numbers as numbers where they are."""
    body = {}
    for name in (*texts, *numbers, *flags):
        value = form.get(f"{step}.{name}")
        if name in flags:
            value = flag(value)
        else:
            value = (value or "").strip() or None
            if value is not None and name in numbers:
                value = number(value)
        if value is not None:
            _put(body, name, value)
    return body


def ticked(step, form, group):
    """The ids of the ticked boxes named `<step>.<group>.<id>`."""
    prefix = f"{step}.{group}."
    return [name[len(prefix):] for name, value in form.items()
            if name.startswith(prefix) and value == "yes"]


def lines(value):
    """A list typed one item a line."""
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


# A list of things in rows (a plan's goals, a family's members): row n's fields are named
# `<form>.<list>.<n>.<field>`; the form shows the rows there are and one spare row more.
GOAL_FIELDS = ("life_domain", "goal", "for")
MEMBER_FIELDS = ("member_id", "role", "age_band", "first_name", "languages")
ROW = re.compile(r"([a-z_]+\.[a-z_]+)\.(\d{1,2})\.")


def row_count(values, rows):
    """How many rows the list `rows` ("plan.goals") has in the form: one past the highest."""
    found = [int(match.group(2)) for match in map(ROW.match, values)
             if match and match.group(1) == rows]
    return max(found) + 1 if found else 0


def row_paths(form, step, group, names):
    """The body paths of every row's fields: a box left empty is not sent, yet the API's word
    on it belongs there."""
    return tuple(f"{group}.{row}.{name}" for row in range(row_count(form, f"{step}.{group}"))
                 for name in names)


def goal_paths(form):
    return row_paths(form, "plan", "goals", GOAL_FIELDS)


def member_paths(form):
    return row_paths(form, "members", "members", MEMBER_FIELDS)


def _rows(form, step, group, names, counts):
    """(number, what was typed) of the rows of a list that `counts`: the items to send. A row
    left empty is no item (a goal or a member no longer there)."""
    rows = []
    for row in range(row_count(form, f"{step}.{group}")):
        typed_in = {name: (form.get(f"{step}.{group}.{row}.{name}") or "").strip()
                    for name in names}
        if counts(row, typed_in):
            rows.append((row, {name: value for name, value in typed_in.items() if value}))
    return rows


def renumbered(errors, group, sent):
    """The API's errors of a list's items, numbered by their place in the body, at the rows
    of the form they came from (rows left empty were not sent)."""
    items = (errors or {}).get(group) if isinstance(errors, dict) else None
    if not isinstance(items, dict):
        return errors
    numbers = [row for row, _ in sent]
    return {**errors, group: {
        (str(numbers[int(key)]) if str(key).isdigit() and int(key) < len(numbers) else key):
        value for key, value in items.items()}}


def goals_sent(form):
    return _rows(form, "plan", "goals", GOAL_FIELDS, lambda row, goal: (
        goal["life_domain"] or goal["goal"] or ticked("plan", form, f"goals.{row}.members")))


def members_sent(form):
    return _rows(form, "members", "members", MEMBER_FIELDS,
                 lambda row, member: member["role"] or member["first_name"])


def plan_body(form):
    """setPlan's body from the plan form: the goals with anything typed or ticked (the form's
    spare row is left out when nothing is typed in it; its "for whom" always has a choice),
    risk and protective factors one a line, the intensity. Support figures are left out: the
    plan keeps the ones it has."""
    goals = [{**goal, "members": ticked("plan", form, f"goals.{row}.members")}
             for row, goal in goals_sent(form)]
    body = {"goals": goals,
            "risk_factors": lines(form.get("plan.risk_factors")),
            "protective_factors": lines(form.get("plan.protective_factors"))}
    intensity = (form.get("plan.intensity") or "").strip()
    if intensity:
        body["intensity"] = intensity
    return body


def plan_errors(form, errors):
    return renumbered(errors, "goals", goals_sent(form))


def members_body(form):
    """setFamilyMembers' body: the rows with a role chosen or a name typed; a row emptied (no
    role, no name) is a member no longer in the family. Each keeps its id; languages as a
    list."""
    return {"members": [{**member, "languages": split_list(member.get("languages", ""))}
                        for _, member in members_sent(form)]}


def member_errors(form, errors):
    return renumbered(errors, "members", members_sent(form))


def figure_body(form, step="figure"):
    """addSupportFigure's body, and updateSupportFigure's from a figure's own form (`step`):
    the functions and the yes-boxes ticked; `formal` a yes/no."""
    body = step_body(step, form, texts=("name", "relation", "named_by"), flags=("formal",))
    body["functions"] = ticked(step, form, "functions")
    body["decides"] = form.get(f"{step}.decides") == "yes"
    body["consent"] = form.get(f"{step}.consent") == "yes"
    return body


def handover_body(form):
    """handOverCase's body; the support figures who stay are the ticked boxes."""
    body = step_body("handover", form, texts=("receiving_party.kind", "receiving_party.name",
                                              "summary"))
    body["support_figures_staying"] = ticked("handover", form, "staying")
    return body
