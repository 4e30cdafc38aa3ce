"""The support figures who stay involved, over the real broker and HTTP: the handover names
them, getAftercare shows them, a contact with one of them is recorded as such."""
from kring.clock import utcnow
from tests.support.integration.aftercare import COORDINATOR, start_plan

OPA = {"figure_id": "f-1", "name": "Opa Kees", "functions": ["emotional", "informative"]}


def test_the_figures_who_stay_are_shown_and_contacted(aftercare, kring_config, emitted, api):
    _, started = start_plan(aftercare, kring_config, emitted, severity="low",
                            support_figures=[OPA])
    plan_path = f"/aftercare/{started['data']['aftercare_id']}"
    assert api.get(plan_path, COORDINATOR).json()["support_figures"] == [OPA]
    today = utcnow().date().isoformat()
    refused = api.post(f"{plan_path}/contacts", COORDINATOR, json={
        "date": today, "notes": "x", "support_figure_id": "f-9"})
    assert refused.status_code == 422, refused.text
    logged = api.post(f"{plan_path}/contacts", COORDINATOR, json={
        "date": today, "notes": "Opa Kees still visits on Sundays", "support_figure_id": "f-1"})
    assert logged.status_code == 201, logged.text
    [contact] = [c for c in logged.json()["contacts"] if c["done_on"]]
    assert (contact["support_figure_id"], contact["notes"]) == (
        "f-1", "Opa Kees still visits on Sundays")


def test_a_handover_without_figures_shows_none(aftercare, kring_config, emitted, api):
    _, started = start_plan(aftercare, kring_config, emitted)
    shown = api.get(f"/aftercare/{started['data']['aftercare_id']}", COORDINATOR).json()
    assert shown["support_figures"] == []
