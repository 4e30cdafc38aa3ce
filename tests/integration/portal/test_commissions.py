"""The municipality's commission pages against the real referral and matching services
(docs/contract.md §4 "Commissions" and "The portal"): a family trajectory in Utrecht waits
after its intake; Utrecht's officer finds it at /commissions, opens it, and declines one (the
API's 422 at the reason, everything typed kept) and grants another; a second decision is the
API's 409 said above the form in Dutch. Zeist's officer sees none of it, in either language."""
import pytest

from services.portal import queue
from tests.support.api import token
from tests.support.portal import (COMMISSION_COORDINATOR as COORDINATOR,
                                  COMMISSION_PROVIDER as PROVIDER, UTRECHT, commission_work,
                                  waiting_for_commission)
from tests.support.waiting import eventually

ZEIST = ("GM0355", "municipality", "z.devries")
FAMILY_DATA = ("Yilmaz", "+31612345678", "3581AB", "Support with parenting")


@pytest.fixture
def work(api):
    return commission_work(api)


def listed_once(person, *referral_ids):
    """/commissions once the referral service has heard of every intake (an event away)."""
    def seen():
        page = person.get("/commissions")
        return page if all(f"/commissions/{rid}" in page.text for rid in referral_ids) else None
    return eventually(seen, what="the requests on the municipality's list")


def section(html, name):
    return html.split(f'id="commissions_{name}-kop"', 1)[1].split("</section>", 1)[0]


def test_a_municipality_declines_one_and_commissions_another(people, api, work):
    first = waiting_for_commission(api, work, "GT-p1")
    second = waiting_for_commission(api, work, "GT-p2")

    officer, zeist, carla = people(), people(), people()
    home = officer.sign_in(*UTRECHT)
    assert 'href="/commissions"' in home.text and "Beschikkingen" in home.text
    listed = listed_once(officer, first, second)
    assert listed.status_code == 200, listed.text
    awaiting = section(listed.text, "awaiting")
    assert f'href="/commissions/{first}"' in awaiting
    assert f'href="/commissions/{second}"' in awaiting
    assert "wacht op besluit" in awaiting and PROVIDER in awaiting
    assert "U heeft nog over geen aanmelding besloten." in section(listed.text, "decided")

    page = officer.get(f"/commissions/{first}")
    assert page.status_code == 200, page.text
    assert "zwaar" in page.text and 'id="decision"' in page.text
    for secret in FAMILY_DATA:
        assert secret not in page.text, f"{secret!r} shown to the municipality"

    # a no without a reason: the API's 422 at the reason, the choice kept
    refused = officer.post(f"/commissions/{first}", {"decision.commissioned": "no"})
    assert refused.status_code == 422, refused.text
    assert 'id="f-decision-reason-error"' in refused.text
    assert "Zeg waarom u de ondersteuning niet toekent." in refused.text
    assert 'value="no" checked' in refused.text
    declined = officer.post(f"/commissions/{first}", {
        "decision.commissioned": "no", "decision.reason": "past niet in het budget"},
        allow_redirects=False)
    assert declined.status_code == 303, declined.text
    shown = officer.get(declined.headers["Location"])
    assert "Uw besluit is vastgelegd." in shown.text
    assert "niet toegekend" in shown.text and 'id="decided-at"' in shown.text
    assert 'id="decision"' not in shown.text  # decided: no form

    # decided already: the API's 409 above the form, in Dutch, everything typed kept
    again = officer.post(f"/commissions/{first}", {
        "decision.commissioned": "yes", "decision.reason": "toch wel"})
    assert again.status_code == 409, again.text
    assert "Deze aanmelding wacht niet meer op een besluit. Stand: niet toegekend." in \
        again.text
    assert 'value="yes" checked' in again.text and "toch wel</textarea>" in again.text

    granted = officer.post(f"/commissions/{second}", {"decision.commissioned": "yes"},
                           allow_redirects=False)
    assert granted.status_code == 303, granted.text
    assert 'id="commission-state">toegekend<' in officer.get(granted.headers["Location"]).text
    listed = officer.get("/commissions").text
    decided = section(listed, "decided")
    assert f'href="/commissions/{first}"' in decided and f'href="/commissions/{second}"' in decided
    assert "Er wacht geen aanmelding op uw besluit." in section(listed, "awaiting")
    one = officer.get("/commissions?state=decided")
    assert one.status_code == 200 and f'href="/commissions/{second}"' in one.text
    assert officer.get("/commissions?state=nonsense").status_code == 404

    # the coordinator's role is not in the rule table's row: no such page for it
    carla.sign_in(*COORDINATOR)
    assert 'href="/commissions"' not in carla.get("/").text
    assert carla.get("/commissions").status_code == 403

    # Zeist's officer: empty lists and the 404 page, in either language
    zeist.sign_in(*ZEIST)
    for language in ("nl", "en"):
        zeist.get(f"/language?to={language}&next=/")
        own = zeist.get("/commissions")
        assert own.status_code == 200
        assert first not in own.text and second not in own.text
        empty = ("Er wacht geen aanmelding op uw besluit." if language == "nl"
                 else "No referral is waiting for your decision.")
        assert empty in own.text
        assert zeist.get(f"/commissions/{first}").status_code == 404
        sent = zeist.post(f"/commissions/{second}", {"decision.commissioned": "no",
                                                     "decision.reason": "nee"})
        assert sent.status_code == 404


def test_the_pages_speak_english_too(people, api, work):
    referral_id = waiting_for_commission(api, work, "GT-en")
    officer = people()
    officer.sign_in(*UTRECHT)
    officer.get("/language?to=en&next=/")
    listed = listed_once(officer, referral_id)
    assert "Waiting for your decision" in listed.text
    assert "waiting for a decision" in listed.text
    refused = officer.post(f"/commissions/{referral_id}", {"decision.reason": "hm"})
    assert refused.status_code == 422
    assert 'id="f-decision-commissioned-error"' in refused.text and "hm</textarea>" in refused.text
    granted = officer.post(f"/commissions/{referral_id}", {"decision.commissioned": "yes"})
    assert granted.status_code == 200 and "Your decision was recorded." in granted.text
    assert "commissioned" in granted.text


def test_more_brings_the_next_requests_of_one_list(people, api, work, monkeypatch):
    monkeypatch.setattr(queue, "PAGE_SIZE", 1)  # two requests make two pages
    made = {waiting_for_commission(api, work, f"GT-m{n}") for n in range(2)}
    officer = people()
    officer.sign_in(*UTRECHT)
    utrecht = token(*UTRECHT[:2], subject=UTRECHT[2])
    eventually(lambda: api.get("/commissions", utrecht).json()["total"] == 2,
               what="both requests waiting")
    awaiting = section(officer.get("/commissions").text, "awaiting")
    more = awaiting.split('hx-get="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert more.startswith("/commissions?state=awaiting&cursor=")
    first = next(rid for rid in made if f"/commissions/{rid}" in awaiting)
    (second,) = made - {first}
    rows = officer.get(more, headers={"HX-Request": "true"})
    assert rows.status_code == 200 and "<html" not in rows.text  # the next rows, in place
    assert f'href="/commissions/{second}"' in rows.text and first not in rows.text
    page = officer.get(more)  # without htmx: a page of that list
    assert "<html" in page.text and f'href="/commissions/{second}"' in page.text
    assert officer.get("/commissions?state=awaiting&cursor=nonsense!").status_code == 404
