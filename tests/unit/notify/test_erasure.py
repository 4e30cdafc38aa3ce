"""Erasure in notify (docs/contract.md §7): the referrer's address, to whom the notices went
and their files go; a notice not sent yet never goes; what was sent when stays."""
from datetime import datetime, timezone

from kring.contracts.events import make_event
from services.notify import handlers
from services.notify.domain import ERASED, PENDING, SENT, SUPPRESSED
from services.notify.models import Notices
from tests.support.databases import outbox

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
ADDRESS = "j.devries@example.org"


def received():
    return make_event("referral", "referral_received", "r-1", programme="home-start",
                      organisation="huisarts-oost", external_ref="HA-1", municipality="Utrecht",
                      languages=["nl"], domains=["parenting"], urgency="normal",
                      referrer_email=ADDRESS, referrer_language="nl",
                      referrer_organisation="Huisarts Oost", share_status_with_referrer=True,
                      family_key="fk")


def started():
    return make_event("casework", "case_started", "r-1", case_id="c-1", supporter_id="s-1",
                      severity="low", coordinator_org="home-start-oost")


def closed():
    return make_event("referral", "referral_closed", "r-1", outcome="withdrawn",
                      programme="home-start")


def react(uow, event, folder):
    uow.inbox_key = "on_casework" if event.source == "casework" else "on_referral"
    uow.event_referral = event.referral_id
    handlers.react(uow, event, NOW, folder)


def test_the_address_and_the_files_go_and_a_pending_notice_never_goes(uow, tmp_path):
    for event in (received(), started(), closed()):
        react(uow, event, tmp_path)
    with uow:  # the start notice went out as a file; the closure waits
        notices = Notices(uow)
        start = notices.notice("r-1", "start")
        start.delivered("file", ADDRESS, str(tmp_path / "r-1-start.eml"), NOW)
        notices.save(start)
    (tmp_path / "r-1-start.eml").write_text(f"To: {ADDRESS}\n\nstarted")
    react(uow, make_event("referral", "referral_erased", "r-1", erased_at=NOW.isoformat()),
          tmp_path)
    export = handlers.export_of(uow, "r-1")
    assert ADDRESS not in str(export) and list(tmp_path.glob("*.eml")) == []
    kinds = {notice["kind"]: notice for notice in export["notices"]}
    assert kinds["start"]["status"] == SENT and kinds["start"]["sent_at"]
    assert kinds["start"]["recipient"] is None
    assert (kinds["closure"]["status"], kinds["closure"]["reason"]) == (SUPPRESSED, ERASED)
    assert [m["type"] for m in outbox(uow)] == ["erasure_done"]
    react(uow, received(), tmp_path)  # comes again: the address stays gone
    assert handlers.export_of(uow, "r-1")["contact"]["email"] == ""
    assert PENDING not in [notice["status"] for notice in export["notices"]]
