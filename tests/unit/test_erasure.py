"""kring.kit.erasure: retention periods per programme, closures and markers in a service's
`retention` table, and the published outbox rows of an erased referral."""
import json
from datetime import datetime, timedelta, timezone

from sqlalchemy import MetaData, create_engine, insert, select
from sqlalchemy.orm import Session

from kring.kit import erasure
from kring.kit.tables import add_kit_tables

RETENTION = {"days": 730, "programmes": {"family-help": 30}}
NOW = datetime(2028, 1, 1, tzinfo=timezone.utc)


def tables(tmp_path):
    metadata = MetaData()
    outbox, _inbox, _audit, retention = add_kit_tables(metadata)
    engine = create_engine(f"sqlite:///{tmp_path}/kit.db")
    metadata.create_all(engine)
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
