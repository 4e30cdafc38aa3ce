"""The case's page: everything getCase shows, and a form for each step of work on the case the
signed-in person's role may take (Visit.may): the coordinator's and the supporter's. The API
decides every step; the page offers a form where the case's status makes it sensible (a visit
while the case is open), and always where the API just refused it, to say why. The aftercare's
page, after the handover, is aftercare.py."""
import re
from datetime import date

from kring.contracts.casework import FOR_WHOM, FUNCTIONS, INTENSITIES, RECEIVING_KINDS
from kring.contracts.family import AGE_BANDS, MEMBER_ROLES
from services.portal import forms
from services.portal.steps import Step, done, fields_step, named_step, step_page, take_on

DEFAULT_PROGRAMME = "home-start"  # a case opened before cases knew their programme
FIGURE_FIELDS = ("name", "relation", "formal", "functions", "decides", "consent", "named_by")


CASE_STEPS = (
    Step("plan", "setPlan", forms.plan_body,
         ("goals", "risk_factors", "protective_factors", "intensity"),
         rows=forms.goal_paths, renumber=forms.plan_errors),
    Step("members", "setFamilyMembers", forms.members_body, ("members",),
         rows=forms.member_paths, renumber=forms.member_errors),
    Step("figure", "addSupportFigure", forms.figure_body, FIGURE_FIELDS),
    fields_step("visit", "logVisit", texts=("date", "notes"), numbers=("hours",)),
    fields_step("concern", "recordSafetyConcern", texts=("description",),
                flags=("immediate",)),
    fields_step("check_in", "recordCheckIn", texts=("date", "notes")),
    fields_step("evaluation", "recordEvaluation", texts=("date", "notes")),
    fields_step("intensity", "changeIntensity", texts=("level", "reason"),
                numbers=("visits_per_week", "hours_per_week")),
    fields_step("close", "closeCase", texts=("evaluation", "reason"), flags=("goals_met",)),
    Step("handover", "handOverCase", forms.handover_body,
         ("receiving_party", "receiving_party.kind", "receiving_party.name", "summary")),
)
STEPS_BY_NAME = {step.name: step for step in CASE_STEPS}
# the statuses of a case in which a step is offered (presentation only: the API decides)
OFFERED_WHEN = {"plan": ("open",), "members": ("open",), "figure": ("open",),
                "visit": ("open",), "concern": ("open", "closing"),
                "check_in": ("open",), "evaluation": ("open",), "intensity": ("open",),
                "close": ("open",), "handover": ("closing",)}


def resolve_step(concern_id):
    """Resolving one safety concern: a form of its own for each, so its fields are its own."""
    return fields_step(f"resolve-{concern_id}", "resolveSafetyConcern",
                       texts=("resolution",), said="resolve")


def change_figure_step(figure_id):
    """Changing what is recorded of one support figure: a form of its own each, its fields
    named by it (`figure-<figure_id>.name`), as the form that adds one."""
    name = f"figure-{figure_id}"
    return Step(name, "updateSupportFigure", lambda form: forms.figure_body(form, name),
                FIGURE_FIELDS, said="change_figure")


def remove_figure_step(figure_id):
    """Removing one support figure (their consent withdrawn, say): a button of its own each."""
    return Step(f"remove-{figure_id}", "removeSupportFigure", lambda form: None,
                said="remove_figure")


# --- the case ------------------------------------------------------------------------------

def case(visit, case_id):
    return step_page(visit, "getCase", case_page, case_id)


def case_step(visit, case_id, step):
    return named_step(visit, CASE_STEPS, step, lambda found: _take(visit, case_id, found))


def resolve_concern(visit, case_id, concern_id):
    return _take(visit, case_id, resolve_step(concern_id), concern_id=concern_id)


def change_figure(visit, case_id, figure_id):
    return _take(visit, case_id, change_figure_step(figure_id), figure_id=figure_id)


def remove_figure(visit, case_id, figure_id):
    return _take(visit, case_id, remove_figure_step(figure_id), figure_id=figure_id)


def _take(visit, case_id, step, **path):
    """One step on the case; back on the case's page, or that page with the API's words."""
    return take_on(visit, step, {"case_id": case_id, **path}, case_page, case_id,
                   f"/cases/{case_id}")


