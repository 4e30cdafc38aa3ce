"""The case's and the aftercare's pages against the real services (docs/contract.md §4 "The
portal"): what getCase and getAftercare show, a form for each step the person's role may take,
and the API's answers at the forms: success back on the page with a confirmation, a 422 at the
fields with everything typed kept, a 409 said at the form, a 404 for another organisation."""
import re
from datetime import date, timedelta

from kring.clock import iso, utcnow
from tests.support.access import supporter_body
from tests.support.api import not_ready, token
from tests.support.directory import COORDINATING_ORG, OTHER_COORDINATING_ORG
from tests.support.integration.referral import trail_stub
from tests.support.sample import referral_body
from tests.support.waiting import eventually

GP = ("huisarts-oost", "referrer", "anna")
COORDINATOR = (COORDINATING_ORG, "coordinator", "carla")
STRANGER = (OTHER_COORDINATING_ORG, "coordinator", "wim")
ADMIN = (COORDINATING_ORG, "admin", "ada")
TOMORROW = (date.today() + timedelta(days=2)).isoformat()


def started_case(api, external_ref):
    """A case of a referral whose match both parties accepted, made through the API: the
    pages under test start from there. Its referral's, case's and supporter's ids."""
    coordinator = token(*COORDINATOR[:2], subject=COORDINATOR[2])
    registered = api.post("/supporters", coordinator, json=supporter_body("Sanne", "Utrecht"))
    assert registered.status_code == 201, registered.text
    referral_id = referred(api, external_ref)

    def intake():  # matching hears of the referral by an event: 409 not_ready until then
        answer = api.post("/intakes", coordinator, json={
            "referral_id": referral_id, "fits": True, "severity": "low", "reason": "fits"})
        assert answer.status_code == 201 or not_ready(answer), answer.text
        return answer.json() if answer.status_code == 201 else None
    proposal_id = eventually(intake, what="the intake")["proposal_id"]
    for party in ("family", "supporter"):
        said = api.post(f"/proposals/{proposal_id}/responses", coordinator,
                        json={"party": party, "accept": True})
        assert said.status_code == 200, said.text
    case_id = eventually(lambda: api.get(f"/referrals/{referral_id}", coordinator).json()[
        "case_id"], what="the case to start")
    return referral_id, case_id, registered.json()["supporter_id"]


def referred(api, external_ref):
    """A referral the GP made through the API, received: its id."""
    answer = api.post("/referrals", token(*GP[:2], subject=GP[2]),
                      json=referral_body(external_ref))
    assert answer.status_code == 201, answer.text
    return answer.json()["referral_id"]


def section(html, anchor):
    """The page from the element with id `anchor` on: what is said there, not above it."""
    return html.split(f'id="{anchor}"', 1)[1]


