"""One step of work sent from a form on a page with several (the case's, the aftercare's, the
referral's): the API's answer as the page shows it. Success goes back to the page (303) with a
short confirmation; a 422 shows the page again with the API's words at that form's fields and
everything typed kept; a 409 (the status in the way), a 410 (the family's data erased) and a
503 (nothing stored: try again) say so at that form, everything typed kept too; anything else
is the API's page (403, 404 ...)."""
from dataclasses import dataclass
from typing import Callable

from services.portal import forms

# the API's refusals said at the form, with what was typed kept (docs/contract.md §4 "Error
# answers"); any other answer is a page of its own
SAID_AT_THE_FORM = (409, 410, 422, 503)


@dataclass(frozen=True)
class Step:
    name: str  # the form's name: its fields are `<name>.<body path>`
    operation_id: str
    body: Callable  # the browser's form -> the API's body (forms.py)
    fields: tuple = ()  # the body paths a field of the form shows, for errors to land at
    rows: Callable = lambda form: ()  # the paths of fields the form has as many as it sent
    # the API's errors of list items at the form's rows they came from (forms.renumbered)
    renumber: Callable = lambda form, errors: errors
    said: str = ""  # the confirmation, `done_<said>` in words.py; else the form's name

    @property
    def done(self):
        return self.said or self.name


def fields_step(name, operation_id, texts=(), numbers=(), flags=(), said=""):
    """A step whose form's fields are its body's, one to one (`visit.hours` is `hours`)."""
    return Step(name, operation_id,
                lambda form: forms.step_body(name, form, texts, numbers, flags),
                (*texts, *numbers, *flags), said=said)


def step_page(visit, operation_id, page, record_id):
    """A record's page with its forms (the case's, the aftercare's): the guard of the read that
    shows it (signed in, a role in its row), then `page(visit, record_id)`."""
    return visit.refused(operation_id) or page(visit, record_id)


def named_step(visit, steps, name, send):
    """`send(step)` for the step of `steps` named `name` (the address's last part), or the
    page of an address no form has: signed out or the CSRF token missing first, else 404."""
    step = next((step for step in steps if step.name == name), None)
    if step is None:
        return visit.refused() or visit.error_page(404)
    return send(step)


def take_on(visit, step, path, page, record_id, back):
    """`take` on a record's page, `page(visit, record_id, values, errors, status)` (the case's,
    the aftercare's), `back` the address of that page."""
    return take(visit, step, path,
                lambda values, errors, status: page(visit, record_id, values, errors, status),
                back)


def take(visit, step, path, page, back):
    """Send `step`'s form to the API with `path`; `page(values, errors, status)` shows the
    page again around the form, `back` is the page's address to go back to."""
    refused = visit.refused(step.operation_id)
    if refused:
        return refused
    form = visit.request.form
    answer = visit.api.call(step.operation_id, path=path, body=step.body(form))
    if answer.ok:
        return visit.redirect(f"{back}?done={step.done}")
    if answer.status not in SAID_AT_THE_FORM:
        return visit.from_api(answer)
    fields = {f"{step.name}.{name}" for name in (*step.fields, *step.rows(form))}
    fields |= set(forms.typed(form, step.name))
    errors = refusal(visit, answer, step.name, fields,
                     lambda errors: step.renumber(form, errors))
    return page(forms.typed(form, step.name), {step.name: errors}, answer.status)


def refusal(visit, answer, name, fields, renumber=lambda errors: errors):
    """What the API said of a form it refused, to show at that form: a 422's errors at its
    fields (named `<name>.<body path>`), a 409's reason above them (words.message says it in
    the page's language), a 410's and a 503's in our own words: theirs say nothing of the
    step."""
    if answer.status == 422:
        return forms.step_errors(name, renumber(answer.body.get("errors")), fields)
    if answer.status == 410:
        return {forms.GENERAL: [visit.say("erased_refusal")]}
    if answer.status == 503:
        return {forms.GENERAL: [visit.say("unavailable_text")]}
    return {forms.GENERAL: [answer.body.get("message") or visit.say("conflict_title")]}


def done(visit, steps):
    """The step just taken, from the address (`?done=visit`), when it is one of `steps`."""
    name = visit.request.args.get("done")
    return name if name in {step.done for step in steps} else None
