"""The forms of an organisation's supporters and of the provider directory as the API's bodies,
and back: what a form shows of a supporter, and the choices it offers from the directory.

Pure: no IO. As in forms.py a form is what the browser sent, but a group of checkboxes sends
its name once for each box ticked (`programmes` twice for two programmes), so lists are read
with `getlist`. Nothing is checked here that the API checks.
"""
from services.portal.forms import split_list

SUPPORTER_FIELDS = ("name", "kind", "programmes", "municipalities", "languages", "capacity",
                    "expertise", "active")
CHOICES = ("programmes", "municipalities")  # a checkbox each, or a box to type in when the
#                                             directory offers none
PROVIDER_FIELDS = ("organisation", "name", "programme", "municipalities", "languages",
                   "waiting_list")
DIRECTORY_QUERY = ("municipality",)


def split_lines(value):
    """"De Bilt, Zeist" or one a line -> ["De Bilt", "Zeist"]: names hold spaces, so only a
    comma or a new line separates them."""
    return [part.strip() for part in value.replace("\r", "\n").replace(",", "\n").split("\n")
            if part.strip()]


def _number(value):
    """A whole number as a number; else as typed, for the API to say it is not one."""
    try:
        return int(value)
    except ValueError:
        return value


def _listed(form, name, split):
    return [part for value in form.getlist(name) for part in split(value)]


def supporter_body(form, update=False):
    """registerSupporter's body (or updateSupporter's, `update`) from the supporter form.

    Registering, an empty field is left out, so the API says it is required. Changing, every
    field is sent as the form has it: a list emptied is an empty list, which the API refuses
    with its words, rather than a change left out without a word."""
    body = {}
    for name, split in (("programmes", split_list), ("municipalities", split_lines),
                        ("languages", split_list), ("expertise", split_lines)):
        value = _listed(form, name, split)
        if value or update:
            body[name] = value
    for name in ("name", "kind", "capacity"):
        value = (form.get(name) or "").strip()
        if value or update:
            body[name] = _number(value) if name == "capacity" else value
    body["active"] = form.get("active") == "yes"
    return body


def supporter_values(form):
    """What was typed and ticked, to show again with the API's words: a list for each group of
    checkboxes, the text of every other field."""
    values = {name: form.get(name, "") for name in SUPPORTER_FIELDS if name not in CHOICES}
    values.update({name: _listed(form, name, split) for name, split in
                   (("programmes", split_list), ("municipalities", split_lines))})
    return values


def supporter_form_values(supporter):
    """A supporter as the API gives it, as the form shows it to change."""
    return {"name": supporter["name"], "kind": supporter["kind"],
            "programmes": list(supporter["programmes"]),
            "municipalities": list(supporter["municipalities"]),
            "languages": " ".join(supporter["languages"]),
            "capacity": str(supporter["capacity"]),
            "expertise": ", ".join(supporter["expertise"]),
            "active": "yes" if supporter["active"] else ""}


def directory_choices(providers, organisation, kept=None):
    """The programmes and municipalities a supporter of `organisation` may be given: those of
    the organisation's own entries in the directory (listProgrammes' providers), else of the
    whole directory; and whatever the supporter has already (`kept`), so a change keeps it.
    Municipalities by name, as matching compares them with the family's (case and accents
    aside). {"programmes": [...], "municipalities": [...]}, each sorted, each once."""
    own = [entry for entry in providers if entry["organisation"] == organisation] or providers
    kept = kept or {}
    programmes = {entry["programme"] for entry in own} | set(kept.get("programmes", ()))
    municipalities = {place["name"] for entry in own for place in entry["municipalities"]}
    municipalities |= set(kept.get("municipalities", ()))
    return {"programmes": sorted(programmes), "municipalities": sorted(municipalities)}


def provider_body(form):
    """registerProvider's body from the provider form; an empty field left out, so the API
    says it is required."""
    body = {}
    for name in ("organisation", "name", "programme"):
        value = (form.get(name) or "").strip()
        if value:
            body[name] = value
    for name, split in (("municipalities", split_lines), ("languages", split_list)):
        value = split(form.get(name) or "")
        if value:
            body[name] = value
    body["waiting_list"] = form.get("waiting_list") == "yes"
    return body


def provider_values(form):
    return {name: form.get(name, "") for name in PROVIDER_FIELDS}


def directory_query(args):
    """The directory page's filter as listProgrammes' query: nothing chosen, the whole
    directory."""
    return {name: args[name].strip() for name in DIRECTORY_QUERY if args.get(name, "").strip()}
