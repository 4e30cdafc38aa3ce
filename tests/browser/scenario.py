"""The browser's side of tests/browser/test_portal.py, run as a process of its own: Playwright's
synchronous API runs its own event loop, which the tests' process (green threads of eventlet,
tests/conftest.py) cannot host. Plain Python, no eventlet.

    python tests/browser/scenario.py BASE_URL ANNA_LINK CARLA_LINK WIM_LINK ENGLISH_LINK \
        SAM_ID SAM_LINK

The referral goes from the GP's form through the intake, the proposal's answers, the case (a
visit, closing, the handover) and the aftercare to its end; a supporter of the coordinator's
organisation is registered before (test_portal.py), so the family is proposed one; SAM_LINK
signs that supporter (SAM_ID) in, who sees the case while it is open, with their own forms
only.

Each argument after the base is a one-time sign-in link's path. Debian's chromium through
`executable_path`, never a browser of Playwright's own. axe-core (services/portal/assets,
pinned) is injected into every page the people see; a serious or critical violation of a
WCAG 2.1 A/AA rule fails. Exit 0 when every step held; an AssertionError otherwise.
"""
import re
import shutil
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

AXE = Path(__file__).resolve().parents[2] / "services" / "portal" / "assets" / \
    "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]
INTAKE_SECONDS = 30  # matching hears of a referral by an event: until then it says so
EVENT_SECONDS = 30  # what another service hears by an event shows on a page within this


class Person:
    """One person in a browser context of their own (their own cookies)."""

    def __init__(self, browser, base):
        # bypass_csp: axe is a script of the test's; the portal's policy allows only its own
        self.context = browser.new_context(bypass_csp=True, locale="nl-NL")
        self.page = self.context.new_page()
        self.base = base

    def sign_in(self, link, subject):
        self.open(link)
        self.page.get_by_role("button", name="Aanmelden").click()
        self.page.wait_for_url(f"{self.base}/")
        assert f"Welkom, {subject}" in self.page.inner_text("h1"), self.page.inner_text("h1")
        self.accessible()

    def open(self, path):
        self.page.goto(self.base + path)
        self.accessible()

    def until(self, path, shown, what):
        """Open `path` again until `shown(page)` holds: a step another service takes after an
        event (the case opening after both answers) shows on the page a moment later."""
        deadline = time.monotonic() + EVENT_SECONDS
        while True:
            self.page.goto(self.base + path)
            if shown(self.page):
                break
            assert time.monotonic() < deadline, f"{what}: {self.page.inner_text('main')}"
            self.page.wait_for_timeout(100)  # between looks, as tests/support/waiting.py
        self.accessible()

    def submit(self, form, button, said):
        """Send the form with id `form` by its button; back on the page, its confirmation."""
        self.page.locator(f"#{form}").get_by_role("button", name=button).click()
        self.page.wait_for_load_state()
        status = self.page.get_by_role("status")
        assert said in status.inner_text(), self.page.inner_text("main")
        self.accessible()

    def accessible(self):
        self.page.add_script_tag(path=str(AXE))
        violations = self.page.evaluate(
            "async tags => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
            ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help, "
            "nodes: v.nodes.map(n => n.target.join(' '))}))", WCAG_AA)
        bad = [v for v in violations if v["impact"] in ("serious", "critical")]
        assert not bad, f"{self.page.url}: {bad}"
        print(f"axe: {self.page.url} ok", flush=True)


def fill_referral(page, external_ref):
    page.get_by_label("Uw eigen kenmerk").fill(external_ref)
    page.get_by_label("Uw naam").fill("J. de Vries")
    page.get_by_label("Naam van uw organisatie").fill("Huisartsenpraktijk Oost")
    page.get_by_label("Uw functie").select_option("gp")
    page.get_by_label("Uw e-mailadres").fill("j.devries@example.org")
    page.get_by_label("Naam van de contactpersoon").fill("Fam. Yilmaz")
    page.get_by_label("Telefoonnummer").fill("+31612345678")
    page.get_by_label("Postcode").fill("3581 AB")
    page.get_by_label("Gemeente").fill("Utrecht")
    page.get_by_label("Talen die het gezin spreekt").fill("nl tr")
    page.get_by_label("Leeftijden van de kinderen").fill("2 5")
    page.get_by_label("De hulpvraag van het gezin").fill("Steun bij de opvoeding na een verhuizing")
    page.get_by_label("Leefgebieden").fill("parenting")
    page.get_by_label("Het gezin vindt het goed").check()


