"""The closed loop of docs/contract.md §1 end to end: from referral to closure notice, over
HTTP."""
import io
import re

import pytest

from kring.demo import STAGES, Demo, run_demo
from tests.support.api import TEST_SECRET
from tests.support.waiting import eventually

FAMILY_DATA = ("Yilmaz", "Jansen", "Bakker", "+31612345678", "0612345678", "3581AB", "3581 AB",
               "Support with parenting", "parenting")


@pytest.fixture
def demo(stack_api):
    walker = Demo(stack_api.base.rsplit("/api/v1", 1)[0], TEST_SECRET, out=io.StringIO())
    yield walker
    walker.close()


def notices_of(smtp, referral_id, expected):
    """The mails about one referral, once `expected` of them have arrived."""
    return eventually(
        lambda: (lambda found: found if len(found) >= expected else None)(
            [m for m in smtp.messages() if m["X-Kring-Referral"] == referral_id]),
        what=f"{expected} notice(s) for {referral_id}")


def check_notice(message, kind, referral, language="nl"):
    assert message["X-Kring-Notice"] == kind
    assert message["To"] == "j.devries@example.org"
    assert referral["referral_id"] in message["Subject"]
    assert referral["external_ref"] in message["Subject"]
    assert message["Content-Language"] == language
    text = message.as_string()
    for secret in FAMILY_DATA:
        assert secret not in text, f"{secret!r} leaked into a {kind} notice"


def statuses(referral):
    return [entry["status"] for entry in referral["timeline"]]


def test_a_referral_supported_to_the_end(demo, smtp):
    demo.register_supporters()
    referral = demo.referral(demo.supported_to_the_end())
    assert (referral["status"], referral["outcome"]) == ("closed", "completed")
    timeline = statuses(referral)
    for stage in ("received", "intake_done", "matching", "in_progress", "handed_over",
                  "aftercare", "closed"):
        assert stage in timeline
    assert timeline.index("in_progress") < timeline.index("handed_over") < \
        timeline.index("aftercare") < timeline.index("closed")
    start, closure = sorted(notices_of(smtp, referral["referral_id"], 2),
                            key=lambda m: m["X-Kring-Notice"] != "start")
    check_notice(start, "start", referral)
    check_notice(closure, "closure", referral)
    # a moment later there are still exactly two
    assert len([m for m in smtp.messages()
                if m["X-Kring-Referral"] == referral["referral_id"]]) == 2


def test_a_declined_referral_gets_only_the_closure_notice_in_english(demo, smtp):
    referral = demo.referral(demo.not_fitting())
    assert (referral["status"], referral["outcome"]) == ("closed", "declined")
    (closure,) = notices_of(smtp, referral["referral_id"], 1)
    check_notice(closure, "closure", referral, language="en")


def test_a_withdrawal_mid_case_frees_the_supporter(demo, smtp):
    supporter = demo.call("POST", "/supporters", demo.coordinator, {
        "name": "Dana", "kind": "volunteer", "programmes": ["home-start"],
        "languages": ["nl"], "municipalities": ["Utrecht"], "capacity": 1,
        "expertise": ["parenting"]})
    first = demo.withdrawn_mid_case()
    referral = eventually(lambda: (lambda r: r if r["status"] == "closed" else None)(
        demo.referral(first)), what="the withdrawal to close the referral")
    assert referral["outcome"] == "withdrawn"
    eventually(lambda: demo.call("GET", f"/supporters/{supporter['supporter_id']}",
                                 demo.coordinator)["load"] == 0,
               what="the supporter's capacity to be freed")
    start, closure = sorted(notices_of(smtp, first, 2),
                            key=lambda m: m["X-Kring-Notice"] != "start")
    check_notice(start, "start", referral)
    check_notice(closure, "closure", referral)
    # the freed supporter is proposed to the next family
    second = demo.submit("Bakker")
    proposal_id = demo.intake(second, True)["proposal_id"]
    proposal = demo.call("GET", f"/proposals/{proposal_id}", demo.coordinator)
    assert proposal["supporter_id"] == supporter["supporter_id"]


def test_a_waitlisted_referral_is_matched_when_capacity_frees(demo, smtp):
    demo.call("POST", "/supporters", demo.coordinator, {
        "name": "Eva", "kind": "volunteer", "programmes": ["home-start"],
        "languages": ["nl"], "municipalities": ["Utrecht"], "capacity": 1,
        "expertise": ["parenting"]})
    first = demo.submit("Yilmaz")
    case_id = demo.match(first, demo.intake(first, True)["proposal_id"])
    waiting = demo.submit("Jansen")
    assert demo.intake(waiting, True)["status"] == "waitlisted"
    # the referral hears of it by event, a moment after matching has answered
    eventually(lambda: demo.referral(waiting)["status"] == "waitlisted",
               what="the referral to show waitlisted")
    demo.call("POST", f"/cases/{case_id}/close", demo.coordinator,
              {"evaluation": "done", "goals_met": True})
    demo.call("POST", f"/cases/{case_id}/handover", demo.coordinator, {
        "receiving_party": {"kind": "local_partner", "name": "Buurtteam Oost"},
        "summary": "stable"})
    matched = eventually(lambda: (lambda r: r if r["status"] == "matching" else None)(
        demo.referral(waiting)), what="the waiting family to get a proposal")
    assert matched["proposal_id"]
    assert statuses(matched).index("waitlisted") < statuses(matched).index("proposal_made")
    # no start notice for the waiting family yet: support has not started
    assert not [m for m in smtp.messages() if m["X-Kring-Referral"] == waiting]


