"""One step of work sent from a form on a page with several (the case's, the aftercare's):
the API's answer as the page shows it. Success goes back to the page (303) with a short
confirmation; a 422 shows the page again with the API's words at that form's fields and
everything typed kept; a 409 says the API's reason at that form; anything else is the API's
page (403, 404 ...)."""
from dataclasses import dataclass
from typing import Callable

from services.portal import forms


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
    if answer.status not in (409, 422):
        return visit.from_api(answer)
    fields = {f"{step.name}.{name}" for name in (*step.fields, *step.rows(form))}
    fields |= set(forms.typed(form, step.name))
    errors = refusal(visit, answer, step.name, fields,
                     lambda errors: step.renumber(form, errors))
    return page(forms.typed(form, step.name), {step.name: errors}, answer.status)


def refusal(visit, answer, name, fields, renumber=lambda errors: errors):
    """What the API said of a form it refused, to show at that form: a 422's errors at its
    fields (named `<name>.<body path>`), a 409's reason above them."""
    if answer.status == 422:
        return forms.step_errors(name, renumber(answer.body.get("errors")), fields)
    return {forms.GENERAL: [answer.body.get("message") or visit.say("conflict_title")]}


def done(visit, steps):
    """The step just taken, from the address (`?done=visit`), when it is one of `steps`."""
    name = visit.request.args.get("done")
    return name if name in {step.done for step in steps} else None
