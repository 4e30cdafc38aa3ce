"""Erasure in matching (docs/contract.md §7): the profile's family data and the proposals'
reasons go, capacity comes free, and nothing about an erased referral comes back."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from kring.contracts.events import make_event
from services.matching import handlers
from services.matching.models import ProposalRow, ReferralRow
from tests.support.unit.matching import (LATER, answer, get_supporter, outbox_tuples,
                                         received, referred, register)

RETENTION = {"days": 730, "programmes": {}}


def erased(referral_id="r-1"):
    return make_event("referral", "referral_erased", referral_id, erased_at=LATER)


def react(uow, event):
    """As the entrypoint does: the worker's unit of work knows the event's referral."""
    uow.event_referral = event.referral_id
    try:
        handlers.react(uow, event, LATER)
    finally:
        uow.event_referral = None


def rows(uow):
    with uow:
        profile = uow.session.execute(select(ReferralRow)).scalar_one()
        proposals = uow.session.execute(select(ProposalRow)).scalars().all()
        return profile, proposals


def test_an_erasure_takes_the_family_data_and_frees_the_supporter(uow):
    anna = register(uow, languages=["nl", "tr"])
    proposal_id = referred(uow)["proposal_id"]
    answer(uow, proposal_id, "family", True)
    answer(uow, proposal_id, "supporter", True)
    assert get_supporter(uow, anna)["load"] == 1
    react(uow, erased())
    profile, [proposal] = rows(uow)
    assert (profile.languages, profile.domains, profile.family_key) == ([], [], None)
    assert (profile.status, profile.programme, profile.municipality) == ("over", "home-start",
                                                                         "Utrecht")
    assert proposal.reasons == [] and all(a["reason"] is None for a in proposal.answers.values())
    assert get_supporter(uow, anna)["load"] == 0
    assert outbox_tuples(uow)[-1][:2] == ("erasure_done", "r-1")


def test_nothing_about_an_erased_referral_brings_its_data_back(uow):
    register(uow)
    referred(uow)
    react(uow, erased())
    react(uow, received(family_key="fam-again"))  # a new id: a copy, a dead-letter replay
    profile, _ = rows(uow)
    assert (profile.languages, profile.family_key) == ([], None)
    react(uow, erased())  # asked again: erased again, answered again
    assert [kind for kind, _, _ in outbox_tuples(uow)].count("erasure_done") == 2


def test_the_timer_erases_a_referral_closed_longer_ago_than_its_period(uow):
    register(uow)
    referred(uow)
    react(uow, make_event("referral", "referral_closed", "r-1", outcome="withdrawn",
                          programme="home-start"))
    now = datetime.now(timezone.utc)
    assert handlers.erase_expired(uow, RETENTION, now + timedelta(days=729)) == []
    assert handlers.erase_expired(uow, RETENTION, now + timedelta(days=731)) == ["r-1"]
    profile, _ = rows(uow)
    assert profile.languages == [] and profile.family_key is None
    assert handlers.erase_expired(uow, RETENTION, now + timedelta(days=800)) == []


def test_an_export_holds_what_matching_knows(uow):
    register(uow)
    referred(uow)
    export = handlers.export_of(uow, "r-1")
    assert export["profile"]["languages"] == ["nl", "tr"] and len(export["proposals"]) == 1
    assert handlers.export_of(uow, "r-unknown") == {}
