"""The browser's side of tests/browser/test_commission.py, a process of its own as
tests/browser/scenario.py is (Playwright's synchronous API cannot run in the tests' eventlet
process): Debian's chromium, axe-core on every page.

    python tests/browser/commission_scenario.py BASE_URL OFFICER_LINK REFERRAL_ID

Utrecht's officer finds the family trajectory waiting for its commission, opens it, declines
it without a reason (the API's words at the reason, the choice kept), then with one, and sees
the decision among those decided. Exit 0 when every step held.
"""
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.browser.scenario import Person, in_chromium  # noqa: E402  (the same person)


def declined(browser, base, link, referral_id):
    officer = Person(browser, base)
    officer.sign_in(link, "m.jansen")
    officer.page.get_by_role("navigation").get_by_role("link", name="Beschikkingen").click()
    officer.page.wait_for_url(f"{base}/commissions")
    waiting = officer.page.locator("#commissions_awaiting")
    assert "wacht op besluit" in waiting.inner_text(), officer.page.inner_text("main")
    officer.accessible()
    waiting.get_by_role("link", name=re.compile("Bekijken")).click()
    officer.page.wait_for_url(f"{base}/commissions/{referral_id}")
    assert "zwaar" in officer.page.inner_text("#commission")
    officer.accessible()

    # a no without a reason: the API's words at the reason, the choice kept
    form = officer.page.locator("#decision")
    form.get_by_label(re.compile("Nee, niet toekennen")).check()
    form.get_by_role("button", name="Besluit vastleggen").click()
    officer.page.wait_for_load_state()
    assert "Controleer de volgende velden" in officer.page.get_by_role("alert").inner_text()
    assert "Zeg waarom" in officer.page.locator("#f-decision-reason-error").inner_text()
    assert officer.page.get_by_label(re.compile("Nee, niet toekennen")).is_checked()
    officer.accessible()
    officer.page.get_by_role("alert").get_by_role("link", name="Toelichting").click()
    officer.page.get_by_label("Toelichting").fill("Past niet in het budget van dit jaar.")
    officer.submit("decision", "Besluit vastleggen", "Uw besluit is vastgelegd")
    assert officer.page.inner_text("#commission-state") == "niet toegekend"
    assert officer.page.locator("#decision").count() == 0  # decided: no form

    officer.page.get_by_role("link", name="Terug naar de beschikkingen").click()
    officer.page.wait_for_url(f"{base}/commissions")
    decided = officer.page.locator("#commissions_decided")
    assert "niet toegekend" in decided.inner_text(), officer.page.inner_text("main")
    assert officer.page.locator("#commissions_awaiting").count() == 0  # none waits
    officer.accessible()


def main(base, link, referral_id):
    return in_chromium(lambda browser: declined(browser, base, link, referral_id))


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
