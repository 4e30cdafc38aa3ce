"""The referral service's use cases on a real (SQLite) unit of work: the directory, routing,
referrals stored before routing, and the key of family pseudonyms."""
import json

import pytest

from kring.contracts.referral import SubmitReferral
from kring.errors import Invalid, NotAllowed, NotFound
from kring.kit.access import Caller
from kring.kit.auth import Identity
from kring.kit.db import UnitOfWork, make_engine
from services.referral import handlers
from services.referral.directory import DirectoryError
from services.referral.domain import Referral
from services.referral.models import Referrals, metadata
from services.referral.pseudonym import family_key
from tests.support.databases import outbox
from tests.support.directory import EXAMPLE_DIRECTORY, TEST_DIRECTORY
from tests.support.sample import referral_body

SECRET = "kring-secret-of-the-unit-tests-32-characters"
AT = "2026-11-20T10:00:00.000000Z"


def provider(**changes):
    return {"organisation": "home-start-oost", "name": "Home-Start Oost",
            "programme": "home-start", "municipalities": ["Utrecht", "De Bilt"],
            "languages": ["nl"], "waiting_list": False, **changes}


def submit(uow, body=None, org="huisarts-oost"):
    """submitReferral with the sample, read as the HTTP layer reads it."""
    loaded = SubmitReferral().load(body or referral_body())
    return handlers.submit_referral(uow, org, loaded, SECRET)[0]


def referral(uow, referral_id):
    with uow:
        return Referrals(uow).get(referral_id)


# --- the directory ------------------------------------------------------------------------

def test_a_registered_provider_is_shown_with_its_municipalities(uow):
    shown = handlers.register_provider(uow, provider())
    assert shown["municipalities"] == [{"code": "GM0344", "name": "Utrecht"},
                                       {"code": "GM0310", "name": "De Bilt"}]
    assert handlers.list_programmes(uow, "utrecht") == {
        "municipality": {"code": "GM0344", "name": "Utrecht"}, "providers": [{
            **shown, "programme_details": {
                "code": "home-start", "name": {"nl": "Home-Start", "en": "Home-Start"},
                "kind": "volunteer_family_support", "commission_required": False,
                "duration": {"min_months": 3, "max_months": 18},
                "rhythm": {"every": "weekly", "visit": "half_day"}}}]}
    assert handlers.list_programmes(uow, "Zeist")["providers"] == []
    assert handlers.list_programmes(uow)["municipality"] is None


def test_a_provider_for_a_programme_no_definition_knows_is_refused_naming_the_known(uow):
    with pytest.raises(Invalid) as refused:
        handlers.register_provider(uow, provider(programme="knitting-club"))
    assert refused.value.errors == {"programme": [
        "no programme knitting-club is defined; known: family-help, family-trajectory, "
        "home-start, individual-guidance"]}
    assert handlers.list_programmes(uow)["providers"] == []


def test_a_programme_is_read_whole_and_an_unknown_one_is_404():
    shown = handlers.get_programme("family-trajectory")
    assert (shown["kind"], shown["commission_required"], shown["supporter_kinds"]) == (
        "professional_family_trajectory", True, ["professional"])
    assert {"code": "commission_ended", "name": {
        "nl": "Beschikking afgelopen", "en": "Commission ended"}} in shown["closure_reasons"]
    with pytest.raises(NotFound):
        handlers.get_programme("knitting-club")


def test_one_provider_per_programme_and_municipality(uow):
    handlers.register_provider(uow, provider())
    with pytest.raises(NotAllowed) as refused:
        handlers.register_provider(uow, provider(organisation="home-start-west",
                                                 municipalities=["Woerden", "De Bilt"]))
    assert "De Bilt (GM0310) by home-start-oost" in refused.value.message
    # another programme in the same municipality is another matter
    handlers.register_provider(uow, provider(organisation="buurtteam", programme="family-help"))
    assert len(handlers.list_programmes(uow, "De Bilt")["providers"]) == 2


def test_the_same_organisation_and_programme_again_replaces_its_entry(uow):
    handlers.register_provider(uow, provider())
    handlers.register_provider(uow, provider(municipalities=["Utrecht"], waiting_list=True))
    [shown] = handlers.list_programmes(uow)["providers"]
    assert (len(shown["municipalities"]), shown["waiting_list"]) == (1, True)
    # De Bilt is free again
    handlers.register_provider(uow, provider(organisation="home-start-west",
                                             municipalities=["De Bilt"]))


def test_an_unknown_municipality_in_a_query_is_invalid(uow):
    with pytest.raises(Invalid) as refused:
        handlers.list_programmes(uow, "Utrect")
    assert refused.value.errors == {"municipality": [
        "unknown municipality 'Utrect'; did you mean: Utrecht?"]}


@pytest.mark.parametrize("directory", [TEST_DIRECTORY, EXAMPLE_DIRECTORY])
def test_the_directory_of_the_configuration_applies_and_applies_again_unchanged(uow, directory):
    entries = json.loads(directory.read_text())
    assert handlers.apply_directory(uow, str(directory)) == len(entries)
    before = handlers.list_programmes(uow)
    assert handlers.apply_directory(uow, str(directory)) == len(entries)
    assert handlers.list_programmes(uow) == before
    assert len(before["providers"]) == len(entries)


def test_no_directory_configured_is_nothing_to_apply(uow):
    assert handlers.apply_directory(uow, None) == 0


