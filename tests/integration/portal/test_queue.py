"""The coordinator's work queue (/queue) and a supporter's cases (/my-cases) against the real
services (docs/contract.md §4 "The portal"): each section lists what its operation answers,
links to the referral's, the case's or the aftercare's page, and pages on by the API's
next_cursor; another organisation's coordinator sees none of it, a referrer gets no queue."""
from services.portal.queue import PAGE_SIZE
from tests.support.directory import COORDINATING_ORG, OTHER_COORDINATING_ORG
from tests.support.portal import Work
from tests.support.waiting import eventually

GP = ("huisarts-oost", "referrer", "anna")
COORDINATOR = (COORDINATING_ORG, "coordinator", "carla")
STRANGER = (OTHER_COORDINATING_ORG, "coordinator", "wim")
SECTIONS = ("intake", "proposals", "waiting", "cases", "closing", "aftercare")


def section(html, name):
    """What the queue says in one section: from its heading to the next one's."""
    return html.split(f'id="{name}-kop"', 1)[1].split("<section", 1)[0]


def test_the_coordinator_walks_the_queue_from_intake_to_aftercare(people, api):
    work = Work(api, COORDINATOR, GP)
    supporter_id = work.supporter("Sanne", capacity=1)
    first, second = work.refer("HA-q1"), work.refer("HA-q2")
    carla, wim, anna, sanne = people(), people(), people(), people()
    carla.sign_in(*COORDINATOR)
    queue = carla.get("/queue")
    assert queue.status_code == 200
    for name in SECTIONS:
        assert f'id="{name}-kop"' in queue.text, name
    assert f'href="/referrals/{first}/intake"' in section(queue.text, "intake")

    proposal_id = work.intake(first)["proposal_id"]
    assert work.intake(second)["status"] == "waitlisted"  # Sanne has room for one family
    queue = carla.get("/queue").text
    assert f'href="/referrals/{first}"' in section(queue, "proposals")
    assert "het gezin, de ondersteuner" in section(queue, "proposals")
    assert f'href="/referrals/{second}"' in section(queue, "waiting")
    eventually(lambda: f"/referrals/{first}/intake" not in section(
        carla.get("/queue").text, "intake"), what="the intake to leave the new referrals")

    for party in ("family", "supporter"):
        work.step(f"/proposals/{proposal_id}/responses", {"party": party, "accept": True})
    case_id = work.shown(first, "case_id")
    work.step(f"/cases/{case_id}/safety-concerns",
              {"description": "threats by an ex-partner", "immediate": True}, 201)
    cases = section(carla.get("/queue").text, "cases")
    assert f'href="/cases/{case_id}"' in cases and "dringende zorg" in cases
    assert "ex-partner" not in cases  # the list says there is a concern, not what it is

    sanne.sign_in(COORDINATING_ORG, "supporter", supporter_id)
    assert 'href="/my-cases"' in sanne.get("/").text
    mine = sanne.get("/my-cases")
    assert mine.status_code == 200 and f'href="/cases/{case_id}"' in mine.text

    concern_id = api.get(f"/cases/{case_id}", work.coordinator).json()["safety_concerns"][0][
        "concern_id"]
    work.step(f"/cases/{case_id}/safety-concerns/{concern_id}/resolve",
              {"resolution": "safe"})
    work.close(case_id)
    queue = carla.get("/queue").text
    assert f'href="/cases/{case_id}"' in section(queue, "closing")
    assert f'href="/cases/{case_id}"' not in section(queue, "cases")
    work.hand_over(case_id)
    aftercare_id = work.shown(first, "aftercare_id")
    eventually(lambda: f'href="/aftercare/{aftercare_id}"' in section(
        carla.get("/queue").text, "aftercare"), what="the aftercare in the queue")
    assert f'href="/cases/{case_id}"' not in sanne.get("/my-cases").text  # handed over

    wim.sign_in(*STRANGER)
    theirs = wim.get("/queue").text
    for referral_id in (first, second):
        assert referral_id not in theirs
    assert case_id not in theirs and aftercare_id not in theirs
    anna.sign_in(*GP)
    assert anna.get("/queue").status_code == 403
    assert anna.get("/my-cases").status_code == 403


def test_more_brings_the_next_rows_of_one_section(people, api):
    work = Work(api, COORDINATOR, GP)
    made = [work.refer(f"HA-m{n}") for n in range(PAGE_SIZE + 1)]
    carla = people()
    carla.sign_in(*COORDINATOR)
    intake_section = section(carla.get("/queue").text, "intake")
    assert 'id="meer-intake"' in intake_section
    more = intake_section.split('hx-get="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert more.startswith("/queue/intake?cursor=")
    rows = carla.get(more, headers={"HX-Request": "true"})
    assert rows.status_code == 200 and "<html" not in rows.text
    assert f"/referrals/{made[0]}/intake" in rows.text  # the oldest, on the second page
    page = carla.get(more)  # without htmx: a page of that section
    assert "<html" in page.text and f"/referrals/{made[0]}/intake" in page.text
    assert carla.get("/queue/nonsense").status_code == 404
    assert carla.get("/queue/intake?cursor=nonsense!").status_code == 404
