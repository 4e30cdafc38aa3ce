"""Erasure and retention in every service (docs/contract.md §7 "Erasure, retention and export").

Each service keeps, in its `retention` table (kring.kit.tables), what it knows of a referral's
end: when it closed and of which programme, and when its part of the referral's data was
erased. A row with `erased_at` is the marker of an erased referral: the unit of work's
`first_time` consults it, so an event about that referral that comes again (a redelivery, a
dead-letter replay, one that was still on its way) does nothing; its id goes into the inbox
all the same. The timer (`RetentionTimer`) erases what has been closed for longer than its
programme's retention period (KRING_RETENTION_DAYS, docs/contract.md §2), through the same
use case as an erasure on request, so two replicas doing it at once change nothing twice.
"""
import json
import logging
from datetime import datetime, timedelta, timezone

from nameko.timer import Timer
from sqlalchemy import delete, select, update

from kring.clock import iso
from kring.config import DEFAULT_RETENTION_SWEEP_SECONDS, RETENTION_SWEEP_KEY
from kring.contracts.events import make_event
from kring.kit import parking

log = logging.getLogger(__name__)

BATCH = 100  # referrals per sweep: the rest wait for the next one


def period(retention, programme):
    """The retention period of `programme` in the configuration's RETENTION_KEY value."""
    days = (retention.get("programmes") or {}).get(programme)
    return timedelta(days=retention["days"] if days is None else days)


def shortest(retention):
    return min([period(retention, None)] + [period(retention, programme) for programme in
                                            (retention.get("programmes") or {})])


def expired(retention, programme, closed_at, now):
    """Whether data of a referral of `programme` closed at `closed_at` is past its period."""
    return closed_at is not None and _aware(closed_at) + period(retention, programme) <= now


def note_closed(session, table, referral_id, closed_at, programme=None):
    """The referral closed at `closed_at` (the first closure heard stands)."""
    row = _row(session, table, referral_id, for_update=True)
    if row is None:
        session.execute(table.insert().values(referral_id=referral_id, programme=programme,
                                              closed_at=closed_at))
        return
    values = {}
    if row.closed_at is None:
        values["closed_at"] = closed_at
    if row.programme is None and programme is not None:
        values["programme"] = programme
    if values:
        session.execute(update(table).where(table.c.referral_id == referral_id)
                        .values(**values))


def mark_erased(session, table, referral_id, at):
    """The marker: this service holds no data of the referral any more. Returns the moment it
    was first erased (an erasure again keeps the first)."""
    row = _row(session, table, referral_id, for_update=True)
    if row is None:
        session.execute(table.insert().values(referral_id=referral_id, erased_at=at))
        return at
    if row.erased_at is None:
        session.execute(update(table).where(table.c.referral_id == referral_id)
                        .values(erased_at=at))
        return at
    return _aware(row.erased_at)


def erased_at(session, table, referral_id):
    """When the referral's data here was erased, or None."""
    row = _row(session, table, referral_id)
    return _aware(row.erased_at) if row is not None and row.erased_at is not None else None


def erased_since(session, table, moment):
    """Ids of referrals erased here at or after `moment`."""
    return list(session.execute(select(table.c.referral_id).where(
        table.c.erased_at >= moment)).scalars())


def due(session, table, retention, now, batch=BATCH):
    """Ids of closed referrals whose data here is past its retention period and not erased."""
    rows = session.execute(
        select(table.c.referral_id, table.c.programme, table.c.closed_at)
        .where(table.c.erased_at.is_(None), table.c.closed_at.is_not(None),
               table.c.closed_at <= now - shortest(retention))
        .order_by(table.c.closed_at).limit(batch)).all()
    return [row.referral_id for row in rows
            if expired(retention, row.programme, row.closed_at, now)]


NONE = ""  # an outbox row's referral_id once its payload was read and names no referral


def find_referrals_of_old_rows(session, outbox, referral_id=None):
    """Outbox rows written before the outbox had its `referral_id` column hold NULL there:
    their payload is read (opened) once, and the column filled in with the referral it names
    (its envelope's `referral_id`, or `referral_id` when it appears anywhere in the payload),
    or NONE. Afterwards the column finds them; no row is read twice. Returns how many."""
    rows = session.execute(select(outbox.c.id, outbox.c.body)
                           .where(outbox.c.referral_id.is_(None))).all()
    for row in rows:
        session.execute(update(outbox).where(outbox.c.id == row.id).values(
            referral_id=_named_in(row.body, referral_id)))
    return len(rows)


def _named_in(body, referral_id):
    try:
        payload = json.loads(body)
    except ValueError:
        payload = None
    named = payload.get("referral_id") if isinstance(payload, dict) else None
    if isinstance(named, str) and 0 < len(named) <= 64:
        return named
    return referral_id if referral_id and referral_id in body else NONE


