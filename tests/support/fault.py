"""Breaking a real Kring: a `kring run` process, a real SMTP server, the real broker.

The fault tests (tests/fault/) drive referrals through the public API with Walkers
(tests.support.walker: every step is safe to repeat), several at once, break something on the
way, and then hold the result to the promise of docs/contract.md §6: every referral reaches
`closed` with the outcome it was walked to, and its referrer has exactly one start notice (when
support started) and one closure notice. Waits poll for what a user or operator would see; nothing
sleeps a fixed time.
"""
import json
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
import re
import subprocess
import threading
from collections import Counter

from nameko.testing.utils import find_free_port

from kring.contracts.topology import SUBSCRIPTIONS
from kring.kit.crypto import read_stored
from tests.support.api import TEST_SECRET
from tests.support.databases import Databases
from tests.support.directory import EXAMPLE_DIRECTORY
from tests.support.events import publish_many
from tests.support.processes import KRING, RunningKring, SmtpServer, clean_env
from tests.support.sample import referral_body
from tests.support.waiting import eventually
from tests.support.walker import PlannedWalker

SUPPORTER = {"name": "Anna", "kind": "volunteer", "programmes": ["home-start"],
             "languages": ["nl"], "municipalities": ["Utrecht"], "capacity": 50,
             "expertise": ["parenting"]}
# the notices a referral walked to each outcome must have (docs/contract.md §6); withdrawals happen
# mid-case, after the start
NOTICES = {"completed": ("start", "closure"), "declined": ("closure",),
           "withdrawn": ("start", "closure")}
# over notify's claim (60 s): a kill -9 mid-delivery leaves its notices claimed that long
SETTLE_SECONDS = 90
IGNORED = re.compile(r"event (\S+) already applied by \S+: ignored")  # kring.kit.db's inbox


class Stack:
    """`kring run` (all five services, on SQLite or, given its URL, on PostgreSQL) with SMTP to
    a server of the test's own."""

    def __init__(self, rabbit_config, tmp_path, postgres=None):
        self.port = find_free_port()
        self.smtp = SmtpServer(tmp_path / "maildir")
        self.data = tmp_path / "data"
        self.databases = Databases(self.data, postgres)
        self.env = clean_env(
            AMQP_URI=rabbit_config["AMQP_URI"], KRING_DATA_DIR=str(self.data),
            KRING_SECRET=TEST_SECRET, KRING_HTTP_PORT=str(self.port),
            KRING_SMTP_HOST="127.0.0.1", KRING_SMTP_PORT=str(self.smtp.port),
            KRING_SMTP_FROM="kring@example.org",
            # the shipped directory: it routes Utrecht to kring.client's coordinators
            KRING_DIRECTORY=str(EXAMPLE_DIRECTORY),
            # a short retry ladder and a quick sweep, so a test sees retries within seconds
            KRING_RETRY_DELAYS="0.2,0.5,1", KRING_NOTIFY_SWEEP_SECONDS="0.5",
            **self.databases.env())
        self.kring = RunningKring([], self.env)
        self.earlier_log = []  # what the processes killed before this one said
        self.kills = []  # when each kill -9 fell (UTC)
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self):
        """Both, or neither: a kring that does not come up takes its mail server down with it
        (a fixture whose start failed gets no teardown, and the server outlived the run)."""
        self.smtp.start()
        try:
            self.kring.start()
        except BaseException:
            self.smtp.kill()
            raise
        return self

    def kill9(self):
        self.kring.kill()  # SIGKILL: no goodbye, no flush, whatever was in flight
        self.kills.append(datetime.now(timezone.utc))

    def restart(self):
        self.earlier_log += self.kring.log
        self.kring.start()

    def stop(self):
        self.kring.kill()
        self.smtp.kill()
        # the whole story, for whoever reads a failure: next to the databases
        self.data.mkdir(parents=True, exist_ok=True)
        (self.data / "kring.log").write_text("".join(self.earlier_log + self.kring.log))
        self.databases.drop()

    def walker(self, plans=None):
        return PlannedWalker(self.url, TEST_SECRET, plans or {})

    def assert_alive(self):
        code = self.kring.process.poll()
        assert code is None, (f"`kring run` exited by itself ({code}); its last words:\n"
                              + "".join(self.kring.log[-60:]))

    def ignored_events(self):
        """event_id -> how often a consumer said it had applied that event before (the inbox)."""
        return Counter(match.group(1) for line in list(self.kring.log)
                       if (match := IGNORED.search(line)))

    # --- what the referrers received, and what notify knows -------------------------------------

    def resent_across_a_kill(self, key):
        """True when the copies of notice `key` are one mail sent twice because a kill -9 fell
        between the SMTP server's acceptance and notify's mark of it (the documented
        at-least-once window: a mail server and our disk cannot commit together): the same
        Message-ID, the first copy composed before a kill and the second after it."""
        copies = [m for m in self.smtp.messages()
                  if (m["X-Kring-Referral"], m["X-Kring-Notice"]) == key]
        if len(copies) != 2 or copies[0]["Message-ID"] != copies[1]["Message-ID"]:
            return False
        first, second = sorted(parsedate_to_datetime(m["Date"]) for m in copies)
        return any(first <= kill.replace(microsecond=0) + timedelta(seconds=1) and
                   second >= kill.replace(microsecond=0) for kill in self.kills)

    def notices(self):
        """(referral_id, kind) -> how many mails the SMTP server holds."""
        return Counter((m["X-Kring-Referral"], m["X-Kring-Notice"]) for m in self.smtp.messages())

    def notice_rows(self):
        """notify's own record: (referral_id, kind, status, attempts, last_error, claimed_until)
        per notice."""
        return self.query("notify", "SELECT referral_id, kind, status, attempts, last_error, "
                                    "claimed_until FROM notices ORDER BY referral_id, kind")

    def query(self, service, sql):
        return self.databases.query(service, sql)

    def kring_command(self, *args):
        """An operator's `kring ...` against this stack; its standard output."""
        result = subprocess.run([KRING, *args], capture_output=True, text=True, timeout=60,
                                env=self.env)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    # --- the broker -----------------------------------------------------------------------------

    def sent_events(self, service):
        """Every event `service` has published so far (its outbox), as it went on the wire."""
        # sealed under the key `kring run` derives from TEST_SECRET, as the tests' keyring is
        return [json.loads(read_stored(body, "outbox", "body")) for (body,) in self.query(
            service, "SELECT body FROM outbox WHERE sent_at IS NOT NULL AND exchange IS NULL "
                     "ORDER BY id")]

    def publish(self, *messages):
        """Publish (source, routing_key, body, properties) to `source`'s event exchange, each
        confirmed by the broker, as an outbox relay does; a dict body goes as JSON."""
        publish_many(self.env["AMQP_URI"], *messages)

    def parked(self):
        """{service: messages in its dead-letter queue}, as `kring dlq list` tells an operator."""
        counted = {}
        for line in self.kring_command("dlq", "list").splitlines():
            if line.startswith(" "):  # under its service: one parked message, its age
                continue
            service, count, _parked = line.split()
            counted[service] = int(count)
        return counted


