"""The browser's side of tests/browser/test_admin.py, a process of its own as
tests/browser/scenario.py is (Playwright's synchronous API cannot run in the tests' eventlet
process), with its people and its checks: Debian's chromium, axe-core on every page.

    python tests/browser/admin_scenario.py BASE_URL ADA_LINK OTTO_LINK

An admin registers a supporter (after the API refused the first try at its fields) and
changes her capacity; the operator registers a provider. Exit 0 when every step held.
"""
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.browser.scenario import Person, in_chromium  # noqa: E402  (the same person)


def supporter_registered_and_changed(browser, base, ada_link):
    ada = Person(browser, base)
    ada.sign_in(ada_link, "ada")
    ada.page.get_by_role("navigation").get_by_role("link", name="Ondersteuners").click()
    ada.page.wait_for_url(f"{base}/supporters")
    ada.accessible()

    # the capacity left out: the API's words at the field, nothing typed lost
    ada.page.get_by_label(re.compile(r"^Naam\b")).fill("Sanne de Boer")
    ada.page.get_by_label("Soort").select_option("volunteer")
    programmes = ada.page.get_by_role("group", name=re.compile("Programma"))
    programmes.get_by_label("home-start").check()
    places = ada.page.get_by_role("group", name=re.compile("Gemeenten"))
    places.get_by_label("Utrecht").check()
    places.get_by_label("Zeist").check()
    ada.page.get_by_label("Talen").fill("nl tr")
    ada.page.get_by_label("Deskundigheid").fill("parenting")
    ada.page.get_by_role("button", name="Ondersteuner registreren").click()
    assert "Controleer de volgende velden" in ada.page.get_by_role("alert").inner_text()
    assert "Vul dit in" in ada.page.locator("#f-capacity-error").inner_text()
    assert ada.page.get_by_label("Talen").input_value() == "nl tr"
    assert places.get_by_label("Zeist").is_checked()
    ada.accessible()
    ada.page.get_by_role("alert").get_by_role("link", name=re.compile("Capaciteit")).click()
    ada.page.get_by_label("Capaciteit").fill("2")
    ada.page.get_by_role("button", name="Ondersteuner registreren").click()
    assert "De ondersteuner is geregistreerd" in ada.page.get_by_role("status").inner_text()
    assert "Sanne de Boer" in ada.page.inner_text("h1")
    ada.accessible()

    ada.page.get_by_label("Capaciteit").fill("4")
    ada.page.get_by_role("button", name="Wijzigingen opslaan").click()
    assert "De wijzigingen zijn opgeslagen" in ada.page.get_by_role("status").inner_text()
    assert ada.page.get_by_label("Capaciteit").input_value() == "4"
    ada.accessible()
    ada.page.get_by_role("link", name="Terug naar de ondersteuners").click()
    row = ada.page.get_by_role("row", name=re.compile("Sanne de Boer"))
    assert "0 van 4" in row.inner_text(), row.inner_text()
    ada.accessible()


def provider_registered(browser, base, otto_link):
    otto = Person(browser, base)
    otto.sign_in(otto_link, "otto")
    otto.page.get_by_role("navigation").get_by_role("link", name="Aanbieders").click()
    otto.page.wait_for_url(f"{base}/directory")
    assert otto.page.get_by_role("row", name=re.compile("Home-Start Oost")).count() == 1
    otto.accessible()
    otto.page.get_by_label("Organisatie (code)").fill("home-start-noord")
    otto.page.get_by_label(re.compile(r"^Naam\b")).fill("Home-Start Noord")
    otto.page.get_by_label(re.compile(r"^Programma\b")).fill("home-start")
    otto.page.get_by_label("Gemeenten").fill("Houten\nNieuwegein")
    otto.page.get_by_label("Talen").fill("nl en")
    otto.page.get_by_role("button", name="Aanbieder registreren").click()
    assert "De aanbieder is geregistreerd" in otto.page.get_by_role("status").inner_text()
    row = otto.page.get_by_role("row", name=re.compile("Home-Start Noord"))
    assert "Houten (GM0321)" in row.inner_text(), row.inner_text()
    otto.accessible()
    otto.page.get_by_label("Gemeente", exact=True).fill("Houten")
    otto.page.get_by_role("button", name="Toon").click()
    assert "Aanbieders in Houten" in otto.page.inner_text("main")
    otto.accessible()


def main(base, ada_link, otto_link):
    def walk(browser):
        supporter_registered_and_changed(browser, base, ada_link)
        provider_registered(browser, base, otto_link)
    return in_chromium(walk)

if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