def referral_to_intake(browser, base, anna_link, carla_link, wim_link):
    anna = Person(browser, base)
    anna.sign_in(anna_link, "anna")
    anna.page.get_by_role("navigation").get_by_role("link", name="Gezin aanmelden").click()
    anna.accessible()

    # the family's consent forgotten: the API's word next to the box, nothing typed lost
    fill_referral(anna.page, "HA-2026-0042")
    anna.page.get_by_role("button", name="Aanmelding versturen").click()
    assert "Controleer de volgende velden" in anna.page.get_by_role("alert").inner_text()
    assert "toestemming" in anna.page.locator("#f-consent-family-consents-error").inner_text()
    assert anna.page.get_by_label("Telefoonnummer").input_value() == "+31612345678"
    anna.accessible()

    anna.page.get_by_label("Het gezin geeft toestemming").check()
    anna.page.get_by_role("button", name="Aanmelding versturen").click()
    assert "De aanmelding is ontvangen" in anna.page.get_by_role("status").inner_text()
    referral_id = re.search(r"/referrals/([0-9a-f-]{36})", anna.page.url).group(1)
    anna.accessible()

    anna.page.get_by_role("navigation").get_by_role("link", name="Mijn aanmeldingen").click()
    row = anna.page.get_by_role("row", name=re.compile("HA-2026-0042"))
    assert "ontvangen" in row.inner_text()
    anna.accessible()

    carla = Person(browser, base)
    carla.sign_in(carla_link, "carla")
    carla.open("/queue")
    carla.page.get_by_role("link", name="Kennismaking vastleggen HA-2026-0042").click()
    assert carla.page.url.endswith(f"/referrals/{referral_id}/intake"), carla.page.url
    carla.accessible()
    carla.page.get_by_label("Ja: zoek een ondersteuner").check()
    carla.page.get_by_label("Zwaarte").select_option("medium")
    carla.page.get_by_label("Toelichting").fill("Past goed bij Home-Start")
    deadline = time.monotonic() + INTAKE_SECONDS
    while True:  # each try is a real submit; the page keeps what was chosen
        carla.page.get_by_role("button", name="Kennismaking vastleggen").click()
        carla.page.wait_for_load_state()
        if "/intake" not in carla.page.url:
            break
        assert time.monotonic() < deadline, carla.page.inner_text("main")
    assert "De kennismaking is vastgelegd" in carla.page.get_by_role("status").inner_text()
    carla.accessible()

    wim = Person(browser, base)
    wim.sign_in(wim_link, "wim")
    wim.open("/queue")
    assert "HA-2026-0042" not in wim.page.content()
    wim.open(f"/referrals/{referral_id}")
    assert "Niet gevonden" in wim.page.inner_text("h1")
    return anna, carla, wim, referral_id


