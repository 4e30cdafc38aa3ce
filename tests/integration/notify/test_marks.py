"""What a sweep makes of the marks it finds (services.notify.marks): a good one is recorded and
its notice not sent again; one it cannot read, or one from another database, is removed
without recording anything, and neither stops the sweep."""
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from nameko.testing.utils import get_extension

from kring.config import DATA_DIR_KEY
from kring.clock import utcnow
from services.notify.delivery import FileTransport, Transport
from services.notify.marks import DeliveryMarks
from services.notify.models import Notices
from tests.support.databases import unit_of_work
from tests.support.integration.notify import (case_started, decided, delivery_log, marks, received,
                                              send_due)

RID = "7e6d5c4b-0000-4000-8000-00000000000d"
OTHER = "7e6d5c4b-0000-4000-8000-00000000000e"


def test_a_sweep_records_good_marks_and_removes_bad_ones(notify_factory, files_config, caplog):
    notify = notify_factory(files_config)
    decided(notify, received(RID), case_started(RID), received(OTHER), case_started(OTHER))
    uow, left = unit_of_work(notify), marks(notify)
    with uow:
        start, other = (Notices(uow).notice(referral, "start")
                        for referral in (RID, OTHER))
    start.delivered("file", "j.devries@example.org", "/where/it/went.eml", utcnow())
    left.put(start)  # taken by the server; the record never came
    stranger = replace(other, referral_id="from-another-database")
    stranger.delivered("smtp", "someone@example.org", "mail.example.org:25", utcnow())
    left.put(stranger)  # the same notice id, another notice
    (left.folder / "999.json").write_text('{"referral_id": "')  # cut off by a crash

    later = utcnow() + timedelta(hours=1)
    assert send_due(notify, later) == 1  # only OTHER's start: the stranger's mark is not its
    recorded, sent = delivery_log(notify, RID)["start"], delivery_log(notify, OTHER)["start"]
    assert (recorded["status"], recorded["attempts"], recorded["location"]) == (
        "sent", 1, "/where/it/went.eml")
    assert (sent["status"], sent["channel"], sent["attempts"]) == ("sent", "file", 1)
    assert left.left(later) == []
    assert "matches no notice here" in caplog.text and "cannot be read" in caplog.text


def test_each_worker_gets_marks_of_its_own_and_the_one_transport(notify_factory, files_config):
    """A Marks per worker, so each sweep makes (or warns about) the folder anew; one transport,
    which keeps nothing between deliveries."""
    notify = notify_factory(files_config)
    marks, transport = get_extension(notify, DeliveryMarks), get_extension(notify, Transport)
    first, second = marks.get_dependency(None), marks.get_dependency(None)
    assert first is not second
    assert first.folder == Path(files_config[DATA_DIR_KEY]) / "notify" / "marks"
    assert isinstance(transport.get_dependency(None), FileTransport)
    assert transport.get_dependency(None) is transport.get_dependency(None)
