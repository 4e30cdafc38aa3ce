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

from kombu import Connection
from sqlalchemy import MetaData, create_engine, select

from kring.config import DATABASES_KEY, SERVICES
from kring.contracts.events import Event
from kring.contracts.topology import dead_letter_queue_name, queue_name
from kring.kit.crypto import SEALED, read_stored
from kring.kit.retry import ATTEMPT_HEADER, ERROR_HEADER, QUEUE_HEADER
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
        for message in rabbit_manager.get_messages(vhost, queue["name"], count=count,
                                                   requeue=True):
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


def park(amqp_uri, service, handler, event):
    """Put `event` in `service`'s dead-letter queue as if `handler` had given up on it, so an
    operator can replay it (`kring dlq replay`)."""
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as connection:
        channel = connection.channel()
        channel.queue_declare(dead_letter_queue_name(service), durable=True, passive=True)
        connection.Producer(channel=channel).publish(
            event.to_message(), exchange="", routing_key=dead_letter_queue_name(service),
            serializer="json", message_id=event.event_id, delivery_mode=2,
            headers={QUEUE_HEADER: queue_name(service, handler, event.source),
                     ATTEMPT_HEADER: 5, ERROR_HEADER: "OperationalError: database is locked"})
        channel.close()
