"""psycopg2 under eventlet: ordinary connections wait as green threads, a StillConnection holds
the process still for its round trip (up to STILL_WAIT_SECONDS), against the real PostgreSQL."""
import eventlet
import pytest
from sqlalchemy import text

from kring.kit import green
from kring.kit.db import STILL_LOCK_TIMEOUT_MS, make_engine, make_still_engine


@pytest.fixture
def engines(postgres_urls):
    url = postgres_urls["notify"]
    ordinary, still = make_engine(url), make_still_engine(url)
    yield ordinary, still
    ordinary.dispose()
    still.dispose()


def turns_taken_by_others_during(query, engine):
    """How often another green thread ran while `query` was under way on `engine`."""
    with engine.connect() as db:
        db.execute(text("SELECT 1"))  # connected before the count starts
        turns, running = [], [True]

        def neighbour():
            while running:
                turns.append(1)
                eventlet.sleep(0)  # a turn for the others, not a wait
        other = eventlet.spawn(neighbour)
        eventlet.sleep(0)  # the neighbour is ready and waiting for its next turn
        before = len(turns)
        try:
            db.execute(text(query))
        finally:
            running.clear()
            other.wait()
        return len(turns) - before


def test_an_ordinary_connection_lets_others_run_while_it_waits(engines):
    ordinary, _still = engines
    assert turns_taken_by_others_during("SELECT pg_sleep(0.05)", ordinary) > 0


def test_a_still_connection_lets_nothing_else_run_while_it_waits(engines):
    _ordinary, still = engines
    assert turns_taken_by_others_during("SELECT pg_sleep(0.05)", still) == 0


def test_a_still_wait_that_takes_too_long_becomes_an_ordinary_one(engines):
    _ordinary, still = engines
    slower = green.STILL_WAIT_SECONDS * 4
    assert turns_taken_by_others_during(f"SELECT pg_sleep({slower})", still) > 0


def test_the_still_engine_writes_in_one_round_trip_and_gives_up_on_locks(engines):
    _ordinary, still = engines
    with still.connect() as db:
        settings = {name: db.execute(text(f"SHOW {name}")).scalar()
                    for name in ("synchronous_commit", "lock_timeout")}
        assert settings == {"synchronous_commit": "off",
                            "lock_timeout": f"{STILL_LOCK_TIMEOUT_MS}ms"}
        assert db.connection.dbapi_connection.autocommit  # no BEGIN, no COMMIT


def test_sqlite_needs_no_still_engine(tmp_path):
    assert make_still_engine(f"sqlite:///{tmp_path}/notify.db") is None
