"""Throughput and stage delay of Kring, side by side with bare nameko, on one machine.

    .venv/bin/python bench/throughput.py            # about 15 minutes on 2 busy cores
    .venv/bin/python bench/throughput.py --quick    # a few seconds per phase

Everything runs in the same run, on the local RabbitMQ (a fresh vhost per deployment, made
with the management API and deleted afterwards), with the same client (threads, a
requests.Session each) at the same concurrency:

- the ceiling: bench/bare_chain.py, a bare nameko `http` endpoint dispatching an event through
  a chain of five event handlers in other services, no database, in one process;
- Kring in three layouts: one `kring run` with all five services; one process per service
  behind bench/proxy.py; two replicas of each service behind it (replicas share their
  service's SQLite file, each has its own KRING_DATA_DIR). The one-process layout's intake is
  also measured through the proxy, to show what the proxy itself costs.

For each: the intake (`submitReferral` per second), the whole loop (referrals walked from
submission to `closed` by concurrent walkers; events per second from the outboxes), the delay
from a step's commit to each subscribed stage having applied it (outbox `created_at` to inbox
`handled_at`, read from the SQLite files after the phase), and a burst (submissions at full
rate, then how long until matching, and every stage, has applied every event of it).
After the loop it checks that nothing was done twice (bench/once.py): every referral the
walkers closed has `closed` once in its timeline and one start and one closure notice at the
bench's own mail catcher (aiosmtpd), which every Kring process mails its notices to.

It prints the figures and the ratios against the goals of bench/README.md, writes them to
bench/results/throughput-<time>.json and draws bench/results/throughput-<time>.png.
"""
import argparse
import json
import os
import platform
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import once  # noqa: E402
from bench.figures import (percentile, rate, ratio, seconds_since_epoch, stage_delays,  # noqa: E402
                           subscribers_of, summary, verdict)
from kring.client import ApiError  # noqa: E402
from kring.config import SERVICES  # noqa: E402
from kring.contracts.topology import SUBSCRIPTIONS  # noqa: E402
from kring.deployment import local_nginx_conf  # noqa: E402
from nameko.testing.utils import find_free_port  # noqa: E402
from tests.support.databases import Databases  # noqa: E402
from tests.support.directory import EXAMPLE_DIRECTORY  # noqa: E402
from tests.support.processes import (KRING, RunningKring, SmtpServer, _Process,  # noqa: E402
                                     clean_env)
from tests.support.sample import referral_body  # noqa: E402
from tests.support.walker import Walker  # noqa: E402

SECRET = "bench-secret-of-at-least-thirty-two-characters"
MANAGEMENT = "http://guest:guest@127.0.0.1:15672/api"
HOPS = 5  # bench/bare_chain.py's chain
SUBSCRIBERS = subscribers_of(SUBSCRIPTIONS)
GOALS = {"intake share of the bare endpoint": 0.85, "loop events/s share of bare hops/s": 0.60,
         "stage delay p99 at half load (ms)": 100, "caught up after the burst (s)": 1.0}
BELOW = {"stage delay p99 at half load (ms)", "caught up after the burst (s)"}  # lower is better
ONCE = "nothing done twice"  # bench/once.py
LAYOUTS = {"one process": {"processes": None, "proxy": False},
           "one process via proxy": {"processes": None, "proxy": True, "intake_only": True},
           "process per service": {"processes": 1, "proxy": True},
           "two replicas per service": {"processes": 2, "proxy": True}}


# --- the broker and the processes ----------------------------------------------------------------

class Vhost:
    def __init__(self, label):
        self.name = f"kring-bench-{label}-{uuid.uuid4().hex[:6]}"
        requests.put(f"{MANAGEMENT}/vhosts/{self.name}", timeout=10).raise_for_status()
        requests.put(f"{MANAGEMENT}/permissions/{self.name}/guest", timeout=10,
                     json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
        self.amqp_uri = f"amqp://guest:guest@127.0.0.1:5672/{self.name}"

    def delete(self):
        requests.delete(f"{MANAGEMENT}/vhosts/{self.name}", timeout=10)


class Started(_Process):
    """A process of the bench's own (the bare chain, the proxy), ready when it says so."""

    def __init__(self, command, ready_line, env=None):
        super().__init__()
        self.command, self.ready_line, self.env = command, ready_line, env

    def start(self):
        self._start(self.command, self.env)
        return self


def nginx_binary():
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                     else None)