def test_the_coordinator_works_the_case_from_the_plan_to_the_handover(people, api):
    referral_id, case_id, _ = started_case(api, "HA-case")
    carla, wim = people(), people()
    carla.sign_in(*COORDINATOR)
    page = carla.get(f"/cases/{case_id}")
    assert page.status_code == 200 and "Sanne" in page.text and "loopt" in page.text
    for form in ("plan", "visit", "concern", "check_in", "evaluation", "intensity", "close"):
        assert f'id="{form}"' in page.text, form
    assert 'id="handover"' not in page.text  # the case is open: it closes first
    assert f'href="/referrals/{referral_id}"' in page.text
    referral = carla.get(f"/referrals/{referral_id}")
    assert f'href="/cases/{case_id}"' in referral.text
    # the intake once more: the API's refusal at the form, in Dutch, what was typed kept
    again = carla.post(f"/referrals/{referral_id}/intake",
                       {"fits": "yes", "severity": "low", "reason": "nog eens"})
    assert again.status_code == 409 and "De kennismaking is al vastgelegd" in again.text
    assert "nog eens</textarea>" in again.text

    wim.sign_in(*STRANGER)  # another organisation: no such case, nothing changed
    assert wim.get(f"/cases/{case_id}").status_code == 404
    refused = wim.post(f"/cases/{case_id}/visit", {"visit.date": date.today().isoformat(),
                                                   "visit.hours": "3"})
    assert refused.status_code == 404 and "Niet gevonden" in refused.text

    # a visit: the API's words at the hours, what was typed kept; then logged
    typo = carla.post(f"/cases/{case_id}/visit", {"visit.date": date.today().isoformat(),
                                                  "visit.hours": "veel",
                                                  "visit.notes": "samen gekookt"})
    assert typo.status_code == 422 and 'id="f-visit-hours-error"' in typo.text
    assert 'href="#f-visit-hours"' in typo.text and 'value="veel"' in typo.text
    assert "samen gekookt</textarea>" in typo.text and "Dit is geen getal" in typo.text
    logged = carla.post(f"/cases/{case_id}/visit", {"visit.date": date.today().isoformat(),
                                                    "visit.hours": "2,5",
                                                    "visit.notes": "samen gekookt"})
    assert logged.status_code == 200 and "Het bezoek is vastgelegd" in logged.text
    assert logged.url.endswith(f"/cases/{case_id}?done=visit")
    assert '<span id="total-hours">2.5</span>' in logged.text and "samen gekookt" in logged.text

    # the plan: a goal without its life domain is refused at that field
    goal = {"plan.goals.0.goal": "Rust in huis", "plan.goals.0.for": "adult",
            "plan.goals.1.life_domain": "", "plan.goals.1.goal": "",  # the spare row, as sent
            "plan.goals.1.for": "adult", "plan.risk_factors": "schulden",
            "plan.intensity": "regular"}
    missing = carla.post(f"/cases/{case_id}/plan", goal)
    assert missing.status_code == 422 and 'id="f-plan-goals-0-life-domain-error"' in missing.text
    assert "Rust in huis</textarea>" in missing.text and "Doel 1: Leefgebied" in missing.text
    planned = carla.post(f"/cases/{case_id}/plan", {**goal, "plan.goals.0.life_domain":
                                                    "parenting"})
    assert planned.status_code == 200 and "Het plan van aanpak is opgeslagen" in planned.text
    plan = section(planned.text, "plan-van-aanpak")
    assert "Rust in huis" in plan and "schulden" in plan
    # the form shows the plan as it is, and one spare row for a goal more
    assert 'name="plan.goals.1.goal"' in plan and 'name="plan.goals.2.goal"' not in plan

    # the coordinator's moments and the intensity
    for step, form in (("check_in", {"check_in.date": date.today().isoformat(),
                                     "check_in.notes": "gaat goed"}),
                       ("evaluation", {"evaluation.date": date.today().isoformat()}),
                       ("intensity", {"intensity.level": "light",
                                      "intensity.reason": "het gaat beter"})):
        said = carla.post(f"/cases/{case_id}/{step}", form)
        assert said.status_code == 200 and f"?done={step}" in said.url, said.text
    vague = carla.post(f"/cases/{case_id}/intensity", {"intensity.reason": "zomaar"})
    assert vague.status_code == 422 and "Kies een intensiteit" in vague.text
    assert "zomaar</textarea>" in vague.text
    early = carla.post(f"/cases/{case_id}/handover", {
        "handover.receiving_party.kind": "municipality",
        "handover.receiving_party.name": "Wijkteam Oost", "handover.summary": "te vroeg"})
    assert early.status_code == 409 and "Status van het traject: loopt" in section(
        early.text, "handover")
    assert "te vroeg</textarea>" in early.text
    future = carla.post(f"/cases/{case_id}/check_in", {"check_in.date": TOMORROW})
    assert future.status_code == 422 and 'id="f-check-in-date-error"' in future.text
    assert f'value="{TOMORROW}"' in future.text
    shown = carla.get(f"/cases/{case_id}").text
    assert "gaat goed" in shown and "het gaat beter" in shown

    # an immediate safety concern: first of the list, marked, and in the way of closing
    concern = carla.post(f"/cases/{case_id}/concern", {"concern.description": "ruzie thuis",
                                                       "concern.immediate": "yes"})
    assert concern.status_code == 200 and "De zorg is vastgelegd" in concern.text
    assert "portal-concern-open" in concern.text and "dringende zorg" in concern.text
    unchosen = carla.post(f"/cases/{case_id}/concern", {"concern.description": "nog een"})
    assert unchosen.status_code == 422 and 'id="f-concern-immediate-error"' in unchosen.text
    assert "nog een</textarea>" in unchosen.text
    blocked = carla.post(f"/cases/{case_id}/close", {"close.evaluation": "goed gegaan",
                                                     "close.goals_met": "yes"})
    assert blocked.status_code == 409 and "dringende zorg" in section(blocked.text, "close")
    assert "goed gegaan</textarea>" in blocked.text
    concern_id = re.search(r'/safety-concerns/([^/"]+)/resolve', concern.text).group(1)
    resolved = carla.post(f"/cases/{case_id}/safety-concerns/{concern_id}/resolve",
                          {f"resolve-{concern_id}.resolution": "besproken met het gezin"})
    assert resolved.status_code == 200 and "De zorg is opgelost" in resolved.text
    assert "portal-concern-open" not in resolved.text
    again = carla.post(f"/cases/{case_id}/safety-concerns/{concern_id}/resolve", {})
    assert again.status_code == 409 and "al opgelost" in again.text

    # closing: the goals_met choice is required, then closed with a reason of the programme
    undecided = carla.post(f"/cases/{case_id}/close", {"close.evaluation": "goed gegaan"})
    assert undecided.status_code == 422 and 'id="f-close-goals-met-error"' in undecided.text
    assert 'value="goals_met"' in undecided.text  # the programme's closure reasons
    closed = carla.post(f"/cases/{case_id}/close", {"close.evaluation": "goed gegaan",
                                                    "close.goals_met": "yes",
                                                    "close.reason": "goals_met"})
    assert closed.status_code == 200 and "Het traject is afgesloten" in closed.text
    # the closure reason by the programme's name for it, in the page's language
    assert '<dd id="closure-reason">Doelen bereikt</dd>' in closed.text
    carla.get(f"/language?to=en&next=/cases/{case_id}")
    assert '<dd id="closure-reason">Goals met</dd>' in carla.get(f"/cases/{case_id}").text
    carla.get(f"/language?to=nl&next=/cases/{case_id}")
    assert "wordt afgesloten" in closed.text and 'id="handover"' in closed.text
    late = carla.post(f"/cases/{case_id}/visit", {"visit.date": date.today().isoformat(),
                                                  "visit.hours": "1", "visit.notes": "te laat"})
    assert late.status_code == 409 and "Status van het traject: wordt afgesloten" in section(
        late.text, "visit")
    assert "te laat</textarea>" in late.text
    today = date.today().isoformat()
    for step, form in (
            ("plan", {**goal, "plan.goals.0.life_domain": "parenting",
                      "plan.risk_factors": "na het einde"}),
            ("check_in", {"check_in.date": today, "check_in.notes": "na het einde"}),
            ("evaluation", {"evaluation.date": today, "evaluation.notes": "na het einde"}),
            ("intensity", {"intensity.level": "high", "intensity.reason": "na het einde"})):
        refused = carla.post(f"/cases/{case_id}/{step}", form)
        assert refused.status_code == 409, (step, refused.text)
        assert "wordt afgesloten" in section(refused.text, step), step
        assert "na het einde</textarea>" in refused.text, step

    # the handover: who takes over is required, then aftercare starts
    nameless = carla.post(f"/cases/{case_id}/handover", {
        "handover.receiving_party.kind": "municipality", "handover.summary": "alles rustig"})
    assert nameless.status_code == 422
    assert 'id="f-handover-receiving-party-name-error"' in nameless.text
    assert "alles rustig</textarea>" in nameless.text
    handed = carla.post(f"/cases/{case_id}/handover", {
        "handover.receiving_party.kind": "municipality",
        "handover.receiving_party.name": "Wijkteam Oost", "handover.summary": "alles rustig"})
    assert handed.status_code == 200 and "overgedragen" in handed.text
    assert "Wijkteam Oost" in handed.text and 'id="visit"' not in handed.text
    after = carla.post(f"/cases/{case_id}/concern", {"concern.description": "na de overdracht",
                                                     "concern.immediate": "no"})
    assert after.status_code == 409 and "overgedragen" in section(after.text, "concern")
    assert "na de overdracht</textarea>" in after.text
    page = eventually(lambda: (lambda text: text if "/aftercare/" in text else None)(
        carla.get(f"/referrals/{referral_id}").text), what="the aftercare link")
    assert 'id="aftercare-link"' in page


