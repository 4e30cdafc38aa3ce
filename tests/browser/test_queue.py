"""The coordinator's work queue and a supporter's cases in a real browser
(tests/browser/queue_scenario.py): every section of /queue filled through the API first, the
coordinator opens the queue, loads the next new referrals with "more" (htmx), follows a row to
the referral's, the case's and the aftercare's page, and reads it in English; the supporter
finds her case under "my cases". axe-core finds no serious or critical violation on any page."""
import sys
from pathlib import Path

from eventlet.green import subprocess

from services.portal import signin
from services.portal.queue import PAGE_SIZE
from tests.support.directory import COORDINATING_ORG
from tests.support.portal import Work

SCENARIO = Path(__file__).with_name("queue_scenario.py")
TIMEOUT_SECONDS = 300
COORDINATOR = (COORDINATING_ORG, "coordinator", "carla")
FOUND = ("aftercare", "closing", "concern", "proposed", "waiting")  # as queue_scenario.py reads


def filled_queue(api):
    """A referral in every section of the queue: a case handed over (aftercare), one closing,
    one open with an immediate safety concern, an open proposal, a family on the waiting list,
    and more new referrals than a page holds. The ids the scenario looks for."""
    work = Work(api, COORDINATOR)
    sanne = work.supporter("Sanne", capacity=3)
    after = work.case(work.refer("HA-after"))
    work.close(after)
    work.hand_over(after)  # her place is free again
    aftercare_id = work.shown(api.get(f"/cases/{after}", work.coordinator).json()[
        "referral_id"], "aftercare_id")
    closing = work.case(work.refer("HA-closing"))
    work.close(closing)
    concern = work.case(work.refer("HA-concern"))
    work.step(f"/cases/{concern}/safety-concerns",
              {"description": "threats by an ex-partner", "immediate": True}, 201)
    proposed = work.refer("HA-proposed")
    work.intake(proposed)  # her third place, held for the answers
    waiting = work.refer("HA-waiting")
    assert work.intake(waiting)["status"] == "waitlisted"
    for n in range(PAGE_SIZE + 1):
        work.refer(f"HA-new-{n:02}")
    return {"sanne": sanne, "aftercare": aftercare_id, "closing": closing, "concern": concern,
            "proposed": proposed, "waiting": waiting}


def test_the_coordinator_walks_the_work_queue_and_the_supporter_her_cases_in_chromium(
        stack, portal_engine, web_config_port, api):
    ids = filled_queue(api)
    links = [f"/login/{signin.create_link(portal_engine, *who)}" for who in (
        COORDINATOR, (COORDINATING_ORG, "supporter", ids["sanne"]))]
    # green: the services in this process answer the browser while it waits
    done = subprocess.run(
        [sys.executable, str(SCENARIO), f"http://127.0.0.1:{web_config_port}", *links,
         ids["sanne"], *(ids[key] for key in FOUND)],
        capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    assert "every step held" in done.stdout
    assert done.stdout.count("axe: ") >= 10, done.stdout
    for page in ("/queue", "/my-cases", "/cases/", "/aftercare/", "/referrals/"):
        assert page in done.stdout, done.stdout
