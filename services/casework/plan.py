"""The plan of approach (plan van aanpak): goals across life domains, factors, support figures.

Pure: no nameko, no SQLAlchemy, no IO. The HTTP contract checks the shape of a plan; these rules
hold for every plan the domain stores, whoever hands it in. A plan is a JSON-ready dict.
"""
from kring.errors import Invalid

FOR_WHOM = ("adult", "child")
# what a trusted support figure (vertrouwenspersoon-steunfiguur) does for the child or parent
FUNCTIONS = ("emotional", "practical", "informative")
# support starts high, can drop to light and rise again
INTENSITIES = ("high", "regular", "light")


def check_plan(plan):
    """Raise Invalid, in marshmallow's {field: [messages]} shape, if the plan breaks a rule."""
    errors = {}
    goals = plan.get("goals") or []
    if not goals:
        errors["goals"] = ["a plan needs at least one goal"]
    for number, goal in enumerate(goals):
        problems = _goal_problems(goal)
        if problems:
            errors.setdefault("goals", {})[number] = problems
    for number, figure in enumerate(plan.get("support_figures") or []):
        problems = figure_problems(figure)
        if problems:
            errors.setdefault("support_figures", {})[number] = problems
    for name in ("risk_factors", "protective_factors"):
        if any(not _filled(factor) for factor in plan.get(name) or []):
            errors[name] = ["a factor must be a non-empty text"]
    if plan.get("intensity") not in INTENSITIES:
        errors["intensity"] = [f"must be one of {', '.join(INTENSITIES)}"]
    if errors:
        raise Invalid("the plan breaks a rule", errors)


def _goal_problems(goal):
    problems = {}
    if not _filled(goal.get("life_domain")):
        problems["life_domain"] = ["name the life domain (leefgebied)"]
    if not _filled(goal.get("goal")):
        problems["goal"] = ["describe the goal"]
    if goal.get("for") not in FOR_WHOM:
        problems["for"] = [f"must be one of {', '.join(FOR_WHOM)}"]
    return problems


def figure_problems(figure):
    problems = {}
    if not _filled(figure.get("name")):
        problems["name"] = ["name the support figure"]
    functions = figure.get("functions") or []
    if not functions:
        problems["functions"] = ["a support figure has at least one function"]
    elif not set(functions) <= set(FUNCTIONS) or len(set(functions)) != len(functions):
        problems["functions"] = [f"each of {', '.join(FUNCTIONS)} at most once"]
    if not isinstance(figure.get("formal"), bool):
        problems["formal"] = ["say whether the support figure is formal (true/false)"]
    if figure.get("consent") is not True:
        problems["consent"] = ["a support figure is recorded only with their consent"]
    return problems


def _filled(value):
    return isinstance(value, str) and bool(value.strip())
