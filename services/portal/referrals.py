"""Pages of a referral: referring a family, my referrals, a referral's page with its proposal
and case, the intake and the answers to a proposal, its withdrawals, and the administrator's
audit trail, export and erasure. The work queue is queue.py's."""
import re
from datetime import date

from werkzeug.wrappers import Response

from kring.contracts.events import PARTIES
from kring.contracts.matching import SEVERITIES
from kring.contracts.referral import NOTICE_LANGUAGES, REFERRER_ROLES, URGENCIES
from services.portal import forms, summaries, words
from services.portal.api import Answer, ApiUnreachable, answer_of
from services.portal.steps import SAID_AT_THE_FORM, done, fields_step, refusal, take
from services.portal.visit import ERROR_PAGES, query_string

PAGE_SIZE = 20

# a referral's own steps, a form each on its page: withdrawing it (the family or the person
# stops), and withdrawing the family's consent to share (support goes on)
WITHDRAW = fields_step("withdraw", "withdrawReferral", texts=("by", "reason"))
WITHDRAW_CONSENT = fields_step("consent_withdrawal", "withdrawConsent", texts=("reason",))
# the administrator's: erasing the family's data (docs/contract.md §7)
ERASE = fields_step("erasure", "eraseReferral", texts=("reason",))
REFERRAL_STEPS = (WITHDRAW, WITHDRAW_CONSENT, ERASE)


def referral_form(visit, values=None, errors=None, status=200):
    return visit.render("refer.j2", status=status, values=values or default_values(),
                        errors=errors or {}, referrer_roles=REFERRER_ROLES,
                        notice_languages=NOTICE_LANGUAGES, urgencies=URGENCIES)


def default_values():
    return {"programme": "home-start", "referrer.language": "nl", "request.urgency": "normal",
            "consent.given_on": date.today().isoformat()}


def new_referral(visit):
    refused = visit.refused("submitReferral")
    if refused:
        return refused
    if visit.request.method == "GET":
        return referral_form(visit)
    values = {name: visit.request.form.get(name, "") for name in forms.REFERRAL_FIELDS}
    try:
        answer = visit.api.call("submitReferral", body=forms.referral_body(visit.request.form))
    except ApiUnreachable:  # nothing was stored: as the API's own 503
        answer = Answer(503, {})
    if answer.status == 422:  # everything typed comes back, the API's words at their fields
        errors = forms.field_errors(answer.body.get("errors"), forms.REFERRAL_FIELDS)
        return referral_form(visit, values, errors, status=422)
    if answer.status == 401:  # the session's identity is no longer accepted: sign in again
        return visit.from_api(answer)
    if not answer.ok:  # a 503 (nothing stored), a 409, a 403 ...: said above the form, and
        # everything typed is kept to send again
        return referral_form(visit, values, _refused(visit, answer), status=(
            answer.status if answer.status in (*SAID_AT_THE_FORM, *ERROR_PAGES) else 502))
    return visit.redirect(f"/referrals/{answer.body['referral_id']}?submitted=1")


def _refused(visit, answer):
    """What the API said of a referral it did not take, to say above the form."""
    if answer.status in SAID_AT_THE_FORM:
        return refusal(visit, answer, "", ())
    return {forms.GENERAL: [visit.say(f"{ERROR_PAGES.get(answer.status, 'unavailable')}_text")]}


def referral_list(visit):
    refused = visit.refused()
    if refused:
        return refused
    cursor = visit.request.args.get("cursor")
    query = {"limit": PAGE_SIZE, **({"cursor": cursor} if cursor else {})}
    answer = visit.api.call("listReferrals", query=query)
    if not answer.ok:
        return visit.from_api(answer)
    next_cursor = answer.body.get("next_cursor")
    more = (visit.request.path + query_string(cursor=next_cursor)) if next_cursor else None
    values = {"referrals": answer.body["referrals"], "more": more,
              "may_meet": visit.may("recordIntake")}
    if visit.request.headers.get("HX-Request") == "true" and cursor:
        return visit.render("referral_rows.j2", **values)  # the next rows, for htmx
    return visit.render("referrals.j2", **values)


