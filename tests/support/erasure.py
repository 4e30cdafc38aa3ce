"""Looking for a family's data wherever Kring could keep it (docs/contract.md §7 "Erasure,
retention and export"): every row of every service's database, the files of the data
directory, and every message waiting in the broker's queues; and the events a test sends
again after an erasure (redelivered, or replayed from a dead-letter queue).
"""
import base64
import binascii
import json
import uuid
from pathlib import Path

from sqlalchemy import MetaData, create_engine, select

from kring.config import DATABASES_KEY, SERVICES
from kring.contracts.events import Event
from kring.contracts.topology import queue_name
from kring.kit.crypto import SEALED, read_stored
from kring.kit.parking import ParkingLot
from kring.kit.retry import Retrier
from kring.kit.tables import add_kit_tables
from tests.support.access import (CLOSING, CONCERN, FAMILY_DATA, HANDOVER, PLAN, contact,
                                  visit)

# what the walks of tests/support/access.py write about the family besides the referral itself
CASE_TEXTS = (PLAN["goals"][0]["goal"], CONCERN["description"], CLOSING["evaluation"],
              HANDOVER["summary"], HANDOVER["receiving_party"]["name"], visit()["notes"],
              contact()["notes"], "the last contact went well", "the family stops",
              "the rent is paid", "a good first meeting", "intake held")
FAMILY_TEXTS = FAMILY_DATA + CASE_TEXTS


def found_in(text, secrets=FAMILY_TEXTS):
    return [secret for secret in secrets if secret in text]


def rows_holding(config, secrets=FAMILY_TEXTS):
    """(service, table, secret) for every row of every service's database that holds one of
    `secrets`, whatever its column; sealed values are opened first (kring.kit.crypto), with
    the keyring the services of this process installed."""
    found = []
    for service in SERVICES:
        engine = create_engine(config[DATABASES_KEY][service])
        try:
            metadata = MetaData()
            metadata.reflect(engine)
            with engine.connect() as db:
                for table in metadata.sorted_tables:
                    for row in db.execute(select(table)):
                        text = json.dumps([_plain(value, table.name, column.name)
                                           for value, column in zip(row, table.columns)],
                                          ensure_ascii=False)
                        found += [(service, table.name, secret)
                                  for secret in found_in(text, secrets)]
        finally:
            engine.dispose()
    return found


def _plain(value, table, column):
    """A stored value as text: opened when sealed (bytes sealed as base64 decoded too)."""
    text = str(value)
    if text.startswith('"enc:'):  # a sealed JSON value, as a JSON column reads it raw
        text = json.loads(text)
    if not SEALED.match(text):
        return text
    opened = read_stored(text, table, column)
    try:
        return opened + base64.b64decode(opened, validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return opened


def applied(config, service, event_id):
    """Whether `service` has taken `event_id` in (its inbox has it, whatever it did)."""
    engine = create_engine(config[DATABASES_KEY][service])
    try:
        inbox = MetaData()
        inbox.reflect(engine, only=["inbox"])
        table = inbox.tables["inbox"]
        with engine.connect() as db:
            return db.execute(select(table).where(table.c.event_id == event_id)).first() \
                is not None
    finally:
        engine.dispose()


def files_holding(folder, secrets=FAMILY_TEXTS):
    """(file, secret) for every file under `folder` (but the databases) holding a secret."""
    found = []
    for path in Path(folder).rglob("*"):
        if path.is_file() and not path.name.endswith((".db", ".db-wal", ".db-shm")):
            text = path.read_bytes().decode("utf-8", errors="replace")
            found += [(str(path), secret) for secret in found_in(text, secrets)]
    return found


def queued_holding(rabbit_manager, vhost, secrets=FAMILY_TEXTS):
    """(queue, secret) for every message waiting in any queue of `vhost` that holds a secret;
    read through the management API and put back where it was."""
    found = []
    for queue in rabbit_manager.get_queues(vhost):
        count = queue.get("messages", 0)
        if not count:
            continue
        # RabbitMQ's management API since 3.7 takes `ackmode` (nameko's get_messages sends the
        # older `requeue`, which it refuses)
        for message in rabbit_manager._post("queues", vhost, queue["name"], "get", json={
                "count": count, "ackmode": "ack_requeue_true", "encoding": "auto"}):
            found += [(queue["name"], secret)
                      for secret in found_in(json.dumps(message), secrets)]
    return found


def received_again(referral_id, event_id=None):
    """A referral_received about `referral_id` with the family's data in it: one that comes
    again after the erasure (a redelivery, or a copy a crash left in an outbox)."""
    return Event("referral", "referral_received", referral_id, {
        "programme": "home-start", "organisation": "gp-utrecht", "external_ref": "REF-again",
        "municipality": "Utrecht", "languages": ["nl", "tr"], "domains": ["parenting"],
        "urgency": "normal", "referrer_email": "j.devries@example.org",
        "referrer_language": "nl", "referrer_organisation": "Huisartsenpraktijk Oost",
        "share_status_with_referrer": True, "family_key": "Yilmaz-key",
        "coordinating_org": "home-start-utrecht", "municipality_code": "GM0344"},
        event_id or str(uuid.uuid4()))


def park(config, service, handler, event, error="OperationalError: database is locked"):
    """`service`'s consumer `handler` gives up on `event` as after its last retry, by the
    kit's own parking (kring.kit.retry): its body sealed in the service's database, a note in
    its dead-letter queue; an operator can replay it (`kring dlq replay`). Returns the note's
    parked id."""
    engine = create_engine(config[DATABASES_KEY][service])
    tables = MetaData()
    add_kit_tables(tables)
    lot = ParkingLot(lambda: engine, tables.tables["parked"])
    try:
        retrier = Retrier(config["AMQP_URI"], service, queue_name(service, handler, event.source),
                          (), (), lot)
        retrier.park(_Delivered(event), error)
        with engine.connect() as db:
            return db.execute(select(tables.tables["parked"].c.id).where(
                tables.tables["parked"].c.message_id == event.event_id)).scalar_one()
    finally:
        engine.dispose()


class _Delivered:
    """`event` as a consumer received it from the broker."""

    def __init__(self, event):
        self.body = json.dumps(event.to_message()).encode()
        self.headers = {}
        self.properties = {"message_id": event.event_id}
        self.content_type, self.content_encoding = "application/json", "utf-8"
        self.delivery_info = {"routing_key": event.type}
