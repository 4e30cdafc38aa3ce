"""kring.kit.erasure: retention periods per programme, closures and markers in a service's
`retention` table, the published outbox rows of an erased referral (those from before the
outbox named their referral too), and its parked messages."""
import json
from datetime import datetime, timedelta, timezone

from sqlalchemy import MetaData, create_engine, insert, select
from sqlalchemy.orm import Session

from kring.kit import erasure, parking
from kring.kit.tables import add_kit_tables

RETENTION = {"days": 730, "programmes": {"family-help": 30}}
NOW = datetime(2028, 1, 1, tzinfo=timezone.utc)


def tables(tmp_path, parked=False):
    metadata = MetaData()
    outbox, _inbox, _audit, retention, parked_table = add_kit_tables(metadata)
    engine = create_engine(f"sqlite:///{tmp_path}/kit.db")
    metadata.create_all(engine)
    if parked:
        return Session(engine), outbox, retention, parked_table
    return Session(engine), outbox, retention


def test_each_programme_has_its_period_and_the_rest_the_default():
    assert erasure.period(RETENTION, "family-help") == timedelta(days=30)
    assert erasure.period(RETENTION, "home-start") == timedelta(days=730)
    assert erasure.period(RETENTION, None) == timedelta(days=730)
    assert erasure.shortest(RETENTION) == timedelta(days=30)


def test_a_referral_is_due_once_its_programmes_period_has_passed(tmp_path):
    session, _outbox, retention = tables(tmp_path)
    closures = {"old-home-start": ("home-start", NOW - timedelta(days=731)),
                "young-home-start": ("home-start", NOW - timedelta(days=100)),
                "old-family-help": ("family-help", NOW - timedelta(days=31)),
                "young-family-help": ("family-help", NOW - timedelta(days=29)),
                "unknown-programme": (None, NOW - timedelta(days=731))}
    for referral_id, (programme, closed_at) in closures.items():
        erasure.note_closed(session, retention, referral_id, closed_at, programme)
    erasure.note_closed(session, retention, "open", None)  # never closed: never due
    assert sorted(erasure.due(session, retention, RETENTION, NOW)) == [
        "old-family-help", "old-home-start", "unknown-programme"]
    erasure.mark_erased(session, retention, "old-home-start", NOW)
    assert "old-home-start" not in erasure.due(session, retention, RETENTION, NOW)


def test_the_first_closure_and_the_first_erasure_stand(tmp_path):
    session, _outbox, retention = tables(tmp_path)
    erasure.note_closed(session, retention, "r-1", NOW, "home-start")
    erasure.note_closed(session, retention, "r-1", NOW + timedelta(days=1), "family-help")
    assert erasure.retention_view(session, retention, "r-1") == {
        "closed_at": "2028-01-01T00:00:00.000000Z", "erased_at": None}
    assert erasure.erased_at(session, retention, "r-1") is None
    assert erasure.mark_erased(session, retention, "r-1", NOW) == NOW
    assert erasure.mark_erased(session, retention, "r-1", NOW + timedelta(days=2)) == NOW
    assert erasure.erased_at(session, retention, "r-2") is None
    assert erasure.mark_erased(session, retention, "r-2", NOW) == NOW  # never heard of before


def test_the_published_messages_of_an_erased_referral_go_and_unpublished_ones_wait(tmp_path):
    session, outbox, retention = tables(tmp_path)

    def message(event_id, referral_id, sent):
        session.execute(insert(outbox).values(
            event_id=event_id, event_type="referral_received", created_at=NOW,
            referral_id=referral_id, sent_at=NOW if sent else None,
            body=json.dumps({"referral_id": referral_id, "data": {"family": "Yilmaz"}})))
    message("e-1", "r-1", sent=True)
    message("e-2", "r-1", sent=False)
    message("e-4", "r-2", sent=True)
    assert erasure.forget_messages(session, outbox, "r-1") == 1
    left = set(session.execute(select(outbox.c.event_id)).scalars())
    assert left == {"e-2", "e-4"}

    session.execute(outbox.update().values(sent_at=NOW))  # the relay sent e-2 meanwhile
    erasure.mark_erased(session, retention, "r-1", NOW)
    erasure.forget_messages(session, outbox, erased=retention)  # the timer's sweep
    assert set(session.execute(select(outbox.c.event_id)).scalars()) == {"e-4"}


def test_rows_from_before_the_outbox_named_their_referral_are_found_by_their_payload(
        tmp_path):
    session, outbox, _retention = tables(tmp_path)

    def old_row(event_id, body):  # written before the column existed: NULL in it
        session.execute(insert(outbox).values(
            event_id=event_id, event_type="referral_received", created_at=NOW, sent_at=NOW,
            referral_id=None, body=json.dumps(body)))
    old_row("e-1", {"referral_id": "r-1", "data": {"family": "Yilmaz"}})
    old_row("e-2", {"referral_id": "r-2", "data": {}})
    old_row("e-3", {"type": "partner_update", "data": {"about": "r-1"}})  # named deeper in
    old_row("e-4", {"refused_id": "x-1"})  # names no referral at all
    assert erasure.forget_messages(session, outbox, "r-1") == 2
    left = dict(session.execute(select(outbox.c.event_id, outbox.c.referral_id)).all())
    # each row was read once: its column now says which referral it is, or none
    assert left == {"e-2": "r-2", "e-4": erasure.NONE}
    assert erasure.find_referrals_of_old_rows(session, outbox) == 0
    assert erasure.forget_messages(session, outbox, "r-2") == 1


def test_the_parked_messages_of_an_erased_referral_go_and_the_old_ones_expire(tmp_path):
    session, _outbox, _retention, parked = tables(tmp_path, parked=True)

    def park(parked_id, referral_id, days_ago):
        session.execute(insert(parked).values(
            id=parked_id, queue="kring.notify.on_referral.referral", referral_id=referral_id,
            body=b'{"referrer_email": "j.devries@example.org"}', error="RuntimeError",
            attempts=6, parked_at=NOW - timedelta(days=days_ago)))
    park("p-1", "r-1", 1)
    park("p-2", "r-2", 1)
    park("p-3", None, 731)
    park("p-4", "r-1", 2)
    assert parking.forget_referral(session, parked, "r-1") == 2
    assert parking.forget_expired(session, parked, NOW - erasure.period(RETENTION, None)) == 1
    assert list(session.execute(select(parked.c.id)).scalars()) == ["p-2"]
