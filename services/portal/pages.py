"""The portal's pages: each reads the request, calls the API as the signed-in person and
renders what it answered. No rule of who may see what lives here: a page is offered to the
roles in its operation's row of the rule table, and the API decides the rest."""
from datetime import date

from werkzeug.wrappers import Response

from kring.contracts.events import PARTIES
from kring.contracts.matching import SEVERITIES
from kring.contracts.referral import NOTICE_LANGUAGES, REFERRER_ROLES, URGENCIES
from kring.contracts.report import PERIODS
from services.portal import charts, forms, signin, summaries
from services.portal.api import Answer
from services.portal.visit import LANGUAGE_COOKIE, query_string, safe_next

LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600
PAGE_SIZE = 20


def may(visit, operation_id):
    return visit.may(operation_id)


def home(visit):
    if visit.session is None:
        return visit.render("signed_out.j2")
    return visit.render("home.j2", may_refer=may(visit, "submitReferral"),
                        may_list=may(visit, "listReferrals"),
                        may_meet=may(visit, "recordIntake"),
                        may_report=may(visit, "getReports"))


# --- signing in and out --------------------------------------------------------------------

def login_page(visit, token):
    """Following the link shows who it signs in as and a button: the link is used only by the
    person's own click, not by a mail scanner that opens links to look at them."""
    identity = signin.link_identity(visit.engine, token)
    if identity is None:
        return visit.render("link_gone.j2", status=410)
    org, role, subject = identity
    return visit.render("login.j2", org=org, role=role, subject=subject, token=token)


def login(visit, token):
    made = signin.redeem_link(visit.engine, token)
    if made is None:
        return visit.render("link_gone.j2", status=410)
    cookie, _ = made
    return visit.set_session_cookie(visit.redirect("/"), cookie, signin.SESSION_SECONDS)


def logout(visit):
    if not visit.csrf_ok():
        return visit.render("error.j2", status=403, title=visit.say("csrf_title"),
                            text=visit.say("csrf_text"))
    signin.end_session(visit.engine, visit.cookie)
    response = visit.redirect("/")
    response.delete_cookie("kring_session", path="/", httponly=True, samesite="Strict",
                           secure=signin.cookie_is_secure(visit.request.scheme,
                                                          visit.request.host))
    return response


def switch_language(visit):
    chosen = visit.request.args.get("to")
    response = visit.redirect(safe_next(visit.request.args.get("next")))
    if chosen in ("nl", "en"):
        response.set_cookie(LANGUAGE_COOKIE, chosen, max_age=LANGUAGE_COOKIE_SECONDS, path="/",
                            samesite="Lax", httponly=True)
    return response


# --- referrers -----------------------------------------------------------------------------

def referral_form(visit, values=None, errors=None, status=200):
    return visit.render("refer.j2", status=status, values=values or default_values(),
                        errors=errors or {}, referrer_roles=REFERRER_ROLES,
                        notice_languages=NOTICE_LANGUAGES, urgencies=URGENCIES)


def default_values():
    return {"programme": "home-start", "referrer.language": "nl", "request.urgency": "normal",
            "consent.given_on": date.today().isoformat()}


def new_referral(visit):
    if visit.session is None:
        return visit.sign_in_first()
    if not may(visit, "submitReferral"):
        return visit.error_page(403)
    if visit.request.method == "GET":
        return referral_form(visit)
    if not visit.csrf_ok():
        return visit.render("error.j2", status=403, title=visit.say("csrf_title"),
                            text=visit.say("csrf_text"))
    values = {name: visit.request.form.get(name, "") for name in forms.REFERRAL_FIELDS}
    answer = visit.api.call("submitReferral", body=forms.referral_body(visit.request.form))
    if answer.status == 422:  # everything typed comes back, the API's words at their fields
        errors = forms.field_errors(answer.body.get("errors"), forms.REFERRAL_FIELDS)
        return referral_form(visit, values, errors, status=422)
    if not answer.ok:
        return visit.from_api(answer)
    return visit.redirect(f"/referrals/{answer.body['referral_id']}?submitted=1")