def test_a_no_leads_to_the_next_candidate(demo, smtp):
    for name, expertise in (("Fleur", ["parenting"]), ("Gijs", ["finances"])):
        demo.call("POST", "/supporters", demo.coordinator, {
            "name": name, "kind": "volunteer", "programmes": ["home-start"],
            "languages": ["nl"], "municipalities": ["Utrecht"], "capacity": 2,
            "expertise": expertise})
    referral_id = demo.submit("Yilmaz")
    first = demo.intake(referral_id, True)["proposal_id"]
    first_supporter = demo.call("GET", f"/proposals/{first}", demo.coordinator)["supporter_id"]
    answer = demo.call("POST", f"/proposals/{first}/responses", demo.coordinator,
                       {"party": "supporter", "accept": False, "reason": "no time"})
    second = answer["next_proposal_id"]
    assert second and second != first
    proposal = demo.call("GET", f"/proposals/{second}", demo.coordinator)
    assert proposal["supporter_id"] != first_supporter
    demo.match(referral_id, second)
    referral = demo.referral(referral_id)
    assert "proposal_declined" in statuses(referral)
    (start,) = notices_of(smtp, referral_id, 1)
    check_notice(start, "start", referral)


def test_a_consultation_in_two_rounds_tells_the_gp_of_each_answer(demo, smtp):
    closed = demo.consultation()
    assert closed["status"] == "closed" and closed["closed_by"] == "referrer"
    assert [bool(round_["answer"]) for round_ in closed["rounds"]] == [True, True]
    answers = notices_of(smtp, closed["consultation_id"], 2)
    assert sorted(m["X-Kring-Notice"] for m in answers) == ["answer-1", "answer-2"]
    for message in answers:
        assert message["To"] == "j.devries@example.org"
        text = message.as_string()
        for words in ("alone since the move", "GP-CASE-17", "weekly visits", "speak Dutch"):
            assert words not in text, f"{words!r} of the consultation went into its notice"


def test_the_demos_family_trajectories_wait_for_the_municipality(demo, smtp):
    commissioned = demo.referral(demo.commissioned_trajectory())
    declined = demo.referral(demo.declined_trajectory())
    assert commissioned["status"] == "in_progress"
    assert statuses(commissioned).index("awaiting_commission") < \
        statuses(commissioned).index("commissioned") < statuses(commissioned).index("matching")
    assert (declined["status"], declined["outcome"]) == ("closed", "declined")
    assert "not_commissioned" in statuses(declined)
    (closure,) = notices_of(smtp, declined["referral_id"], 1)
    check_notice(closure, "closure", declined)


# the referral's status of each stage the demo leaves families at
LEFT_AT = {"awaiting intake": "received", "proposal waiting for answers": "matching",
           "waitlisted": "waitlisted", "open case": "in_progress",
           "closing, to hand over": "in_progress", "aftercare": "aftercare"}


def test_the_demo_runs_every_family_and_the_consultation(stack_api):
    out = io.StringIO()
    assert run_demo(stack_api.base.rsplit("/api/v1", 1)[0], TEST_SECRET, out=out) == 0, \
        out.getvalue()
    text = out.getvalue()
    assert text.count("status:   closed (completed)") == 1
    assert text.count("status:   closed (declined)") == 2  # at intake, and by the municipality
    assert text.count("status:   closed (withdrawn)") == 1
    assert text.count("status:   support started") == 1  # the commissioned family trajectory
    assert text.count("commissioned by the municipality") == 2  # yes, and "not" before it
    assert "closed after 2 rounds" in text
    # families left at every stage of the work queue, and the people to sign in as
    looking = Demo(stack_api.base.rsplit("/api/v1", 1)[0], TEST_SECRET, out=io.StringIO())
    for stage, families in STAGES:
        found = re.search(rf"^    {stage}: {len(families)} \((.*)\)$", text, re.M)
        assert found, (stage, text)
        for referral_id in found.group(1).split(", "):
            assert looking.referral(referral_id)["status"] == LEFT_AT[stage], (stage, referral_id)
    looking.close()
    for who in ("coordinator", "referrer", "supporter", "admin", "municipality"):
        assert re.search(rf"^    {who}: +kring login-link --org \S+ --role {who} --subject \S+$",
                         text, re.M), (who, text)
