"""Fill each service's database with N referrals and 5,000 supporters, for bench/scale.py.

    .venv/bin/python bench/generate.py --size 100000 --folder var/bench-scale/100k
    .venv/bin/python bench/generate.py --size 10000 --postgres postgresql://postgres@127.0.0.1/x

Rows go straight into the tables (bulk INSERTs through the services' models), not through the
API: a hundred thousand referrals over HTTP would take hours. Every database is first brought
to the newest revision, as a service does when it starts, so the indexes are the ones shipped.

What is made (bench/README.md "scale.py"): the referrals spread over the programmes, 40
municipalities of five coordinating organisations, 50 referring organisations and every stage;
matching's profile of each; 5,000 supporters of those organisations (one or two programmes,
one to three of their organisation's municipalities, up to 4 families each), the matched
families taking their capacity, one supporter in fifty with a place left; a case for each
match, aftercare for a third of them; and a waiting list of a tenth of the referrals (10,000
at 100k). Deterministic: the same size, the same rows.
"""
import argparse
import csv
import random
import sys
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kring.clock import iso  # noqa: E402
from kring.kit import crypto  # noqa: E402
from kring.kit.db import make_engine  # noqa: E402
from kring.kit.migrations import migrate  # noqa: E402
from services.aftercare import models as aftercare  # noqa: E402
from services.casework import models as casework  # noqa: E402
from services.matching import models as matching  # noqa: E402
from services.matching.supporter import Supporter  # noqa: E402
from services.referral import models as referral  # noqa: E402
from services.referral.directory import Route  # noqa: E402
from services.referral.domain import Referral  # noqa: E402

SERVICES = ("referral", "matching", "casework", "aftercare")
SECRET = "bench-scale-secret-not-for-real-data"  # scale.py opens the rows with the same key
PROGRAMMES = {"home-start": ("volunteer", "professional"),
              "family-help": ("volunteer", "professional"),
              "individual-guidance": ("volunteer", "professional"),
              "family-trajectory": ("professional",)}  # kring/programmes: who may support
COORDINATORS = [f"provider-{n}" for n in range(1, 6)]
REFERRERS = [f"referrer-{n:02}" for n in range(1, 51)]
LANGUAGES = ("tr", "ar", "pl", "en")
SUPPORTERS = 5000
WAITING_SHARE = 10  # one referral in ten waits
START = datetime(2025, 1, 1, tzinfo=timezone.utc)
BATCH = 5000
# matching's status of a referral, the referral service's, and how many in a hundred
STAGES = (("received", "received", 10), ("declined", "closed", 8), ("matching", "matching", 7),
          ("matched", "in_progress", 45), ("over", "closed", 20))


