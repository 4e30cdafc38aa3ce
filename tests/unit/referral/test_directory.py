"""The provider directory's rules and routing, pure: no database, no broker."""
import pytest

from kring.errors import Invalid, NotAllowed
from services.referral.directory import Provider, Route, check_free, provider_from, route
from services.referral.municipalities import register


def body(**changes):
    return {"organisation": "home-start-oost", "name": "Home-Start Oost",
            "programme": "home-start", "municipalities": ["Utrecht", "GM0310", "zeist"],
            "languages": ["nl", "en"], "waiting_list": False, **changes}


def test_a_provider_holds_the_codes_of_the_municipalities_named():
    provider = provider_from(body(municipalities=["Utrecht", "GM0344", "De Bilt"]), register())
    assert provider == Provider("home-start-oost", "Home-Start Oost", "home-start",
                                ("GM0344", "GM0310"), ("nl", "en"), False)


def test_every_unknown_municipality_is_named_with_what_it_may_mean():
    with pytest.raises(Invalid) as refused:
        provider_from(body(municipalities=["Utrect", "Zeist", "Atlantis"]), register())
    assert refused.value.errors == {"municipalities": [
        "unknown municipality 'Utrect'; did you mean: Utrecht?",
        "unknown municipality 'Atlantis'"]}


def test_a_municipality_another_organisation_serves_for_the_programme_is_refused():
    provider = provider_from(body(), register())
    with pytest.raises(NotAllowed) as refused:
        check_free(provider, {"GM0344": "home-start-utrecht", "GM0363": "x"}, register())
    assert refused.value.message == (
        "home-start is already provided there: Utrecht (GM0344) by home-start-utrecht")


def test_its_own_municipalities_and_free_ones_are_no_conflict():
    check_free(provider_from(body(), register()), {"GM0344": "home-start-oost"}, register())


def providers(organisations):
    return lambda programme, code: organisations.get((programme, code))


def test_a_referral_is_routed_to_the_provider_of_its_programme_in_its_municipality():
    provider_of = providers({("home-start", "GM0344"): "home-start-oost",
                             ("family-help", "GM0344"): "buurtteam"})
    assert route("home-start", " utrecht ", register(), provider_of) == Route(
        "home-start-oost", "GM0344")
    assert route("family-help", "GM0344", register(), provider_of) == Route(
        "buurtteam", "GM0344")


def test_an_unknown_municipality_or_one_without_provider_is_invalid():
    provider_of = providers({("home-start", "GM0344"): "home-start-oost"})
    with pytest.raises(Invalid) as unknown:
        route("home-start", "Utrect", register(), provider_of)
    assert unknown.value.errors == {"family": {"municipality": [
        "unknown municipality 'Utrect'; did you mean: Utrecht?"]}}
    with pytest.raises(Invalid) as nobody:
        route("home-start", "Zeist", register(), provider_of)
    assert nobody.value.errors == {"programme": [
        "no organisation provides home-start in Zeist (GM0355)"]}
