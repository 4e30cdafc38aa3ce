"""The supporter and provider forms as API bodies, a supporter as the form shows her, and the
directory's choices of programmes and municipalities."""
from werkzeug.datastructures import MultiDict

from services.portal.admin_forms import (directory_choices, directory_query, provider_body,
                                         split_lines, supporter_body, supporter_form_values,
                                         supporter_values)

FILLED = MultiDict([
    ("name", " Sanne de Boer "), ("kind", "volunteer"), ("programmes", "home-start"),
    ("municipalities", "De Bilt"), ("municipalities", "Zeist"), ("languages", "nl, tr"),
    ("capacity", "3"), ("expertise", "parenting, debt advice"), ("active", "yes")])


def test_a_filled_supporter_form_is_registersupporters_body():
    assert supporter_body(FILLED) == {
        "name": "Sanne de Boer", "kind": "volunteer", "programmes": ["home-start"],
        "municipalities": ["De Bilt", "Zeist"], "languages": ["nl", "tr"], "capacity": 3,
        "expertise": ["parenting", "debt advice"], "active": True}


def test_registering_leaves_out_what_is_empty_so_the_api_says_it_is_required():
    body = supporter_body(MultiDict([("capacity", "veel")]))
    assert body == {"capacity": "veel", "active": False}  # not a number: as typed


def test_a_change_sends_every_field_an_emptied_list_too():
    body = supporter_body(MultiDict([("name", "Sanne"), ("capacity", "-1")]), update=True)
    assert body == {"name": "Sanne", "kind": "", "capacity": -1, "programmes": [],
                    "municipalities": [], "languages": [], "expertise": [], "active": False}


def test_municipalities_typed_in_one_box_are_split_at_commas_and_lines_not_spaces():
    assert split_lines("De Bilt, Zeist\r\nStichtse Vecht\n\n") == [
        "De Bilt", "Zeist", "Stichtse Vecht"]
    typed = MultiDict([("municipalities", "De Bilt, Zeist"), ("programmes", "home-start")])
    assert supporter_values(typed)["municipalities"] == ["De Bilt", "Zeist"]
    assert supporter_values(FILLED)["capacity"] == "3"


def test_a_supporter_as_the_form_shows_her():
    supporter = {"name": "Sanne", "kind": "professional", "programmes": ["home-start"],
                 "municipalities": ["Utrecht"], "languages": ["nl", "ar"], "capacity": 4,
                 "expertise": ["debt advice", "parenting"], "active": False}
    assert supporter_form_values(supporter) == {
        "name": "Sanne", "kind": "professional", "programmes": ["home-start"],
        "municipalities": ["Utrecht"], "languages": "nl ar", "capacity": "4",
        "expertise": "debt advice, parenting", "active": ""}


def entry(organisation, programme, *names):
    return {"organisation": organisation, "programme": programme,
            "municipalities": [{"code": f"GM{n}", "name": name} for n, name in enumerate(names)]}


def test_the_choices_are_the_organisations_own_entries_and_what_she_has_already():
    providers = [entry("oost", "home-start", "Utrecht", "Zeist"),
                 entry("oost", "family-help", "Utrecht"), entry("west", "home-start", "Woerden")]
    assert directory_choices(providers, "oost", {"municipalities": ["Houten"]}) == {
        "programmes": ["family-help", "home-start"],
        "municipalities": ["Houten", "Utrecht", "Zeist"]}
    # an organisation without an entry of its own chooses from the whole directory
    assert directory_choices(providers, "noord")["municipalities"] == [
        "Utrecht", "Woerden", "Zeist"]
    assert directory_choices([], "oost") == {"programmes": [], "municipalities": []}


def test_a_filled_provider_form_is_registerproviders_body():
    form = MultiDict([("organisation", "home-start-noord"), ("name", "Home-Start Noord"),
                      ("programme", "home-start"), ("municipalities", "Houten\nDe Bilt"),
                      ("languages", "nl en"), ("waiting_list", "yes")])
    assert provider_body(form) == {
        "organisation": "home-start-noord", "name": "Home-Start Noord",
        "programme": "home-start", "municipalities": ["Houten", "De Bilt"],
        "languages": ["nl", "en"], "waiting_list": True}
    assert provider_body(MultiDict()) == {"waiting_list": False}


def test_the_directory_filter_is_listprogrammes_query():
    assert directory_query(MultiDict([("municipality", " Zeist ")])) == {"municipality": "Zeist"}
    assert directory_query(MultiDict([("municipality", ""), ("other", "x")])) == {}