def proposal_to_aftercare(carla, sam, referral_id):
    """The proposal's reasons, both answers, the case (a visit, closing, the handover) and the
    aftercare to its end; the case's and the aftercare's ids."""
    where = f"/referrals/{referral_id}"
    carla.until(where, lambda page: page.locator("#voorstel").count(),
                "the proposal on the referral's page")
    assert "Waarom deze ondersteuner" in carla.page.inner_text("main")
    assert carla.page.locator(".portal-reasons li").count() >= 1
    for party, said in (("family", "Ja"), ("supporter", "Ja")):
        form = carla.page.locator(f"#antwoord-{party}")
        form.get_by_label(said, exact=True).check()
        form.get_by_role("button", name="Antwoord vastleggen").click()
        carla.page.wait_for_load_state()
        assert "Het antwoord is vastgelegd" in carla.page.get_by_role("status").inner_text()
        carla.accessible()

    carla.until(where, lambda page: page.locator("#case-link").count(), "the case to start")
    carla.page.get_by_role("link", name="Traject bekijken").click()
    case_id = re.search(r"/cases/([0-9a-f-]{36})", carla.page.url).group(1)
    carla.accessible()
    # the hours forgotten: the API's word at the field, in the form's own error summary
    visit = carla.page.locator("#visit")
    visit.get_by_label("Wat is er gedaan?").fill("Samen boodschappen gedaan")
    visit.get_by_role("button", name="Bezoek opslaan").click()
    carla.page.wait_for_load_state()
    visit = carla.page.locator("#visit")
    assert "Uren" in visit.get_by_role("alert").inner_text()
    assert carla.page.locator("#f-visit-hours-error").count()
    assert visit.get_by_label("Wat is er gedaan?").input_value() == "Samen boodschappen gedaan"
    carla.accessible()
    visit.get_by_label("Uren").fill("3")
    carla.submit("visit", "Bezoek opslaan", "Het bezoek is vastgelegd")
    assert "Samen boodschappen gedaan" in carla.page.locator(
        "#bezoeken ~ table").first.inner_text()

    # the plan, a support figure on it, and a change to what is recorded of them (a form of
    # the figure's own, folded away under its name until opened)
    plan = carla.page.locator("#plan")
    plan.get_by_label("Leefgebied").fill("parenting")
    plan.get_by_label("Wat wil het gezin bereiken?").fill("Rust in huis")
    carla.submit("plan", "Plan opslaan", "Het plan van aanpak is opgeslagen")
    figure = carla.page.locator("#figure")
    figure.get_by_label("Naam van de steunfiguur").fill("Oma Ans")
    figure.get_by_label("Wie is het voor het gezin?").fill("oma")
    figure.get_by_label("Nee, iemand uit de omgeving").check()
    figure.get_by_label("praktische hulp").check()
    figure.get_by_label("Deze persoon vindt het goed").check()
    carla.submit("figure", "Steunfiguur opslaan", "De steunfiguur is toegevoegd")
    carla.page.locator("#steunfiguren summary").click()
    change = carla.page.locator("#steunfiguren form.portal-step")
    change.get_by_label("Wie is het voor het gezin?").fill("oma en oppas")
    carla.accessible()
    carla.submit(change.get_attribute("id"), "Wijzigingen opslaan",
                 "De steunfiguur is gewijzigd")
    assert "Oma Ans (oma en oppas)" in carla.page.inner_text("#steunfiguren")

    # an immediate safety concern: marked at the top and in the list, and resolved
    concern = carla.page.locator("#concern")
    concern.get_by_label("Wat is de zorg?").fill("Spanning thuis")
    concern.get_by_label("Ja: eerst dit oplossen", exact=False).check()
    carla.submit("concern", "Zorg opslaan", "De zorg is vastgelegd")
    assert "dringende zorg" in carla.page.inner_text("#signalen")
    carla.page.locator(".portal-concern-open").get_by_label("Hoe is het opgelost?").fill(
        "Besproken met het gezin")
    carla.page.locator(".portal-concern-open").get_by_role(
        "button", name="Markeren als opgelost").click()
    carla.page.wait_for_load_state()
    assert "De zorg is opgelost" in carla.page.get_by_role("status").inner_text()
    assert not carla.page.locator(".portal-concern-open").count()
    carla.accessible()

    sam.open(f"/cases/{case_id}")  # the supporter: their own case, their own forms
    assert "Samen boodschappen gedaan" in sam.page.inner_text("main")
    assert sam.page.locator("#visit").count() and sam.page.locator("#concern").count()
    assert not sam.page.locator("#close").count() and not sam.page.locator("#check_in").count()

    close = carla.page.locator("#close")
    close.get_by_label("Evaluatie").fill("Het gezin redt het weer")
    close.get_by_label("Ja", exact=True).check()
    close.get_by_label("Waarom stopt de ondersteuning?").select_option("goals_met")
    carla.submit("close", "Traject afsluiten", "Het traject is afgesloten")
    assert "wordt afgesloten" in carla.page.inner_text("#case-status")

    handover = carla.page.locator("#handover")
    handover.get_by_label("Soort").select_option("municipality")
    handover.get_by_label("Naam").fill("Wijkteam Oost")
    handover.get_by_label("Samenvatting").fill("Het gaat goed; af en toe bellen")
    carla.submit("handover", "Overdragen", "Het traject is overgedragen")
    assert "overgedragen" in carla.page.inner_text("#case-status")

    carla.until(where, lambda page: page.locator("#aftercare-link").count(),
                "aftercare to start")
    carla.page.get_by_role("link", name="Nazorg bekijken").click()
    aftercare_id = re.search(r"/aftercare/([0-9a-f-]{36})", carla.page.url).group(1)
    carla.accessible()
    assert "Wijkteam Oost" in carla.page.inner_text("main")
    carla.page.locator("#complete").get_by_label("Aantekeningen").fill("Afgerond")
    carla.submit("complete", "Nazorg afronden", "De nazorg is afgerond")
    assert "afgerond" in carla.page.inner_text("#aftercare-status")
    return case_id, aftercare_id


def the_end(anna, wim, referral_id, case_id, aftercare_id):
    """The referrer sees the referral closed; another organisation's coordinator none of it."""
    anna.until(f"/referrals/{referral_id}",
               lambda page: "afgesloten" in page.inner_text("main"), "the referral to close")
    assert anna.page.inner_text("#outcome") == "afgerond"
    # the family's consent to share withdrawn, also after the end (docs/contract.md §4)
    form = anna.page.locator("#consent_withdrawal")
    form.get_by_label("Waarom?", exact=False).fill("Het gezin wil het zo")
    anna.submit("consent_withdrawal", "Toestemming intrekken",
                "De toestemming om te delen is ingetrokken")
    for path in (f"/cases/{case_id}", f"/aftercare/{aftercare_id}"):
        wim.open(path)
        assert "Niet gevonden" in wim.page.inner_text("h1"), path


def in_english(browser, base, link):
    anna = Person(browser, base)
    anna.sign_in(link, "anna")
    anna.page.get_by_role("link", name="English").click()
    assert anna.page.locator("html").get_attribute("lang") == "en"
    anna.accessible()
    anna.open("/refer")
    assert "Refer a family" in anna.page.inner_text("h1")


def in_chromium(walk):
    """`walk(browser)` in Debian's chromium (never a browser of Playwright's own); exit 0 when
    every step held."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    assert executable, "Debian's chromium is missing (scripts/ensure_services.py --browser)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            walk(browser)
        finally:
            browser.close()
    print("every step held", flush=True)
    return 0


def main(base, anna_link, carla_link, wim_link, english_link, sam_id, sam_link):
    def walk(browser):
        anna, carla, wim, referral_id = referral_to_intake(
            browser, base, anna_link, carla_link, wim_link)
        sam = Person(browser, base)
        sam.sign_in(sam_link, sam_id)
        case_id, aftercare_id = proposal_to_aftercare(carla, sam, referral_id)
        the_end(anna, wim, referral_id, case_id, aftercare_id)
        in_english(browser, base, english_link)
    return in_chromium(walk)

if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