def municipalities():
    """The first 40 municipalities of the register, eight per coordinating organisation."""
    with open(ROOT / "services/referral/municipalities.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))[:40]
    return [(row["code"], row["name"], COORDINATORS[i // 8]) for i, row in enumerate(rows)]


def urls(folder=None, postgres=None):
    """Each service's database: a SQLite file in `folder` (named as tests/support/databases.py
    names them), or a schema of its own (which must exist) in the PostgreSQL database at
    `postgres`."""
    if postgres:
        return {s: f"{postgres}?options=-csearch_path%3D{s}" for s in SERVICES}
    return {s: f"sqlite:///{Path(folder) / f'{s}.db'}" for s in SERVICES}


def install_keys():
    crypto.install(crypto.keyring(None, [SECRET, None]))


def generate(size, targets, seed=1, supporters=SUPPORTERS):
    """Write `size` referrals and `supporters` supporters into the databases at `targets`
    ({service: url}); returns what scale.py needs to find its way in them (ids of each kind,
    with their organisation). The family data is sealed with the keys installed
    (install_keys; a test's own, in tests)."""
    rng = random.Random(seed)
    places = municipalities()
    supporters = make_supporters(rng, places, supporters)
    rows = {service: {} for service in SERVICES}
    rows["matching"]["supporters"] = supporters
    families = make_referrals(rng, size, places, supporters)
    rows["referral"]["referrals"] = [f["referral"] for f in families]
    rows["matching"]["referrals"] = [f["profile"] for f in families]
    rows["matching"]["proposals"] = [f["proposal"] for f in families if f.get("proposal")]
    rows["casework"]["cases"] = [f["case"] for f in families if f.get("case")]
    rows["casework"]["visits"] = [v for f in families for v in f.get("visits", ())]
    rows["aftercare"]["plans"] = [f["plan"] for f in families if f.get("plan")]
    rows["aftercare"]["contacts"] = [c for f in families for c in f.get("contacts", ())]
    tables = {"referral": {"referrals": referral.ReferralRow},
              "matching": {"supporters": matching.SupporterRow,
                           "referrals": matching.ReferralRow,
                           "proposals": matching.ProposalRow},
              "casework": {"cases": casework.CaseRow, "visits": casework.VisitRow},
              "aftercare": {"plans": aftercare.PlanRow, "contacts": aftercare.ContactRow}}
    for service, url in targets.items():
        engine = make_engine(url)
        try:
            migrate(engine, service)
            with engine.begin() as db:
                for name, model in tables[service].items():
                    table = model.__table__
                    made = rows[service][name]
                    for at in range(0, len(made), BATCH):
                        db.execute(insert(table), made[at:at + BATCH])
                if service == "matching":
                    areas = [{"supporter_id": s["id"], "programme": p, "municipality": m}
                             for s in supporters for p, m in sorted(_supporter(s).areas())]
                    for at in range(0, len(areas), BATCH):
                        db.execute(insert(matching.SupporterAreaRow), areas[at:at + BATCH])
        finally:
            engine.dispose()
    return sample_of(families, supporters)


def make_supporters(rng, places, count):
    made = []
    for position in range(1, count + 1):
        organisation = COORDINATORS[rng.randrange(len(COORDINATORS))]
        own = [name for _code, name, org in places if org == organisation]
        programmes = rng.sample(sorted(PROGRAMMES), rng.choice((1, 1, 2)))
        kind = "professional" if "family-trajectory" in programmes or rng.random() < 0.3 \
            else "volunteer"
        made.append({
            "id": str(uuid.UUID(int=rng.getrandbits(128))), "position": position,
            "organisation": organisation, "name": f"Supporter {position}", "kind": kind,
            "programmes": programmes, "languages": ["nl", *rng.sample(LANGUAGES, 1)],
            "municipalities": rng.sample(own, rng.randint(1, 3)),
            "capacity": rng.randint(1, 4), "expertise": ["parenting"], "active": True,
            "registered_at": iso(START), "updated_at": START})
    return made


def _supporter(row):
    return Supporter(row["id"], row["position"], *(row[name] for name in (
        "name", "kind", "programmes", "languages", "municipalities", "capacity", "expertise",
        "active", "registered_at")), organisation=row["organisation"])


def make_referrals(rng, size, places, supporters):
    """Each family in every service that knows of it, at its stage. A match goes to a
    supporter of its area with a free place; where there is none, the family waits."""
    free = {}  # (organisation, programme, municipality) -> [supporter row, units left]
    for s in supporters:
        for programme in s["programmes"]:
            for municipality in s["municipalities"]:
                if s["kind"] in PROGRAMMES[programme]:
                    free.setdefault((s["organisation"], programme, municipality), []).append(
                        [s, s["capacity"]])
    template = Referral.receive("template", "x", _body(), iso(START), "x", None,
                                Route("x", "x"))
    stages = [stage for stage in STAGES for _ in range(stage[2])]
    waiting = size // WAITING_SHARE
    made = []
    for n in range(size):
        code, name, coordinator = places[rng.randrange(len(places))]
        programme = sorted(PROGRAMMES)[rng.randrange(len(PROGRAMMES))]
        created = START + timedelta(seconds=n * 60 + rng.randrange(60))
        at = iso(created)
        referral_id = str(uuid.UUID(int=rng.getrandbits(128)))
        stage = ("waitlisted", "waitlisted", 0) if n % WAITING_SHARE == 0 and \
            n // WAITING_SHARE < waiting else stages[rng.randrange(len(stages))]
        family = {"languages": ["nl", rng.choice(LANGUAGES)]}
        if stage[0] in ("matched", "matching"):
            slot = next((s for s in free.get((coordinator, programme, name), ()) if s[1]), None)
            if slot is None:  # its area is full: it was matched once, and is over by now
                stage = ("over", "closed", 0)
            else:
                slot[1] -= 1
                family["supporter"] = slot[0]
        family.update(_rows(referral_id, n, code, name, coordinator, programme, created, at,
                            stage, family, template, rng))
        made.append(family)
    # Each supporter takes as many families as it has now, one in fifty one more: the waiting
    # list finds about a hundred free places at every size, so that re-matching it does the
    # same work at 1k as at 100k, apart from reading the data.
    taken = {}
    for family in made:
        if family.get("supporter"):
            taken[family["supporter"]["id"]] = taken.get(family["supporter"]["id"], 0) + 1
    for s in supporters:
        s["capacity"] = taken.get(s["id"], 0) + int(s["position"] % 50 == 0)
    return made


def _rows(referral_id, n, code, name, coordinator, programme, created, at, stage, family,
          template, rng):
    status, shown_status, _ = stage
    supporter = family.get("supporter")
    commission = None
    if programme == "family-trajectory" and status != "received":
        commission = "awaiting" if status == "declined" else "commissioned"
    rows = {"referral": {
        "id": referral_id, "org": REFERRERS[n % len(REFERRERS)], "external_ref": f"B-{n}",
        "programme": programme, "partner": None, "coordinating_org": coordinator,
        "municipality_code": code, "status": shown_status, "status_at": at, "outcome": None,
        "proposal_id": None, "case_id": None, "aftercare_id": None,
        "details": template.details, "erased_at": None, "commission_state": commission,
        "commission_asked_at": at if commission else None,
        "commission_decided_at": at if commission == "commissioned" else None,
        "self_referred": False, "created_at": created, "updated_at": created,
        "timeline": [{**vars(entry), "at": at} for entry in template.timeline]}}
    rows["profile"] = {
        "id": referral_id, "programme": programme, "municipality": name,
        "languages": family["languages"], "domains": ["parenting"], "urgency": "normal",
        "family_key": f"family-{n}", "received_at": at, "status": status,
        "severity": None if status == "received" else "medium",
        "coordinator_org": coordinator,
        "waitlisted_at": at if status == "waitlisted" else None,
        "declined_supporters": [], "proposal_id": None,
        "supporter_id": supporter["id"] if status == "matched" else None,
        "holds_capacity": status == "matched", "ended_at": at if status == "over" else None}
    if status == "matching":
        proposal_id = str(uuid.UUID(int=rng.getrandbits(128)))
        rows["profile"]["proposal_id"] = rows["referral"]["proposal_id"] = proposal_id
        rows["proposal"] = {
            "id": proposal_id, "referral_id": referral_id, "supporter_id": supporter["id"],
            "supporter_name": supporter["name"], "supporter_kind": supporter["kind"],
            "score": 50, "reasons": ["expertise: parenting"], "status": "open", "answers": {},
            "made_at": at, "closed_at": None}
    if status == "matched":
        case_id = str(uuid.UUID(int=rng.getrandbits(128)))
        rows["referral"]["case_id"] = case_id
        rows["case"] = {
            "id": case_id, "referral_id": referral_id, "supporter_id": supporter["id"],
            "supporter_kind": supporter["kind"], "severity": "medium",
            "coordinator_org": coordinator, "opened_at": at, "status": "open", "plan": None,
            "evaluation": None, "handover": None, "withdrawn_at": None, "past_rounds": [],
            "programme": programme, "members": [], "intensity_changes": [], "check_ins": [],
            "interim_evaluations": [], "created_at": created, "updated_at": created}
        rows["visits"] = [{
            "id": str(uuid.UUID(int=rng.getrandbits(128))), "case_id": case_id,
            # the table's column names: "logged_by" is the role, the person has its own
            "visited_on": created.date() + timedelta(days=7 * week), "hours": 1.5,
            "notes": None, "logged_by": "supporter", "logged_by_person": None, "logged_at": at}
            for week in range(1, 3)]
        if n % 3 == 0:  # a third of the matches are in aftercare by now
            plan_id = str(uuid.UUID(int=rng.getrandbits(128)))
            rows["referral"]["aftercare_id"] = plan_id
            rows["plan"] = {
                "id": plan_id, "referral_id": referral_id, "case_id": case_id,
                "severity": "medium", "receiving_kind": "gp", "receiving_name": "De Linde",
                "started_on": created.date(), "ends_on": created.date() + timedelta(days=180),
                "status": "active", "end_notes": None, "coordinator_org": coordinator,
                "support_figures": [], "created_at": created, "updated_at": created}
            rows["contacts"] = [{
                "aftercare_id": plan_id, "number": number, "overdue": False, "notes": None,
                "due_on": created.date() + timedelta(days=60 * number), "done_on": None,
                "support_figure_id": None} for number in (1, 2, 3)]
    return rows


def _body():
    return {"external_ref": "template", "programme": "home-start",
            "referrer": {"name": "J. de Vries", "organisation": "Huisartsenpraktijk Oost",
                         "role": "gp", "email": "j.devries@example.org", "language": "nl"},
            "family": {"contact_name": "Fam. Yilmaz", "phone": "+31612345678",
                       "postcode": "3581AB", "municipality": "Utrecht",
                       "languages": ["nl", "tr"], "children_ages": [2, 5]},
            "request": {"question": "Support with parenting after a move",
                        "domains": ["parenting"], "urgency": "normal"},
            "consent": {"family_consents": True, "share_status_with_referrer": True,
                        "given_on": date(2024, 12, 20).isoformat()}}


def sample_of(families, supporters):
    """Ids scale.py looks up: the newest of each kind (the last page's neighbours)."""
    def last(kind):
        return next(f[kind] for f in reversed(families) if f.get(kind))
    # one whose intake looks for a supporter at once: no commission to wait for
    received = next(f["profile"] for f in reversed(families)
                    if f["profile"]["status"] == "received" and
                    f["profile"]["programme"] != "family-trajectory")
    commission = next(f["referral"] for f in families
                      if f["referral"]["commission_state"] == "awaiting")
    return {"referral": last("referral")["id"],
            "referrer": last("referral")["org"],
            "coordinator": last("referral")["coordinating_org"],
            "received": received["id"], "received_org": received["coordinator_org"],
            "waiting": next(f["profile"]["id"] for f in reversed(families)
                            if f["profile"]["status"] == "waitlisted"),
            "proposal": last("proposal")["id"],
            "proposal_org": next(f["profile"]["coordinator_org"] for f in reversed(families)
                                 if f.get("proposal")),
            "case": last("case")["id"], "case_org": last("case")["coordinator_org"],
            "plan": last("plan")["id"], "plan_org": last("plan")["coordinator_org"],
            "municipality": commission["municipality_code"],
            "supporter": supporters[-1]["id"], "supporter_org": supporters[-1]["organisation"]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--folder", help="a SQLite file per service in this folder")
    where.add_argument("--postgres", help="a database with a schema per service")
    args = parser.parse_args(argv)
    if args.folder:
        Path(args.folder).mkdir(parents=True, exist_ok=True)
    install_keys()
    sample = generate(args.size, urls(args.folder, args.postgres))
    print(f"{args.size} referrals, {SUPPORTERS} supporters; for instance {sample}")


if __name__ == "__main__":
    main()
