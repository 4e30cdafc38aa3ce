"""A notice as an email: the domain's headers, a body rendered from the language's template."""
from email.message import EmailMessage
from email.utils import format_datetime

from jinja2 import Environment, PackageLoader, StrictUndefined

from services.notify.content import body_facts, headers
from services.notify.domain import wording_of

# Plain text, so nothing to escape; StrictUndefined turns a missing fact into an error (and a
# retried notice with that error in its log) instead of a silently blank line.
TEMPLATES = Environment(loader=PackageLoader("services.notify", "templates"),
                        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


def render_body(notice, contact):
    template = TEMPLATES.get_template(
        f"{wording_of(notice.kind, contact)}.{contact.language}.j2")
    return template.render(**body_facts(notice, contact))


def compose(notice, contact, sender, now):
    message = EmailMessage()
    # first: set_content drops every Content-* header already set (Content-Language too)
    # quoted-printable keeps the Dutch diaeresis safe through any mail relay
    message.set_content(render_body(notice, contact), cte="quoted-printable")
    for name, value in headers(notice, contact, sender).items():
        message[name] = value
    message["Date"] = format_datetime(now)
    return message
