"""A family of two members and a support figure, end to end over HTTP: a goal for one member,
an intensity change, the handover that names the figure who stays, and aftercare that shows
the figure and records a contact with them (docs/contract.md §4 "Family, support figures and
intensity", docs/contract.md §7 "Data in motion")."""
import io
import time

import pytest

from kring.demo import Demo
from tests.support.api import TEST_SECRET

MEMBERS = {"members": [{"member_id": "mother", "role": "parent", "age_band": "18+",
                        "languages": ["nl", "tr"], "first_name": "S."},
                       {"member_id": "son", "role": "child", "age_band": "4-11"}]}
PLAN = {"goals": [{"life_domain": "school", "goal": "goes to school every day",
                   "for": "child", "members": ["son"]}], "intensity": "high"}
OPA = {"name": "Opa Kees", "relation": "grandfather", "formal": False,
       "functions": ["emotional", "practical"], "decides": False, "consent": True,
       "named_by": "son"}


@pytest.fixture
def demo(stack_api):
    walker = Demo(stack_api.base.rsplit("/api/v1", 1)[0], TEST_SECRET, out=io.StringIO())
    yield walker
    walker.close()


def test_the_figure_a_child_named_stays_involved_into_aftercare(demo):
    demo.register_supporters()
    referral_id = demo.submit("Yilmaz")
    case_id = demo.match(referral_id, demo.intake(referral_id, True)["proposal_id"])
    case, who = f"/cases/{case_id}", demo.coordinator
    demo.call("PUT", f"{case}/members", who, MEMBERS)
    demo.call("PUT", f"{case}/plan", who, PLAN)
    refused = demo.http.post(demo.base + f"{case}/support-figures", json={
        **OPA, "consent": False}, headers={"Authorization": f"Bearer {who}"}, timeout=30)
    assert refused.status_code == 422 and "consent" in refused.json()["errors"]
    figure_id = demo.call("POST", f"{case}/support-figures", who, OPA)["plan"][
        "support_figures"][0]["figure_id"]
    today = time.strftime("%Y-%m-%d")
    demo.call("POST", f"{case}/visits", who, {"date": today, "hours": 4})
    demo.call("POST", f"{case}/intensity", who, {"level": "regular",
                                                   "reason": "school goes well"})
    shown = demo.call("GET", case, who)
    assert [m["member_id"] for m in shown["members"]] == ["mother", "son"]
    assert shown["plan"]["goals"][0]["members"] == ["son"]
    assert (shown["intensity"]["level"], shown["intensity"]["recent_weeks"][-1]["visits"]) == (
        "regular", 1)
    assert [c["reason"] for c in shown["intensity"]["changes"]] == ["school goes well"]

    demo.call("POST", f"{case}/close", who, {"evaluation": "the son goes to school",
                                              "goals_met": True})
    demo.call("POST", f"{case}/handover", who, {
        "receiving_party": {"kind": "municipality", "name": "Gemeente Utrecht"},
        "summary": "stable", "support_figures_staying": [figure_id]})
    aftercare_id = demo.reaches(referral_id, "aftercare")["aftercare_id"]
    plan = demo.call("GET", f"/aftercare/{aftercare_id}", who)
    assert plan["support_figures"] == [{"figure_id": figure_id, "name": "Opa Kees",
                                        "functions": ["emotional", "practical"]}]
    logged = demo.call("POST", f"/aftercare/{aftercare_id}/contacts", who, {
        "date": today, "notes": "spoke with Opa Kees", "support_figure_id": figure_id})
    assert [c["support_figure_id"] for c in logged["contacts"] if c["done_on"]] == [figure_id]
