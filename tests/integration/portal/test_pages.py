"""The portal's pages against the real services (docs/contract.md §4 "The portal"): signing in
and out, referring a family, my referrals, the work queue, the intake and the proposal, and the
API's answers (403, 404, 409, 422) as pages."""
import re
from html import escape

from services.portal.referrals import PAGE_SIZE
from tests.support.access import supporter_body
from tests.support.api import token
from tests.support.directory import COORDINATING_ORG, OTHER_COORDINATING_ORG
from tests.support.portal import referral_form, referral_id_of
from tests.support.sample import referral_body
from tests.support.waiting import eventually

GP = ("huisarts-oost", "referrer", "anna")
COORDINATOR = (COORDINATING_ORG, "coordinator", "carla")
STRANGER = (OTHER_COORDINATING_ORG, "coordinator", "wim")


def referred(person, external_ref="HA-1"):
    answer = person.post("/refer", referral_form(external_ref))
    assert answer.status_code == 200, answer.text
    return referral_id_of(answer)


def test_a_link_signs_in_once_and_the_session_cookie_is_strict_and_httponly(people):
    anna = people()
    link = anna.link(*GP)
    shown = anna.get(link)
    assert "anna" in shown.text and "Aanmelden" in shown.text
    assert "kring_session" not in anna.http.cookies  # opening the link alone signs nobody in
    signed_in = anna.post(link, {}, allow_redirects=False)
    assert signed_in.status_code == 303
    cookie = signed_in.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # plain http on loopback: development and tests
    assert anna.get("/").status_code == 200 and "Welkom, anna" in anna.get("/").text
    again = people().get(link)
    assert again.status_code == 410 and "werkt niet meer" in again.text


def test_an_unknown_link_and_pages_without_a_session_say_so(people):
    nobody = people()
    assert nobody.get("/login/made-up").status_code == 410
    assert nobody.post("/login/made-up", {}).status_code == 410
    assert nobody.get("/referrals").status_code == 401
    assert "Meld u eerst aan" in nobody.get("/refer").text


def test_sign_out_needs_the_forms_token_and_ends_the_session(people):
    anna = people()
    anna.sign_in(*GP)
    refused = anna.post("/logout", {"csrf": "forged"})
    assert refused.status_code == 403
    assert anna.get("/referrals").status_code == 200
    out = anna.post("/logout", {})
    assert out.status_code == 200 and "Welkom bij Kring" in out.text
    assert anna.get("/referrals").status_code == 401


def test_a_form_without_the_sessions_token_is_refused_and_nothing_is_stored(people):
    anna = people()
    anna.sign_in(*GP)
    form = referral_form("HA-forged")
    refused = anna.post("/refer", {**form, "csrf": "forged"})
    assert refused.status_code == 403
    assert "HA-forged" not in anna.get("/referrals").text


def test_a_referrer_refers_a_family_and_sees_it_in_my_referrals(people):
    anna = people()
    anna.sign_in(*GP)
    form = anna.get("/refer")
    assert form.status_code == 200
    for name in ("family.phone", "consent.family_consents", "consent.given_on",
                 "request.question", "referrer.email"):
        assert f'name="{name}"' in form.text
    assert "vrijwillig" in form.text  # what consent means, in plain words
    # and the programme's leaflet for the family, in the page's language
    leaflet = re.search(r'id="leaflet"\s+href="([^"]+)"', form.text).group(1)
    assert leaflet == "/api/v1/programmes/home-start/leaflet?language=nl"
    shown = anna.get(leaflet)  # the API's, on the portal's own address
    assert shown.status_code == 200 and 'lang="nl"' in shown.text, shown.text[:200]
    page = anna.post("/refer", referral_form("HA-1"))
    assert page.status_code == 200 and "De aanmelding is ontvangen" in page.text
    referral_id = referral_id_of(page)
    assert "Fam. Yilmaz" not in page.text  # a referrer does not see the family's details back
    listed = anna.get("/referrals")
    assert "HA-1" in listed.text and f"/referrals/{referral_id}" in listed.text
    assert "ontvangen" in listed.text


