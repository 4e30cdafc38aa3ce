"""Several aftercare replicas run the overdue timer at once, on PostgreSQL: each contact is
flagged by exactly one of them, and a second round flags nothing."""
from dataclasses import replace
from datetime import date

import eventlet
import pytest
from sqlalchemy import func, select

from kring.clock import utcnow
from kring.kit.db import UnitOfWork, make_engine
from services.aftercare import handlers
from services.aftercare.models import ContactRow, metadata
from services.aftercare.outgoing import outgoing
from tests.support.integration.aftercare import handed_over

REPLICAS = 4
PLANS = 5


@pytest.fixture
def engine(postgres_urls):
    engine = make_engine(postgres_urls["aftercare"])  # psycopg2 made green: queries interleave
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def unit_of_work(engine):
    return UnitOfWork.on(engine, metadata, outgoing, inbox_key="on_casework")


def test_replicas_flag_each_overdue_contact_once(engine):
    for _ in range(PLANS):  # high severity: a contact every two weeks from 19 January
        event = replace(handed_over(severity="high"), occurred_at="2026-01-05T09:30:00.000000Z")
        handlers.react(unit_of_work(engine), event, utcnow())
    today = date(2026, 2, 20)  # 19 Jan, 2 Feb and 16 Feb are past their grace: 3 per plan
    pool = eventlet.GreenPool()
    marked = list(pool.imap(
        lambda _: handlers.mark_overdue_contacts(unit_of_work(engine), today), range(REPLICAS)))
    assert sum(marked) == PLANS * 3  # each flagged once, by whichever replica got there
    with unit_of_work(engine) as uow:
        assert uow.session.scalar(select(func.count()).select_from(ContactRow)
                                  .where(ContactRow.overdue.is_(True))) == PLANS * 3
    assert handlers.mark_overdue_contacts(unit_of_work(engine), today) == 0