def forget_messages(session, outbox, referral_id=None, erased=None):
    """Delete the published outbox rows of `referral_id` (or, with `erased` the retention
    table, of every erased referral): what they carried went out; what stays is no one's
    business. A row not yet published stays until the relay has sent it (its consumers ignore
    it for an erased referral), and goes at the next sweep. Rows from before the outbox named
    their referral are looked into first (`find_referrals_of_old_rows`)."""
    find_referrals_of_old_rows(session, outbox, referral_id)
    sent = outbox.c.sent_at.is_not(None)
    if referral_id is not None:
        return session.execute(delete(outbox).where(
            sent, outbox.c.referral_id == referral_id)).rowcount
    gone = select(erased.c.referral_id).where(erased.c.erased_at.is_not(None))
    return session.execute(delete(outbox).where(sent, outbox.c.referral_id.in_(gone))
                           .execution_options(synchronize_session=False)).rowcount


# --- the use cases every stage shares: `erase_data(uow, referral_id)` is the stage's own part,
# safe to run again

def erase_here(uow, referral_id, now, erase_data):
    """Erase this service's part of the referral, keep the marker, and drop its published
    outbox rows; returns when it was first erased here. Inside the caller's transaction."""
    erase_data(uow, referral_id)  # first: a stage's own locks come before the marker's
    forget_messages(uow.session, uow.outbox_table, referral_id)
    forget_parked(uow, referral_id)
    return mark_erased(uow.session, uow.retention_table, referral_id, now)


def forget_parked(uow, referral_id):
    """The messages this service parked about the referral (kring.kit.parking) go with it."""
    if uow.parked_table is not None:
        parking.forget_referral(uow.session, uow.parked_table, referral_id)


def on_request(uow, event, now, source, erase_data):
    """referral_erased: erase this stage's part and report it (`<source>.erasure_done`), once
    per event; a second request (the referral service asks again while a stage has not
    answered) erases again, which changes nothing, and answers again."""
    with uow:
        if not uow.first_time(event.event_id, even_if_erased=True):
            return
        first = erase_here(uow, event.referral_id, now, erase_data)
        uow.store(make_event(source, "erasure_done", event.referral_id, erased_at=iso(first)))


def on_closed(uow, event):
    """referral_closed: when, and of which programme, for the retention timer. Inside the
    caller's transaction (after its `first_time`)."""
    note_closed(uow.session, uow.retention_table, event.referral_id, moment(event.occurred_at),
                event.data.get("programme"))


def moment(text):
    """An ISO 8601 moment as the events and the domains print it, as a datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def erase_expired(uow, retention, now, erase_data):
    """The timer: erase this stage's part of every referral past its retention period, each
    in its own transaction, looked at again there; replicas racing here both erase, which
    changes nothing twice (the marker keeps the first moment). Then the published outbox rows
    of erased referrals go. Returns the ids erased."""
    with uow:
        candidates = due(uow.session, uow.retention_table, retention, now)
    erased = []
    for referral_id in candidates:
        with uow:
            if erased_at(uow.session, uow.retention_table, referral_id) is not None:
                continue
            erase_here(uow, referral_id, now, erase_data)
            erased.append(referral_id)
    with uow:
        forget_messages(uow.session, uow.outbox_table, erased=uow.retention_table)
        forget_expired_parked(uow, retention, now)
    if erased:
        log.info("retention: erased the data of %d closed referral(s)", len(erased))
    return erased


def forget_expired_parked(uow, retention, now):
    """Parked messages kept longer than the retention period (KRING_RETENTION_DAYS, as the
    broker's dead-letter policy drops their notes) go."""
    if uow.parked_table is not None:
        parking.forget_expired(uow.session, uow.parked_table, now - period(retention, None))


def retention_view(session, table, referral_id):
    """What this service knows of the referral's end, for an export."""
    row = _row(session, table, referral_id)
    if row is None:
        return None
    return {"closed_at": iso(row.closed_at) if row.closed_at else None,
            "erased_at": iso(row.erased_at) if row.erased_at else None}


def _row(session, table, referral_id, for_update=False):
    query = select(table).where(table.c.referral_id == referral_id)
    if for_update:
        query = query.with_for_update()
    return session.execute(query).first()


def _aware(moment):
    """SQLite hands back naive datetimes; we only ever store UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


class RetentionTimer(Timer):
    """nameko's timer with its interval from config (KRING_RETENTION_SWEEP_SECONDS), so tests
    can make it quick."""

    def setup(self):
        self.interval = self.container.config[RETENTION_SWEEP_KEY]


retention_timer = RetentionTimer.decorator(interval=DEFAULT_RETENTION_SWEEP_SECONDS)
