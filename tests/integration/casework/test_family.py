"""The family over HTTP: members, goals for members, support figures only with consent, the
intensity over time, the coordinator's check-ins and evaluations, and the handover that names
the figures who stay (its event carries their names and functions, nothing more)."""
import pytest

from tests.support.integration.casework import COORDINATOR, SUPPORTER, open_case

MEMBERS = {"members": [{"member_id": "mother", "role": "parent", "age_band": "18+",
                        "languages": ["nl", "ar"], "first_name": "S."},
                       {"member_id": "son", "role": "child", "age_band": "0-3"}]}
PLAN = {"goals": [{"life_domain": "parenting", "goal": "calm bedtimes", "for": "adult",
                   "members": ["mother"]}], "intensity": "high"}
OPA = {"name": "Opa Kees", "relation": "grandfather", "formal": False,
       "functions": ["emotional", "informative"], "decides": True, "consent": True,
       "named_by": "mother"}
CLOSE = {"evaluation": "the parents manage", "goals_met": True}


@pytest.fixture
def case(casework, kring_config, emitted):
    """(path of a freshly opened case, the day it opened as text)"""
    _, started = open_case(casework, kring_config, emitted)
    return f"/cases/{started['data']['case_id']}", started["occurred_at"][:10]


def test_members_goals_and_figures(case, api):
    path, _ = case
    assert api.call("PUT", f"{path}/members", SUPPORTER, json=MEMBERS).status_code == 200
    assert api.post(f"{path}/support-figures", SUPPORTER, json=OPA).status_code == 409  # no plan
    assert api.call("PUT", f"{path}/plan", SUPPORTER, json=PLAN).status_code == 200
    for missing in ({"consent": False}, {"consent": "yes"}):
        refused = api.post(f"{path}/support-figures", SUPPORTER, json={**OPA, **missing})
        assert refused.status_code == 422, refused.text
        assert "consent" in refused.json()["errors"]
    without = {key: value for key, value in OPA.items() if key != "consent"}
    assert api.post(f"{path}/support-figures", SUPPORTER, json=without).status_code == 422
    added = api.post(f"{path}/support-figures", SUPPORTER, json=OPA)
    assert added.status_code == 201, added.text
    [figure] = added.json()["plan"]["support_figures"]
    assert {**figure, "figure_id": None} == {**OPA, "figure_id": None}
    figure_path = f"{path}/support-figures/{figure['figure_id']}"
    changed = api.call("PUT", figure_path, COORDINATOR, json={**OPA, "decides": False})
    assert changed.json()["plan"]["support_figures"][0]["decides"] is False
    # the plan set again without figures keeps them; the mother stays while she is referred to
    assert api.call("PUT", f"{path}/plan", SUPPORTER, json=PLAN).status_code == 200
    assert api.call("PUT", f"{path}/members", SUPPORTER, json={
        "members": MEMBERS["members"][1:]}).status_code == 409
    shown = api.get(path, COORDINATOR).json()
    assert [m["member_id"] for m in shown["members"]] == ["mother", "son"]
    assert shown["plan"]["goals"][0]["members"] == ["mother"]
    assert shown["plan"]["support_figures"][0]["name"] == "Opa Kees"
    removed = api.call("DELETE", figure_path, SUPPORTER)
    assert removed.status_code == 200, removed.text
    assert removed.json()["plan"]["support_figures"] == []
    assert api.call("DELETE", figure_path, SUPPORTER).status_code == 404


def test_bodies_that_say_too_much_or_too_little(case, api):
    path, _ = case
    for members in ([{"role": "parent", "age_band": "18+", "birth_date": "1990-01-01"}],
                    [{"role": "parent", "age_band": "30-40"}],
                    [{"role": "parent", "age_band": "18+", "first_name": "x" * 41}]):
        answer = api.call("PUT", f"{path}/members", SUPPORTER, json={"members": members})
        assert answer.status_code == 422, answer.text
    answer = api.post(f"{path}/intensity", SUPPORTER, json={"reason": "nothing says what"})
    assert answer.status_code == 422, answer.text
    assert api.post(f"{path}/intensity", SUPPORTER, json={"level": "light"}).status_code == 422


def test_intensity_check_ins_and_evaluations(case, api):
    path, opened_on = case
    unknown = api.call("PUT", f"{path}/plan", SUPPORTER, json=PLAN)  # no members yet
    assert unknown.status_code == 422 and "goals" in unknown.json()["errors"]
    assert api.call("PUT", f"{path}/members", SUPPORTER, json=MEMBERS).status_code == 200
    assert api.call("PUT", f"{path}/plan", SUPPORTER, json=PLAN).status_code == 200
    changed = api.post(f"{path}/intensity", SUPPORTER, json={
        "level": "light", "visits_per_week": 0.5, "reason": "the family manages more"})
    assert changed.status_code == 201, changed.text
    intensity = changed.json()["intensity"]
    assert (intensity["level"], intensity["expected"]["visits_per_week"]) == ("light", 0.5)
    assert [c["reason"] for c in intensity["changes"]] == ["the family manages more"]
    assert len(intensity["recent_weeks"]) == 6
    moment = {"date": opened_on, "notes": "all well"}
    assert api.post(f"{path}/check-ins", SUPPORTER, json=moment).status_code == 403
    assert api.post(f"{path}/evaluations", SUPPORTER, json=moment).status_code == 403
    assert api.post(f"{path}/check-ins", COORDINATOR, json=moment).status_code == 201
    shown = api.post(f"{path}/evaluations", COORDINATOR, json=moment).json()
    assert [m["notes"] for m in shown["check_ins"] + shown["interim_evaluations"]] == [
        "all well", "all well"]
    assert (shown["check_in_overdue"], shown["evaluation_overdue"], shown["below_rhythm"]) == (
        False, False, False)  # a new case


def test_the_handover_event_names_the_figures_who_stay(case, api, emitted):
    path, _ = case
    assert api.call("PUT", f"{path}/members", SUPPORTER, json=MEMBERS).status_code == 200
    assert api.call("PUT", f"{path}/plan", SUPPORTER, json=PLAN).status_code == 200
    opa = api.post(f"{path}/support-figures", SUPPORTER, json=OPA).json()["plan"][
        "support_figures"][0]["figure_id"]
    api.post(f"{path}/support-figures", SUPPORTER, json={**OPA, "name": "Buurvrouw Ria",
                                                         "relation": "neighbour"})
    assert api.post(f"{path}/close", COORDINATOR, json=CLOSE).status_code == 200
    handover = {"receiving_party": {"kind": "municipality", "name": "Gemeente Utrecht"},
                "summary": "what they need to know"}
    refused = api.post(f"{path}/handover", COORDINATOR,
                       json={**handover, "support_figures_staying": ["nobody"]})
    assert refused.status_code == 422, refused.text
    answer = api.post(f"{path}/handover", COORDINATOR,
                      json={**handover, "support_figures_staying": [opa]})
    assert answer.status_code == 200, answer.text
    event = emitted.next()
    while event["type"] != "case_handed_over":
        event = emitted.next()
    assert event["data"]["support_figures"] == [
        {"figure_id": opa, "name": "Opa Kees", "functions": ["emotional", "informative"]}]
    assert "Buurvrouw Ria" not in str(event) and "grandfather" not in str(event)
