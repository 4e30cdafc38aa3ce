"""A notify killed mid-delivery (SIGKILL, its mail server holding the message) and started
again on the same data directory sends the notice it had claimed at once, long before the
claim would lapse, and once; another replica (a data directory of its own, the same
database) leaves that live claim alone. Real `kring run notify` processes, a real broker, a
real SMTP server (services.notify.claims)."""
import pytest
from nameko.testing.utils import find_free_port
from sqlalchemy import create_engine, select

from services.notify.models import NoticeRow
from tests.support.events import publish_event
from tests.support.integration.notify import case_started, mails, received
from tests.support.processes import RunningKring, SmtpServer, clean_env
from tests.support.smtp_handlers import MESSAGE_HELD
from tests.support.waiting import eventually

RID = "3b2a1f0e-0000-4000-8000-00000000000a"
OTHER = "3b2a1f0e-0000-4000-8000-00000000000b"
TAKEN_BACK = "was claimed by an earlier start of this notify: taken back"


@pytest.fixture
def smtp(tmp_path):
    server = SmtpServer(tmp_path / "maildir",
                        handler="tests.support.smtp_handlers.HoldsTheFirst").start()
    yield server
    server.kill()


@pytest.fixture
def notify(rabbit_config, smtp, tmp_path):
    """`notify(data_dir)`: a `kring run notify` on that data directory, all of them on the one
    database, delivering to `smtp`; each is killed at the end."""
    database = tmp_path / "notify.db"
    started = []

    def start(data_dir):
        env = clean_env(AMQP_URI=rabbit_config["AMQP_URI"], KRING_HTTP_PORT=str(find_free_port()),
                        KRING_DATA_DIR=str(data_dir), KRING_DB_NOTIFY=f"sqlite:///{database}",
                        KRING_SMTP_HOST="127.0.0.1", KRING_SMTP_PORT=str(smtp.port),
                        KRING_NOTIFY_SWEEP_SECONDS="0.2")
        started.append(RunningKring(["notify", "--dev"], env).start())
        return started[-1]

    start.database = create_engine(f"sqlite:///{database}")
    start.amqp_uri = rabbit_config["AMQP_URI"]
    yield start
    for process in started:
        process.kill()
    start.database.dispose()


def start_notice(notify, referral_id):
    """The start notice's row as the database holds it (None before it is decided)."""
    with notify.database.connect() as connection:
        return connection.execute(select(
            NoticeRow.status, NoticeRow.claimed_until, NoticeRow.claimed_instance,
            NoticeRow.claimed_start, NoticeRow.sent_at
        ).where(NoticeRow.referral_id == referral_id, NoticeRow.kind == "start")).one_or_none()


def killed_mid_delivery(notify, smtp, data_dir):
    """A notify that claimed RID's start notice and was killed while the server held it: the
    claim it left, live."""
    first = notify(data_dir)
    for event in (received(RID), case_started(RID)):
        publish_event(notify.amqp_uri, event)
    eventually(lambda: (smtp.folder.parent / f"{smtp.folder.name}{MESSAGE_HELD}").exists(),
               what="the server to hold the start notice")
    first.kill()  # SIGKILL
    claim = start_notice(notify, RID)
    instance = (data_dir / "notify" / "instance").read_text()
    assert (claim.status, claim.claimed_instance) == ("pending", instance)
    assert claim.claimed_until is not None and mails(smtp, RID) == []
    return claim


def test_a_restart_sends_what_its_killed_predecessor_had_claimed_at_once_and_once(
        notify, smtp, tmp_path):
    claim = killed_mid_delivery(notify, smtp, tmp_path / "a")

    again = notify(tmp_path / "a")
    eventually(lambda: getattr(start_notice(notify, RID), "status", None) == "sent",
               what="the restarted notify to send the notice it had claimed")
    sent = start_notice(notify, RID)
    assert sent.sent_at < claim.claimed_until  # before the claim would have lapsed
    assert len(mails(smtp, RID)) == 1  # the held message was never taken
    assert TAKEN_BACK in "".join(again.log)


def test_another_replica_leaves_a_live_claim_alone(notify, smtp, tmp_path):
    claim = killed_mid_delivery(notify, smtp, tmp_path / "a")

    notify(tmp_path / "b")
    for event in (received(OTHER), case_started(OTHER)):
        publish_event(notify.amqp_uri, event)
    # OTHER's notice is younger: a sweep that sent it had RID's, due and older, passed over
    eventually(lambda: getattr(start_notice(notify, OTHER), "status", None) == "sent",
               what="the other replica to send a notice of its own")
    other = start_notice(notify, OTHER)
    assert other.sent_at < claim.claimed_until  # the claim was live while it worked
    assert start_notice(notify, RID) == claim  # still pending, still the first one's
    assert mails(smtp, RID) == [] and len(mails(smtp, OTHER)) == 1
