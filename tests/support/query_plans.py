"""How the database answers a use case's queries: every statement that reads, recorded as it runs,
then asked again with SQLite's EXPLAIN QUERY PLAN, so a test can say that no big table is read
from end to end (bench/README.md "scale.py": what a full read costs at 100,000 referrals)."""
from contextlib import contextmanager
from importlib import import_module

import pytest
from sqlalchemy import event

from kring.kit.db import UnitOfWork, make_engine
from tests.support.databases import sqlite_urls

READS = ("SELECT", "UPDATE", "DELETE")


@contextmanager
def recorded(engine):
    """[(statement, parameters)] of every SELECT, UPDATE and DELETE run on `engine` inside the
    block (an INSERT reads nothing)."""
    seen = []

    def record(_connection, _cursor, statement, parameters, _context, executemany):
        if not executemany and statement.lstrip().upper().startswith(READS):
            seen.append((statement, parameters))
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def full_scans(engine, statements, tables):
    """The steps of the plans of `statements` that read one of `tables` whole ("SCAN t", with
    or without an index to read it in order): [(step, statement)]. A SEARCH, by an index or
    the primary key, reads only the rows asked for."""
    found = []
    with engine.connect() as db:
        for statement, parameters in statements:
            for row in db.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters):
                step = row[-1]
                words = step.split()
                if words[0] == "SCAN" and words[1] in tables:
                    found.append((step, " ".join(statement.split())))
    return found


@contextmanager
def no_full_scan(engine, tables):
    """Fails when a statement run inside the block reads one of `tables` whole; yields the
    statements seen, so a test can also say that its step queried anything at all."""
    with recorded(engine) as seen:
        yield seen
    scans = full_scans(engine, seen, tables)
    assert scans == [], "\n".join(f"{step}: {statement}" for step, statement in scans)



@contextmanager
def bench_data(folder, service):
    """(engine, ids) of `service`'s SQLite database in `folder`, at the newest revision, with
    the scale bench's data (bench/generate.py) at a small size; ids: what it names, with
    their organisations."""
    from bench import generate  # the bench's own generator: the data its figures come from
    urls = sqlite_urls(folder)
    sample = generate.generate(400, {s: urls[s] for s in generate.SERVICES}, supporters=200)
    engine = make_engine(urls[service])
    try:
        yield engine, sample
    finally:
        engine.dispose()


def data_of(service):
    """A test module's fixture: (engine, ids) of bench_data, fresh for each test."""
    @pytest.fixture
    def data(tmp_path):
        with bench_data(tmp_path, service) as made:
            yield made
    return data


def units_of(service):
    """uow(engine, inbox_key=None): a unit of work on `engine` with `service`'s tables and
    events, as its workers get."""
    models = import_module(f"services.{service}.models")
    outgoing = import_module(f"services.{service}.outgoing")
    return lambda engine, inbox_key=None: UnitOfWork.on(
        engine, models.metadata, outgoing.outgoing, inbox_key=inbox_key)