def referral_list(visit, status=None, template="referrals.j2"):
    if visit.session is None:
        return visit.sign_in_first()
    cursor = visit.request.args.get("cursor")
    query = {"limit": PAGE_SIZE, **({"cursor": cursor} if cursor else {}),
             **({"status": status} if status else {})}
    answer = visit.api.call("listReferrals", query=query)
    if not answer.ok:
        return visit.from_api(answer)
    next_cursor = answer.body.get("next_cursor")
    more = (visit.request.path + query_string(cursor=next_cursor)) if next_cursor else None
    values = {"referrals": answer.body["referrals"], "more": more,
              "may_meet": may(visit, "recordIntake")}
    if visit.request.headers.get("HX-Request") == "true" and cursor:
        return visit.render("referral_rows.j2", **values)  # the next rows, for htmx
    return visit.render(template, **values)


def queue(visit):
    return referral_list(visit, status="received", template="queue.j2")


def referral(visit, referral_id):
    if visit.session is None:
        return visit.sign_in_first()
    answer = visit.api.call("getReferral", path={"referral_id": referral_id})
    if not answer.ok:
        return visit.from_api(answer)
    return referral_page(visit, answer.body)


def referral_page(visit, referral, status=200, values=None, errors=None):
    """The referral, and for its coordinator the proposal (with a form for each party still to
    answer) and the case. `values` and `errors` are by party: what was typed in its form and
    what the API said of it."""
    proposal = _named(visit, "getProposal", "proposal_id", referral.get("proposal_id"))
    case = _named(visit, "getCase", "case_id", referral.get("case_id"))
    errors = errors or {}
    answering = summaries.open_parties(proposal)
    # a refused answer is shown at its form, also when that party is no longer asked
    answering += [party for party in errors if party not in answering]
    answered = visit.request.args.get("answered")
    return visit.render("referral.j2", status=status, referral=referral, proposal=proposal,
                        answering=answering if may(visit, "respondToProposal") else [],
                        case=summaries.case_summary(case, proposal) if case else None,
                        values=values or {}, errors=errors, parties=PARTIES,
                        answered=answered if answered in PARTIES else None,
                        submitted=visit.request.args.get("submitted") == "1",
                        saved=visit.request.args.get("intake") == "1",
                        may_meet=may(visit, "recordIntake"))


def _named(visit, operation_id, key, value):
    """The proposal or case the referral names, when the person's role may read it; else None:
    the referral stands on its own page without it (the API decides the rest)."""
    if not value or not may(visit, operation_id):
        return None
    answer = visit.api.call(operation_id, path={key: value})
    return answer.body if answer.ok else None


# --- coordinators --------------------------------------------------------------------------

def intake(visit, referral_id):
    if visit.session is None:
        return visit.sign_in_first()
    if not may(visit, "recordIntake"):
        return visit.error_page(403)
    seen = visit.api.call("getReferral", path={"referral_id": referral_id})
    if not seen.ok:
        return visit.from_api(seen)
    if visit.request.method == "GET":
        return intake_form(visit, seen.body)
    if not visit.csrf_ok():
        return visit.render("error.j2", status=403, title=visit.say("csrf_title"),
                            text=visit.say("csrf_text"))
    form = visit.request.form
    answer = visit.api.call("recordIntake", body=forms.intake_body(referral_id, form))
    values = {name: form.get(name, "") for name in forms.INTAKE_FIELDS}
    if answer.status == 422:
        errors = forms.field_errors(answer.body.get("errors"), forms.INTAKE_FIELDS)
        return intake_form(visit, seen.body, values, errors, status=422)
    if answer.status == 404:  # matching has not heard of the referral yet (docs/contract.md §4)
        return intake_form(visit, seen.body, values,
                           {forms.GENERAL: [visit.say("not_heard_yet")]}, status=409)
    if not answer.ok:
        return visit.from_api(answer)
    return visit.redirect(f"/referrals/{referral_id}?intake=1")


