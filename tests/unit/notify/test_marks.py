"""Marks: a file per delivery the mail server took, until the database has its record."""
import stat
from datetime import datetime, timezone

from services.notify.domain import Notice
from services.notify.marks import Marks

AT = datetime(2026, 11, 24, 14, 3, 6, 554231, tzinfo=timezone.utc)


def delivered(notice_id):
    notice = Notice("r-1", "start", "2026-11-24T14:00:00.000000Z", notice_id=notice_id)
    notice.delivered("smtp", "j.devries@example.org", "mail.example.org:25", AT)
    return notice


def test_a_mark_gives_back_what_delivered_was_told_until_it_is_removed(tmp_path):
    marks = Marks.under(tmp_path)
    marks.put(delivered(7))
    ((notice_id, delivery),) = marks.left()
    assert (notice_id, delivery) == (7, {"channel": "smtp", "recipient": "j.devries@example.org",
                                         "location": "mail.example.org:25", "now": AT})
    again = Notice("r-1", "start", "2026-11-24T14:00:00.000000Z", notice_id=7)
    again.delivered(**delivery)
    assert again == delivered(7)
    marks.remove(7)
    marks.remove(7)  # a racing sweep removed it first: nothing to do
    assert list(marks.left()) == []


def test_a_mark_is_for_its_owner_only(tmp_path):
    marks = Marks(tmp_path / "marks")
    marks.put(delivered(3))
    assert stat.S_IMODE((tmp_path / "marks" / "3.json").stat().st_mode) == 0o600


def test_a_mark_cut_off_by_a_crash_is_reported_unreadable_and_strangers_are_left_alone(
        tmp_path):
    marks = Marks(tmp_path)
    (tmp_path / "12.json").write_bytes(b"")
    (tmp_path / "13.json").write_text('{"channel": "smtp", "recip')
    (tmp_path / "notes.json").write_text("{}")
    (tmp_path / "14.tmp").write_text("{}")
    assert list(marks.left()) == [(12, None), (13, None)]


def test_a_mark_that_cannot_be_written_does_not_stop_the_record(tmp_path, caplog):
    marks = Marks(tmp_path / "marks")
    (tmp_path / "marks").rmdir()  # the volume went away under it
    marks.put(delivered(5))
    assert "could not mark notice 5" in caplog.text
