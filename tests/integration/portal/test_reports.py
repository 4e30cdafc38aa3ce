"""The reports page (docs/contract.md §4 "The portal", docs/contract.md §7 "Reports") against the
real referral and casework services: a municipality's person sees the table, the charts and the
CSV; a role the rule table leaves out sees the API's 403 as a page."""
import re

import pytest

from services.casework.service import CaseworkService
from tests.support.api import token
from tests.support.directory import COORDINATING_ORG
from tests.support.portal import start_portal_stack
from tests.support.sample import referral_body

UTRECHT = ("GM0344", "municipality", "mila")
GP = ("huisarts-oost", "referrer", "anna")


@pytest.fixture
def stack(container_factory, kring_config):
    """The portal's stack and casework, which adds the hours of visits to every report."""
    container_factory(CaseworkService, kring_config).start()
    return start_portal_stack(container_factory, kring_config)


def test_a_municipality_sees_its_figures_as_a_table_and_charts_and_downloads_the_csv(people,
                                                                                     api):
    gp = token(*GP[:2], subject=GP[2])
    assert api.post("/referrals", gp, json=referral_body("HA-R1")).status_code == 201
    mila = people()
    home = mila.sign_in(*UTRECHT)
    assert 'href="/reports"' in home.text
    page = mila.get("/reports?period=year")
    assert page.status_code == 200, page.text
    table = re.search(r'<table class="utrecht-table" id="report">.*?</table>', page.text,
                      re.S).group(0)
    assert "<caption" in table and '<th class="utrecht-table__header-cell" scope="col">' \
        "Aanmeldingen</th>" in table
    assert re.search(r'<th class="utrecht-table__header-cell" scope="row">\d{4}</th>', table)
    assert "GM0344" in table and "&lt; 5" in table  # one referral: withheld as "< 5"
    svg = re.search(r"<svg[^>]*>.*?</svg>", page.text, re.S).group(0)
    assert 'role="img"' in svg and "<title" in svg and "&lt; 5" in svg
    assert "gearceerde staaf" in page.text  # the note on the hatched bar
    csv_link = re.search(r'id="csv" href="([^"]+)"', page.text).group(1).replace("&amp;", "&")
    assert csv_link == "/reports.csv?period=year"
    download = mila.get(csv_link)
    assert download.status_code == 200
    assert download.headers["Content-Type"].startswith("text/csv")
    assert download.headers["Content-Disposition"].startswith("attachment")
    header = download.text.splitlines()[0]
    assert header.startswith("programme,municipality,municipality_name,period")
    assert "GM0344" in download.text


def test_the_apis_refusals_are_pages_and_the_form_keeps_the_choices(people):
    anna = people()
    home = anna.sign_in(*GP)
    assert 'href="/reports"' not in home.text
    refused = anna.get("/reports")
    assert refused.status_code == 403 and "<h1" in refused.text
    assert anna.get("/reports.csv").status_code == 403
    admin = people()
    admin.sign_in(COORDINATING_ORG, "admin", "ada")
    wrong = admin.get("/reports?from=2026-05-01&to=2026-01-01")
    assert wrong.status_code == 422
    assert 'value="2026-05-01"' in wrong.text
    assert 'href="#f-from">Van (JJJJ-MM-DD)</a>' in wrong.text
