"""The supporters' pages (docs/contract.md §4 "The portal") against the real referral and matching
services: an organisation's admin (or coordinator) lists its supporters with their capacity,
registers one, changes her capacity and takes her off; the API's 422 at the fields with
everything typed kept, another organisation's supporter as the 404 page and a referrer's 403."""
import re
from html import escape

from tests.support.api import token
from tests.support.directory import COORDINATING_ORG, OTHER_COORDINATING_ORG

ADMIN = (COORDINATING_ORG, "admin", "ada")
COORDINATOR = (COORDINATING_ORG, "coordinator", "carla")
STRANGER = (OTHER_COORDINATING_ORG, "admin", "wim")
GP = ("huisarts-oost", "referrer", "anna")


def supporter_form(**changes):
    """The form as a person fills it: two municipalities ticked, one programme."""
    return {"name": "Sanne de Boer", "kind": "volunteer", "programmes": ["home-start"],
            "municipalities": ["Utrecht", "Zeist"], "languages": "nl tr", "capacity": "3",
            "expertise": "parenting, debt advice", "active": "yes", **changes}


def registered(person, **changes):
    answer = person.post("/supporters", supporter_form(**changes))
    assert answer.status_code == 200, answer.text
    found = re.search(r"/supporters/([0-9a-f-]{36})\?registered=1$", answer.url)
    assert found, answer.url
    return found.group(1), answer


def row_of(page, name):
    found = re.search(rf"<tr[^>]*>\s*<th[^>]*><a[^>]*>{re.escape(name)}</a>.*?</tr>", page.text,
                      re.S)
    assert found, page.text
    return found.group(0)


def test_an_admin_registers_a_supporter_and_changes_her_capacity(people, api):
    ada = people()
    home = ada.sign_in(*ADMIN)
    assert 'href="/supporters"' in home.text
    page = ada.get("/supporters")
    assert page.status_code == 200, page.text
    assert "nog geen ondersteuners" in page.text
    # the directory's programmes and municipalities of her organisation as boxes to tick
    for option in ("home-start", "Utrecht", "De Bilt", "Zeist"):
        assert f'value="{option}"' in page.text
    assert "Woerden" not in page.text  # another organisation's area
    assert re.search(r"<legend[^>]*>Programma&#39;s", page.text)

    supporter_id, shown = registered(ada)
    assert "De ondersteuner is geregistreerd" in shown.text and "Sanne de Boer" in shown.text
    # the form to change her shows her as she is
    assert 'value="Utrecht" checked' in shown.text and 'value="De Bilt">' in shown.text
    assert 'name="capacity" value="3"' in shown.text
    assert 'value="parenting, debt advice"' in shown.text
    by_api = api.get(f"/supporters/{supporter_id}", token(*ADMIN[:2])).json()
    assert by_api["municipalities"] == ["Utrecht", "Zeist"]
    assert by_api["expertise"] == ["parenting", "debt advice"]
    assert by_api["languages"] == ["nl", "tr"] and by_api["active"] is True

    row = row_of(ada.get("/supporters"), "Sanne de Boer")
    assert "vrijwilliger" in row and "Utrecht, Zeist" in row and "nl, tr" in row
    assert "0 van 3" in row

    saved = ada.post(f"/supporters/{supporter_id}", supporter_form(capacity="5"),
                     allow_redirects=False)
    assert saved.status_code == 303
    assert saved.headers["Location"] == f"/supporters/{supporter_id}?saved=1"
    page = ada.get(saved.headers["Location"])
    assert "De wijzigingen zijn opgeslagen" in page.text
    assert api.get(f"/supporters/{supporter_id}", token(*ADMIN[:2])).json()["capacity"] == 5
    assert "0 van 5" in row_of(ada.get("/supporters"), "Sanne de Boer")

    # taking her off: she stays on the list, no longer available
    off = supporter_form(capacity="5")
    del off["active"]
    assert ada.post(f"/supporters/{supporter_id}", off).status_code == 200
    assert api.get(f"/supporters/{supporter_id}", token(*ADMIN[:2])).json()["active"] is False
    assert "niet beschikbaar" in row_of(ada.get("/supporters"), "Sanne de Boer")


def test_a_refused_registration_keeps_everything_typed_with_the_apis_words_at_the_fields(
        people, api):
    ada = people()
    ada.sign_in(*ADMIN)
    refused = ada.post("/supporters", supporter_form(name="", capacity="veel",
                                                     programmes=[]))
    assert refused.status_code == 422, refused.text
    text = refused.text
    assert "Controleer de volgende velden" in text
    for field in ("name", "capacity", "programmes"):
        assert f'href="#f-{field}"' in text  # the summary links to the field
        assert f'id="f-{field}-error"' in text
    assert 'id="f-capacity"' in text and 'aria-invalid="true"' in text
    assert "Vul dit in." in text and "Dit is geen getal." in text
    # what was typed and ticked is still there
    assert 'name="capacity" value="veel"' in text and 'value="nl tr"' in text
    assert 'value="Zeist" checked' in text and 'value="De Bilt">' in text
    assert escape("parenting, debt advice") in text
    assert api.get("/supporters", token(*ADMIN[:2])).json()["supporters"] == []


def test_a_refused_change_keeps_what_was_typed(people):
    ada = people()
    ada.sign_in(*ADMIN)
    supporter_id, _ = registered(ada)
    refused = ada.post(f"/supporters/{supporter_id}", supporter_form(capacity="99"))
    assert refused.status_code == 422
    assert "Vul een getal van 0 tot en met 50 in." in refused.text
    assert 'name="capacity" value="99"' in refused.text
    assert "0 van 3" in row_of(ada.get("/supporters"), "Sanne de Boer")


def test_a_coordinator_may_too_and_another_organisation_sees_none_of_them(people):
    carla = people()
    home = carla.sign_in(*COORDINATOR)
    assert 'href="/supporters"' in home.text
    supporter_id, _ = registered(carla)

    wim = people()
    wim.sign_in(*STRANGER)
    assert "Sanne de Boer" not in wim.get("/supporters").text
    hidden = wim.get(f"/supporters/{supporter_id}")
    assert hidden.status_code == 404 and "Niet gevonden" in hidden.text
    changed = wim.post(f"/supporters/{supporter_id}", supporter_form(capacity="9"))
    assert changed.status_code == 404
    assert "0 van 3" in row_of(carla.get("/supporters"), "Sanne de Boer")


def test_a_referrer_gets_the_forbidden_page(people):
    anna = people()
    home = anna.sign_in(*GP)
    assert 'href="/supporters"' not in home.text
    refused = anna.get("/supporters")
    assert refused.status_code == 403 and "Geen toegang" in refused.text
    assert anna.post("/supporters", supporter_form()).status_code == 403
    assert anna.get("/supporters/made-up").status_code == 403


def test_a_form_without_the_sessions_token_registers_nobody(people, api):
    ada = people()
    ada.sign_in(*ADMIN)
    assert ada.post("/supporters", {**supporter_form(), "csrf": "forged"}).status_code == 403
    assert api.get("/supporters", token(*ADMIN[:2])).json()["supporters"] == []


def test_the_pages_in_english(people):
    ada = people()
    ada.sign_in(*ADMIN)
    ada.http.cookies.set("kring_language", "en")
    supporter_id, shown = registered(ada)
    assert "The supporter was registered." in shown.text and "Save the changes" in shown.text
    page = ada.get("/supporters")
    assert "Register a supporter" in page.text and "0 of 3" in page.text
    assert 'lang="en"' in page.text
