"""One request to the portal: who is signed in, in which language, the API as that person,
and the answers a page gives (a rendered template, a redirect, an error page)."""
import hmac
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from werkzeug.wrappers import Response

from kring.contracts.access import rule_of
from services.portal import signin, words
from services.portal.api import Api

SESSION_COOKIE = "kring_session"
LANGUAGE_COOKIE = "kring_language"
TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                        autoescape=select_autoescape(["j2", "html"]), trim_blocks=True,
                        lstrip_blocks=True)
ERROR_PAGES = {403: "forbidden", 404: "not_found", 409: "conflict", 503: "unavailable"}


class Visit:
    def __init__(self, request, engine, api_url, secrets):
        self.request = request
        self.engine = engine
        self.language = words.choose(request.cookies.get(LANGUAGE_COOKIE),
                                     request.accept_languages)
        self.say = words.words(self.language)
        self.cookie = request.cookies.get(SESSION_COOKIE)
        self.session = signin.find_session(engine, self.cookie)
        self.api = Api(api_url, secrets, self.session) if self.session else None

    # --- answers -------------------------------------------------------------------------

    def render(self, template, status=200, **values):
        html = TEMPLATES.get_template(template).render(
            say=self.say, language=self.language, session=self.session,
            path=self.request.full_path.rstrip("?"), message=self.message, may=self.may,
            **values)
        return Response(html, status=status, mimetype="text/html")

    def may(self, operation_id):
        """Whether the person's role is in the operation's row of the rule table: which pages
        to offer. The API still decides every call."""
        return self.session is not None and self.session.role in rule_of(operation_id).roles

    def message(self, text):
        return words.message(text, self.language)

    def redirect(self, location):
        return Response(status=303, headers={"Location": location})

    def error_page(self, status, detail=None):
        kind = ERROR_PAGES.get(status, "unavailable")
        return self.render("error.j2", status=status if status in ERROR_PAGES else 502,
                           title=self.say(f"{kind}_title"),
                           text=detail or self.say(f"{kind}_text"))

    def from_api(self, answer):
        """The page for an API answer that is not a success: 401 (the session's identity is no
        longer accepted) signs out; 403 and 404 say so as the API does."""
        if answer.status == 401:
            return self.sign_in_first()
        if answer.status == 409:  # the API's reason, in the page's language where we know it
            said = answer.body.get("message")
            return self.error_page(409, self.message(said) if said else None)
        return self.error_page(answer.status)

    def sign_in_first(self):
        return self.render("signed_out.j2", status=401, notice=self.say("signed_out_needed"))

    # --- guards --------------------------------------------------------------------------

    def refused(self, operation_id=None):
        """The page that stops this visit before it calls the API, or None to go on: not
        signed in, a role outside the operation's row of the rule table, or a POST without the
        session's CSRF token. Every page starts with it."""
        if self.session is None:
            return self.sign_in_first()
        if operation_id is not None and not self.may(operation_id):
            return self.error_page(403)
        if self.request.method == "POST" and not self.csrf_ok():
            return self.csrf_refused()
        return None

    def csrf_refused(self):
        return self.render("error.j2", status=403, title=self.say("csrf_title"),
                           text=self.say("csrf_text"))

    def csrf_ok(self):
        sent = self.request.form.get("csrf", "")
        return self.session is not None and hmac.compare_digest(sent, self.session.csrf)

    def set_session_cookie(self, response, value, max_age):
        response.set_cookie(SESSION_COOKIE, value, max_age=max_age, path="/", httponly=True,
                            samesite="Strict",
                            secure=signin.cookie_is_secure(self.request.scheme,
                                                           self.request.host))
        return response


def query_string(**values):
    given = {key: value for key, value in values.items() if value}
    return f"?{urlencode(given)}" if given else ""


def safe_next(target):
    """A path of ours to go back to, never another site (`//evil`, `https:`)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"