def referral(visit, referral_id):
    refused = visit.refused()
    if refused:
        return refused
    answer = visit.api.call("getReferral", path={"referral_id": referral_id})
    if not answer.ok:
        return visit.from_api(answer)
    return referral_page(visit, answer.body)


def referral_page(visit, referral, status=200, values=None, errors=None):
    """The referral, and for its coordinator the proposal (with a form for each party still to
    answer) and the case; the withdrawals the person's role may make while they make sense.
    `values` and `errors` are by form (a party's, a withdrawal's): what was typed in it and
    what the API said of it."""
    proposal = _named(visit, "getProposal", "proposal_id", referral.get("proposal_id"))
    case = _named(visit, "getCase", "case_id", referral.get("case_id"))
    errors = errors or {}
    answering = summaries.open_parties(proposal)
    # a refused answer is shown at its form, also when that party is no longer asked
    answering += [party for party in errors if party in PARTIES and party not in answering]
    consent = referral.get("consent") or {}
    # while it makes sense (the API decides), and always where the API just refused it
    sensible = {WITHDRAW.name: referral.get("status") != "closed",
                # a referrer does not see the consent record: the form stays for them (a
                # second withdrawal changes nothing)
                WITHDRAW_CONSENT.name: not consent.get("withdrawn_at"),
                ERASE.name: not referral.get("erased_at")}
    offered = {step.name: visit.may(step.operation_id)
               and (sensible[step.name] or step.name in errors) for step in REFERRAL_STEPS}
    typed = {**{"withdraw.by": visit.session.role}, **(values or {}).get("withdraw", {})}
    answered = visit.request.args.get("answered")
    return visit.render("referral.j2", status=status, referral=referral, proposal=proposal,
                        answering=answering if visit.may("respondToProposal") else [],
                        case=summaries.case_summary(case, proposal) if case else None,
                        timeline=[(entry, timeline_detail(visit.say, entry))
                                  for entry in referral.get("timeline") or []],
                        values={**(values or {}), "withdraw": typed}, errors=errors,
                        parties=PARTIES, offered=offered, done=done(visit, REFERRAL_STEPS),
                        withdrawers=(visit.session.role, "family"), consent=consent,
                        answered=answered if answered in PARTIES else None,
                        submitted=visit.request.args.get("submitted") == "1",
                        saved=visit.request.args.get("intake") == "1",
                        may_meet=visit.may("recordIntake"))


def timeline_detail(say, entry):
    """A timeline entry's detail in the page's language where it is one of ours: a closure's
    outcome, who withdrew; else as the API says it (an organisation's name, say)."""
    detail = entry.get("detail")
    if not detail:
        return None
    if entry.get("status") == "closed" or detail == "does not fit":
        return say(f"outcome_{'declined' if detail == 'does not fit' else detail}")
    by = BY_WHOM.match(detail)
    return say(f"timeline_by_{by.group(1)}") if by else detail


BY_WHOM = re.compile(r"^by (family|referrer|coordinator)$")


def withdraw(visit, referral_id):
    return _take(visit, referral_id, WITHDRAW)


def withdraw_consent(visit, referral_id):
    return _take(visit, referral_id, WITHDRAW_CONSENT)


def erase(visit, referral_id):
    return _take(visit, referral_id, ERASE)


def audit(visit, referral_id):
    """The referral's audit trail (getAudit, the administrator's): who read or changed what of
    it, when, and the answer given."""
    refused = visit.refused("getAudit")
    if refused:
        return refused
    answer = visit.api.call("getAudit", path={"referral_id": referral_id})
    if not answer.ok:
        return visit.from_api(answer)
    roles = {key[len("role_"):]: visit.say(key) for key in words.TEXTS if key.startswith("role_")}
    return visit.render("audit.j2", referral_id=referral_id, entries=answer.body["entries"],
                        roles=roles)


