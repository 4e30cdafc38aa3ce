"""Family data at rest (docs/security.md "Keys", "Data keys"): after a family's whole way
through Kring, no database holds any of its text readably — not the SQLite files byte for byte,
not a PostgreSQL table's text — while the API still shows it to those who may see it."""
import re
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from kring.client import ApiClient
from kring.config import DATABASES_KEY, DIRECTORY_KEY, RETRY_DELAYS_KEY, SMTP_KEY
from kring.kit.db import postgres_driver
from kring.about import AboutService
from kring.registry import SERVICE_CLASSES, load_service
from tests.support.api import TEST_SECRET
from tests.support.databases import POSTGRES_URL, Databases
from tests.support.directory import EXAMPLE_DIRECTORY
from tests.support.waiting import eventually

# every piece of the family's text this run stores somewhere, each one unlikely by chance
FAMILY = {
    "contact name": "Fam. Oudewater-Zwijnsberg",
    "phone": "+31687654329",
    "postcode": "3512QZ",
    "question": "Hulp bij opvoeding na verhuizing naar Kanaleneiland",
    "referrer name": "Dr. Marijke Vandenberghe",
    "referrer e-mail": "m.vandenberghe@huisarts-zuid.example",
    "intake reason": "vader werkt nachtdiensten sinds maart",
    "goal": "Ritme in de ochtend met drie kinderen",
    "risk factor": "schulden bij de woningcorporatie",
    "support figure": "Oma Henriette Kloosterboer",
    "visit notes": "Keukentafelgesprek, moeder huilde om de verhuizing",
    "safety concern": "Buren hoorden geschreeuw in de nacht",
    "resolution": "Gesprek met wijkagent gevoerd, geen gevaar",
    "evaluation": "Ouders houden het ochtendritme zelf vol",
    "summary": "Overdracht: buurtteam Lombok blijft betrokken",
    "aftercare notes": "Nazorgcontact: het gaat goed op de nieuwe school",
    "end notes": "Nazorg afgerond na telefoontje met moeder",
}


@pytest.fixture(params=["sqlite", "postgresql"])
def databases(request, tmp_path):
    """Each service's database: SQLite files, or a PostgreSQL schema each."""
    made = Databases(tmp_path, POSTGRES_URL if request.param == "postgresql" else None)
    yield made
    made.drop()


@pytest.fixture
def stack(runner_factory, sqlite_config, databases, web_config_port, smtp):
    """All five services, as tests/e2e/conftest.py's stack, on SQLite and on PostgreSQL."""
    config = dict(sqlite_config)
    config[DATABASES_KEY] = databases.urls
    config[DIRECTORY_KEY] = str(EXAMPLE_DIRECTORY)
    config[SMTP_KEY] = {"host": "127.0.0.1", "port": smtp.port, "from": "kring@example.org"}
    config[RETRY_DELAYS_KEY] = [0.1, 0.5, 1]
    runner = runner_factory(config, *[load_service(name) for name in SERVICE_CLASSES],
                            AboutService)
    runner.start()
    client = ApiClient(f"http://127.0.0.1:{web_config_port}", TEST_SECRET)
    yield config, client
    client.close()
    runner.stop()  # before the databases go


def until(what, check):
    return eventually(check, what=what)


