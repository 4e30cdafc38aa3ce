"""The municipality's commission pages (docs/contract.md §4 "Commissions"): the requests of
its municipality waiting for its decision and those decided (/commissions, two sections of
listCommissionRequests as the work queue has them, each with its own "more"), and one
request's page (/commissions/<referral_id>, getCommissionRequest) with the form that decides
it (decideCommission: yes, or no with a reason). The API decides whose requests these are:
another municipality's is its 404."""
from kring.contracts.commission import LISTS
from services.portal import forms
from services.portal.queue import Section, one_section, sections_page
from services.portal.steps import Step, done, take

SECTIONS = tuple(Section(f"commissions_{state}", "listCommissionRequests", "commissions",
                         "commission", {"state": state}) for state in LISTS)
BY_STATE = {section.query["state"]: section for section in SECTIONS}


def decision_body(form):
    """decideCommission's body: yes or no (left out when neither is chosen: the API says it is
    required) and the reason, an empty box left out."""
    return forms.step_body("decision", form, texts=("reason",), flags=("commissioned",))


DECIDE = Step("decision", "decideCommission", decision_body, ("commissioned", "reason"))


def commissions(visit):
    """Both lists; with `?state=` one of them, a page at a time by the API's cursor."""
    state = visit.request.args.get("state")
    if state is None:
        return sections_page(visit, SECTIONS, _path, "commissions.j2")
    section = BY_STATE.get(state)
    return one_section(visit, section, _path(section) if section else "/commissions")


def _path(section):
    return f"/commissions?state={section.query['state']}"


def commission(visit, referral_id):
    """One request as the municipality sees it; a POST is its decision, back here after."""
    if visit.request.method == "POST":
        return take(visit, DECIDE, {"referral_id": referral_id},
                    lambda values, errors, status: commission_page(
                        visit, referral_id, values, errors, status),
                    f"/commissions/{referral_id}")
    return visit.refused("getCommissionRequest") or commission_page(visit, referral_id)


def commission_page(visit, referral_id, values=None, errors=None, status=200):
    seen = visit.api.call("getCommissionRequest", path={"referral_id": referral_id})
    if not seen.ok:
        return visit.from_api(seen)
    request = seen.body
    # the form while the request waits, and always where the API just refused it (a 409:
    # decided meanwhile, the form stays as typed with the reason above it)
    deciding = visit.may(DECIDE.operation_id) and (
        request["state"] == "awaiting" or bool(errors))
    return visit.render("commission.j2", status=status, request=request, values=values or {},
                        errors=(errors or {}).get(DECIDE.name, {}), deciding=deciding,
                        done=done(visit, (DECIDE,)))
