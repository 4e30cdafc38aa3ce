"""A database error never tells the values of its statement (kring.kit.db make_engine), on
SQLite and on PostgreSQL, whose messages quote them ("Failing row contains (…)", the statement
with its values filled in)."""
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert
from sqlalchemy.exc import DBAPIError

from kring.config import SERVICES
from kring.kit.db import is_duplicate, make_engine
from kring.kit.failures import describe, trace

FAMILY = "Fam. Yilmaz"
metadata = MetaData()
families = Table("families", metadata, Column("id", Integer, primary_key=True),
                 Column("name", String(64), nullable=False, unique=True),
                 Column("phone", String(16), nullable=False), Column("count", Integer))


@pytest.fixture
def engine(database_urls):
    engine = make_engine(database_urls[SERVICES[0]])
    metadata.create_all(engine)
    yield engine
    metadata.drop_all(engine)
    engine.dispose()


def failure(engine, *rows):
    with pytest.raises(DBAPIError) as raised:
        with engine.begin() as db:
            for row in rows:
                db.execute(insert(families).values(**row))
    return raised.value


def everything_said(exc):
    return "\n".join([str(exc), repr(exc), str(exc.orig), describe(exc), trace(exc)])


def test_a_refused_row_is_not_quoted(engine):
    exc = failure(engine, {"name": FAMILY, "phone": None})
    assert FAMILY not in everything_said(exc)


def test_a_duplicate_is_not_quoted_and_still_a_duplicate(engine):
    row = {"name": FAMILY, "phone": "+31612345678"}
    exc = failure(engine, row, row)
    assert is_duplicate(exc)
    assert FAMILY not in everything_said(exc) and "+31612345678" not in everything_said(exc)


@pytest.fixture
def postgres_engine(postgres_urls):
    """PostgreSQL only: SQLite keeps any value in any column."""
    engine = make_engine(postgres_urls[SERVICES[0]])
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def test_a_value_of_the_wrong_type_is_not_quoted(postgres_engine):
    exc = failure(postgres_engine, {"name": "x", "phone": "1", "count": FAMILY})
    said = everything_said(exc)
    assert FAMILY not in said and "SQLSTATE 22P02" in said