def walk_the_family(api, smtp):
    """Submit, intake, match, plan, visit, concern, close, hand over, aftercare, notices."""
    api.call("POST", "/supporters", api.coordinator, {
        "name": "Anna", "kind": "volunteer", "programmes": ["home-start"],
        "languages": ["nl", "tr"], "municipalities": ["Utrecht"], "capacity": 2,
        "expertise": ["parenting"]})
    referral_id = api.call("POST", "/referrals", api.referrer, {
        "programme": "home-start", "external_ref": "HA-2026-4711",
        "referrer": {"name": FAMILY["referrer name"], "organisation": "Huisartsen Zuid",
                     "role": "gp", "email": FAMILY["referrer e-mail"], "language": "nl"},
        "family": {"contact_name": FAMILY["contact name"], "phone": FAMILY["phone"],
                   "postcode": FAMILY["postcode"], "municipality": "Utrecht",
                   "languages": ["nl", "tr"], "children_ages": [3, 7, 9]},
        "request": {"question": FAMILY["question"], "domains": ["parenting"],
                    "urgency": "normal"},
        "consent": {"family_consents": True, "share_status_with_referrer": True,
                    "given_on": time.strftime("%Y-%m-%d")}})["referral_id"]
    intake = until("matching to know the referral", lambda: api.call(
        "POST", "/intakes", api.coordinator, {"referral_id": referral_id, "fits": True,
                                               "severity": "medium",
                                               "reason": FAMILY["intake reason"]},
        accept=(200, 201, 409)))  # 409 not_ready: not yet
    for party in ("family", "supporter"):
        api.call("POST", f"/proposals/{intake['proposal_id']}/responses", api.coordinator,
                 {"party": party, "accept": True})
    case_id = until("the case to start", lambda: api.referral(referral_id)["case_id"])
    case = f"/cases/{case_id}"
    api.call("PUT", f"{case}/plan", api.coordinator, {
        "goals": [{"life_domain": "parenting", "goal": FAMILY["goal"], "for": "adult"}],
        "risk_factors": [FAMILY["risk factor"]], "protective_factors": [],
        "support_figures": [{"name": FAMILY["support figure"], "relation": "grandmother",
                             "formal": False, "functions": ["practical"], "consent": True}],
        "intensity": "regular"})
    api.call("POST", f"{case}/visits", api.coordinator, {
        "date": time.strftime("%Y-%m-%d"), "hours": 4, "notes": FAMILY["visit notes"]})
    concern = api.call("POST", f"{case}/safety-concerns", api.coordinator, {
        "description": FAMILY["safety concern"], "immediate": True})
    concern_id = concern["safety_concerns"][0]["concern_id"]
    api.call("POST", f"{case}/safety-concerns/{concern_id}/resolve",
             api.coordinator, {"resolution": FAMILY["resolution"]})
    api.call("POST", f"{case}/close", api.coordinator,
             {"evaluation": FAMILY["evaluation"], "goals_met": True})
    api.call("POST", f"{case}/handover", api.coordinator, {
        "receiving_party": {"kind": "municipality", "name": "Gemeente Utrecht"},
        "summary": FAMILY["summary"]})
    aftercare_id = until("aftercare to start",
                         lambda: api.referral(referral_id)["aftercare_id"])
    api.call("POST", f"/aftercare/{aftercare_id}/contacts", api.coordinator, {
        "date": time.strftime("%Y-%m-%d"), "notes": FAMILY["aftercare notes"]})
    api.call("POST", f"/aftercare/{aftercare_id}/complete", api.coordinator,
             {"notes": FAMILY["end notes"]})
    until("the start and closure notices", lambda: len(
        [m for m in smtp.messages() if m["X-Kring-Referral"] == referral_id]) == 2)
    until("the referral to close", lambda: api.referral(referral_id)["status"] == "closed")
    return referral_id, case_id


def stored_text(urls, data_dir):
    """Everything the databases hold, as text: each SQLite file (its write-ahead log
    included) byte for byte, or every row of every table of a PostgreSQL schema."""
    if all(url.startswith("sqlite") for url in urls.values()):
        files = [path for path in Path(data_dir).iterdir() if re.search(r"\.db(-wal)?$",
                                                                          path.name)]
        assert len([path for path in files if path.name.endswith(".db")]) == len(urls)  # the five services and the portal
        return b"".join(path.read_bytes() for path in files).decode("latin-1")
    rows = []
    for url in urls.values():
        engine = create_engine(postgres_driver(url))
        with engine.connect() as db:
            for table in inspect(db).get_table_names():
                rows += db.execute(text(f'SELECT t::text FROM "{table}" t')).scalars().all()
        engine.dispose()
    assert len(rows) > 20
    return "\n".join(rows)


def test_no_database_holds_the_familys_text(stack, smtp, tmp_path):
    config, api = stack
    referral_id, case_id = walk_the_family(api, smtp)
    # what is sealed still reads for those who may see it
    shown = api.call("GET", f"/cases/{case_id}", api.coordinator)
    assert shown["visits"][0]["notes"] == FAMILY["visit notes"]
    assert shown["plan"]["support_figures"][0]["name"] == FAMILY["support figure"]

    stored = stored_text(config[DATABASES_KEY], tmp_path)
    assert referral_id in stored and "enc:" in stored  # the scan sees the databases
    readable = {what: value for what, value in FAMILY.items() if value in stored}
    assert not readable, f"stored readably: {readable}"
