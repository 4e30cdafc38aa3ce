"""Several replicas matching at once, on PostgreSQL: the waiting list is served once."""
import eventlet
import pytest
from sqlalchemy import func, select

from kring.kit.db import UnitOfWork, make_engine
from services.matching import handlers
from services.matching.models import ProposalRow, SupporterRow, metadata
from services.matching.outgoing import outgoing
from tests.support.integration.matching import ORG, received
from tests.support.unit.matching import caller, knows_nothing

AT = "2026-03-02T10:00:00.000000Z"
REPLICAS = 4


@pytest.fixture
def engine(postgres_urls):
    engine = make_engine(postgres_urls["matching"])  # psycopg2 made green: queries interleave
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def unit_of_work(engine):
    return UnitOfWork.on(engine, metadata, outgoing, inbox_key="on_referral")


def test_timers_of_several_replicas_make_one_proposal_per_free_place(engine):
    uow = unit_of_work(engine)
    supporter = handlers.register_supporter(uow, caller("registerSupporter", ORG), {
        "name": "Anna", "kind": "volunteer", "programmes": ["home-start"], "languages": ["nl"],
        "municipalities": ["Utrecht"], "capacity": 0, "expertise": [], "active": True}, AT)
    for _ in range(3):
        event = received()
        handlers.receive_referral(uow, event, AT)
        handlers.record_intake(uow, caller("recordIntake", ORG), {
            "referral_id": event.referral_id, "fits": True, "severity": "low", "reason": None},
            AT, knows_nothing)
    with uow:  # two places appear without a re-match: each replica's timer will find them
        uow.session.get(SupporterRow, supporter["supporter_id"]).capacity = 2
    pool = eventlet.GreenPool()
    made = list(pool.imap(lambda _: handlers.rematch_waiting_list(unit_of_work(engine), AT),
                          range(REPLICAS)))
    assert sorted(len(ids) for ids in made) == [0] * (REPLICAS - 1) + [2]
    with uow:
        assert uow.session.scalar(select(func.count()).select_from(ProposalRow)) == 2