def gateway(kind, port, upstreams, folder):
    """The entrance in front of `upstreams` ({service: ["127.0.0.1:port", ...]}) on `port`:
    nginx with kring.deployment's local configuration, as the deploy files have it, or
    bench/proxy.py where this machine has no nginx."""
    if kind == "proxy":
        return Started([sys.executable, str(ROOT / "bench" / "proxy.py"), str(port),
                        json.dumps(upstreams)], "proxy is running").start()
    folder.mkdir(parents=True, exist_ok=True)
    conf = folder / "nginx.conf"
    conf.write_text(local_nginx_conf(upstreams, port, folder))
    # its notices on stderr as well: "start worker process" comes once it listens
    return Started([nginx_binary(), "-p", str(folder), "-e", "stderr", "-c", str(conf),
                    "-g", "daemon off; error_log stderr notice;"],
                   "start worker process").start()


class BareChain:
    def __init__(self):
        self.vhost = Vhost("bare")
        self.port = find_free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = Started([sys.executable, str(ROOT / "bench" / "bare_chain.py"),
                                str(self.port), self.vhost.amqp_uri], "bare chain is running")

    def start(self):
        self.process.start()
        return self

    def stats(self, since=None):
        """Counts; with `since`, the hop delays from the since-th on."""
        params = {} if since is None else {"since": since}
        return requests.get(f"{self.url}/api/v1/hops/stats", params=params, timeout=30).json()

    def stop(self):
        self.process.kill()
        self.vhost.delete()


class ProfiledKring(RunningKring):
    """`kring run` under bench/sampler.py, which writes its report to `report` when kring
    stops gracefully (SIGTERM)."""

    def __init__(self, args, env, report):
        super().__init__(args, env)
        self.report = report

    def start(self):
        self.log.clear()
        self._start([sys.executable, str(ROOT / "bench" / "sampler.py"), str(self.report),
                     KRING, "run", *self.args], self.env)
        return self


