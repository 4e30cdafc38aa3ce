"""Cases in every status, built through the domain's own steps, for the unit tests."""
from datetime import date

from services.casework.domain import CLOSING, HANDED_OVER, OPEN, WITHDRAWN, Author, Case

OPENED_AT = "2026-01-05T09:30:00.000000Z"
OPENED_ON = date(2026, 1, 5)
TODAY = date(2026, 3, 2)
AT = "2026-03-02T10:00:00.000000Z"
SUPPORTER = "s-1"
BY_SUPPORTER = Author(SUPPORTER, "supporter")
BY_COORDINATOR = Author("anna-de-boer", "coordinator")


def plan(**overrides):
    shown = {
        "goals": [{"life_domain": "parenting", "goal": "calm bedtimes", "for": "adult"},
                  {"life_domain": "school", "goal": "goes to school every day", "for": "child"}],
        "risk_factors": ["isolation after a move"],
        "protective_factors": ["warm bond with the children"],
        "support_figures": [{"name": "Aunt Ayse", "relation": "aunt", "formal": False,
                             "functions": ["emotional", "practical"], "consent": True}],
        "intensity": "high",
    }
    shown.update(overrides)
    return shown


def new_case():
    case = Case.open("c-1", "r-1", SUPPORTER, "volunteer", "medium", "home-start-oost",
                     OPENED_AT)
    case.events.clear()
    return case


def case_in(status):
    """A case brought to `status` the way a real one gets there; its events cleared."""
    case = new_case()
    if status in (CLOSING, HANDED_OVER):
        case.close("the parents manage", True, AT)
    if status == HANDED_OVER:
        case.hand_over("municipality", "Gemeente Utrecht", "summary", AT)
    if status == WITHDRAWN:
        case.withdraw(AT)
    assert case.status == status or status == OPEN
    case.events.clear()
    return case
