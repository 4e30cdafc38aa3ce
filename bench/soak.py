"""Soak: the faults of tests/fault, over and over, for minutes; then count what came through.

    .venv/bin/python bench/soak.py --minutes 5

Starts its own `kring run` (all five services, SQLite or with --postgres a schema each in a
throw-away PostgreSQL database, a fresh RabbitMQ vhost on the local broker, guest/guest) and
an SMTP server (aiosmtpd) on loopback. Round after round, referrals are
submitted and walked by several walkers at once to an outcome planned for each (mostly
completed; some declined at intake, some withdrawn mid-case), while one fault is made per round,
in turn: kill -9 and restart, a broker restart (rabbitmqctl stop_app / start_app: run it as a
user who may), the SMTP server away and back, every event of the round delivered again, poison
messages. At the end it walks what is left, waits for the notices, and prints what it counted.
Exit status 0 only when nothing was lost, every outcome is the planned one, every notice arrived
exactly once and only the poison is parked.

Not in CI (it runs for minutes); the same faults, once each, are tests/fault.
"""
import argparse
import email
import json
import mailbox
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kring.config import SERVICES  # noqa: E402
from kring.contracts.events import make_event  # noqa: E402
from kring.dlq import counts as parked_counts  # noqa: E402
from nameko.testing.utils import find_free_port  # noqa: E402
from services.notify.handlers import RECORDED_FROM_MARK  # noqa: E402
from tests.support.databases import Databases  # noqa: E402
from tests.support.directory import EXAMPLE_DIRECTORY  # noqa: E402
from tests.support.events import publish_many  # noqa: E402
from tests.support.processes import (RunningKring, SmtpServer, broker_stopped,  # noqa: E402
                                     clean_env)
from tests.support.sample import referral_body  # noqa: E402
from tests.support.walker import PlannedWalker, Walker  # noqa: E402

SECRET = "soak-secret-of-at-least-thirty-two-characters"
MANAGEMENT = "http://guest:guest@127.0.0.1:15672/api"
POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"  # where the throw-away one goes
FAULTS = ("kill -9", "broker restart", "smtp away", "events twice", "poison")
NOTICES = {"completed": ("start", "closure"), "declined": ("closure",),
           "withdrawn": ("start", "closure")}
POISON_CONSUMERS = ("matching", "notify")  # the consumers of referral_closed
POISON_KEY = "poison messages published (each parked by matching and notify)"
IGNORED = re.compile(r"event \S+ already applied by \S+: ignored")
FROM_MARK = re.compile(re.escape(RECORDED_FROM_MARK))