def test_the_apis_422_lands_at_the_fields_and_nothing_typed_is_lost(people):
    anna = people()
    anna.sign_in(*GP)
    form = {**referral_form("HA-typo"), "family.phone": "bel me", "family.postcode": "oops"}
    del form["consent.family_consents"]
    answer = anna.post("/refer", form)
    assert answer.status_code == 422
    html = answer.text
    assert 'id="f-family-phone-error"' in html and "Dit is geen telefoonnummer" in html
    assert 'aria-describedby="f-family-phone-error"' in html and 'aria-invalid="true"' in html
    assert "Het gezin moet toestemming geven" in html
    assert 'href="#f-family-phone"' in html  # the summary links to the field
    assert 'value="bel me"' in html and 'value="oops"' in html
    assert 'value="Fam. Yilmaz"' in html and "Support with parenting after a move" in html
    assert "HA-typo" not in anna.get("/referrals").text


def section(html, anchor):
    """The page from the element with id `anchor` on."""
    return html.split(f'id="{anchor}"', 1)[1]


def test_english_by_the_browsers_choice_or_the_switch(people):
    anna = people()
    anna.sign_in(*GP)
    assert "Refer a family" in anna.get("/refer", headers={"Accept-Language": "en"}).text
    anna.get("/language?to=en&next=/refer")
    assert 'lang="en"' in anna.get("/").text
    anna.get("/language?to=nl&next=/")
    assert 'lang="nl"' in anna.get("/", headers={"Accept-Language": "en"}).text


def test_the_coordinator_meets_the_family_from_the_work_queue_and_a_stranger_sees_nothing(
        people):
    anna, carla, wim = people(), people(), people()
    anna.sign_in(*GP)
    referral_id = referred(anna, "HA-7")
    carla.sign_in(*COORDINATOR)
    queue = carla.get("/queue")
    assert f"/referrals/{referral_id}/intake" in queue.text
    page = carla.get(f"/referrals/{referral_id}")
    assert "Fam. Yilmaz" in page.text  # the coordinator does the intake: she sees the family

    wim.sign_in(*STRANGER)
    assert "HA-7" not in wim.get("/queue").text
    assert wim.get(f"/referrals/{referral_id}").status_code == 404
    assert wim.get(f"/referrals/{referral_id}/intake").status_code == 404

    missing = carla.post(f"/referrals/{referral_id}/intake", {"reason": "no choice made"})
    assert missing.status_code == 422 and 'value="no choice made"' not in missing.text
    assert "no choice made" in missing.text and "f-fits-error" in missing.text

    def recorded():
        answer = carla.post(f"/referrals/{referral_id}/intake",
                            {"fits": "yes", "severity": "medium", "reason": "fits well"})
        assert answer.status_code in (200, 409), answer.text  # 409: matching not told yet
        return answer if answer.status_code == 200 else None
    done = eventually(recorded, what="the intake to be recorded")
    assert "De kennismaking is vastgelegd" in done.text
    # the referral service hears of the intake by matching's event: then it leaves the new
    # referrals to meet, and is on the waiting list (no supporter is registered)
    eventually(lambda: f"/referrals/{referral_id}/intake" not in carla.get("/queue").text,
               what="the referral to leave the new referrals of the work queue")
    waiting = section(carla.get("/queue").text, "waiting")
    assert f'href="/referrals/{referral_id}"' in waiting.split("</table>")[0]
    # no supporter is registered: the family waits, and the referrer may hear so (consent)
    assert "wachtlijst" in anna.get("/referrals").text