def test_the_aftercare_from_a_relapse_to_its_completion(people, api):
    referral_id, case_id, _ = started_case(api, "HA-after")
    carla, wim, anna = people(), people(), people()
    carla.sign_in(*COORDINATOR)

    def hand_over():
        closed = carla.post(f"/cases/{case_id}/close", {"close.evaluation": "klaar",
                                                        "close.goals_met": "yes"})
        assert closed.status_code == 200, closed.text
        handed = carla.post(f"/cases/{case_id}/handover", {
            "handover.receiving_party.kind": "local_partner",
            "handover.receiving_party.name": "Buurtgezinnen", "handover.summary": "rustig"})
        assert handed.status_code == 200, handed.text
    hand_over()
    coordinator = token(*COORDINATOR[:2], subject=COORDINATOR[2])
    aftercare_id = eventually(lambda: api.get(f"/referrals/{referral_id}", coordinator).json()[
        "aftercare_id"], what="aftercare to start")
    where = f"/aftercare/{aftercare_id}"
    page = eventually(lambda: (lambda shown: shown if shown.status_code == 200 else None)(
        carla.get(where)), what="the aftercare page")
    assert "Buurtgezinnen" in page.text and "loopt" in page.text
    for form in ("contact", "relapse", "complete"):
        assert f'id="{form}"' in page.text, form
    assert f'href="/cases/{case_id}"' in page.text

    wim.sign_in(*STRANGER)
    assert wim.get(where).status_code == 404
    assert wim.post(f"{where}/complete", {}).status_code == 404

    future = carla.post(f"{where}/contact", {"contact.date": TOMORROW,
                                             "contact.notes": "gebeld"})
    assert future.status_code == 422 and 'id="f-contact-date-error"' in future.text
    assert "gebeld</textarea>" in future.text and f'value="{TOMORROW}"' in future.text
    logged = carla.post(f"{where}/contact", {"contact.date": date.today().isoformat(),
                                             "contact.notes": "gebeld"})
    assert logged.status_code == 200 and "Het contact is vastgelegd" in logged.text
    assert "gebeld" in section(logged.text, "contacten")

    silent = carla.post(f"{where}/relapse", {})
    assert silent.status_code == 422 and 'id="f-relapse-notes-error"' in silent.text
    relapsed = carla.post(f"{where}/relapse", {"relapse.notes": "weer zorgen"})
    assert relapsed.status_code == 200 and "De terugval is gemeld" in relapsed.text
    assert 'id="complete"' not in relapsed.text  # no longer active
    late = carla.post(f"{where}/contact", {"contact.date": date.today().isoformat(),
                                           "contact.notes": "nog eens"})
    assert late.status_code == 409 and "nog eens</textarea>" in late.text
    assert "Status van de nazorg: terugval" in section(late.text, "contact")
    # casework reopens the case by aftercare's event: the same supporter takes it up again
    eventually(lambda: 'id="visit"' in carla.get(f"/cases/{case_id}").text,
               what="the case to open again")
    hand_over()
    assert "Eerdere rondes" in carla.get(f"/cases/{case_id}").text  # the round before
    eventually(lambda: 'id="complete"' in carla.get(where).text, what="aftercare again")
    done = carla.post(f"{where}/complete", {"complete.notes": "afgerond"})
    assert done.status_code == 200 and "De nazorg is afgerond" in done.text
    assert "afgerond" in done.text and 'id="contact"' not in done.text
    twice = carla.post(f"{where}/complete", {"complete.notes": "nog een keer"})
    assert twice.status_code == 409 and "nog een keer</textarea>" in twice.text
    slid = carla.post(f"{where}/relapse", {"relapse.notes": "te laat"})
    assert slid.status_code == 409 and "Status van de nazorg: afgerond" in section(
        slid.text, "relapse")

    anna.sign_in(*GP)  # the referrer sees the end, not the aftercare
    ended = eventually(lambda: (lambda text: text if "afgesloten" in text else None)(
        anna.get(f"/referrals/{referral_id}").text), what="the referral to close")
    assert '<dd id="outcome">afgerond</dd>' in ended
    assert anna.get(where).status_code == 403
    assert 'id="aftercare-link"' not in anna.get(f"/referrals/{referral_id}").text