class Soak:
    def __init__(self, folder, walkers, postgres=False):
        self.vhost = f"kring-soak-{uuid.uuid4().hex[:8]}"
        requests.put(f"{MANAGEMENT}/vhosts/{self.vhost}", timeout=10).raise_for_status()
        requests.put(f"{MANAGEMENT}/permissions/{self.vhost}/guest", timeout=10,
                     json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
        self.amqp_uri = f"amqp://guest:guest@127.0.0.1:5672/{self.vhost}"
        self.data = Path(folder) / "data"
        self.databases = Databases(self.data, POSTGRES if postgres else None)
        self.smtp = SmtpServer(Path(folder) / "maildir")
        port = find_free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.kring = RunningKring([], clean_env(
            AMQP_URI=self.amqp_uri, KRING_DATA_DIR=str(self.data), KRING_SECRET=SECRET,
            KRING_HTTP_PORT=str(port), KRING_SMTP_HOST="127.0.0.1",
            KRING_SMTP_PORT=str(self.smtp.port), KRING_SMTP_FROM="kring@example.org",
            KRING_RETRY_DELAYS="0.2,1,3", KRING_NOTIFY_SWEEP_SECONDS="1",
            KRING_DIRECTORY=str(EXAMPLE_DIRECTORY),  # routes Utrecht to the walkers' coordinator
            **self.databases.env()))
        self.walkers = walkers
        self.plans = {}
        self.faults = Counter()
        self.kills = []  # when each kill -9 was sent (epoch seconds)
        self.poison_sent = 0
        self.crashes = 0
        # what the logs of processes now gone said: redeliveries the inbox ignored, notices
        # recorded from their marks
        self.ignored, self.from_marks = 0, 0
        self.earlier_log = []

    def start(self):
        self.smtp.start()
        self.kring.start()
        walker = Walker(self.url, SECRET)
        for n in range(4):
            walker.call("POST", "/supporters", walker.coordinator, {
                "name": f"Supporter {n}", "kind": "volunteer", "programmes": ["home-start"],
                "languages": ["nl"], "municipalities": ["Utrecht"], "capacity": 50,
                "expertise": ["parenting"]})
        walker.close()

    def stop(self):
        self.kring.kill()
        self.smtp.kill()
        self.databases.drop()
        requests.delete(f"{MANAGEMENT}/vhosts/{self.vhost}", timeout=10)

    # --- one round: submit, walk with several walkers, one fault on the way --------------------

    def round(self, number, size):
        walker = Walker(self.url, SECRET)
        plans = {}
        for n in range(size):
            body = referral_body(f"SOAK-{number}-{n}-{uuid.uuid4().hex[:6]}")
            referral_id = self._retrying(lambda: walker.submit(body))
            plans[referral_id] = ("declined" if n % 8 == 3 else
                                  "withdrawn" if n % 8 == 6 else "completed")
        walker.close()
        self.plans.update(plans)
        fault = FAULTS[number % len(FAULTS)]
        ids = list(plans)
        threads = [threading.Thread(target=self._walk, args=(ids[k::self.walkers], plans))
                   for k in range(self.walkers)]
        for thread in threads:
            thread.start()
        self.at_fault = self._when_under_way(ids)
        self._inject(fault, ids)
        for thread in threads:
            thread.join()
        self.faults[fault] += 1
        code = self.kring.process.poll()
        if code is not None:  # a crash the soak did not make is a finding: say it, start again
            print(f"kring exited by itself ({code}) in the {fault!r} round; its last words:\n"
                  + "".join(self.kring.log[-40:]), flush=True)
            self.crashes += 1
            self._restart()
        return fault

    def _restart(self):
        self.ignored += lines_saying(IGNORED, self.kring.log)
        self.from_marks += lines_saying(FROM_MARK, self.kring.log)
        self.earlier_log += self.kring.log
        self.kring.start()

    def _walk(self, ids, plans, timeout=60):  # what is left is walked again at the end
        walker = PlannedWalker(self.url, SECRET, plans)
        try:
            walker.walk(ids, timeout=timeout)
        finally:
            walker.close()

    def _when_under_way(self, ids, timeout=30):
        """Until a quarter of the round is past matching, so the fault lands mid-flow; returns
        {status: count} of the round at that moment."""
        deadline = time.monotonic() + timeout
        while True:
            seen = self._statuses(ids)
            moved = sum(n for status, n in seen.items()
                        if status not in ("received", "matching", "waitlisted"))
            if moved >= len(ids) // 4 or time.monotonic() > deadline:
                return seen
            time.sleep(0.05)

    def _statuses(self, ids):
        return self.databases.referral_statuses(ids)

    def _retrying(self, call, attempts=200):
        for _ in range(attempts):
            try:
                return call()
            except Exception:  # restarting or refusing (503): a client tries again shortly
                time.sleep(0.2)
        return call()

    def _inject(self, fault, ids):
        if fault == "kill -9":
            self.kills.append(time.time())
            self.kring.kill()
            self._restart()
        elif fault == "broker restart":
            with broker_stopped():  # started again whatever happens
                time.sleep(2)
        elif fault == "smtp away":
            self.smtp.kill()
            time.sleep(3)
            self.smtp = SmtpServer(self.smtp.folder, self.smtp.port).start()
        elif fault == "events twice":
            ids = set(ids)
            self._publish(*[(event["source"], event["type"], event, {})
                            for service in SERVICES for event in self._sent_events(service)
                            if event["referral_id"] in ids])
        elif fault == "poison":
            broken = make_event("referral", "referral_closed", ids[-1],
                                outcome="completed").to_message()
            broken["data"]["outcome"] = "exploded"
            self._publish(("referral", "referral_closed", b"{poison",
                           {"content_type": "application/json", "content_encoding": "binary"}),
                          ("referral", "referral_closed", broken, {}))
            self.poison_sent += 2

    def _sent_events(self, service):
        return [json.loads(body) for (body,) in self.databases.query(
            service, "SELECT body FROM outbox WHERE sent_at IS NOT NULL AND exchange IS NULL")]

    def _publish(self, *messages):
        publish_many(self.amqp_uri, *messages)

    # --- the count -------------------------------------------------------------------------------

    def count(self, settle_seconds):
        walker = PlannedWalker(self.url, SECRET, self.plans)
        walker.walk(list(self.plans), timeout=settle_seconds)
        outcomes, wrong, self.stuck = Counter(), 0, []
        for referral_id, plan in self.plans.items():
            view = self._retrying(lambda: walker.referral(referral_id))
            outcome = view["outcome"] if view["status"] == "closed" else "open"
            outcomes[outcome] += 1
            wrong += outcome not in ("open", plan)
            if outcome != plan:
                self.stuck.append((referral_id, plan, view["status"], view["outcome"],
                                   [entry["status"] for entry in view["timeline"]],
                                   {k: view[k] for k in ("proposal_id", "case_id",
                                                         "aftercare_id")}))
        walker.close()
        expected = {(r, kind) for r, plan in self.plans.items() for kind in NOTICES[plan]}
        deadline = time.monotonic() + settle_seconds
        while True:  # notices after an SMTP outage wait out their back-off (a kill -9 left
            mails = self._mails()  # none claimed: the restart on its data dir takes them back)
            pending = self._pending_notices()
            missing = [key for key in expected if not mails[key]]
            if (not missing and not pending) or time.monotonic() > deadline:
                break
            time.sleep(1)
        self.notice_trouble = {key: mails[key] for key in expected if mails[key] != 1}
        parked = parked_counts(self.amqp_uri)
        ignored = self.ignored + lines_saying(IGNORED, self.kring.log)
        from_marks = self.from_marks + lines_saying(FROM_MARK, self.kring.log)
        return {
            "referrals submitted": len(self.plans),
            "planned": dict(Counter(self.plans.values())),
            "closed, per outcome": {o: n for o, n in outcomes.items() if o != "open"},
            "closed with another outcome than planned": wrong,
            "lost (not closed)": outcomes["open"],
            "notices expected": len(expected),
            "notices missing": len(missing),
            "notices sent twice or more": sum(1 for key in expected if mails[key] > 1),
            "notices nobody expected": sum(n for key, n in mails.items() if key not in expected),
            "notices notify still holds unsent": len(pending),
            "notices recorded sent from their marks, not mailed again": from_marks,
            "dead-letter queues": parked,
            POISON_KEY: self.poison_sent,
            "redeliveries the inbox ignored": ignored,
            "ms from SMTP acceptance to notify's sent_at (median, p90, p99, max)":
                self._recording_lag(),
            "faults injected": dict(self.faults),
            "crashes nobody caused": self.crashes,
        }

    def before_a_kill(self, key):
        """For a notice mailed more than once: how many ms before the next kill -9 the server
        took its first copy (the Maildir file's time), or None when no kill followed it."""
        first = min(path.stat().st_mtime for path, mail in self._mail_files()
                    if (mail["X-Kring-Referral"], mail["X-Kring-Notice"]) == key)
        after = [kill for kill in self.kills if kill >= first]
        return round((min(after) - first) * 1000, 1) if after else None

    def _mail_files(self):
        for path in (self.smtp.folder / "new").iterdir():
            with open(path, "rb") as handle:
                yield path, email.message_from_binary_file(handle)

    def _mails(self):
        return Counter((m["X-Kring-Referral"], m["X-Kring-Notice"])
                       for m in mailbox.Maildir(str(self.smtp.folder), create=True))

    def _recording_lag(self):
        """How long each delivered notice stood accepted by the SMTP server before notify took
        its `sent_at`, just before it writes the notice's mark and records it: a kill -9 before
        the mark mails the notice twice (a mail server and our disk cannot commit together).
        Writing the mark is not in this figure; the count of notices mailed twice is the whole
        truth. The server's moment is its Maildir file's (written just before it answers 250)."""
        accepted = {}
        for path, mail in self._mail_files():
            key = (mail["X-Kring-Referral"], mail["X-Kring-Notice"])
            accepted[key] = max(accepted.get(key, 0), path.stat().st_mtime)  # the last copy
        rows = self.databases.query("notify", "SELECT referral_id, kind, sent_at FROM notices "
                                              "WHERE status = 'sent' AND channel = 'smtp'")
        lags = sorted((_utc_seconds(sent_at) - accepted[(referral_id, kind)]) * 1000
                      for referral_id, kind, sent_at in rows if (referral_id, kind) in accepted)
        if not lags:
            return None
        return tuple(round(lags[min(int(q * len(lags)), len(lags) - 1)], 1)
                     for q in (0.5, 0.9, 0.99, 1.0))

    def _pending_notices(self):
        return self.databases.query("notify", "SELECT referral_id, kind FROM notices "
                                              "WHERE status = 'pending'")


def _utc_seconds(stored):
    """A stored time in seconds since the epoch: PostgreSQL hands back an aware datetime,
    SQLite a naive string (we only ever store UTC)."""
    moment = stored if isinstance(stored, datetime) else datetime.fromisoformat(stored)
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


def lines_saying(pattern, log):
    """How many lines of kring's log match `pattern`."""
    return sum(bool(pattern.search(line)) for line in list(log))


def healthy(figures):
    parked = figures["dead-letter queues"]
    poison_only = all(n == (figures[POISON_KEY] if service in POISON_CONSUMERS else 0)
                      for service, n in parked.items())
    return poison_only and not any(figures[key] for key in (
        "closed with another outcome than planned", "lost (not closed)", "notices missing",
        "notices sent twice or more", "notices nobody expected",
        "notices notify still holds unsent", "crashes nobody caused"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--round-size", type=int, default=16)
    parser.add_argument("--walkers", type=int, default=4)
    parser.add_argument("--settle-seconds", type=int, default=180,
                        help="at the end, how long to wait for the last referrals and notices "
                             "(a notice waits out its retries' back-off; one a kill -9 left "
                             "claimed is taken back at once by the restart)")
    parser.add_argument("--postgres", action="store_true",
                        help="every service on the local PostgreSQL (a throw-away database, a "
                             "schema each) instead of SQLite")
    parser.add_argument("--keep", metavar="DIR",
                        help="keep the databases, the mailbox and kring's log in DIR")
    args = parser.parse_args()
    subprocess.run(["rabbitmqctl", "await_startup"], check=True, capture_output=True)
    with tempfile.TemporaryDirectory(prefix="kring-soak-") as temporary:
        folder = args.keep or temporary
        Path(folder).mkdir(parents=True, exist_ok=True)
        soak = Soak(folder, args.walkers, args.postgres)
        soak.start()
        started = time.monotonic()
        try:
            number = 0
            while time.monotonic() - started < args.minutes * 60:
                fault = soak.round(number, args.round_size)
                number += 1
                print(f"{time.monotonic() - started:6.0f} s  round {number}: {fault} when the "
                      f"round stood at {dict(soak.at_fault)}; {len(soak.plans)} referrals so far",
                      flush=True)
            print("settling: walking what is left, waiting for the last notices", flush=True)
            figures = soak.count(args.settle_seconds)
        finally:
            soak.stop()
            (Path(folder) / "kring.log").write_text("".join(soak.earlier_log + soak.kring.log))
    print(f"\nsoak of {args.minutes:g} min ({time.monotonic() - started:.0f} s with settling)")
    for name, value in figures.items():
        print(f"  {name}: {value}")
    for referral_id, plan, status, outcome, timeline, ids in soak.stuck:
        print(f"  not closed as planned: {referral_id} planned {plan}, is {status} ({outcome}); "
              f"timeline {timeline}; {ids}")
    for (referral_id, kind), n in soak.notice_trouble.items():
        ahead = soak.before_a_kill((referral_id, kind)) if n > 1 else None
        print(f"  {kind} notice of {referral_id}: {n} mails"
              + (f"; the first taken {ahead} ms before a kill -9" if ahead is not None else ""))
    if args.keep:
        print(f"  data, log and mailbox kept in {args.keep}")
    ok = healthy(figures)
    print("\nhealthy" if ok else "\nNOT healthy: see the figures above")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
