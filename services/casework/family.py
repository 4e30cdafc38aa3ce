"""The family of a case: its members, and the support figures (vertrouwenspersoon-steunfiguur)
they named, kept in the plan of approach.

Pure: no nameko, no SQLAlchemy, no IO; new ids come from the caller's `new_id`. A member is a
JSON-ready dict {member_id, role, age_band, languages, first_name}: no more than the work needs
(docs/contract.md §4 "Family, support figures and intensity"). A figure is recorded only with
their consent, and names the member who named them.
"""
from kring.errors import Invalid, NotAllowed, NotFound
from services.casework.plan import figure_problems

MEMBER_FIELDS = ("member_id", "role", "age_band", "languages", "first_name")


def members_from(given, new_id):
    """The members as stored: each keeps the id it was given, a new one gets one."""
    members = [{**{key: member.get(key) for key in MEMBER_FIELDS},
                "member_id": member.get("member_id") or new_id(),
                "languages": list(member.get("languages") or [])} for member in given]
    ids = [member["member_id"] for member in members]
    if len(ids) != len(set(ids)):
        raise Invalid("a member id is given twice", {"members": ["each member_id once"]})
    return members


def referenced_members(plan):
    """The member ids the plan refers to: goals that concern them, figures they named."""
    if plan is None:
        return set()
    return {member for goal in plan.get("goals") or [] for member in goal.get("members") or []} \
        | {figure.get("named_by") for figure in plan.get("support_figures") or []} - {None}


def check_members_kept(members, plan):
    gone = referenced_members(plan) - {member["member_id"] for member in members}
    if gone:
        raise NotAllowed(f"the plan still refers to member(s) {', '.join(sorted(gone))}: "
                         "change the plan first")


def check_goal_members(plan, members):
    known = {member["member_id"] for member in members}
    errors = {number: {"members": [f"unknown member(s): {', '.join(sorted(unknown))}"]}
              for number, goal in enumerate(plan.get("goals") or [])
              if (unknown := set(goal.get("members") or []) - known)}
    if errors:
        raise Invalid("a goal concerns a member the family does not have", {"goals": errors})


def checked_figure(figure, members, figure_id):
    """The figure as stored, or Invalid: the plan's rules, consent, a known member."""
    problems = figure_problems(figure)
    named_by = figure.get("named_by")
    if named_by is not None and named_by not in {m["member_id"] for m in members}:
        problems["named_by"] = [f"no member {named_by} in the family"]
    if problems:
        raise Invalid("the support figure breaks a rule", problems)
    return {"figure_id": figure_id, "name": figure["name"], "relation": figure["relation"],
            "formal": figure["formal"], "functions": list(figure["functions"]),
            "decides": bool(figure.get("decides")), "consent": True, "named_by": named_by}


def figures_of(plan):
    return [] if plan is None else plan.setdefault("support_figures", [])


def figure_in(plan, figure_id):
    found = next((f for f in figures_of(plan) if f.get("figure_id") == figure_id), None)
    if found is None:
        raise NotFound(f"no support figure {figure_id} on this case")
    return found


def staying(plan, figure_ids):
    """The figures who stay involved after the handover: those named, or every figure."""
    figures = [f for f in figures_of(plan) if f.get("consent") is True]
    if figure_ids is None:
        return figures
    unknown = set(figure_ids) - {f.get("figure_id") for f in figures}
    if unknown:
        raise Invalid("no such support figure", {"support_figures_staying": [
            f"unknown figure(s): {', '.join(sorted(unknown))}"]})
    return [f for f in figures if f["figure_id"] in figure_ids]


def erased_members(members):
    """Who was in the family by id and role; not an age, a language or a name."""
    return [{"member_id": m["member_id"], "role": m.get("role"), "age_band": None,
             "languages": [], "first_name": None} for m in members]
