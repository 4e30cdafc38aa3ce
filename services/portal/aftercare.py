"""The aftercare's page: everything getAftercare shows (who took over, the support figures who
stay, the contacts due and done, the end), and the coordinator's forms while it is active: a
contact, a relapse, its completion (services/portal/steps.py sends them)."""
from datetime import date

from services.portal.cases import labels, shown_if_may
from services.portal.steps import done, fields_step, named_step, step_page, take_on

AFTERCARE_STEPS = (
    fields_step("contact", "logAftercareContact", texts=("date", "notes", "support_figure_id")),
    fields_step("relapse", "reportRelapse", texts=("notes",)),
    fields_step("complete", "completeAftercare", texts=("notes",)),
)
AFTERCARE_BY_NAME = {step.name: step for step in AFTERCARE_STEPS}


def aftercare(visit, aftercare_id):
    return step_page(visit, "getAftercare", aftercare_page, aftercare_id)


def aftercare_step(visit, aftercare_id, step):
    return named_step(visit, AFTERCARE_STEPS, step, lambda found: take_on(
        visit, found, {"aftercare_id": aftercare_id}, aftercare_page, aftercare_id,
        f"/aftercare/{aftercare_id}"))


def aftercare_page(visit, aftercare_id, values=None, errors=None, status=200):
    """The aftercare as getAftercare shows it, with the forms while it is active; `values` and
    `errors` are of the form just refused."""
    answer = visit.api.call("getAftercare", path={"aftercare_id": aftercare_id})
    if not answer.ok:
        return visit.from_api(answer)
    shown = answer.body
    errors = errors or {}
    offered = {name: visit.may(step.operation_id)
               and (shown["status"] == "active" or name in errors)
               for name, step in AFTERCARE_BY_NAME.items()}
    referral = shown_if_may(visit, "getReferral", referral_id=shown["referral_id"])
    figures = {f["figure_id"]: f for f in shown.get("support_figures") or []}
    return visit.render(
        "aftercare.j2", status=status, aftercare=shown, referral=referral, figures=figures,
        values={"contact.date": date.today().isoformat(), **(values or {})}, errors=errors,
        labels=labels(visit.say), offered=offered, done=done(visit, AFTERCARE_STEPS))
