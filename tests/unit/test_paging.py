"""Cursor paging (kring.kit.paging): a cursor says where a page ended and comes back as it was;
a cursor the list did not give is the caller's mistake (422); paging in any order of columns
walks every row once, whatever ties and directions."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert, select

from kring.errors import Invalid
from kring.kit import paging

metadata = MetaData()
rows = Table("rows", metadata, Column("id", String(8), primary_key=True),
             Column("org", String(8)), Column("rank", Integer), Column("at", String(40)))


def test_a_cursor_brings_its_key_back_as_it_was():
    key = (datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc), date(2026, 11, 2), 1, "r-1",
           None, True)
    assert paging.decode(paging.encode(*key), len(key)) == key


@pytest.mark.parametrize("cursor", ["", "not base64!", "bm90IGpzb24", paging.encode("a"),
                                    paging.encode({"on": "yesterday"}, "a"),
                                    paging.encode({"??": "x"}, "a")])
def test_a_cursor_the_list_did_not_give_is_refused_as_an_invalid_query(cursor):
    with pytest.raises(Invalid) as refused:
        paging.decode(cursor, 2)
    assert refused.value.errors == {"cursor": ["not a cursor this list gave"]}


def test_cut_keeps_the_page_and_names_its_last_row_when_there_is_more():
    assert paging.cut([1, 2, 3], 3, lambda n: (n,)) == ([1, 2, 3], None)
    shown, cursor = paging.cut([1, 2, 3], 2, lambda n: (n,))
    assert shown == [1, 2] and paging.decode(cursor, 1) == (2,)


@pytest.fixture
def session():
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(insert(rows), [
            {"id": f"r-{n:02}", "org": "a" if n % 3 else "b", "rank": n % 2,
             "at": f"2026-11-{10 + n // 4:02}"} for n in range(17)])
    with engine.connect() as connection:
        yield connection
    engine.dispose()


@pytest.mark.parametrize("descending", [(False, False, False), (True, False, False),
                                        (True, True, True), (False, True, False)])
def test_pages_in_any_order_walk_every_row_once(session, descending):
    order = list(zip((rows.c.rank, rows.c.at, rows.c.id), descending))
    query = paging.scoped(select(rows), {"org": "a"}, {"org": rows.c.org})
    everything = session.execute(paging.ordered(query, order, None)).all()
    walked, cursor = [], None
    while True:
        found = session.execute(paging.ordered(query, order, cursor).limit(4)).all()
        shown, cursor = paging.cut(found, 3, lambda row: (row.rank, row.at, row.id))
        walked.extend(shown)
        if cursor is None:
            break
    assert walked == everything and len(walked) == 11
    assert {row.org for row in walked} == {"a"}


def test_a_reach_that_no_column_says_is_refused_rather_than_ignored():
    with pytest.raises(ValueError):
        paging.scoped(select(rows), {"org": "a", "supporter_id": "s"}, {"org": rows.c.org})


def test_a_field_of_the_reach_may_be_a_condition_of_its_own():
    query = paging.scoped(select(rows.c.id), {"open": True},
                          {"open": lambda _: rows.c.rank == 1})
    assert "rows.rank = :rank_1" in str(query)
