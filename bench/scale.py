"""How the database work of Kring's steps grows with the data: 1k, 10k and 100k referrals.

    .venv/bin/python bench/scale.py                       # 1k, 10k, 100k on SQLite
    .venv/bin/python bench/scale.py --sizes 1000 10000    # fewer
    .venv/bin/python bench/scale.py --postgres postgresql://postgres@127.0.0.1:5432/postgres

For each size bench/generate.py fills fresh databases (5,000 supporters at every size, a
waiting list of a tenth of the referrals); then each list operation's first and a deep page,
each lookup a step makes and the re-matching of the whole waiting list are timed through the
services' use cases (handlers) with a unit of work, as tests/integration do: the database work,
no HTTP, no broker. Each time is the median of --repeat runs (re-matching changes what it
matches: its first run is timed once, then a second run that finds nothing more to place).

It prints each time and its ratio to the smallest size's, flags a growth worse than linear,
and writes bench/results/scale-<when>.json (and a .png beside it when matplotlib is there).
bench/README.md "scale.py" says what the figures mean.
"""
import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402
from kring.clock import iso, utcnow  # noqa: E402
from kring.kit.access import Caller  # noqa: E402
from kring.kit import paging  # noqa: E402
from kring.kit.auth import Identity  # noqa: E402
from kring.kit.db import UnitOfWork, make_engine  # noqa: E402
from services.aftercare import handlers as aftercare  # noqa: E402
from services.aftercare import models as aftercare_models  # noqa: E402
from services.aftercare.outgoing import outgoing as aftercare_outgoing  # noqa: E402
from services.casework import handlers as casework  # noqa: E402
from services.casework import models as casework_models  # noqa: E402
from services.casework.outgoing import outgoing as casework_outgoing  # noqa: E402
from services.matching import handlers as matching  # noqa: E402
from services.matching import models as matching_models  # noqa: E402
from services.matching.outgoing import outgoing as matching_outgoing  # noqa: E402
from services.matching.scoring import best_candidate  # noqa: E402
from services.referral import commission_handlers  # noqa: E402
from services.referral import handlers as referral  # noqa: E402
from services.referral import models as referral_models  # noqa: E402
from services.referral.outgoing import outgoing as referral_outgoing  # noqa: E402
from tests.support.databases import Databases  # noqa: E402

SIZES = (1_000, 10_000, 100_000)
PAGE = 50
MODELS = {"referral": (referral_models.metadata, referral_outgoing),
          "matching": (matching_models.metadata, matching_outgoing),
          "casework": (casework_models.metadata, casework_outgoing),
          "aftercare": (aftercare_models.metadata, aftercare_outgoing)}
RESULTS = ROOT / "bench" / "results"


def caller(operation_id, org, role="coordinator"):
    return Caller(Identity(org, role, f"{role}-of-{org}"), operation_id)


# --- the list operations: a first page and a deep one ---------------------------------------
# Each is (name, service, call(uow, sample, deep)). A deep page is the middle of the list: with
# a cursor, the cursor of the row there (a client paging that far would hold it); with an
# offset, that offset.

def middle(db, sample, list_name):
    """Where a deep page of `list_name` starts, as the list's own query parameters: the cursor
    of the row in the middle of the list (kring.kit.paging), which a client paging that far
    would hold."""
    service, sql, size, params = MIDDLES[list_name]
    row = db.query(service, sql, **params(sample))[0]
    return {"cursor": paging.encode(*[_instant(value) for value in row[:size]])}


def _instant(value):
    """SQLite hands an instant's column back as text; the cursor holds it as an instant."""
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


def _middle_of(table, where, order):
    return (f"SELECT {order} FROM {table} WHERE {where} ORDER BY "
            + ", ".join(f"{column} {'DESC' if desc else 'ASC'}"
                        for column, desc in ORDERS[order])
            + f" LIMIT 1 OFFSET (SELECT COUNT(*) / 2 FROM {table} WHERE {where})")


# each list's sort key, as kring.kit.paging pages it: (column, descending)
ORDERS = {"created_at, id": (("created_at", True), ("id", True)),
          "commission_asked_at, id": (("commission_asked_at", False), ("id", False)),
          "position": (("position", False),)}
