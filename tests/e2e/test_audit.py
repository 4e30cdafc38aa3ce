"""The audit trail of one referral (docs/security.md, docs/contract.md §7): every read and
change in all five services, who made it (the token's person and organisation) and the answer
given, in time order, and nothing of the family. Read over HTTP (`getAudit`) by the
coordinating organisation's admin, and at the console (`kring audit`).
"""
import json
import subprocess
from datetime import datetime

from kring.config import SERVICES
from kring.contracts.access import RULES
from kring.contracts.api import OPERATIONS
from kring.contracts.audit import SYSTEM_ROLE
from tests.support.access import (CLOSING, FAMILY_DATA, HANDOVER, PLAN, PROVIDERS, REFERRERS,
                                  Directory, Kring, aftercare_of, body_text, case_of, closed,
                                  contact, fresh_id, intake, person, referral_in, visit)
from tests.support.processes import KRING, clean_env
from tests.support.waiting import eventually

UTRECHT, ZEIST = "Utrecht", "Zeist"
FIELDS = ("at", "service", "operation", "person", "organisation", "role", "answer")


class Walk:
    """The calls one test makes, each noted as the audit record it should leave."""

    def __init__(self, kring):
        self.kring = kring
        self.made = []

    def call(self, operation_id, who, ids=None, body=None, expect=(200, 201)):
        response = self.kring.call(operation_id, who, ids, body)
        assert response.status_code in expect, \
            f"{operation_id} as {who}: {response.status_code} {body_text(response)}"
        self.made.append(record(operation_id, who, response.status_code))
        return response.json()


def record(operation_id, who, answer):
    """What an audit entry of this call says, as a comparable tuple."""
    return (OPERATIONS[operation_id].service, operation_id, who.subject, who.org, who.role,
            answer)


def as_record(entry):
    return (entry["service"], entry["operation"], entry["person"], entry["organisation"],
            entry["role"], entry["answer"])


def first_missing(expected, found):
    """The first of `expected` that does not come, in this order, in `found` (None: all do);
    `found` may hold more in between."""
    position = 0
    for want in expected:
        for index in range(position, len(found)):
            if found[index] == want:
                position = index + 1
                break
        else:
            return want
    return None


def notices_sent(smtp, referral_id, count):
    return eventually(lambda: len([message for message in smtp.messages()
                                   if message["X-Kring-Referral"] == referral_id]) >= count,
                      what=f"{count} notices for {referral_id}")