def test_the_supporter_works_on_their_own_case_and_sees_no_other(people, api):
    _, case_id, supporter_id = started_case(api, "HA-sam")
    sam, other = people(), people()
    sam.sign_in(COORDINATING_ORG, "supporter", supporter_id)
    page = sam.get(f"/cases/{case_id}")
    assert page.status_code == 200 and "loopt" in page.text
    for form in ("plan", "visit", "concern", "intensity"):
        assert f'id="{form}"' in page.text, form
    for form in ("close", "handover", "check_in", "evaluation"):
        assert f'id="{form}"' not in page.text, form  # the coordinator's steps
    logged = sam.post(f"/cases/{case_id}/visit", {"visit.date": date.today().isoformat(),
                                                  "visit.hours": "3",
                                                  "visit.notes": "naar de bieb"})
    assert logged.status_code == 200 and "naar de bieb" in logged.text
    assert sam.post(f"/cases/{case_id}/close", {"close.evaluation": "x"}).status_code == 403
    other.sign_in(COORDINATING_ORG, "supporter", "someone-else")
    assert other.get(f"/cases/{case_id}").status_code == 404


def test_the_familys_members_and_support_figures_on_the_case(people, api):
    _, case_id, _ = started_case(api, "HA-family")
    carla = people()
    carla.sign_in(*COORDINATOR)
    where = f"/cases/{case_id}"
    ageless = carla.post(f"{where}/members", {
        "members.members.0.first_name": "Ayse", "members.members.0.role": "parent",
        "members.members.0.age_band": "", "members.members.1.role": ""})
    assert ageless.status_code == 422
    assert 'id="f-members-members-0-age-band-error"' in ageless.text
    assert 'value="Ayse"' in ageless.text and "Gezinslid 1: Leeftijd" in ageless.text
    saved = carla.post(f"{where}/members", {
        "members.members.0.first_name": "Ayse", "members.members.0.role": "parent",
        "members.members.0.age_band": "18+", "members.members.0.languages": "nl tr",
        "members.members.1.role": "child", "members.members.1.age_band": "0-3"})
    assert saved.status_code == 200 and "De gezinsleden zijn opgeslagen" in saved.text
    ayse = re.search(r'name="members\.members\.0\.member_id" value="([^"]+)"',
                     saved.text).group(1)
    assert "Ayse (ouder, 18+, nl tr)" in saved.text

    figure = {"figure.name": "Oma Ans", "figure.relation": "oma", "figure.formal": "no",
              "figure.functions.practical": "yes", "figure.named_by": ayse}
    planless = carla.post(f"{where}/figure", {**figure, "figure.consent": "yes"})
    assert planless.status_code == 409 and "Leg eerst het plan van aanpak vast" in section(
        planless.text, "figure")
    assert 'value="Oma Ans"' in planless.text
    planned = carla.post(f"{where}/plan", {
        "plan.goals.0.life_domain": "parenting", "plan.goals.0.goal": "Rust",
        "plan.goals.0.for": "adult", f"plan.goals.0.members.{ayse}": "yes",
        "plan.intensity": "regular"})
    assert planned.status_code == 200, planned.text
    assert f'name="plan.goals.0.members.{ayse}" value="yes" checked' in planned.text
    unasked = carla.post(f"{where}/figure", figure)
    assert unasked.status_code == 422 and 'id="f-figure-consent-error"' in unasked.text
    assert "alleen met diens toestemming" in unasked.text and 'value="Oma Ans"' in unasked.text
    added = carla.post(f"{where}/figure", {**figure, "figure.consent": "yes"})
    assert added.status_code == 200 and "De steunfiguur is toegevoegd" in added.text
    assert "Oma Ans (oma): praktische hulp" in added.text

    # Ayse is in a goal: the family cannot lose her before the plan does
    without = carla.post(f"{where}/members", {
        "members.members.0.member_id": ayse, "members.members.0.role": "",
        "members.members.1.role": "child", "members.members.1.age_band": "0-3"})
    assert without.status_code == 409 and "pas eerst het plan aan" in section(without.text,
                                                                              "members")
    figure_id = re.search(r'/support-figures/([^/"]+)/remove', added.text).group(1)

    # a figure's own form changes what is recorded of them: it starts as they are recorded;
    # the API's words at its fields, everything typed kept, in either language
    own = f"figure-{figure_id}"
    assert f'name="{own}.name" value="Oma Ans"' in added.text
    changed = {f"{own}.name": "Oma Ans", f"{own}.relation": "oma en oppas",
               f"{own}.formal": "no", f"{own}.functions.emotional": "yes",
               f"{own}.named_by": ayse}
    unasked = carla.post(f"{where}/support-figures/{figure_id}/change", changed)
    assert unasked.status_code == 422 and f'id="f-{own}-consent-error"' in unasked.text
    assert "alleen met diens toestemming" in section(unasked.text, own)
    assert f'href="#f-{own}-consent">Deze persoon vindt het goed' in unasked.text
    assert 'value="oma en oppas"' in unasked.text
    carla.get(f"/language?to=en&next={where}")
    said = carla.post(f"{where}/support-figures/{figure_id}/change",
                      {**changed, f"{own}.consent": "yes", f"{own}.functions.emotional": ""})
    assert said.status_code == 422 and f'id="f-{own}-functions-error"' in said.text
    assert "How does this person support?" in section(said.text, own)
    assert 'value="oma en oppas"' in said.text
    carla.get(f"/language?to=nl&next={where}")
    kept = carla.post(f"{where}/support-figures/{figure_id}/change",
                      {**changed, f"{own}.consent": "yes"})
    assert kept.status_code == 200 and "De steunfiguur is gewijzigd" in kept.text
    assert "Oma Ans (oma en oppas): emotionele steun" in kept.text
    removed = carla.post(f"{where}/support-figures/{figure_id}/remove", {})
    assert removed.status_code == 200 and "De steunfiguur is verwijderd" in removed.text
    assert "Oma Ans" not in removed.text
    gone = carla.post(f"{where}/support-figures/{figure_id}/remove", {})
    assert gone.status_code == 404