def consumers_of(source, event_type):
    """How many handlers of the running system consume this event (the topology table)."""
    return sum(1 for _service, _handler, from_, types in SUBSCRIPTIONS
               if from_ == source and event_type in types)


def register_supporter(stack):
    walker = stack.walker()
    walker.call("POST", "/supporters", walker.coordinator, SUPPORTER)
    walker.close()


def submit(stack, count, prefix, declined=0, withdrawn=0):
    """`count` referrals; returns {referral_id: the outcome it is to be walked to}."""
    walker = stack.walker()
    ids = [walker.submit(referral_body(f"{prefix}-{n}")) for n in range(count)]
    walker.close()
    outcomes = ["declined"] * declined + ["withdrawn"] * withdrawn
    outcomes += ["completed"] * (count - len(outcomes))
    return dict(zip(ids, outcomes))


class Walking:
    """Walkers in threads, each driving its share of the referrals until done or out of time."""

    def __init__(self, stack, plans, threads=4, timeout=90):
        self.stack = stack
        self.timeout = timeout
        ids = list(plans)
        self.plans = plans
        self.threads = [threading.Thread(target=self._walk, args=(ids[n::threads],))
                        for n in range(threads)]

    def _walk(self, ids):
        walker = self.stack.walker(self.plans)
        try:
            walker.walk(ids, timeout=self.timeout)
        finally:
            walker.close()

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        for thread in self.threads:
            thread.join(timeout=self.timeout + 30)


def statuses(stack):
    return stack.databases.referral_statuses()


def under_way(stack, started):
    """True once `started` referrals are past matching: the moment to break something."""
    return sum(n for status, n in statuses(stack).items()
               if status not in ("received", "matching", "waitlisted")) >= started


def walk_to_the_end(stack, plans, timeout=120):
    walker = stack.walker(plans)
    try:
        still_open = walker.walk(list(plans), timeout=timeout)
    finally:
        walker.close()
    assert still_open == [], (f"never closed: {still_open}; last errors: {walker.errors[-5:]}; "
                              f"kring's last words:\n" + "".join(stack.kring.log[-40:]))


def views(stack, referral_ids):
    walker = stack.walker()
    try:
        return {referral_id: walker.referral(referral_id) for referral_id in referral_ids}
    finally:
        walker.close()


def assert_closed_loop(stack, plans):
    """Every referral closed with its planned outcome; its referrer got exactly the notices
    that outcome calls for, once each (or twice with one Message-ID where a kill -9 fell
    between SMTP acceptance and notify's mark: see Stack.resent_across_a_kill); nothing else was
    mailed; `kring run` still runs."""
    stack.assert_alive()
    shown = views(stack, plans)
    wrong = {referral_id: (view["status"], view["outcome"], plans[referral_id])
             for referral_id, view in shown.items()
             if (view["status"], view["outcome"]) != ("closed", plans[referral_id])}
    assert not wrong, f"(status, outcome, planned) of referrals that ended wrong: {wrong}"

    expected = {(referral_id, kind): 1 for referral_id, outcome in plans.items()
                for kind in NOTICES[outcome]}

    def settled():  # every notice in the mailbox, and notify has nothing left to send
        mails = stack.notices()
        return all(mails[key] for key in expected) and not [
            row for row in stack.notice_rows() if row[2] == "pending"]
    try:
        eventually(settled, timeout=SETTLE_SECONDS, what="every notice to be delivered")
    except AssertionError:
        pass  # the comparisons below say which, with notify's own record of them
    mails = stack.notices()
    unsent = [row for row in stack.notice_rows() if row[2] != "sent"]
    wrong = {key: mails[key] for key in expected
             if mails[key] != 1 and not (mails[key] == 2 and stack.resent_across_a_kill(key))}
    assert not wrong, (
        f"notices missing (0) or sent more than once (2+): {wrong}; notify's record of the "
        f"notices it has not marked sent (referral, kind, status, attempts, error, claimed "
        f"until): {unsent}")
    unexpected = {key: n for key, n in mails.items() if key not in expected}
    assert not unexpected, f"notices nobody should have had: {unexpected}"
    # every mail is there once; then notify must also know it sent them, or it sends again
    assert not unsent, (
        f"mailed once, but notify has not recorded them as sent, so it will send them again "
        f"once their claim runs out (referral, kind, status, attempts, error, claimed until): "
        f"{unsent}")
