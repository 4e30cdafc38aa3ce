"""Pages of an organisation's supporters (admin and coordinator, as the rule table says): the list
with each one's capacity and how much of it is in use, registering a supporter, and a
supporter's page to change her (her capacity, taking her off). The API keeps each organisation
to its own supporters: another's is a 404 page."""
from kring.contracts.matching import KINDS
from services.portal import admin_forms, forms
from services.portal.visit import query_string


def supporters(visit):
    """GET: the list and the form to register one; POST: register her."""
    refused = visit.refused("listSupporters" if visit.request.method == "GET"
                            else "registerSupporter")
    if refused:
        return refused
    if visit.request.method == "GET":
        return supporters_page(visit, {"active": "yes", "kind": KINDS[0]}, {})
    form = visit.request.form
    answer = visit.api.call("registerSupporter", body=admin_forms.supporter_body(form))
    if answer.status == 422:  # everything typed comes back, the API's words at their fields
        errors = forms.field_errors(answer.body.get("errors"), admin_forms.SUPPORTER_FIELDS)
        return supporters_page(visit, admin_forms.supporter_values(form), errors, status=422)
    if not answer.ok:
        return visit.from_api(answer)
    return visit.redirect(f"/supporters/{answer.body['supporter_id']}?registered=1")


def supporters_page(visit, values, errors, status=200):
    cursor = visit.request.args.get("cursor")
    # a cursor only when the API gave one: the list is one page until it pages
    listed = visit.api.call("listSupporters", query={"cursor": cursor} if cursor else None)
    if not listed.ok:
        return visit.from_api(listed)
    next_cursor = listed.body.get("next_cursor")
    more = ("/supporters" + query_string(cursor=next_cursor)) if next_cursor else None
    directory = visit.api.call("listProgrammes")
    if not directory.ok:
        return visit.from_api(directory)
    choices = _choices(visit, directory, values)
    return visit.render("supporters.j2", status=status, supporters=listed.body["supporters"],
                        more=more, values=values, errors=errors, choices=choices, kinds=KINDS,
                        labels=_label(visit))


def supporter(visit, supporter_id):
    """GET: her page with the form to change her; POST: change her."""
    refused = visit.refused("getSupporter" if visit.request.method == "GET"
                            else "updateSupporter")
    if refused:
        return refused
    path = {"supporter_id": supporter_id}
    if visit.request.method == "GET":
        seen = visit.api.call("getSupporter", path=path)
        if not seen.ok:
            return visit.from_api(seen)
        return supporter_page(visit, seen.body, admin_forms.supporter_form_values(seen.body),
                              {})
    form = visit.request.form
    answer = visit.api.call("updateSupporter", path=path,
                            body=admin_forms.supporter_body(form, update=True))
    if answer.status == 422:
        seen = visit.api.call("getSupporter", path=path)
        if not seen.ok:
            return visit.from_api(seen)
        errors = forms.field_errors(answer.body.get("errors"), admin_forms.SUPPORTER_FIELDS)
        return supporter_page(visit, seen.body, admin_forms.supporter_values(form), errors,
                              status=422)
    if not answer.ok:
        return visit.from_api(answer)
    return visit.redirect(f"/supporters/{supporter_id}?saved=1")


def supporter_page(visit, shown, values, errors, status=200):
    directory = visit.api.call("listProgrammes")
    if not directory.ok:
        return visit.from_api(directory)
    choices = _choices(visit, directory, values)
    args = visit.request.args
    return visit.render("supporter.j2", status=status, supporter=shown, values=values,
                        errors=errors, choices=choices, kinds=KINDS, labels=_label(visit),
                        registered=args.get("registered") == "1",
                        saved=args.get("saved") == "1")


def _choices(visit, directory, values):
    """The programmes and municipalities to tick, from the directory (listProgrammes' answer)
    and what the form has already."""
    return admin_forms.directory_choices(directory.body["providers"], visit.session.org,
                                         kept=values)


def _label(visit):
    """A field's label in the list of errors above the form."""
    return lambda name: visit.say(f"supporter.{name}")
