"""The operator's page of the provider directory: who provides which programme in which
municipalities (the directory the referral service routes every referral by,
docs/contract.md §7), and the form to register a provider (registerProvider).

The directory is read with listProgrammes, which without a municipality answers all of it: it
holds no family data and every role may read it; registering is the operator's alone, so the
page is offered to the operator (registerProvider's row of the rule table)."""
from services.portal import admin_forms, forms


def directory(visit):
    """GET: the directory (in one municipality, if chosen) and the form; POST: register."""
    refused = visit.refused("registerProvider")
    if refused:
        return refused
    if visit.request.method == "GET":
        return directory_page(visit, {}, {})
    form = visit.request.form
    answer = visit.api.call("registerProvider", body=admin_forms.provider_body(form))
    if answer.status in (409, 422):  # said at the form, everything typed kept
        if answer.status == 422:
            errors = forms.field_errors(answer.body.get("errors"), admin_forms.PROVIDER_FIELDS)
        else:  # another organisation provides the programme in one of the municipalities
            errors = {forms.GENERAL: [answer.body.get("message") or
                                      visit.say("conflict_title")]}
        return directory_page(visit, admin_forms.provider_values(form), errors,
                              status=answer.status)
    if not answer.ok:
        return visit.from_api(answer)
    return visit.redirect("/directory?registered=1#aanbieders")


def directory_page(visit, values, errors, status=200):
    query = admin_forms.directory_query(visit.request.args)
    listed = visit.api.call("listProgrammes", query=query or None)
    filter_errors = {}
    if listed.status == 422:  # a municipality the register does not know: said at the filter
        filter_errors = forms.field_errors(listed.body.get("errors"),
                                           admin_forms.DIRECTORY_QUERY)
        listed = visit.api.call("listProgrammes")
    if not listed.ok:
        return visit.from_api(listed)
    providers = listed.body["providers"]
    return visit.render("directory.j2", status=status if not filter_errors else 422,
                        providers=providers, municipality=listed.body.get("municipality"),
                        query=query, filter_errors=filter_errors, values=values,
                        errors=errors, labels=_label(visit),
                        programmes=sorted({entry["programme"] for entry in providers}),
                        registered=visit.request.args.get("registered") == "1")


def _label(visit):
    return lambda name: visit.say(f"provider.{name}")
