"""Erasure on request, retention and export through the whole stack (docs/contract.md §7
"Erasure, retention and export"): after a referral's data is erased, nothing of the family is
left in any service's database, in the data directory's files, in the broker's queues or in
the export; the anonymous figures are; and nothing sent again brings the data back.
"""
import json
import subprocess
from pathlib import Path

from kring.config import DATA_DIR_KEY
from tests.support.access import (CLOSING, CONCERN, HANDOVER, PLAN, Kring, aftercare_of,
                                  body_text, case_of, closed, contact, intake, person,
                                  referral_in, supporter_body, visit)
from tests.support.erasure import (applied, files_holding, found_in, park, queued_holding,
                                   received_again, rows_holding)
from tests.support.events import publish_event
from tests.support.processes import KRING, clean_env
from tests.support.waiting import eventually

HOME_START, FAMILY_HELP = "home-start-utrecht", "buurtteams-utrecht"  # examples/directory.json
REFERRER = person("gp-utrecht", "referrer", "dr-jansen")
COORDINATOR = person(HOME_START, "coordinator", "carla")
ADMIN = person(HOME_START, "admin", "ada")


def mid_case(kring):
    """A referral of the sample family whose case runs: a plan, a visit, a safety concern."""
    kring.do("registerSupporter", COORDINATOR, body=supporter_body("Anna", "Utrecht"))
    referral_id = kring.do("submitReferral", REFERRER, body=referral_in("Utrecht"),
                           expect=(201,))["referral_id"]
    ids = {"referral_id": referral_id}
    ids["proposal_id"] = intake(kring, COORDINATOR, referral_id)
    for party in ("family", "supporter"):
        kring.do("respondToProposal", COORDINATOR, ids,
                 {"party": party, "accept": True, "reason": "a good first meeting"})
    ids["case_id"] = case_of(kring, COORDINATOR, referral_id)
    kring.do("setPlan", COORDINATOR, ids, PLAN)
    kring.do("logVisit", COORDINATOR, ids, visit())
    kring.do("recordSafetyConcern", COORDINATOR, ids, CONCERN)
    return ids


def to_the_end(kring):
    """A referral supported to the end: handed over, aftercare completed, closed."""
    ids = mid_case(kring)
    kring.do("closeCase", COORDINATOR, ids, CLOSING)
    kring.do("handOverCase", COORDINATOR, ids, HANDOVER)
    ids["aftercare_id"] = aftercare_of(kring, COORDINATOR, ids["referral_id"])
    kring.do("logAftercareContact", COORDINATOR, ids, contact())
    kring.do("completeAftercare", COORDINATOR, ids, {"notes": "the last contact went well"})
    closed(kring, COORDINATOR, ids["referral_id"])
    return ids


def erased_everywhere(kring, ids, who=ADMIN):
    """The erasure's state once every stage has reported (asking again changes nothing)."""
    def complete():
        state = kring.do("eraseReferral", who, ids, {"reason": "the family asked"},
                         expect=(202,))
        return state if state["complete"] else None
    return eventually(complete, what="every service to report its part erased")


def nothing_left(config, rabbit_manager):
    """No row, file or queued message holds anything of the family (published outbox rows go
    at the next retention sweep, so this waits for them)."""
    eventually(lambda: not rows_holding(config), what="no family data in any database")
    assert rows_holding(config) == []
    assert files_holding(config[DATA_DIR_KEY]) == []
    assert queued_holding(rabbit_manager, config["vhost"]) == []


def kring_command(config, *args):
    return subprocess.run([KRING, *args], capture_output=True, text=True, timeout=120,
                          env=clean_env(AMQP_URI=config["AMQP_URI"]))


