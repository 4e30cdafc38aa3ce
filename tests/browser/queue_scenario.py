"""The browser's side of tests/browser/test_queue.py, a process of its own as
tests/browser/scenario.py is (Playwright's synchronous API cannot run in the tests' eventlet
process), with its people and its checks: Debian's chromium, axe-core on every page.

    python tests/browser/queue_scenario.py BASE_URL CARLA_LINK SANNE_LINK SANNE_ID \
        AFTERCARE_ID CLOSING_CASE_ID CONCERN_CASE_ID PROPOSED_ID WAITING_ID

The queue is filled before (test_queue.py). Exit 0 when every step held.
"""
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.browser.scenario import Person, in_chromium  # noqa: E402  (the same person)

HEADINGS = ("Nieuwe aanmeldingen: kennismaken", "Voorstellen die op antwoord wachten",
            "Wachtlijst", "Lopende trajecten, zorgen over de veiligheid eerst",
            "Trajecten om over te dragen", "Nazorgcontacten: gepland en over tijd")
PAGE_SIZE = 20  # services/portal/queue.py: one more new referral than a page holds


def section(page, heading):
    return page.get_by_role("region", name=heading)


def coordinator_walks_the_queue(carla, ids):
    carla.open("/queue")
    for heading in HEADINGS:
        assert section(carla.page, heading).count() == 1, heading
    new = section(carla.page, HEADINGS[0])
    assert new.get_by_role("link", name=re.compile("^Kennismaking vastleggen")).count() \
        == PAGE_SIZE
    new.get_by_role("link", name=re.compile("^Meer laden")).click()  # htmx: the next rows
    carla.page.wait_for_function(
        "n => document.querySelectorAll('#intake a[href$=\"/intake\"]').length > n",
        arg=PAGE_SIZE)
    assert new.get_by_role("link", name=re.compile("^Meer laden")).count() == 0
    assert carla.page.url.endswith("/queue")  # the same page, more rows
    carla.accessible()

    cases = section(carla.page, HEADINGS[3])
    first = cases.get_by_role("row").nth(1)  # after the header: the safety concern first
    assert "dringende zorg over de veiligheid" in first.inner_text(), first.inner_text()
    closing = section(carla.page, HEADINGS[4])
    assert closing.locator(f'a[href="/cases/{ids["closing"]}"]').count() == 1
    waiting = section(carla.page, HEADINGS[2])
    assert waiting.locator(f'a[href="/referrals/{ids["waiting"]}"]').count() == 1

    section(carla.page, HEADINGS[1]).get_by_role(
        "link", name=re.compile("^Voorstel beantwoorden")).click()
    carla.page.wait_for_url(f"**/referrals/{ids['proposed']}")
    assert carla.page.locator("#voorstel").count() == 1
    carla.accessible()
    carla.open("/queue")
    first = section(carla.page, HEADINGS[3]).get_by_role("link", name=re.compile(
        "^Traject bekijken")).first
    first.click()
    carla.page.wait_for_url(f"**/cases/{ids['concern']}")
    carla.accessible()
    carla.open("/queue")
    section(carla.page, HEADINGS[5]).get_by_role(
        "link", name=re.compile("^Nazorg bekijken")).click()
    carla.page.wait_for_url(f"**/aftercare/{ids['aftercare']}")
    carla.accessible()

    carla.open("/language?to=en&next=/queue")
    assert "Work queue" in carla.page.inner_text("h1")
    for heading in ("New referrals to meet", "Proposals waiting for answers",
                    "Open cases, safety concerns first", "Aftercare contacts due and overdue"):
        assert section(carla.page, heading).count() == 1, heading
    carla.accessible()


def supporter_finds_her_cases(sanne, ids):
    sanne.page.get_by_role("navigation").get_by_role("link", name="Mijn trajecten").click()
    sanne.page.wait_for_url("**/my-cases")
    assert "Mijn trajecten" in sanne.page.inner_text("h1")
    for case_id in (ids["concern"], ids["closing"]):
        assert sanne.page.locator(f'a[href="/cases/{case_id}"]').count() == 1, case_id
    sanne.accessible()
    sanne.page.locator(f'a[href="/cases/{ids["concern"]}"]').click()
    sanne.page.wait_for_url(f"**/cases/{ids['concern']}")
    sanne.accessible()


def main(base, carla_link, sanne_link, sanne_id, *found):
    ids = dict(zip(("aftercare", "closing", "concern", "proposed", "waiting"), found))

    def walk(browser):
        carla = Person(browser, base)
        carla.sign_in(carla_link, "carla")
        coordinator_walks_the_queue(carla, ids)
        sanne = Person(browser, base)
        sanne.sign_in(sanne_link, sanne_id)
        supporter_finds_her_cases(sanne, ids)
    return in_chromium(walk)

if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