def intake_form(visit, referral, values=None, errors=None, status=200):
    return visit.render("intake.j2", status=status, referral=referral, values=values or {},
                        errors=errors or {}, severities=SEVERITIES)



def respond(visit, proposal_id):
    """The family's or the supporter's answer to a proposal, given through the coordinator;
    back on the referral's page, or that page with the API's words at the party's form."""
    if visit.session is None:
        return visit.sign_in_first()
    if not may(visit, "respondToProposal"):
        return visit.error_page(403)
    if not visit.csrf_ok():
        return visit.render("error.j2", status=403, title=visit.say("csrf_title"),
                            text=visit.say("csrf_text"))
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
    if answer.status in (409, 422):
        if answer.status == 422:
            errors = forms.answer_errors(party, answer.body.get("errors"))
        else:
            errors = {forms.GENERAL: [answer.body.get("message") or visit.say("conflict_title")]}
        referral = visit.api.call("getReferral", path={"referral_id": referral_id})
        if not referral.ok:
            return visit.from_api(referral)
        values = {name: form.get(name, "") for name in forms.answer_fields(party)}
        return referral_page(visit, referral.body, status=answer.status,
                             values={party: values}, errors={party: errors})
    if not answer.ok:
        return visit.from_api(answer)
    return visit.redirect(f"/referrals/{referral_id}?answered={party}#voorstel")


# --- reports (municipality, admin, operator) ----------------------------------------------

REPORT_FIELDS = ("programme", "period", "from", "to")
CHART_FIGURES = ("referrals_in", "completed")


def report_query(args):
    """The form's choices as getReports' query: what was left empty is the API's default."""
    return {name: args[name].strip() for name in REPORT_FIELDS if args.get(name, "").strip()}


def reports(visit):
    if visit.session is None:
        return visit.sign_in_first()
    query = report_query(visit.request.args)
    answer = visit.api.call("getReports", query=query)
    values = {"period": "month", **query}
    if answer.status == 422:  # the API's words at the fields, the choices kept
        errors = forms.field_errors(answer.body.get("errors"), REPORT_FIELDS)
        return visit.render("reports.j2", status=422, values=values, errors=errors,
                            labels=report_label(visit), table=None, periods=PERIODS,
                            csv_link=None, charts=[])
    if not answer.ok:
        return visit.from_api(answer)
    table = answer.body
    return visit.render("reports.j2", values=values, errors={}, labels=report_label(visit),
                        table=table, periods=PERIODS,
                        csv_link="/reports.csv" + query_string(**query),
                        charts=report_charts(visit, table))


def report_label(visit):
    """A field's label in the list of errors above the form."""
    keys = {"programme": "programme", "period": "reports_period", "from": "reports_from",
            "to": "reports_to"}
    return lambda name: visit.say(keys.get(name, name))


def report_charts(visit, table):
    """A chart of each figure of CHART_FIGURES per programme and municipality."""
    drawn = []
    period = visit.say(f"period_{table['period']}")
    for number, ((programme, municipality), rows) in enumerate(charts.groups(table["rows"])):
        for figure in CHART_FIGURES:
            title = visit.say("chart_title").format(
                figure=visit.say(f"col_{figure}"), period=period, programme=programme,
                municipality=municipality)
            drawn.append({"svg": charts.bar_chart(rows, figure, title, f"chart-{number}-{figure}"),
                          "title": title, "suppressed": charts.has_suppressed(rows, figure)})
    return drawn


def reports_csv(visit):
    """The API's CSV passed on as it is, to save."""
    if visit.session is None:
        return visit.sign_in_first()
    query = {**report_query(visit.request.args), "format": "csv"}
    response = visit.api.send("getReports", query=query)
    if response.status_code != 200:
        try:
            body = response.json()
        except ValueError:
            body = {}
        return visit.from_api(Answer(response.status_code, body if isinstance(body, dict)
                                     else {}))
    return Response(response.content, mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="kring-rapportage.csv"'})
