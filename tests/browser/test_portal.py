"""People at work in the portal, in a real browser (tests/browser/scenario.py): a GP signs in
with a link, refers a family and sees it in her referrals; a coordinator sees it in the work
queue and records the intake, sees the proposal's reasons and records both answers, opens the
case and logs a visit; the supporter sees the case with their own forms only; the coordinator
closes it, hands it over and completes the aftercare; the GP sees the
referral closed; a coordinator of another organisation sees none of it; the pages in English.
axe-core finds no serious or critical violation on any page."""
import sys
from pathlib import Path

from eventlet.green import subprocess

from services.portal import signin
from tests.support.access import supporter_body
from tests.support.api import token
from tests.support.directory import COORDINATING_ORG, OTHER_COORDINATING_ORG

SCENARIO = Path(__file__).with_name("scenario.py")
TIMEOUT_SECONDS = 300


def test_a_referral_from_the_gp_through_its_case_to_the_end_of_aftercare_in_chromium(
        stack, portal_engine, web_config_port, api):
    coordinator = token(COORDINATING_ORG, "coordinator", subject="carla")
    registered = api.post("/supporters", coordinator, json=supporter_body("Sanne", "Utrecht"))
    assert registered.status_code == 201, registered.text
    links = [f"/login/{signin.create_link(portal_engine, *who)}" for who in (
        ("huisarts-oost", "referrer", "anna"), (COORDINATING_ORG, "coordinator", "carla"),
        (OTHER_COORDINATING_ORG, "coordinator", "wim"), ("huisarts-oost", "referrer", "anna"))]
    # green: the services in this process answer the browser while it waits
    sam = registered.json()["supporter_id"]
    sam_link = signin.create_link(portal_engine, COORDINATING_ORG, "supporter", sam)
    links += [sam, f"/login/{sam_link}"]
    done = subprocess.run([sys.executable, str(SCENARIO), f"http://127.0.0.1:{web_config_port}",
                           *links], capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    assert "every step held" in done.stdout
    assert done.stdout.count("axe: ") >= 25, done.stdout
    for page in ("/cases/", "/aftercare/"):  # every page visited is checked, these too
        assert f"{page}" in done.stdout, done.stdout