def test_the_trail_holds_every_read_and_change_and_nothing_of_the_family(stack, stack_api,
                                                                         smtp):
    kring = Kring(stack_api)
    directory = Directory(kring)
    directory.register_providers()
    anna = directory.register_supporter(UTRECHT, "Anna")
    referrer = person(REFERRERS[UTRECHT], "referrer", "dr-jansen")
    coordinator = person(PROVIDERS[UTRECHT], "coordinator", "carla")
    admin = person(PROVIDERS[UTRECHT], "admin", "ada")
    supporter = person(PROVIDERS[UTRECHT], "supporter", anna)
    stranger = person(PROVIDERS[ZEIST], "coordinator", "zeger")
    walk = Walk(kring)

    referral_id = walk.call("submitReferral", referrer, body=referral_in(UTRECHT))["referral_id"]
    ids = {"referral_id": referral_id}
    walk.call("getReferral", referrer, ids)
    walk.call("getReferral", coordinator, ids)
    # matching hears of the referral by an event and answers 409 not_ready until then: the intake
    # that counts is the one that was taken
    ids["proposal_id"] = intake(kring, coordinator, referral_id)
    walk.made.append(record("recordIntake", coordinator, 201))
    walk.call("getProposal", coordinator, ids)
    for party in ("family", "supporter"):
        walk.call("respondToProposal", coordinator, ids,
                  {"party": party, "accept": True, "reason": "a good first meeting"})
    ids["case_id"] = case_of(kring, coordinator, referral_id)
    walk.call("getCase", supporter, ids)
    walk.call("setPlan", supporter, ids, PLAN)
    walk.call("logVisit", supporter, ids, visit())
    walk.call("getCase", stranger, ids, expect=(404,))  # another organisation: a failed attempt
    walk.call("closeCase", coordinator, ids, CLOSING)
    walk.call("handOverCase", coordinator, ids, HANDOVER)
    ids["aftercare_id"] = aftercare_of(kring, coordinator, referral_id)
    walk.call("getAftercare", coordinator, ids)
    walk.call("logAftercareContact", coordinator, ids, contact())
    walk.call("completeAftercare", coordinator, ids, {"notes": "the last contact went well"})
    closed(kring, coordinator, referral_id)
    notices_sent(smtp, referral_id, 2)  # the start and the closure notice

    def trail_with_both_notices():
        response = kring.call("getAudit", admin, {"referral_id": referral_id})
        assert response.status_code == 200, body_text(response)
        found = response.json()
        return found if len([entry for entry in found["entries"]
                             if entry["service"] == "notify"]) >= 2 else None
    trail = eventually(trail_with_both_notices, what="notify's records of both notices")
    entries = trail["entries"]

    assert trail["referral_id"] == referral_id
    for entry in entries:
        assert set(FIELDS) <= set(entry), entry
        assert entry["service"] in SERVICES and isinstance(entry["answer"], int), entry
        assert entry["person"] and entry["organisation"] and entry["role"], entry
    times = [datetime.fromisoformat(entry["at"].replace("Z", "+00:00")) for entry in entries]
    assert times == sorted(times), "the trail is not in time order"
    assert {entry["service"] for entry in entries} == set(SERVICES)

    found = [as_record(entry) for entry in entries]
    missing = first_missing(walk.made, found)
    assert missing is None, f"{missing} is not in the trail (in its place):\n" + \
        "\n".join(map(str, found))
    (attempt,) = [entry for entry in entries if as_record(entry) == record(
        "getCase", stranger, 404)]
    assert attempt["target_id"] == ids["case_id"]

    sends = [entry for entry in entries if entry["service"] == "notify"]
    assert {entry["role"] for entry in sends} == {SYSTEM_ROLE}, sends
    started = max(index for index, item in enumerate(found)
                  if item[1] == "respondToProposal")
    completed = found.index(record("completeAftercare", coordinator, 200))
    assert entries.index(sends[0]) > started, "a notice recorded before support started"
    assert entries.index(sends[-1]) > completed, "no notice recorded after the closure"

    text = json.dumps(trail)
    for secret in FAMILY_DATA:
        assert secret not in text, f"{secret!r} is in the audit trail"

    # who may read it: the rule table's row, and the 404 of an unknown referral for the rest
    rule = RULES["getAudit"]
    for who in (stranger, referrer, person(PROVIDERS[ZEIST], "admin"), coordinator, supporter):
        response = kring.call("getAudit", who, ids)
        if who.role not in rule.reach:
            assert response.status_code == 403, f"{who}: {body_text(response)}"
            continue
        unknown_id = fresh_id()
        unknown = kring.call("getAudit", who, {"referral_id": unknown_id})
        assert (response.status_code, unknown.status_code) == (404, 404), \
            f"{who}: {body_text(response)} / {body_text(unknown)}"
        assert response.json() == json.loads(
            json.dumps(unknown.json()).replace(unknown_id, referral_id))

    # the same entries at the console
    command = subprocess.run([KRING, "audit", referral_id], capture_output=True, text=True,
                             timeout=60, env=clean_env(AMQP_URI=stack["AMQP_URI"]))
    assert command.returncode == 0, command.stderr
    lines = command.stdout.splitlines()
    position = 0
    for entry in entries:
        moment = entry["at"][:19].replace("T", " ")  # to the second, as a person reads it
        words = [moment] + [entry[name] for name in ("service", "operation", "person",
                                                     "organisation", "role")] + \
            [str(entry["answer"])]
        for index in range(position, len(lines)):
            if all(word in lines[index] for word in words):
                position = index + 1
                break
        else:
            raise AssertionError(f"`kring audit` does not print {words} in its place:\n"
                                 + command.stdout)
    for secret in FAMILY_DATA:
        assert secret not in command.stdout, f"{secret!r} printed by `kring audit`"