def case_page(visit, case_id, values=None, errors=None, status=200):
    """The case as getCase shows it to this person, with the forms their role may use;
    `values` and `errors` are of the form just refused (its fields are named by the form):
    that form shows what was typed, not what it starts with (a box unticked stays so)."""
    answer = visit.api.call("getCase", path={"case_id": case_id})
    if not answer.ok:
        return visit.from_api(answer)
    shown = answer.body
    errors = errors or {}
    referral = shown_if_may(visit, "getReferral", referral_id=shown["referral_id"])
    supporter = shown_if_may(visit, "getSupporter", supporter_id=shown["supporter_id"])
    offered = {name: visit.may(step.operation_id)
               and (shown["status"] in OFFERED_WHEN[name] or name in errors)
               for name, step in STEPS_BY_NAME.items()}
    # the programme's closure reasons: to choose one, and to name the one given (by its code)
    rounds = (shown, *(shown.get("past_rounds") or ()))
    given = [each["evaluation"].get("reason") for each in rounds if each.get("evaluation")]
    programme = shown_if_may(visit, "getProgramme",
                             code=shown.get("programme") or DEFAULT_PROGRAMME) \
        if offered["close"] or any(given) else None
    closure_reasons = [(r["code"], r["name"].get(visit.language) or r["code"])
                       for r in (programme or {}).get("closure_reasons", [])]
    # a support figure is recorded on a plan: offered once there is one
    offered["figure"] = offered["figure"] and (bool(shown.get("plan")) or "figure" in errors)
    removable = visit.may("removeSupportFigure") and shown["status"] == "open"
    figures = (shown.get("plan") or {}).get("support_figures") or []
    changeable = [f["figure_id"] for f in figures
                  if visit.may("updateSupportFigure") and (
                      shown["status"] == "open" or f"figure-{f['figure_id']}" in errors)]
    concerns = sorted(shown["safety_concerns"], key=lambda c: c.get("resolved_at") is not None)
    resolvable = [c["concern_id"] for c in concerns
                  if visit.may("resolveSafetyConcern") and (
                      c.get("resolved_at") is None or f"resolve-{c['concern_id']}" in errors)]
    values = {**{name: value for name, value in case_defaults(shown).items()
                  if name.split(".")[0] not in errors}, **(values or {})}
    return visit.render(
        "case.j2", status=status, case=shown, referral=referral,
        supporter_name=(supporter or {}).get("name"), concerns=concerns,
        resolvable=resolvable, offered=offered, removable=removable, changeable=changeable,
        figures=figures,
        members={m["member_id"]: m for m in shown.get("members") or []},
        values=values, errors=errors, labels=labels(visit.say),
        goal_rows=max(forms.row_count(values, "plan.goals"), 1),
        member_rows=max(forms.row_count(values, "members.members"), 1),
        closure_reasons=closure_reasons, reason_names=dict(closure_reasons),
        done=done(visit, (*CASE_STEPS, resolve_step(""), change_figure_step(""),
                          remove_figure_step(""))),
        for_whom=FOR_WHOM, intensities=INTENSITIES, receiving_kinds=RECEIVING_KINDS,
        member_roles=MEMBER_ROLES, age_bands=AGE_BANDS, functions=FUNCTIONS)


def case_defaults(shown):
    """What the case's forms start with: today's date, the plan and the family's members as
    they are (and a row for one goal and one member more), every support figure staying on at
    the handover."""
    today = date.today().isoformat()
    values = {f"{step}.date": today for step in ("visit", "check_in", "evaluation")}
    plan = shown.get("plan") or {}
    goals = plan.get("goals") or []
    for row, goal in enumerate(goals):
        values.update({f"plan.goals.{row}.life_domain": goal.get("life_domain", ""),
                       f"plan.goals.{row}.goal": goal.get("goal", ""),
                       f"plan.goals.{row}.for": goal.get("for", "")})
        values.update({f"plan.goals.{row}.members.{member}": "yes"
                       for member in goal.get("members") or []})
    values[f"plan.goals.{len(goals)}.for"] = "adult"
    members = shown.get("members") or []
    for row, member in enumerate(members):
        values.update({f"members.members.{row}.{name}": member.get(name) or ""
                       for name in ("member_id", "role", "age_band", "first_name")})
        values[f"members.members.{row}.languages"] = " ".join(member.get("languages") or [])
    values[f"members.members.{len(members)}.role"] = ""
    values.update({"plan.risk_factors": "\n".join(plan.get("risk_factors") or []),
                   "plan.protective_factors": "\n".join(plan.get("protective_factors") or []),
                   "plan.intensity": plan.get("intensity") or "regular",
                   "intensity.level": (shown.get("intensity") or {}).get("level") or ""})
    figures = [figure for figure in plan.get("support_figures") or [] if figure.get("figure_id")]
    values.update({f"handover.staying.{figure['figure_id']}": "yes" for figure in figures})
    for figure in figures:
        values.update(figure_values(f"figure-{figure['figure_id']}", figure))
    return values


def figure_values(name, figure):
    """What a support figure's own form starts with: the figure as it is recorded."""
    values = {f"{name}.name": figure.get("name") or "",
              f"{name}.relation": figure.get("relation") or "",
              f"{name}.formal": "yes" if figure.get("formal") else "no",
              f"{name}.named_by": figure.get("named_by") or ""}
    values.update({f"{name}.{box}": "yes" for box in ("decides", "consent") if figure.get(box)})
    values.update({f"{name}.functions.{function}": "yes"
                   for function in figure.get("functions") or []})
    return values


def labels(say):
    """The label of a field in the error summary: a goal's by its row (`Doel 2: Doel`), a
    field of one concern's or one figure's own form as that of the form they share
    (`figure-<id>.name` as `figure.name`); the rest by its name (words.py)."""
    def label(name):
        goal = GOAL_FIELD.match(name)
        if goal:
            return f"{say('goal')} {int(goal.group(1)) + 1}: {say('plan.goals.' + goal.group(2))}"
        member = MEMBER_FIELD.match(name)
        if member:
            return f"{say('member')} {int(member.group(1)) + 1}: " \
                f"{say('members.' + member.group(2))}"
        own = OWN_FORM_FIELD.match(name)
        if own:
            return say(f"{own.group(1)}.{own.group(2)}")
        return say(name)
    return label


GOAL_FIELD = re.compile(r"plan\.goals\.(\d+)\.([a-z_]+)")
MEMBER_FIELD = re.compile(r"members\.members\.(\d+)\.([a-z_]+)")
OWN_FORM_FIELD = re.compile(r"(resolve|figure)-[^.]+\.([a-z_.]+)")


def shown_if_may(visit, operation_id, **path):
    """What a page shows besides its own record (the case's referral, its supporter), when
    the person's role may read it; else None: the page stands without it."""
    if not visit.may(operation_id):
        return None
    answer = visit.api.call(operation_id, path=path)
    return answer.body if answer.ok else None