def test_kring_erase_withdraws_an_open_referral_and_leaves_nothing_of_the_family(
        erasing_stack, api, rabbit_manager):
    config, kring = erasing_stack, Kring(api)
    ids = mid_case(kring)
    start_notice = Path(config[DATA_DIR_KEY]) / "notices" / f"{ids['referral_id']}-start.eml"
    eventually(start_notice.exists, what="the start notice's file")
    # sealed like the databases' values: the data directory shows nothing of the family
    assert files_holding(config[DATA_DIR_KEY]) == []
    before = kring.do("exportReferral", ADMIN, ids)
    assert "Yilmaz" in json.dumps(before) and CONCERN["description"] in json.dumps(before)
    # a stage gave up on an event of the referral: its body is kept in the stage's database,
    # sealed; the dead-letter queue holds a note without it
    parked_before = received_again(ids["referral_id"])
    park(config, "notify", "on_referral", parked_before)
    assert queued_holding(rabbit_manager, config["vhost"]) == []
    held = {(service, table) for service, table, _secret in rows_holding(config)}
    assert {("referral", "referrals"), ("casework", "case_visits"), ("notify", "contacts"),
            ("notify", "parked")} <= held, f"the family's data before the erasure: {held}"

    erased = kring_command(config, "erase", ids["referral_id"], "--reason",
                           "the family asked on 2026-11-21")
    assert erased.returncode == 0, erased.stdout + erased.stderr
    assert erased.stdout.strip().endswith("complete"), erased.stdout
    for service in ("matching", "casework", "aftercare", "notify"):
        assert f"{service:<10} erased" in erased.stdout

    referral = kring.do("getReferral", COORDINATOR, ids)
    assert (referral["status"], referral["outcome"]) == ("closed", "withdrawn")
    assert "family" not in referral and "request" not in referral and referral["erased_at"]
    steps = {entry["status"]: entry["detail"] for entry in referral["timeline"]}
    assert steps["withdrawn"] == "by operator" and steps["erased"] == "by operator of platform"

    export = kring.do("exportReferral", ADMIN, ids)
    assert found_in(json.dumps(export)) == []
    services = export["services"]
    assert services["referral"]["referral"]["programme"] == "home-start"
    assert services["referral"]["referral"]["family"] == {"municipality": "Utrecht"}
    case = services["casework"]["case"]
    assert (case["status"], [v["hours"] for v in case["visits"]]) == ("withdrawn", [3.5])
    assert services["matching"]["profile"]["status"] == "over"
    for service in ("matching", "casework", "aftercare", "notify"):
        assert services[service]["retention"]["erased_at"], service
    nothing_left(config, rabbit_manager)  # the parked copy included
    assert not start_notice.exists()

    # a change that comes after the erasure is refused alike in every service, before any rule
    # of the status is asked; reads answer as before
    for operation_id, body in (("withdrawConsent", {"reason": "the family asked"}),
                               ("respondToProposal", {"party": "family", "accept": True}),
                               ("logVisit", visit())):
        refused = kring.call(operation_id, COORDINATOR, ids, body)
        assert (refused.status_code, refused.json()["error"]) == (410, "referral_erased"), \
            (operation_id, body_text(refused))
    stranger = kring.call("logVisit", person(FAMILY_HELP, "coordinator"), ids, visit())
    assert stranger.status_code == 404  # out of reach: the same answer as before the erasure

    # the note of the copy parked before the erasure replays nothing: its body went with it
    replayed = kring_command(config, "dlq", "replay", "notify")
    assert replayed.returncode == 0, replayed.stderr
    assert "replayed 0" in replayed.stdout and "1 no longer kept" in replayed.stdout
    assert not applied(config, "notify", parked_before.event_id)

    # what comes again: the same referral_received delivered anew, and one a stage parked
    # after the erasure (it failed on the way in), then replayed
    again = received_again(ids["referral_id"])
    publish_event(config["AMQP_URI"], again)
    eventually(lambda: applied(config, "matching", again.event_id) and
               applied(config, "notify", again.event_id), what="the redelivery to be taken in")
    parked = received_again(ids["referral_id"])
    park(config, "notify", "on_referral", parked)
    replayed = kring_command(config, "dlq", "replay", "notify")
    assert replayed.returncode == 0 and "replayed 1" in replayed.stdout, replayed.stderr
    eventually(lambda: applied(config, "notify", parked.event_id), what="the replay")
    nothing_left(config, rabbit_manager)
    assert found_in(json.dumps(kring.do("exportReferral", ADMIN, ids))) == []

    # erasing twice is fine: the same answer, one entry in the timeline
    twice = kring.do("eraseReferral", ADMIN, ids, {"reason": "asked twice"}, expect=(202,))
    assert twice["complete"] and twice["erased_by"] == {"role": "operator",
                                                        "organisation": "platform"}
    timeline = kring.do("getReferral", COORDINATOR, ids)["timeline"]
    assert [entry["status"] for entry in timeline].count("erased") == 1

    trail = kring.do("getAudit", ADMIN, ids)
    asked = {(entry["operation"], entry["role"]) for entry in trail["entries"]}
    assert {("kring erase", "operator"), ("eraseReferral", "admin"),
            ("exportReferral", "admin")} <= asked
    assert found_in(json.dumps(trail)) == []