@pytest.mark.parametrize("content,said", [
    ("not json", "cannot read"),
    ('[{"organisation": "x"}]', "entry 1: name: Missing data for required field."),
    (json.dumps([provider(municipalities=["Utrect"])]),
     "entry 1: municipalities: unknown municipality 'Utrect'; did you mean: Utrecht?"),
    (json.dumps([provider(), provider(organisation="other")]),
     "entry 2: home-start is already provided there: Utrecht (GM0344) by home-start-oost"),
    ('"a string"', "must hold a JSON list"),
])
def test_a_directory_that_cannot_be_applied_says_why(uow, tmp_path, content, said):
    path = tmp_path / "directory.json"
    path.write_text(content)
    with pytest.raises(DirectoryError) as refused:
        handlers.apply_directory(uow, str(path))
    assert said in str(refused.value)


def test_a_missing_directory_file_says_so(uow, tmp_path):
    with pytest.raises(DirectoryError, match="cannot read"):
        handlers.apply_directory(uow, str(tmp_path / "nowhere.json"))


# --- routing ------------------------------------------------------------------------------

def test_a_referral_is_routed_when_it_is_received(uow):
    handlers.register_provider(uow, provider())
    stored = referral(uow, submit(uow)["referral_id"])
    assert (stored.coordinating_org, stored.municipality_code) == ("home-start-oost", "GM0344")
    assert stored.timeline[0].detail == "routed to home-start-oost"


def test_a_stage_that_has_not_heard_of_a_referral_learns_its_route_and_nothing_more(uow):
    handlers.register_provider(uow, provider())
    referral_id = submit(uow)["referral_id"]
    assert handlers.referral_owner(uow, referral_id) == {
        "referral_id": referral_id, "referring_org": "huisarts-oost",
        "coordinating_org": "home-start-oost"}
    for unknown in ("6f1c3a52-0d7e-4c1b-9a55-1f0e8a3b2c11", "x" * 65, "nul\x00"):
        assert handlers.referral_owner(uow, unknown) is None


def test_without_a_provider_nothing_is_stored(uow):
    with pytest.raises(Invalid) as refused:
        submit(uow)
    assert refused.value.errors == {"programme": [
        "no organisation provides home-start in Utrecht (GM0344)"]}
    handlers.register_provider(uow, provider())
    assert submit(uow)["timeline"][0]["detail"] == "routed to home-start-oost"


def stored_before_routing(uow, referral_id, municipality="Utrecht"):
    body = referral_body(f"OLD-{referral_id}")
    body["family"]["municipality"] = municipality
    with uow:
        Referrals(uow).add(Referral.receive(referral_id, "huisarts-oost", body, AT, "fk"))


def test_referrals_stored_before_routing_are_routed_when_a_provider_comes(uow):
    stored_before_routing(uow, "r-old")
    stored_before_routing(uow, "r-elsewhere", "Woerden")
    handlers.register_provider(uow, provider())
    assert (referral(uow, "r-old").coordinating_org,
            referral(uow, "r-old").municipality_code) == ("home-start-oost", "GM0344")
    assert referral(uow, "r-elsewhere").coordinating_org is None
    handlers.apply_directory(uow, str(TEST_DIRECTORY))  # home-start-west provides Woerden
    assert referral(uow, "r-elsewhere").coordinating_org == "home-start-west"
    # the stages that hold parts of them learn whose they are, once each
    assert [(m["referral_id"], m["data"]) for m in outbox(uow)
            if m["type"] == "referral_routed"] == [
        ("r-old", {"coordinating_org": "home-start-oost", "municipality_code": "GM0344"}),
        ("r-elsewhere", {"coordinating_org": "home-start-west", "municipality_code": "GM0632"})]


def test_a_coordinator_reaches_only_what_is_routed_to_its_organisation(uow):
    handlers.register_provider(uow, provider())
    referral_id = submit(uow)["referral_id"]

    def reader(org, role):
        return Caller(Identity(org, role, "someone"), "getReferral", referral_id)

    assert handlers.get_referral(uow, reader("home-start-oost", "coordinator"),
                                 referral_id)["referral_id"] == referral_id
    for org, role in (("home-start-west", "coordinator"), ("home-start-west", "admin"),
                      ("huisarts-west", "referrer")):
        with pytest.raises(NotFound, match=f"^no referral {referral_id}$"):
            handlers.get_referral(uow, reader(org, role), referral_id)


# --- the key of family pseudonyms ---------------------------------------------------------

def test_the_pseudonym_key_is_made_once_and_is_not_the_secret(uow):
    key = handlers.pseudonym_key(uow, SECRET)
    assert len(key) == 64 and key != SECRET
    assert handlers.pseudonym_key(uow, "another-secret-after-a-rotation-of-32-chars") == key


def test_a_database_that_held_referrals_keeps_the_secret_as_its_key(uow):
    stored_before_routing(uow, "r-old")
    assert handlers.pseudonym_key(uow, SECRET) == SECRET
    handlers.register_provider(uow, provider())
    submit(uow)
    assert handlers.pseudonym_key(uow, "a-rotated-secret-of-more-than-32-chars") == SECRET


def test_a_family_is_recognised_by_the_same_key_after_the_secret_changes(uow):
    handlers.register_provider(uow, provider())
    submit(uow)
    key = handlers.pseudonym_key(uow, SECRET)
    assert family_key(key, "06 12345678") == family_key(key, "+31612345678")


def test_two_replicas_making_the_key_at_once_end_with_one(uow, tmp_path, monkeypatch):
    engine = make_engine(f"sqlite:///{tmp_path}/referral.db")  # the fixture's database
    other = UnitOfWork.on(engine, metadata)

    def made_while_another_replica_was_first():
        monkeypatch.setattr(handlers, "new_key", lambda: "theirs")
        handlers.pseudonym_key(other, SECRET)  # the other replica stores its key first
        return "ours"

    monkeypatch.setattr(handlers, "new_key", made_while_another_replica_was_first)
    assert handlers.pseudonym_key(uow, SECRET) == "theirs"
    engine.dispose()
