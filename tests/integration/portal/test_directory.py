"""The operator's page of the provider directory (docs/contract.md §4 "The portal") against the
real referral service: who provides which programme where (listProgrammes), in one municipality
if chosen, and registering a provider (registerProvider) with the API's 409 and 422 said at the
form, everything typed kept; any other role gets the 403 page."""
import re

from tests.support.api import token

OPERATOR = ("kring", "operator", "otto")
ADMIN = ("home-start-oost", "admin", "ada")
GP = ("huisarts-oost", "referrer", "anna")


def provider_form(**changes):
    return {"organisation": "home-start-noord", "name": "Home-Start Noord",
            "programme": "home-start", "municipalities": "Houten\nNieuwegein",
            "languages": "nl, en", **changes}


def directory_rows(page):
    table = re.search(r'<table class="utrecht-table" id="directory">.*?</table>', page.text,
                      re.S)
    assert table, page.text
    return re.findall(r"<tr class=\"utrecht-table__row\">(.*?)</tr>", table.group(0),
                      re.S)[1:]


def test_the_operator_sees_the_directory_and_filters_it_by_municipality(people):
    otto = people()
    home = otto.sign_in(*OPERATOR)
    assert 'href="/directory"' in home.text
    page = otto.get("/directory")
    assert page.status_code == 200, page.text
    rows = directory_rows(page)
    assert len(rows) == 2
    oost = next(row for row in rows if "Home-Start Oost" in row)
    assert "home-start-oost" in oost and "Utrecht (GM0344)" in oost and "Zeist" in oost
    assert "nl, en, tr" in oost
    assert ">Home-Start (home-start)<" in oost  # its name from its definition, and its code
    assert "in de lijst: home-start" in page.text  # the codes the directory has, as a hint

    woerden = otto.get("/directory?municipality=Woerden")
    assert woerden.status_code == 200
    rows = directory_rows(woerden)
    assert len(rows) == 1 and "Home-Start West" in rows[0]
    assert "Aanbieders in Woerden" in woerden.text
    assert 'value="Woerden"' in woerden.text

    unknown = otto.get("/directory?municipality=Atlantis")
    assert unknown.status_code == 422
    assert 'href="#f-municipality"' in unknown.text and 'id="f-municipality-error"' in unknown.text
    assert 'value="Atlantis"' in unknown.text
    assert len(directory_rows(unknown)) == 2  # the whole directory under the refused filter


def test_the_operator_registers_a_provider(people, api):
    otto = people()
    otto.sign_in(*OPERATOR)
    otto.get("/directory")
    done = otto.post("/directory", provider_form(waiting_list="yes"), allow_redirects=False)
    assert done.status_code == 303, done.text
    page = otto.get(done.headers["Location"])
    assert "De aanbieder is geregistreerd" in page.text
    noord = next(row for row in directory_rows(page) if "Home-Start Noord" in row)
    assert "Houten (GM0321)" in noord and "Nieuwegein (GM0356)" in noord and "Ja" in noord
    listed = api.get("/programmes?municipality=Houten", token(*GP[:2])).json()["providers"]
    assert [(p["organisation"], p["waiting_list"]) for p in listed] == [
        ("home-start-noord", True)]


def test_a_refused_registration_is_said_at_the_form_and_keeps_what_was_typed(people, api):
    otto = people()
    otto.sign_in(*OPERATOR)
    otto.get("/directory")
    invalid = otto.post("/directory", provider_form(name="", languages="nl nederlands"))
    assert invalid.status_code == 422, invalid.text
    for field in ("name", "languages"):
        assert f'href="#f-{field}"' in invalid.text and f'id="f-{field}-error"' in invalid.text
    assert "Vul dit in." in invalid.text
    assert "Gebruik een taalcode van twee of drie letters." in invalid.text
    assert 'value="nl nederlands"' in invalid.text and "Houten\nNieuwegein</textarea>" in \
        invalid.text

    # a municipality the register does not know, said at the field with what it may mean
    unknown = otto.post("/directory", provider_form(municipalities="Houten\nAtlantis"))
    assert unknown.status_code == 422
    assert 'href="#f-municipalities"' in unknown.text
    assert re.search(r'id="f-municipalities-error">[^<]*Atlantis', unknown.text)
    assert "Houten\nAtlantis</textarea>" in unknown.text

    # Woerden is Home-Start West's: one provider a programme and municipality
    taken = otto.post("/directory", provider_form(municipalities="Woerden"))
    assert taken.status_code == 409
    assert "Controleer de volgende velden" in taken.text and "home-start-west" in taken.text
    assert 'value="home-start-noord"' in taken.text
    listed = api.get("/programmes", token(*GP[:2])).json()["providers"]
    assert "home-start-noord" not in {p["organisation"] for p in listed}


def test_other_roles_get_the_forbidden_page(people):
    for who in (ADMIN, GP):
        person = people()
        home = person.sign_in(*who)
        assert 'href="/directory"' not in home.text
        refused = person.get("/directory")
        assert refused.status_code == 403 and "Geen toegang" in refused.text
        assert person.post("/directory", provider_form()).status_code == 403