def export(visit, referral_id):
    """Everything Kring holds of the referral (exportReferral), the API's JSON as it is, to
    save and hand to the family who asked for it."""
    refused = visit.refused("exportReferral")
    if refused:
        return refused
    response = visit.api.send("exportReferral", path={"referral_id": referral_id})
    if response.status_code != 200:
        return visit.from_api(answer_of(response))
    return Response(response.content, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="kring-{referral_id}.json"'})


def _take(visit, referral_id, step):
    """One of the referral's own steps; back on its page, or that page with the API's words
    at the step's form and everything typed kept."""
    def again(values, errors, status):
        seen = visit.api.call("getReferral", path={"referral_id": referral_id})
        if not seen.ok:
            return visit.from_api(seen)
        return referral_page(visit, seen.body, status, {step.name: values}, errors)
    return take(visit, step, {"referral_id": referral_id}, again, f"/referrals/{referral_id}")


def _named(visit, operation_id, key, value):
    """The proposal or case the referral names, when the person's role may read it; else None:
    the referral stands on its own page without it (the API decides the rest)."""
    if not value or not visit.may(operation_id):
        return None
    answer = visit.api.call(operation_id, path={key: value})
    return answer.body if answer.ok else None


# --- coordinators --------------------------------------------------------------------------

def intake(visit, referral_id):
    refused = visit.refused("recordIntake")
    if refused:
        return refused
    seen = visit.api.call("getReferral", path={"referral_id": referral_id})
    if not seen.ok:
        return visit.from_api(seen)
    if visit.request.method == "GET":
        return intake_form(visit, seen.body)
    form = visit.request.form
    answer = visit.api.call("recordIntake", body=forms.intake_body(referral_id, form))
    values = {name: form.get(name, "") for name in forms.INTAKE_FIELDS}
    if answer.status == 422:
        errors = forms.field_errors(answer.body.get("errors"), forms.INTAKE_FIELDS)
        return intake_form(visit, seen.body, values, errors, status=422)
    if answer.body.get("error") == "not_ready":  # 409: matching has not heard of it yet
        # (docs/contract.md §4 "Error answers"); the form again as typed. A 404 is a 404
        return intake_form(visit, seen.body, values,
                           {forms.GENERAL: [visit.say("not_heard_yet")]}, status=409)
    if answer.status in SAID_AT_THE_FORM:  # the intake already recorded, say: the form again
        return intake_form(visit, seen.body, values, refusal(visit, answer, "", ()),
                           status=answer.status)
    if not answer.ok:
        return visit.from_api(answer)
    return visit.redirect(f"/referrals/{referral_id}?intake=1")


def intake_form(visit, referral, values=None, errors=None, status=200):
    return visit.render("intake.j2", status=status, referral=referral, values=values or {},
                        errors=errors or {}, severities=SEVERITIES)


def respond(visit, proposal_id):
    """The family's or the supporter's answer to a proposal, given through the coordinator;
    back on the referral's page, or that page with the API's words at the party's form."""
    refused = visit.refused("respondToProposal")
    if refused:
        return refused
    seen = visit.api.call("getProposal", path={"proposal_id": proposal_id})
    if not seen.ok:
        return visit.from_api(seen)
    form = visit.request.form
    party = form.get("party", "")
    if party not in PARTIES:  # the page offers only these: a form made elsewhere
        return visit.error_page(404)
    answer = visit.api.call("respondToProposal", path={"proposal_id": proposal_id},
                            body=forms.answer_body(party, form))
    referral_id = seen.body["referral_id"]
    if answer.status in SAID_AT_THE_FORM:
        errors = refusal(visit, answer, party, forms.answer_fields(party))
        referral = visit.api.call("getReferral", path={"referral_id": referral_id})
        if not referral.ok:
            return visit.from_api(referral)
        values = {name: form.get(name, "") for name in forms.answer_fields(party)}
        return referral_page(visit, referral.body, status=answer.status,
                             values={party: values}, errors={party: errors})
    if not answer.ok:
        return visit.from_api(answer)
    return visit.redirect(f"/referrals/{referral_id}?answered={party}#voorstel")


