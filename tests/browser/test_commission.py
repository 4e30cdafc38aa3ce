"""A municipality's officer decides a commission in the portal, in a real browser
(tests/browser/commission_scenario.py): a family trajectory in Utrecht waits after its intake;
she finds it, declines it after the API's words at the reason she forgot, and finds it among
those decided. axe-core finds no serious or critical violation on any page."""
import sys
from pathlib import Path

from eventlet.green import subprocess

from services.portal import signin
from tests.support.api import token
from tests.support.portal import UTRECHT, commission_work, waiting_for_commission
from tests.support.waiting import eventually

SCENARIO = Path(__file__).with_name("commission_scenario.py")
TIMEOUT_SECONDS = 300


def test_a_municipality_declines_a_family_trajectory_in_chromium(
        stack, portal_engine, web_config_port, api):
    referral_id = waiting_for_commission(api, commission_work(api), "GT-b1")
    utrecht = token(*UTRECHT[:2], subject=UTRECHT[2])
    eventually(lambda: api.get("/commissions", utrecht).json()["total"] == 1,
               what="the request on Utrecht's list")
    link = f"/login/{signin.create_link(portal_engine, *UTRECHT)}"
    # green: the services in this process answer the browser while it waits
    done = subprocess.run([sys.executable, str(SCENARIO), f"http://127.0.0.1:{web_config_port}",
                           link, referral_id], capture_output=True, text=True,
                          timeout=TIMEOUT_SECONDS)
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    assert "every step held" in done.stdout
    assert done.stdout.count("axe: ") >= 6, done.stdout
