"""The browser's side of tests/browser/test_portal.py, run as a process of its own: Playwright's
synchronous API runs its own event loop, which the tests' process (green threads of eventlet,
tests/conftest.py) cannot host. Plain Python, no eventlet.

    python tests/browser/scenario.py BASE_URL ANNA_LINK CARLA_LINK WIM_LINK ENGLISH_LINK

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


def in_english(browser, base, link):
    anna = Person(browser, base)
    anna.sign_in(link, "anna")
    anna.page.get_by_role("link", name="English").click()
    assert anna.page.locator("html").get_attribute("lang") == "en"
    anna.accessible()
    anna.open("/refer")
    assert "Refer a family" in anna.page.inner_text("h1")


def main(base, anna_link, carla_link, wim_link, english_link):
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    assert executable, "Debian's chromium is missing (scripts/ensure_services.py --browser)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            referral_to_intake(browser, base, anna_link, carla_link, wim_link)
            in_english(browser, base, english_link)
        finally:
            browser.close()
    print("every step held", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