def test_the_referral_is_withdrawn_and_the_familys_consent_from_its_page(people, api):
    where = f"/referrals/{referred(api, 'HA-stop')}"
    carla, anna = people(), people()
    carla.sign_in(*COORDINATOR)
    anna.sign_in(*GP)

    # the referrer: the family no longer wants the referrer told; support goes on
    page = anna.get(where)
    assert 'id="withdraw"' in page.text and 'id="consent_withdrawal"' in page.text
    assert 'value="referrer" checked' in page.text  # the referrer's own role to start with
    quiet = anna.post(f"{where}/consent-withdrawal",
                      {"consent_withdrawal.reason": "het gezin wil het zo"})
    assert quiet.status_code == 200 and "De toestemming om te delen is ingetrokken" in quiet.text
    shown = carla.get(where)
    assert 'id="consent-withdrawn"' in shown.text and 'id="consent_withdrawal"' not in shown.text

    # a `by` the coordinator may not record: the API's words at it, the reason kept
    wrong = carla.post(f"{where}/withdraw", {"withdraw.by": "referrer",
                                             "withdraw.reason": "verhuisd"})
    assert wrong.status_code == 422 and 'id="f-withdraw-by-error"' in wrong.text
    assert "Kies wie erom vraagt" in section(wrong.text, "withdraw")
    assert "verhuisd</textarea>" in wrong.text
    stopped = carla.post(f"{where}/withdraw", {"withdraw.by": "family",
                                               "withdraw.reason": "verhuisd"})
    assert stopped.status_code == 200 and "De aanmelding is ingetrokken" in stopped.text
    assert '<dd id="outcome">ingetrokken</dd>' in stopped.text
    assert 'id="withdraw"' not in stopped.text  # closed: nothing to withdraw any more

    # once closed the API refuses it: said at the form, in either language, typed kept
    again = anna.post(f"{where}/withdraw", {"withdraw.by": "family",
                                            "withdraw.reason": "nog eens"})
    assert again.status_code == 409 and "nog eens</textarea>" in again.text
    assert "de aanmelding is al afgesloten (ingetrokken)" in section(again.text, "withdraw")
    anna.get(f"/language?to=en&next={where}")
    said = anna.post(f"{where}/withdraw", {"withdraw.by": "family"})
    assert said.status_code == 409
    assert "the referral is already closed (withdrawn)" in section(said.text, "withdraw")