MIDDLES = {
    "listReferrals": ("referral", _middle_of("referrals", "coordinating_org = :org",
                                             "created_at, id"), 2,
                      lambda sample: {"org": sample["coordinator"]}),
    "listCommissionRequests": ("referral", _middle_of(
        "referrals", "municipality_code = :code AND commission_state = 'awaiting'",
        "commission_asked_at, id"), 2, lambda sample: {"code": sample["municipality"]}),
    "listSupporters": ("matching", _middle_of("supporters", "organisation = :org", "position"),
                       1, lambda sample: {"org": sample["supporter_org"]}),
}


def list_referrals(uow, sample, deep):
    query = {"limit": PAGE, "status": None, "cursor": None, **deep}
    return referral.list_referrals(uow, caller("listReferrals", sample["coordinator"]), query)


def list_commission_requests(uow, sample, deep):
    query = {"state": "awaiting", "limit": PAGE, "offset": 0, "cursor": None, **deep}
    return commission_handlers.list_commission_requests(
        uow, caller("listCommissionRequests", sample["municipality"], "municipality"), query)


def list_supporters(uow, sample, deep):
    query = {"limit": PAGE, "cursor": None, **deep}
    return matching.list_supporters(uow, caller("listSupporters", sample["supporter_org"]),
                                    query)


LISTS = (("listReferrals", "referral", list_referrals),
         ("listCommissionRequests", "referral", list_commission_requests),
         ("listSupporters", "matching", list_supporters))


# --- the lookups a step makes ---------------------------------------------------------------

def get_referral(uow, sample):
    return referral.get_referral(uow, caller("getReferral", sample["coordinator"]),
                                 sample["referral"])


def get_supporter(uow, sample):
    return matching.get_supporter(uow, caller("getSupporter", sample["supporter_org"]),
                                  sample["supporter"])


def candidate_search(uow, sample):
    """What recordIntake and every no do to find a family its supporter: its area's
    supporters (supporter_areas) with their load, then the best of them."""
    with uow:
        waiting = matching_models.Referrals(uow).get(sample["waiting"])
        return best_candidate(waiting, matching_models.Supporters(uow).serving(
            waiting.coordinator_org, waiting.programme, waiting.municipality))


def matching_lookup(uow, sample):
    """recordIntake's lookup of the referral, and an answer's of its proposals."""
    with uow:
        matching_models.Referrals(uow).get(sample["received"])
        return matching_models.Proposals(uow).of_referral(sample["received"])


def get_case(uow, sample):
    return casework.get_case(uow, caller("getCase", sample["case_org"]), sample["case"])


def get_aftercare(uow, sample):
    return aftercare.get_aftercare(uow, caller("getAftercare", sample["plan_org"]),
                                   sample["plan"])


LOOKUPS = (("getReferral", "referral", get_referral),
           ("getSupporter", "matching", get_supporter),
           ("recordIntake's lookup", "matching", matching_lookup),
           ("candidate search, one referral", "matching", candidate_search),
           ("getCase", "casework", get_case),
           ("getAftercare", "aftercare", get_aftercare))


def record_intake(uow, sample):
    """A whole recordIntake (it changes the referral: timed once)."""
    body = {"referral_id": sample["received"], "fits": True, "severity": "medium",
            "reason": "fits"}
    return matching.record_intake(uow, caller("recordIntake", sample["received_org"]), body,
                                  iso(utcnow()), lambda _referral_id: None)


# --- running it -----------------------------------------------------------------------------

class Bench:
    """A size's databases (tests/support/databases.py: SQLite files in a folder, or a
    throw-away PostgreSQL database with a schema per service) and units of work on them."""

    def __init__(self, folder, postgres=None):
        self.databases = Databases(folder, postgres)
        self.urls = self.databases.urls
        self.query = self.databases.query
        self.engines = {}

    def unit_of_work(self, service):
        if service not in self.engines:
            self.engines[service] = make_engine(self.urls[service])
        metadata, outgoing = MODELS[service]
        return UnitOfWork.on(self.engines[service], metadata, outgoing)

    def close(self):
        for engine in self.engines.values():
            engine.dispose()
        self.databases.drop()