def test_the_coordinator_records_both_answers_to_the_proposal_and_the_case_starts(people, api):
    anna, carla, wim = people(), people(), people()
    coordinator = token(*COORDINATOR[:2], subject=COORDINATOR[2])
    registered = api.post("/supporters", coordinator, json=supporter_body("Sanne", "Utrecht"))
    assert registered.status_code == 201, registered.text
    anna.sign_in(*GP)
    referral_id = referred(anna, "HA-9")
    carla.sign_in(*COORDINATOR)

    def recorded():
        answer = carla.post(f"/referrals/{referral_id}/intake",
                            {"fits": "yes", "severity": "medium", "reason": "fits well"})
        assert answer.status_code in (200, 409), answer.text  # 409: matching not told yet
        return answer if answer.status_code == 200 else None
    eventually(recorded, what="the intake to be recorded")

    def proposed():  # the referral hears of the proposal by matching's event
        page = carla.get(f"/referrals/{referral_id}")
        return page if 'id="voorstel"' in page.text else None
    page = eventually(proposed, what="the proposal on the referral's page")
    proposal_id = re.search(r'action="/proposals/([^/"]+)/responses"', page.text).group(1)
    reasons = api.get(f"/proposals/{proposal_id}", coordinator).json()["reasons"]
    assert reasons and all(escape(reason) in page.text for reason in reasons)
    assert "Sanne" in page.text and "Waarom deze ondersteuner" in page.text
    assert 'name="family.accept"' in page.text and 'name="supporter.accept"' in page.text
    english = carla.get(f"/referrals/{referral_id}", headers={"Accept-Language": "en"}).text
    assert "Why this supporter" in english and "Does the family want this supporter?" in english

    wim.sign_in(*STRANGER)  # another organisation: no such proposal, nothing answered
    refused = wim.post(f"/proposals/{proposal_id}/responses",
                       {"party": "supporter", "supporter.accept": "no"})
    assert refused.status_code == 404 and "Niet gevonden" in refused.text

    unchosen = carla.post(f"/proposals/{proposal_id}/responses",
                          {"party": "family", "family.reason": "still thinking"})
    assert unchosen.status_code == 422 and 'id="f-family-accept-error"' in unchosen.text
    assert "still thinking" in unchosen.text and 'href="#f-family-accept"' in unchosen.text

    said = carla.post(f"/proposals/{proposal_id}/responses",
                      {"party": "family", "family.accept": "yes", "family.reason": "a match"})
    assert said.status_code == 200 and "Het antwoord is vastgelegd" in said.text
    assert 'name="family.accept"' not in said.text and "a match" in said.text
    again = carla.post(f"/proposals/{proposal_id}/responses",
                       {"party": "family", "family.accept": "no", "family.reason": "changed"})
    assert again.status_code == 409 and "al beantwoord" in again.text
    assert "changed" in again.text  # what was typed stays

    both = carla.post(f"/proposals/{proposal_id}/responses",
                      {"party": "supporter", "supporter.accept": "yes"})
    assert both.status_code == 200 and "beide akkoord" in both.text

    def started():  # casework opens the case; the referral hears of it
        page = carla.get(f"/referrals/{referral_id}")
        return page if 'id="traject"' in page.text else None
    page = eventually(started, what="the case on the referral's page")
    assert "ondersteuning loopt" in page.text
    case = page.text.split('id="traject"', 1)[1].split("</dl>", 1)[0]
    assert "Sanne" in case and "loopt" in case and "<dd>0</dd>" in case
    assert "in_progress" == api.get(f"/referrals/{referral_id}", coordinator).json()["status"]
    assert 'id="voorstel"' not in anna.get(f"/referrals/{referral_id}").text  # not a referrer's


def test_pages_not_for_the_role_answer_403(people):
    carla = people()
    carla.sign_in(*COORDINATOR)
    assert carla.get("/refer").status_code == 403
    anna = people()
    anna.sign_in(*GP)
    assert anna.get("/referrals/whatever/intake").status_code == 403
    supporter = people()
    supporter.sign_in(COORDINATING_ORG, "supporter", "sam")
    assert supporter.get("/referrals").status_code == 403


def test_pages_say_what_the_browser_may_load_and_keep_nothing_cached(people):
    anna = people()
    anna.sign_in(*GP)
    page = anna.get("/refer")
    assert page.headers["Cache-Control"] == "no-store"
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert re.search(r'<main id="inhoud"', page.text)
    css = anna.get("/static/portal.css")
    assert css.status_code == 200 and ".utrecht-button" in css.text
    assert anna.get("/static/htmx.min.js").status_code == 200
    assert anna.get("/static/..%2Fservice.py").status_code == 404


def test_a_long_list_comes_a_page_at_a_time_and_htmx_fetches_only_the_next_rows(people, api):
    gp = token(*GP[:2], subject=GP[2])
    for n in range(PAGE_SIZE + 1):
        assert api.post("/referrals", gp, json=referral_body(f"HA-{n:03d}")).status_code == 201
    anna = people()
    anna.sign_in(*GP)
    first = anna.get("/referrals").text
    assert "HA-020" in first and "HA-000" not in first  # newest first
    more = re.search(r'hx-get="([^"]+)"', first).group(1).replace("&amp;", "&")
    rows = anna.get(more, headers={"HX-Request": "true"})
    assert "<html" not in rows.text and "HA-000" in rows.text and "hx-get" not in rows.text
    page = anna.get(more)  # without JavaScript the link is a whole page
    assert "<html" in page.text and "HA-000" in page.text
