"""A service whose one handler fails as often as a test says: for the retry and parking tests
(tests/integration/kit). It borrows notify's name, so that its dead-letter queue is the one
`kring dlq` reads, and keeps what it parks in a database as every service does
(kring.kit.parking)."""
from nameko.dependency_providers import Config
from sqlalchemy import MetaData

from kring.config import DATABASES_KEY
from kring.kit.db import Database, make_engine
from kring.kit.events import on_events
from kring.kit.parked import ParkedMessages
from kring.kit.tables import add_kit_tables

FAILURES = {"left": 0}  # how many more calls fail
HANDLED = []  # the event ids handled without failing
metadata = MetaData()
add_kit_tables(metadata)


class FlakyService(ParkedMessages):
    name = "notify"

    db = Database(metadata)
    config = Config()

    @on_events("referral")
    def on_withdrawn(self, event):
        if FAILURES["left"]:
            FAILURES["left"] -= 1
            raise RuntimeError("database is away")
        HANDLED.append(event.event_id)


def stored_parked(config):
    """The `parked` rows of the service's database, as stored (sealed values unopened)."""
    engine = make_engine(config[DATABASES_KEY]["notify"])
    try:
        with engine.connect() as db:
            return [dict(row._mapping) for row in db.exec_driver_sql("SELECT * FROM parked")]
    finally:
        engine.dispose()
