"""The kit's own tables, added to every service's metadata so they share its transactions."""
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text


def add_kit_tables(metadata: MetaData):
    """Outbox (events to publish) and inbox (events already applied), in the service's database."""
    outbox = Table(
        "outbox", metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("event_type", String(64), nullable=False),  # the routing key
        Column("exchange", String(128), nullable=True),  # None: the service's events exchange
        Column("body", Text, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("sent_at", DateTime(timezone=True), nullable=True, index=True),
    )
    inbox = Table(
        "inbox", metadata,
        Column("event_id", String(36), primary_key=True),
        Column("handler", String(64), primary_key=True),
        Column("handled_at", DateTime(timezone=True), nullable=False),
    )
    return outbox, inbox
