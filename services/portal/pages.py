"""The portal's pages for everyone: home, signing in and out, the language. Each page reads the
request, calls the API as the signed-in person and renders what it answered. No rule of who may
see what lives in any page module: a page is offered to the roles in its operation's row of the
rule table (Visit.may), and the API decides the rest. The pages of one kind of work live in a
module of their own (referrals.py, reports.py), and routes.py names them all."""
from services.portal import signin
from services.portal.visit import LANGUAGE_COOKIE, safe_next

LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600


def home(visit):
    if visit.session is None:
        return visit.render("signed_out.j2")
    return visit.render("home.j2", may_refer=visit.may("submitReferral"),
                        may_list=visit.may("listReferrals"),
                        may_meet=visit.may("recordIntake"),
                        # a supporter's own cases; a coordinator finds them in the queue
                        may_work=visit.may("listCases") and not visit.may("recordIntake"),
                        may_report=visit.may("getReports"),
                        may_staff=visit.may("listSupporters"),
                        may_direct=visit.may("registerProvider"),
                        may_commission=visit.may("listCommissionRequests"))


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
        return visit.csrf_refused()
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