def timed(call, repeat):
    """The median of `repeat` runs, in milliseconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(size, folder, postgres, repeat):
    """{what: milliseconds} at `size`, on databases made for it."""
    started = time.perf_counter()
    db = Bench(folder, postgres)
    try:
        sample = generate.generate(size, {s: db.urls[s] for s in generate.SERVICES})
        print(f"  {size:>7} referrals generated in {time.perf_counter() - started:.0f} s",
              flush=True)
        found = {}
        for name, service, call in LISTS:
            deep = middle(db, sample, name)
            found[f"{name}, first page"] = timed(
                lambda: call(db.unit_of_work(service), sample, {}), repeat)
            found[f"{name}, deep page"] = timed(
                lambda: call(db.unit_of_work(service), sample, deep), repeat)
        for name, service, call in LOOKUPS:
            found[name] = timed(lambda: call(db.unit_of_work(service), sample), repeat)
        found["recordIntake (once)"] = timed(
            lambda: record_intake(db.unit_of_work("matching"), sample), 1)
        made = []
        waiting = db.query("matching", "SELECT COUNT(*) FROM matching_referrals "
                                       "WHERE status = 'waitlisted'")[0][0]
        found[f"re-match the waiting list (first: {waiting} waiting)"] = timed(
            lambda: made.extend(matching.rematch_waiting_list(db.unit_of_work("matching"),
                                                              iso(utcnow()))), 1)
        found["re-match the waiting list (again, nothing free)"] = timed(
            lambda: matching.rematch_waiting_list(db.unit_of_work("matching"), iso(utcnow())),
            repeat)
        print(f"  {size:>7}: re-matching made {len(made)} proposals for {waiting} waiting",
              flush=True)
        return found, {"waiting": waiting, "proposals_made": len(made)}
    finally:
        db.close()


def report(results):
    """The table: each time per size, its ratio to the smallest size's, and a flag where it
    grew faster than the data."""
    sizes = sorted(results)
    smallest = sizes[0]
    names = list(dict.fromkeys(n.split(" (first")[0] for s in sizes for n in results[s]))
    lines = [f"{'':48}" + "".join(f"{size:>12,}" for size in sizes) + "   ratio to "
             f"{smallest:,}"]
    for name in names:
        row = [_find(results[size], name) for size in sizes]
        ratios = [t / row[0] if row[0] and t is not None else None for t in row]
        flags = [size for size, ratio in zip(sizes, ratios)
                 if ratio is not None and ratio > 1.5 * size / smallest]
        lines.append(f"{name[:47]:48}" + "".join(
            f"{t:>10.1f}ms" if t is not None else f"{'-':>12}" for t in row) + "   " +
            " ".join(f"{r:.1f}x" if r is not None else "-" for r in ratios) +
            ("   WORSE THAN LINEAR" if flags else ""))
    return "\n".join(lines)


def _find(found, name):
    return next((t for n, t in found.items() if n.split(" (first")[0] == name), None)


def draw(results, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    sizes = sorted(results)
    names = list(dict.fromkeys(n for s in sizes for n in results[s]))
    fig, ax = plt.subplots(figsize=(10, 6))
    for name in names:
        ax.plot(sizes, [_find(results[s], name.split(" (first")[0]) for s in sizes],
                marker="o", label=name.split(" (first")[0])
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("referrals")
    ax.set_ylabel("milliseconds (median)")
    ax.set_title("Kring's database work per step, by the number of referrals")
    ax.legend(fontsize="x-small")
    fig.tight_layout()
    fig.savefig(path)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--postgres", help="a PostgreSQL URL (default: SQLite files)")
    parser.add_argument("--keep", help="keep the SQLite files in this folder")
    args = parser.parse_args(argv)
    generate.install_keys()
    results, details = {}, {}
    folder = Path(args.keep or tempfile.mkdtemp(prefix="kring-scale-"))
    try:
        for size in sorted(args.sizes):
            results[size], details[size] = measure(size, folder / str(size), args.postgres,
                                                   args.repeat)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    table = report(results)
    print(table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"scale-{stamp}.json"
    path.write_text(json.dumps({"database": "postgresql" if args.postgres else "sqlite",
                                "repeat": args.repeat, "milliseconds": results,
                                "rematch": details}, indent=2), encoding="utf-8")
    print(f"written: {path}")
    drawn = draw(results, path.with_suffix(".png"))
    if drawn:
        print(f"drawn: {drawn}")


if __name__ == "__main__":
    main()