def test_the_administrator_reads_the_trail_exports_and_erases_from_the_referrals_page(
        people, api, container_factory, kring_config):
    # notify's part of the trail and the export: a stand-in (the stack runs the other four)
    container_factory(trail_stub("notify", iso(utcnow())), kring_config).start()
    where = f"/referrals/{referred(api, 'HA-erase')}"
    ada, carla = people(), people()
    ada.sign_in(*ADMIN)
    carla.sign_in(*COORDINATOR)
    page = ada.get(where)
    assert 'id="audit-link"' in page.text and 'id="export-link"' in page.text
    assert 'id="erasure"' in page.text
    shown = carla.get(where).text  # the administrator's, not the coordinator's
    assert 'id="erasure"' not in shown and 'id="audit-link"' not in shown
    assert carla.get(f"{where}/audit").status_code == 403
    assert carla.get(f"{where}/export").status_code == 403

    trail = ada.get(f"{where}/audit")
    assert trail.status_code == 200 and "getReferral" in trail.text
    assert "notifyRead" in trail.text and "coördinator" in trail.text
    export = ada.get(f"{where}/export")
    assert export.status_code == 200 and export.headers["Content-Type"].startswith(
        "application/json")
    assert "attachment" in export.headers["Content-Disposition"]
    assert export.json()["services"]["notify"] == {"stand_in": "notify"}

    groundless = ada.post(f"{where}/erasure", {"erasure.reason": ""})
    assert groundless.status_code == 422 and 'id="f-erasure-reason-error"' in groundless.text
    assert "Vul dit in" in section(groundless.text, "erasure")
    erased = ada.post(f"{where}/erasure", {"erasure.reason": "verzoek van het gezin"})
    assert erased.status_code == 200 and "De gegevens van het gezin zijn gewist" in erased.text
    assert 'id="erased"' in erased.text and 'id="erasure"' not in erased.text
    assert "gegevens van het gezin gewist" in erased.text  # the timeline's entry

    # a change after the erasure: the API's 410 said at the form, in either language
    late = carla.post(f"{where}/consent-withdrawal", {"consent_withdrawal.reason": "te laat"})
    assert late.status_code == 410 and "te laat</textarea>" in late.text
    assert "de gegevens van het gezin zijn gewist" in section(late.text, "consent_withdrawal")
    carla.get(f"/language?to=en&next={where}")
    said = carla.post(f"{where}/consent-withdrawal", {})
    assert said.status_code == 410
    assert "the family&#39;s data was erased" in section(said.text, "consent_withdrawal")