class KringDeployment:
    """Kring in one layout: its processes, its databases (SQLite, one file per service, shared
    by that service's replicas), and the URL a client calls."""

    def __init__(self, folder, label, processes, proxy, profile=None, gateway="proxy"):
        self.vhost = Vhost(label.replace(" ", "-"))
        self.folder = Path(folder)
        self.databases = Databases(self.folder / "db")
        (self.folder / "db").mkdir(parents=True, exist_ok=True)
        self.smtp = SmtpServer(self.folder / "maildir")  # plain SMTP on loopback
        self.processes, self.proxy = [], None
        self.upstreams = {}
        groups = [[]] if processes is None else [[s] for s in SERVICES]
        replicas = 1 if processes is None else processes
        self.plan = []  # (services, replica number, port)
        for replica in range(replicas):
            for services in groups:
                self.plan.append((services, replica, find_free_port()))
        self.proxied = proxy
        self.gateway = gateway  # in front of the processes: "nginx" or "proxy" (bench/proxy.py)
        self.profile = profile  # where bench/sampler.py's report goes (one process only)
        self.url = None

    def _env(self, services, replica, port):
        name = "-".join(services) or "all"
        return clean_env(
            AMQP_URI=self.vhost.amqp_uri, KRING_SECRET=SECRET, KRING_HTTP_PORT=str(port),
            KRING_DATA_DIR=str(self.folder / f"data-{name}-{replica}"),
            KRING_SMTP_HOST="127.0.0.1", KRING_SMTP_PORT=str(self.smtp.port),
            KRING_DIRECTORY=str(EXAMPLE_DIRECTORY), **self.databases.env())

    def start(self):
        self.smtp.start()
        # first replicas together (each makes its own database), then the second ones
        for replica in sorted({replica for _, replica, _ in self.plan}):
            batch = [ProfiledKring(services, self._env(services, replica, port), self.profile)
                     if self.profile else
                     RunningKring(services, self._env(services, replica, port))
                     for services, r, port in self.plan if r == replica]
            threads = [threading.Thread(target=kring.start) for kring in batch]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            for kring in batch:
                if kring.process is None or kring.process.poll() is not None:
                    raise RuntimeError("a kring process did not start:\n" + "".join(kring.log))
            self.processes += batch
        for services, _, port in self.plan:
            for service in services or ["all"]:
                self.upstreams.setdefault(service, []).append(f"127.0.0.1:{port}")
        if self.proxied:
            port = find_free_port()
            upstreams = self.upstreams if "all" not in self.upstreams else {
                service: self.upstreams["all"] for service in SERVICES}
            self.proxy = gateway(self.gateway, port, upstreams, self.folder / "gateway")
            self.url = f"http://127.0.0.1:{port}"
        else:
            self.url = f"http://127.0.0.1:{self.plan[0][2]}"
        return self

    def register_supporters(self, count=8):
        walker = Walker(self.url, SECRET)
        for n in range(count):
            walker.call("POST", "/supporters", walker.coordinator, {
                "name": f"Supporter {n}", "kind": "volunteer", "programmes": ["home-start"],
                "languages": ["nl"], "municipalities": ["Utrecht"], "capacity": 50,
                "expertise": ["parenting"]})
        walker.close()

    def stop(self):
        for kring in self.processes:
            if self.profile:  # gracefully, or the sampler writes nothing
                try:
                    kring.stop(timeout=60)
                except Exception:
                    pass
            kring.kill()
        if self.proxy is not None:
            self.proxy.kill()
        self.smtp.kill()
        self.databases.drop()
        self.vhost.delete()

    def cpu_seconds(self):
        """CPU time (user and system) the Kring processes have used so far: what a unit of
        work costs, which other people's load on the machine moves far less than a rate."""
        return sum(process_cpu_seconds(kring.process.pid) for kring in self.processes)

    def crashed(self):
        return [kring for kring in self.processes if kring.process.poll() is not None]

    # what the databases hold: the events each service committed, and what each applied, from
    # `since` (epoch seconds) on: SQLite keeps UTC times as text that sorts as it reads
    def sent(self, since=0):
        rows = []
        for service in SERVICES:
            for event_id, event_type, created in self.databases.query(
                    service, "SELECT event_id, event_type, created_at FROM outbox "
                             "WHERE exchange IS NULL AND created_at >= :since",
                    since=stored_time(since)):
                rows.append((service, event_id, event_type, seconds_since_epoch(created)))
        return rows

    def unsent(self):
        return sum(self.databases.query(service, "SELECT count(*) FROM outbox "
                                                 "WHERE sent_at IS NULL")[0][0]
                   for service in SERVICES)

    def mails(self):
        """(referral id, kind) of every notice at the mail catcher, one pair per copy."""
        return [(mail["X-Kring-Referral"], mail["X-Kring-Notice"])
                for mail in self.smtp.messages()]

    def timelines(self, referral_ids):
        """{referral id: [status of each timeline entry]}, as the referral service stored them
        (the timeline is plain JSON: only the family's details are sealed)."""
        rows = self.databases.query("referral", "SELECT id, timeline FROM referrals "
                                                "WHERE id IN :ids", expanding=("ids",),
                                    ids=list(referral_ids))
        return {referral_id: [entry["status"] for entry in
                              (json.loads(timeline) if isinstance(timeline, str) else timeline)]
                for referral_id, timeline in rows}

    def handled(self, since=0):
        found = {}
        for service in SERVICES:
            for event_id, handler, at in self.databases.query(
                    service, "SELECT event_id, handler, handled_at FROM inbox "
                             "WHERE handled_at >= :since", since=stored_time(since)):
                found[(service, handler, event_id)] = seconds_since_epoch(at)
        return found

def process_cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def stored_time(epoch):
    """Epoch seconds as SQLite holds a UTC time (text), to compare with a stored one."""
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


# --- the client ----------------------------------------------------------------------------------