def test_an_admin_erases_a_closed_referral_and_the_figures_remain(erasing_stack, api,
                                                                  rabbit_manager):
    config, kring = erasing_stack, Kring(api)
    ids = to_the_end(kring)
    state = erased_everywhere(kring, ids)
    assert state["erased_by"] == {"role": "admin", "organisation": HOME_START}
    assert state["waiting_for"] == []

    referral = kring.do("getReferral", COORDINATOR, ids)
    assert (referral["status"], referral["outcome"]) == ("closed", "completed")
    export = kring.do("exportReferral", ADMIN, ids)
    assert found_in(json.dumps(export)) == [], found_in(json.dumps(export))
    case = export["services"]["casework"]["case"]
    assert case["status"] == "handed_over" and case["evaluation"]["goals_met"] is True
    assert [visit_["hours"] for visit_ in case["visits"]] == [3.5]
    assert case["handover"]["receiving_kind"] == "municipality"
    [plan] = export["services"]["aftercare"]["plans"]
    assert plan["status"] == "completed" and any(c["done_on"] for c in plan["contacts"])
    assert export["services"]["notify"]["notices"], "the notices' record is gone"
    nothing_left(config, rabbit_manager)


def test_another_organisations_admin_neither_exports_nor_erases(erasing_stack, api):
    kring = Kring(api)
    ids = {"referral_id": kring.do("submitReferral", REFERRER, body=referral_in("Utrecht"),
                                   expect=(201,))["referral_id"]}
    stranger = person(FAMILY_HELP, "admin")
    for operation_id, body in (("exportReferral", None), ("eraseReferral", {"reason": "x"})):
        hidden = kring.call(operation_id, stranger, ids, body)
        assert hidden.status_code == 404, body_text(hidden)
    assert "Yilmaz" in json.dumps(kring.do("exportReferral", ADMIN, ids))


def test_the_retention_timer_erases_what_closed_longer_ago_than_its_period(erasing_stack,
                                                                          api):
    kring = Kring(api)
    family_help = referral_in("Utrecht")
    family_help["programme"] = "family-help"  # kept 0 days after closing, in this stack
    kept_briefly = {"referral_id": kring.do("submitReferral", REFERRER, body=family_help,
                                            expect=(201,))["referral_id"]}
    kept_long = {"referral_id": kring.do("submitReferral", REFERRER, body=referral_in(
        "Utrecht"), expect=(201,))["referral_id"]}
    for ids in (kept_briefly, kept_long):
        kring.do("withdrawReferral", REFERRER, ids, {"by": "family",
                                                     "reason": "the family stops"})

    admin = person(FAMILY_HELP, "admin")

    def erased_in_every_service():
        export = kring.do("exportReferral", admin, kept_briefly)
        retained = [export["services"][service].get("retention") or {}
                    for service in ("matching", "notify")]
        return export if all(r.get("erased_at") for r in retained) and \
            export["services"]["referral"]["referral"]["erased_at"] else None
    export = eventually(erased_in_every_service, what="the retention timers to erase it")
    assert found_in(json.dumps(export)) == []
    timeline = kring.do("getReferral", person(FAMILY_HELP, "coordinator"),
                        kept_briefly)["timeline"]
    assert {"status": "erased", "detail": "by retention of platform"} in [
        {"status": e["status"], "detail": e["detail"]} for e in timeline]

    younger = kring.do("exportReferral", ADMIN, kept_long)
    assert "Yilmaz" in json.dumps(younger) and "j.devries@example.org" in json.dumps(younger)
    assert younger["services"]["referral"]["referral"]["erased_at"] is None
