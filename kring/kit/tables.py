"""The kit's own tables, added to every service's metadata so they share its transactions."""
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text

from kring.kit.crypto import EncryptedBytes, EncryptedJSON, EncryptedText


def add_kit_tables(metadata: MetaData):
    """Outbox (events to publish), inbox (events already applied), the audit trail, the
    retention markers and the parked messages, in the service's database."""
    outbox = Table(
        "outbox", metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("event_type", String(64), nullable=False),  # the routing key
        # the referral it is about: its rows go when the referral is erased (kring.kit.erasure)
        Column("referral_id", String(64), nullable=True, index=True),
        Column("exchange", String(128), nullable=True),  # None: the service's events exchange
        # sealed: a message may carry family data (the referrer's address, a reason) and
        # stays in the table after it is sent
        Column("body", EncryptedText("outbox", "body"), nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("sent_at", DateTime(timezone=True), nullable=True, index=True),
        # the request or event that caused it (kring.kit.correlation), sent with it
        Column("correlation_id", String(100), nullable=True),
    )
    inbox = Table(
        "inbox", metadata,
        Column("event_id", String(36), primary_key=True),
        Column("handler", String(64), primary_key=True),
        Column("handled_at", DateTime(timezone=True), nullable=False),
        # what it was, whose, and under which correlation id it was handled: `kring trace`
        Column("referral_id", String(64), nullable=True, index=True),
        Column("event_type", String(128), nullable=True),  # source.type
        Column("correlation_id", String(100), nullable=True),
    )
    return (outbox, inbox, add_audit_table(metadata), add_retention_table(metadata),
            add_parked_table(metadata))


def add_parked_table(metadata: MetaData):
    """Messages this service's consumers gave up on after every retry (kring.kit.parking):
    the body, which may hold family data, is kept here sealed, and the dead-letter queue holds
    only a note naming the row. Erased with its referral, and gone after the retention
    period."""
    return Table(
        "parked", metadata,
        Column("id", String(36), primary_key=True),
        Column("queue", String(255), nullable=False),  # where it came from: a replay goes there
        Column("message_type", String(128), nullable=True),  # the event type or routing key
        Column("message_id", String(255), nullable=True),
        # the referral it is about (an event's envelope); None: not known when it was parked
        Column("referral_id", String(64), nullable=True, index=True),
        Column("content_type", String(128), nullable=True),
        Column("content_encoding", String(64), nullable=True),
        Column("headers", EncryptedJSON("parked", "headers"), nullable=True),
        Column("body", EncryptedBytes("parked", "body"), nullable=False),
        Column("error", Text, nullable=False),  # in safe words (kring.kit.failures)
        Column("attempts", Integer, nullable=False),
        Column("parked_at", DateTime(timezone=True), nullable=False, index=True),
    )


def add_retention_table(metadata: MetaData):
    """What this service knows of a referral's end (kring.kit.erasure): when it closed, of
    which programme (its retention period), and when its data here was erased. A row with
    `erased_at` is the marker that keeps an erased referral's data from coming back."""
    return Table(
        "retention", metadata,
        Column("referral_id", String(64), primary_key=True),
        Column("programme", String(64), nullable=True),
        Column("closed_at", DateTime(timezone=True), nullable=True, index=True),
        Column("erased_at", DateTime(timezone=True), nullable=True),
    )


def add_audit_table(metadata: MetaData):
    """Who read or changed which referral's data (kring.kit.audit): written, never changed."""
    return Table(
        "audit", metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("at", DateTime(timezone=True), nullable=False),
        Column("operation", String(64), nullable=False),
        Column("referral_id", String(64), nullable=True, index=True),
        Column("target_id", String(64), nullable=True),
        Column("person", String(128), nullable=False),
        Column("organisation", String(128), nullable=False),
        Column("role", String(32), nullable=False),
        Column("answer", Integer, nullable=False),
        Column("correlation_id", String(100), nullable=True),  # the request's (`kring trace`)
    )
