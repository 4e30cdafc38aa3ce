"""An organisation's admin and the operator at work in the portal, in a real browser
(tests/browser/admin_scenario.py): the admin registers a supporter, after the API's words at the
field she forgot, and changes her capacity; the operator registers a provider and filters the
directory. axe-core finds no serious or critical violation on any page."""
import sys
from pathlib import Path

from eventlet.green import subprocess

from services.portal import signin
from tests.support.directory import COORDINATING_ORG

SCENARIO = Path(__file__).with_name("admin_scenario.py")
TIMEOUT_SECONDS = 300


def test_an_admin_keeps_her_supporters_and_the_operator_the_directory_in_chromium(
        stack, portal_engine, web_config_port):
    links = [f"/login/{signin.create_link(portal_engine, *who)}" for who in (
        (COORDINATING_ORG, "admin", "ada"), ("kring", "operator", "otto"))]
    # green: the services in this process answer the browser while it waits
    done = subprocess.run([sys.executable, str(SCENARIO), f"http://127.0.0.1:{web_config_port}",
                           *links], capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    assert "every step held" in done.stdout
    assert done.stdout.count("axe: ") >= 10, done.stdout
