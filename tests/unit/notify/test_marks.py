"""Marks: a file per delivery the mail server took, until the database has its record;
sealed under the data keys."""
import json
import os
import stat
from datetime import datetime, timedelta, timezone

from kring.kit import crypto
from kring.kit.crypto import Keyring
from services.notify.domain import CLAIM_SECONDS, Notice
from services.notify.marks import SETTLE_SECONDS, Marks
from kring.config import DEFAULT_SWEEP_SECONDS as SWEEP_SECONDS

AT = datetime(2026, 11, 24, 14, 3, 6, 554231, tzinfo=timezone.utc)


def delivered(notice_id, referral_id="r-1"):
    notice = Notice(referral_id, "start", "2026-11-24T14:00:00.000000Z", notice_id=notice_id)
    notice.delivered("smtp", "j.devries@example.org", "mail.example.org:25", AT)
    return notice


def settled():
    return datetime.now(timezone.utc) + timedelta(seconds=SETTLE_SECONDS)


def test_a_mark_gives_back_what_delivered_was_told_until_it_is_removed(tmp_path):
    marks = Marks.under(tmp_path)
    marks.put(delivered(7))
    (mark,) = marks.left(settled())
    assert (mark.notice_id, mark.referral_id, mark.kind) == (7, "r-1", "start")
    again = Notice("r-1", "start", "2026-11-24T14:00:00.000000Z", notice_id=7)
    again.delivered(**mark.delivery)
    assert again == delivered(7)
    marks.remove(7)
    marks.discard(mark.path)  # a racing sweep removed it first: nothing to do
    assert marks.left(settled()) == []


def test_a_young_mark_is_left_to_the_record_under_way_and_leaving_it_is_safe(tmp_path):
    marks = Marks(tmp_path)
    marks.put(delivered(7))
    assert marks.left(datetime.now(timezone.utc)) == []
    # its notice stays claimed well past the sweep that will find it settled
    assert SETTLE_SECONDS + SWEEP_SECONDS < CLAIM_SECONDS / 2


def test_marks_come_oldest_first(tmp_path):
    marks = Marks(tmp_path)
    for notice_id in (3, 1, 2):
        marks.put(delivered(notice_id))
    for age, notice_id in ((30, 2), (20, 3), (10, 1)):
        os.utime(tmp_path / f"{notice_id}.json", (AT.timestamp() - age,) * 2)
    assert [mark.notice_id for mark in marks.left(AT)] == [2, 3, 1]


def test_a_mark_is_for_its_owner_only(tmp_path):
    Marks(tmp_path / "marks").put(delivered(3))
    assert stat.S_IMODE((tmp_path / "marks" / "3.json").stat().st_mode) == 0o600


def test_a_mark_cut_off_by_a_crash_is_unreadable_and_strangers_are_left_alone(tmp_path):
    marks = Marks(tmp_path)
    (tmp_path / "12.json").write_bytes(b"")
    (tmp_path / "13.json").write_text('{"referral_id": "r-1", "kind": "start", "chan')
    (tmp_path / "14.json").write_text('["a", "list"]')
    (tmp_path / "15.json").write_text('{"referral_id": "r-1", "kind": "start"}')
    for stranger in ("notes.json", "010.json", "1_0.json", "16.tmp"):
        (tmp_path / stranger).write_text("{}")
    unreadable = sorted((mark.notice_id, mark.delivery) for mark in marks.left(settled()))
    assert unreadable == [(12, None), (13, None), (14, None), (15, None)]


def test_marks_that_cannot_be_kept_do_not_stop_the_notices(tmp_path, caplog):
    (tmp_path / "data").write_text("a file where the data directory should be")
    marks = Marks.under(tmp_path / "data")
    marks.put(delivered(5))
    assert marks.left(settled()) == []
    assert "no delivery marks" in caplog.text and "could not mark notice 5" in caplog.text


def test_marks_make_their_folder_at_first_use_and_the_next_marks_try_again(tmp_path, caplog):
    """Each sweep has Marks of its own (DeliveryMarks): a folder that could not be made for
    one sweep is made by the next, and a worker that sends nothing makes no folder."""
    (tmp_path / "data").write_text("a file where the data directory should be")
    assert Marks.under(tmp_path / "data").left(settled()) == []
    assert "no delivery marks" in caplog.text
    (tmp_path / "data").unlink()
    unused = Marks.under(tmp_path / "data")
    assert not (tmp_path / "data").exists()
    unused.left(settled())
    assert (tmp_path / "data" / "notify" / "marks").is_dir()
    marks = Marks.under(tmp_path / "data")
    marks.put(delivered(5))
    assert [mark.notice_id for mark in marks.left(settled())] == [5]


def test_a_young_mark_of_an_earlier_start_is_settled_at_once(tmp_path):
    """Written before this start of notify began: its record is under way nowhere (the start
    that wrote it is over), and the claim on its notice is taken back at once."""
    marks = Marks(tmp_path)
    for notice_id in (1, 2):
        marks.put(delivered(notice_id))
    os.utime(tmp_path / "1.json", (AT.timestamp() - 2,) * 2)  # before the start
    os.utime(tmp_path / "2.json", (AT.timestamp() - 0.5,) * 2)  # this start's own
    started = AT.timestamp() - 1
    assert [mark.notice_id for mark in marks.left(AT, written_before=started)] == [1]
    assert marks.left(AT) == []


def test_a_mark_is_sealed_and_one_from_before_sealing_still_reads(tmp_path):
    marks = Marks(tmp_path)
    marks.put(delivered(7))
    stored = (tmp_path / "7.json").read_bytes()
    assert stored.startswith(b"enc:") and b"devries" not in stored and b"r-1" not in stored
    (tmp_path / "8.json").write_text(json.dumps({  # written before marks were sealed
        "referral_id": "r-2", "kind": "closure", "channel": "smtp",
        "recipient": "j.devries@example.org", "location": "mail.example.org:25",
        "sent_at": "2026-11-24T14:03:06.554231Z"}))
    found = {mark.notice_id: (mark.referral_id, mark.kind) for mark in marks.left(settled())}
    assert found == {7: ("r-1", "start"), 8: ("r-2", "closure")}


def test_a_mark_sealed_under_a_key_no_longer_held_is_unreadable(tmp_path):
    marks = Marks(tmp_path)
    held = crypto.installed()
    crypto.install(Keyring([("gone", bytes(32))]))
    try:
        marks.put(delivered(9))
    finally:
        crypto.install(held)
    assert [(mark.notice_id, mark.delivery) for mark in marks.left(settled())] == [(9, None)]