def hammer(concurrency, seconds, make_call):
    """`concurrency` threads, each calling its own make_call() result over and over for
    `seconds`; returns {requests, errors, seconds, latency_ms, rate, started, ended}."""
    latencies, errors = [], []
    start = time.time()
    deadline = start + seconds

    def work():
        call = make_call()
        while time.time() < deadline:
            began = time.perf_counter()
            try:
                call()
            except Exception as exc:  # a failure is counted, not fatal
                errors.append(str(exc)[:200])
                continue
            latencies.append((time.perf_counter() - began) * 1000)

    threads = [threading.Thread(target=work) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ended = time.time()
    return {"requests": len(latencies), "errors": len(errors), "error_sample": errors[:3],
            "seconds": round(ended - start, 2), "rate": rate(len(latencies), ended - start),
            "latency_ms": summary(latencies), "started": start, "ended": ended}


def submitter(url, label):
    """A make_call for hammer(): POST the sample referral (a fresh external_ref each time)."""
    def make_call():
        walker = Walker(url, SECRET)

        def call():
            walker.submit(referral_body(f"BENCH-{label}-{uuid.uuid4().hex[:12]}"))
        return call
    return make_call


def bare_submitter(url):
    def make_call():
        session = requests.Session()

        def call():
            response = session.post(f"{url}/api/v1/hops", timeout=30,
                                    json=referral_body(f"BARE-{uuid.uuid4().hex[:12]}"))
            response.raise_for_status()
        return call
    return make_call


def walk_loop(url, concurrency, seconds, pause, grace=60):
    """Walkers, each carrying one referral at a time from submission to `closed` through every
    step (tests.support.walker), starting new ones for `seconds`; what was started finishes
    within `grace`. Returns {closed, closed_ids, unfinished, errors, started, ended,
    per_referral_ms}."""
    start = time.time()
    deadline = start + seconds
    closed, durations, errors, unfinished, reads = [], [], [], [], []

    def work():
        walker = Walker(url, SECRET)
        while time.time() < deadline:
            try:
                began = time.time()
                referral_id = walker.submit(referral_body(f"LOOP-{uuid.uuid4().hex[:12]}"))
            except (ApiError, requests.RequestException) as exc:
                errors.append(str(exc)[:200])
                continue
            while True:
                try:
                    reads.append(1)
                    status = walker.step(referral_id)
                except (ApiError, requests.RequestException) as exc:
                    errors.append(str(exc)[:200])
                    status = None
                if status == "closed":
                    closed.append((time.time(), referral_id))
                    durations.append((time.time() - began) * 1000)
                    break
                if time.time() > deadline + grace:
                    unfinished.append(referral_id)
                    break
                time.sleep(pause)  # the next stage works by events: give it a moment
        walker.close()

    threads = [threading.Thread(target=work) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ended = max(at for at, _ in closed) if closed else time.time()
    return {"closed": len(closed), "closed_ids": [referral for _, referral in closed],
            "unfinished": len(unfinished), "errors": len(errors),
            "reads": len(reads),
            "error_sample": errors[:3], "started": start, "ended": ended,
            "per_referral_ms": summary(durations)}


# --- the phases ------------------------------------------------------------------------------------

def measure_bare(chain, concurrency, seconds):
    before = chain.stats()
    load = hammer(concurrency, seconds, bare_submitter(chain.url))
    target = before["handled"][HOPS] + load["requests"]
    deadline = time.time() + 120
    while True:  # until the last hop of every request has been handled
        stats = chain.stats()
        if stats["handled"][HOPS] >= target or time.time() > deadline:
            break
        time.sleep(0.05)
    hops = HOPS * load["requests"]
    span = (stats["last_handled"] or load["ended"]) - load["started"]
    delays = chain.stats(since=before["delays_count"])["delays_ms"]
    return {"concurrency": concurrency, "http": strip(load), "hops": hops,
            "hops_per_s": rate(hops, span), "hop_delay_ms": summary(delays),
            "chain_finished_s_after_load": round((stats["last_handled"] or 0) - load["ended"], 2)}


def measure_intake(kring, concurrency, seconds, label):
    load = hammer(concurrency, seconds, submitter(kring.url, label))
    return {"concurrency": concurrency, "http": strip(load)}


def measure_loop(kring, concurrency, seconds, pause):
    cpu = kring.cpu_seconds()
    loop = walk_loop(kring.url, concurrency, seconds, pause)
    cpu = kring.cpu_seconds() - cpu
    sent, handled = kring.sent(loop["started"]), kring.handled(loop["started"])
    events = [row for row in sent if loop["started"] <= row[3] < loop["ended"]]
    applied = [at for at in handled.values() if loop["started"] <= at < loop["ended"]]
    span = loop["ended"] - loop["started"]
    delays, missing = stage_delays(sent, handled, SUBSCRIBERS, loop["started"], loop["ended"])
    return {"concurrency": concurrency, "closed": loop["closed"],
            "closed_ids": loop["closed_ids"],  # for once.check; not among the figures
            "unfinished": loop["unfinished"], "errors": loop["errors"],
            "error_sample": loop["error_sample"], "seconds": round(span, 2),
            "referrals_per_s": rate(loop["closed"], span),
            "reads_per_s": rate(loop["reads"], span),  # the walkers' polling (GET referral)
            "events": len(events), "events_per_s": rate(len(events), span),
            "handlings_per_s": rate(len(applied), span),
            # the walkers' last referrals finish after the phase: a slight overestimate
            "cpu_ms_per_event": rate(cpu * 1000, len(events)),
            "per_referral_ms": loop["per_referral_ms"],
            "stage_delay_ms": summary(delays), "stage_delay_missing": missing}


def measure_burst(kring, concurrency, seconds, timeout=120):
    """Submissions at full rate for `seconds`, then how long until matching has applied every
    referral_received of the burst, and until every stage has applied every event since the
    burst began (two clean readings in a row, with nothing left unsent in any outbox)."""
    cpu = kring.cpu_seconds()
    load = hammer(concurrency, seconds, submitter(kring.url, "burst"))
    start, end = load["started"], load["ended"]
    matching_at = everyone_at = None
    clean_checks, missing, unsent = 0, None, None
    deadline = time.time() + timeout
    while time.time() < deadline and everyone_at is None:
        handled = kring.handled(start)  # inboxes first: what is committed after is not judged
        sent = kring.sent(start)
        received = [row for row in sent if row[2] == "referral_received" and row[3] >= start]
        if matching_at is None and len(received) >= load["requests"] and all(
                ("matching", "on_referral", row[1]) in handled for row in received):
            matching_at = time.time()
        _, missing = stage_delays(sent, handled, SUBSCRIBERS, start)
        unsent = kring.unsent()
        clean_checks = clean_checks + 1 if (not missing and not unsent and matching_at) else 0
        if clean_checks == 2:  # twice in a row: nothing in flight between the two readings
            everyone_at = time.time()
        time.sleep(0.1)
    cpu = kring.cpu_seconds() - cpu  # the submissions and every stage's work on them
    sent, handled = kring.sent(start), kring.handled(start)
    matching = [(handled[("matching", "on_referral", row[1])] - row[3]) * 1000 for row in sent
                if row[2] == "referral_received" and row[3] >= start
                and ("matching", "on_referral", row[1]) in handled]
    last_applied = max((at for at in handled.values() if at >= start), default=None)
    return {"concurrency": concurrency, "http": strip(load),
            "matching_caught_up_s": round(matching_at - end, 2) if matching_at else None,
            "every_stage_caught_up_s": round(everyone_at - end, 2) if everyone_at else None,
            "last_inbox_row_s_after_burst": round(last_applied - end, 2)
            if last_applied else None,
            "not_applied_at_the_end": missing, "unsent_at_the_end": unsent,
            "received_to_matching_ms": summary(matching),
            "cpu_ms_per_submission": rate(cpu * 1000, load["requests"])}


def strip(load):
    return {key: value for key, value in load.items() if key not in ("started", "ended")}


# --- the run -------------------------------------------------------------------------------------

def load_average():
    return [round(x, 2) for x in os.getloadavg()]


def run(args, say):
    results = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "machine": {"host": socket.gethostname(), "cpus": os.cpu_count(),
                           "python": platform.python_version(),
                           "load_average_at_start": load_average()},
               "settings": {"concurrency": args.concurrency, "seconds": args.seconds,
                            "walker_pause": args.pause,
                            "burst_seconds": args.burst_seconds, "quick": args.quick,
                            "gateway": args.gateway},
               "bare": [], "kring": {}}
    levels = sorted({max(1, args.concurrency // 2), args.concurrency})
    # The bare chain runs for the whole run and is measured right before each layout's
    # intake, at the same concurrency: a machine whose load drifts shifts both alike.
    chain = BareChain().start()
    try:
        with tempfile.TemporaryDirectory(prefix="kring-bench-") as folder:
            for label, layout in LAYOUTS.items():
                if label in args.layouts:
                    measure_layout(results, chain, Path(folder), label, layout, levels, args,
                                   say)
    finally:
        chain.stop()
    results["machine"]["load_average_at_end"] = load_average()
    results["ratios"] = ratios(results)
    return results


def measure_layout(results, chain, folder, label, layout, levels, args, say):
    profile = args.profile if label == "one process" else None
    kring = KringDeployment(folder / label.replace(" ", "-"), label, layout["processes"],
                            layout["proxy"], profile, args.gateway)
    figures = results["kring"][label] = {"processes": len(kring.plan), "intake": [],
                                         "loop": []}
    try:
        began = time.time()
        kring.start()
        say(f"{label}: {len(kring.plan)} kring process(es) ready in {time.time() - began:.0f} s")
        kring.register_supporters()
        if profile:  # the sampler forgets the start: the report is about the load
            kring.processes[0].process.send_signal(signal.SIGUSR1)
        if not layout.get("intake_only"):
            closed = []
            for level in levels:  # the loop first: the intake's referrals stay open
                loop = measure_loop(kring, level, args.seconds, args.pause)
                closed += loop.pop("closed_ids")
                figures["loop"].append(loop)
                say(f"  loop, {level} walkers: {loop['referrals_per_s']} referrals/s, "
                    f"{loop['events_per_s']} events/s, stage delay {loop['stage_delay_ms']} "
                    f"({loop['unfinished']} unfinished, {loop['errors']} errors), "
                    f"{loop['cpu_ms_per_event']} ms CPU per event")
            done = figures["once"] = once.check(closed, kring.mails, kring.timelines)
            say(f"  once: {done['referrals_checked']} closed referrals checked, "
                f"{done['closed_twice']} closed twice, {done['notices_missing']} notices "
                f"missing, {done['notices_twice']} notices mailed twice: "
                f"{'nothing done twice' if once.held(done) else 'NOT HELD'}")
        for level in levels:
            bare = measure_bare(chain, level, args.seconds)
            bare["next_to"] = label
            results["bare"].append(bare)
            say(f"  bare nameko, {level} clients: http {bare['http']['rate']}/s, "
                f"{bare['hops_per_s']} hops/s, hop delay {bare['hop_delay_ms']}")
            intake = measure_intake(kring, level, args.seconds, label.replace(" ", ""))
            figures["intake"].append(intake)
            say(f"  intake, {level} clients: {intake['http']['rate']}/s, latency "
                f"{intake['http']['latency_ms']} ({intake['http']['errors']} errors)")
        if not layout.get("intake_only"):
            burst = figures["burst"] = measure_burst(kring, args.concurrency, args.burst_seconds)
            say(f"  burst of {burst['http']['requests']} in {burst['http']['seconds']} s: "
                f"matching caught up {burst['matching_caught_up_s']} s after it, every stage "
                f"{burst['every_stage_caught_up_s']} s after it; "
                f"{burst['cpu_ms_per_submission']} ms CPU per submission")
        crashed = kring.crashed()
        if crashed:
            figures["crashed"] = ["".join(k.log[-20:]) for k in crashed]
            say(f"  {len(crashed)} process(es) exited on their own")
    finally:
        kring.stop()


def at_level(rows, level):
    for row in rows:
        if row["concurrency"] == level:
            return row
    return None


def ratios(results):
    """Every layout against the bare chain at full concurrency, and the goals."""
    full = results["settings"]["concurrency"]
    half = max(1, full // 2)
    out = {}
    for label, figures in results["kring"].items():
        bare = at_level([row for row in results["bare"] if row["next_to"] == label], full)
        intake = at_level(figures["intake"], full)
        loop = at_level(figures["loop"], full)
        loop_half = at_level(figures["loop"], half)
        burst = figures.get("burst") or {}
        shares = {
            "intake share of the bare endpoint":
                ratio(intake and intake["http"]["rate"], bare and bare["http"]["rate"]),
            "loop events/s share of bare hops/s":
                ratio(loop and loop["events_per_s"], bare and bare["hops_per_s"]),
            "stage delay p99 at half load (ms)":
                loop_half and loop_half["stage_delay_ms"]["p99"],
            "caught up after the burst (s)": burst.get("every_stage_caught_up_s"),
        }
        if not figures["loop"]:  # an intake-only layout
            shares = {name: shares[name] for name in ("intake share of the bare endpoint",)}
        out[label] = {name: {"value": value, "goal": GOALS[name],
                             "verdict": verdict(value, GOALS[name], below=name in BELOW)}
                      for name, value in shares.items()}
        if "once" in figures:  # a promise of the replicas, checked in every layout with a loop
            held = once.held(figures["once"])
            out[label][ONCE] = {"value": held, "goal": True,
                                "verdict": "met" if held else "not met"}
    return out


def draw(results, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, middle, right, last) = plt.subplots(1, 4, figsize=(21, 5))
    bare = results["bare"]
    levels = sorted({row["concurrency"] for row in bare})

    def bare_mean(figure):
        return [sum(figure(r) for r in bare if r["concurrency"] == level)
                / sum(1 for r in bare if r["concurrency"] == level) for level in levels]
    for axis, figure, name in (
            (left, lambda r: r["http"]["rate"], "bare http+dispatch"),
            (middle, lambda r: r["hops_per_s"], "bare chain hops"),
            (right, lambda r: r["hop_delay_ms"]["p99"], "bare hop p99")):
        axis.plot([r["concurrency"] for r in bare], [figure(r) for r in bare], "kx")
        axis.plot(levels, bare_mean(figure), "k--", label=f"{name} (x: each, --: mean)")
    # a layout keeps its colour in every panel, also where another layout has no line
    for number, (label, figures) in enumerate(results["kring"].items()):
        name, colour = f"{label} ({figures['processes']} proc.)", f"C{number}"
        left.plot([r["concurrency"] for r in figures["intake"]],
                  [r["http"]["rate"] for r in figures["intake"]], "-o", color=colour,
                  label=name)
        if figures["loop"]:
            xs = [r["concurrency"] for r in figures["loop"]]
            middle.plot(xs, [r["events_per_s"] for r in figures["loop"]], "-o", color=colour,
                        label=name)
            right.plot(xs, [r["stage_delay_ms"]["p99"] for r in figures["loop"]], "-o",
                       color=colour, label=f"{name} p99")
            right.plot(xs, [r["stage_delay_ms"]["median"] for r in figures["loop"]], ":",
                       color=colour, label=f"{name} median")
    left.set(title="intake: requests/s", xlabel="client threads", ylabel="per second")
    middle.set(title="whole loop: events/s (bare: hops/s)", xlabel="walkers",
               ylabel="per second")
    right.set(title="commit to next stage applied (ms)", xlabel="walkers", ylabel="ms",
              yscale="log")
    draw_processes(results, last)
    for axis in (left, middle, right, last):
        axis.legend(fontsize=7)
        axis.grid(alpha=0.3)
    machine = results["machine"]
    fig.suptitle(f"Kring vs bare nameko, {results['date']} on {machine['cpus']} CPUs, load "
                 f"average {machine['load_average_at_start'][0]} at start, "
                 f"{machine['load_average_at_end'][0]} at end")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def draw_processes(results, axis):
    """Intake and loop rate at full concurrency against the number of Kring processes, each as
    a share of the bare chain measured next to it."""
    layouts = [(figures["processes"], label) for label, figures in results["kring"].items()
               if figures["loop"]]
    layouts.sort()
    xs = [processes for processes, _ in layouts]
    for name, marker in (("intake share of the bare endpoint", "-o"),
                         ("loop events/s share of bare hops/s", "-s")):
        axis.plot(xs, [(results["ratios"][label][name]["value"] or 0) * 100
                       for _, label in layouts], marker, label=name)
    axis.axhline(85, color="C0", linestyle=":", label="goal: intake 85 %")
    axis.axhline(60, color="C1", linestyle=":", label="goal: loop 60 %")
    axis.set(title=f"share of bare nameko at {results['settings']['concurrency']} clients",
             xlabel="kring processes (1, one per service, two per service)",
             ylabel="% of bare", xticks=xs)


def report(results, say):
    say("\nratios against the goals (bench/README.md), at full concurrency:")
    for label, shares in results["ratios"].items():
        say(f"  {label}:")
        for name, figure in shares.items():
            value = figure["value"]
            shown = f"{value:.0%}" if "share" in name and value is not None else value
            say(f"    {name}: {shown} (goal {figure['goal']}): {figure['verdict']}")
    checked = [label for label, shares in results["ratios"].items() if ONCE in shares]
    failed = [label for label in checked if not results["ratios"][label][ONCE]["value"]]
    if checked:
        say(f"{ONCE}: " + (f"NOT in {', '.join(failed)}" if failed else
                           f"held in every layout checked ({', '.join(checked)})"))


def interrupted(signum, frame):
    """A SIGTERM ends the run as ^C does: the processes, the vhosts and the files go with it."""
    raise KeyboardInterrupt


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few seconds per phase")
    parser.add_argument("--concurrency", type=int, default=8,
                        help="client threads (and walkers) at full load; half of it is half load")
    parser.add_argument("--seconds", type=float, help="each measured phase (default 20, quick 4)")
    parser.add_argument("--burst-seconds", type=float, help="the burst (default 20, quick 4)")
    parser.add_argument("--layouts", nargs="*", default=list(LAYOUTS), choices=list(LAYOUTS),
                        metavar="LAYOUT", help=f"of {', '.join(LAYOUTS)} (default: all)")
    parser.add_argument("--pause", type=float, default=0.1,
                        help="how long a walker waits before reading its referral again when "
                             "the next stage has not moved it yet (seconds; as the tests' Walker)")
    parser.add_argument("--profile", metavar="FILE",
                        help="run the one-process layout's kring under bench/sampler.py and "
                             "write its report to FILE")
    parser.add_argument("--gateway", choices=["auto", "nginx", "proxy"], default="auto",
                        help="in front of the layouts with a proxy: nginx (kring.deployment's "
                             "local configuration) or bench/proxy.py; auto: nginx if installed")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"),
                        help="folder for the JSON and the PNG")
    parser.add_argument("--draw", metavar="JSON", help="only draw the PNG of a results file")
    args = parser.parse_args()
    if args.draw:
        draw(json.loads(Path(args.draw).read_text()), Path(args.draw).with_suffix(".png"))
        return 0
    signal.signal(signal.SIGTERM, interrupted)
    args.seconds = args.seconds or (4 if args.quick else 20)
    args.burst_seconds = args.burst_seconds or (4 if args.quick else 20)
    if args.gateway == "auto":
        args.gateway = "nginx" if nginx_binary() else "proxy"
    elif args.gateway == "nginx" and not nginx_binary():
        parser.error("no nginx here: scripts/ensure_services.py --nginx installs it")

    def say(line):
        print(line, flush=True)

    results = run(args, say)
    report(results, say)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = results["date"].replace(":", "").replace("+0000", "Z")
    (out / f"throughput-{stamp}.json").write_text(json.dumps(results, indent=2) + "\n")
    try:
        draw(results, out / f"throughput-{stamp}.png")
    except ImportError:
        say("matplotlib is not installed: no PNG (pip install -c constraints.txt -e '.[bench]')")
    say(f"\nfigures in {out / f'throughput-{stamp}.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
