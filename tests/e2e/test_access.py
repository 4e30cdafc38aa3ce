"""Kring for many organisations at once: every operation, called as every role from the
organisation that owns what it touches and from another one, answers as the rule table says
(kring/contracts/access.py, docs/contract.md §7, docs/security.md).

Two providers of home-start share one Kring: hs-utrecht serves Utrecht, hs-zeist serves Zeist,
and a GP practice refers families in each. One Utrecht referral walks the whole loop while every
operation is tried on it by every role, from Utrecht (the owning side) and from Zeist (the other
side). What the table says, checked:

- a role not in an operation's row: 403, for a real id and an unknown one alike;
- the owning side: reached (a success, or a 409 where the state of things says so);
- the other side: 404 with exactly the body an unknown id gets, so ids cannot be probed; except
  where the operation touches nothing of another organisation (the directory, a new referral,
  its own supporters), where it gets its own answer.
"""
import json
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable

from kring.contracts.access import ANYONE, ROLES, RULES
from kring.contracts.api import OPERATIONS
from tests.support.access import (CLOSING, CONCERN, HANDOVER, MUNICIPALITIES,
                                  OPERATOR_ORG, PLAN, PROGRAMME, PROVIDERS, UNSERVED, Directory,
                                  Kring, aftercare_of, body_text, case_of, closed, contact,
                                  fresh_id, person, provider_body, referral_in, supporter_body,
                                  today, visit)
from tests.support.api import not_ready
from tests.support.sample import referral_body
from tests.support.waiting import eventually

FIGURE = {"name": "Opa Kees", "relation": "grandfather", "formal": False,
          "functions": ["emotional"], "consent": True}
OWNER, OTHER = "Utrecht", "Zeist"  # the sides: the municipality whose people call
COMMISSIONED = "family-trajectory"  # a programme that needs the municipality's commission
COMMISSIONED_PROVIDER = "gezinstraject-utrecht"  # as in examples/directory.json: registering it again updates it
PUBLIC = {operation_id for operation_id, operation in OPERATIONS.items() if operation.public}
# a family's own application (docs/contract.md §4 "Self-referral"): tests/e2e/test_self_referral.py
SELF_REFERRAL = {"submitSelfReferral", "confirmSelfReferral", "confirmSelfReferralLink"}


def other_side(side):
    return OTHER if side == OWNER else OWNER


@dataclass(frozen=True)
class Row:
    """How to call one operation. `target`: the path (or body) id the answer depends on; None
    when each side acts on its own (registers its own supporter, refers its own family)."""
    target: str | None = None
    body: Callable | None = None  # (ids, side, role) -> the JSON body
    query: Callable | None = None  # side -> the query string
    state: tuple = ()  # what the owner may get besides a success once the state has moved on
    settle: bool = False  # the service hears of the referral by an event: retry a not_ready
    check: Callable | None = None  # (answer, side, table) -> complaints about a reached answer


def fixed(body):
    return lambda ids, side, role: body


def programmes_of(answer, side, table):
    served = [provider["organisation"] for provider in answer["providers"]
              if provider["programme"] == PROGRAMME]
    return [] if served == [PROVIDERS[side]] else [f"{side} has {PROGRAMME} of {served}"]


def own_supporters(answer, side, table):
    listed = {supporter["supporter_id"] for supporter in answer["supporters"]}
    missing = table.supporters_of[side] - listed
    foreign = table.supporters_of[other_side(side)] & listed
    return ([f"its own supporters {sorted(missing)} are missing"] if missing else []) + \
        ([f"it sees {sorted(foreign)} of the other organisation"] if foreign else [])


def figures_of_its_side(answer, side, table):
    """Every role in getReports' row sees the figures of its own side's municipality (the
    municipality and the admin only those: checked after the table)."""
    shown = {row["municipality"] for row in answer["rows"]}
    return [] if MUNICIPALITIES[side] in shown else [f"no figures of {side}: {shown}"]


def own_referrals(answer, side, table):
    """A referrer lists what its organisation referred, a coordinator or admin what is routed
    to it: on both sides of the table that is the side's own referrals, never the other's."""
    listed = {referral["referral_id"] for referral in answer["referrals"]}
    missing = table.referrals_of[side] - listed
    foreign = table.referrals_of[other_side(side)] & listed
    return ([f"its own referrals {sorted(missing)} are missing"] if missing else []) + \
        ([f"it sees {sorted(foreign)} of the other organisation"] if foreign else [])


def taken(response):
    """The answer of a change once its service has heard of the referral; None until then."""
    assert response.status_code == 201 or not_ready(response), body_text(response)
    return response.json() if response.status_code == 201 else None


def own_rows(rows, key):
    """The check of a work-queue list (docs/contract.md §4 "The portal"): the side's own rows
    the walk expects by now are listed, none of the other side's."""
    def check(answer, side, table):
        listed = {row[key] for row in answer[rows]}
        missing = table.listed[rows][side] - listed
        foreign = table.listed[rows][other_side(side)] & listed
        return ([f"its own {rows} {sorted(missing)} are missing"] if missing else []) + \
            ([f"it sees {rows} {sorted(foreign)} of the other organisation"] if foreign else [])
    return check


def withdrawal(ids, side, role):
    return {"by": "coordinator" if role == "coordinator" else "family",
            "reason": "the family stops"}


def commission_requests(answer, side, table):
    """Utrecht's officer lists the trajectory waiting for Utrecht's decision; Zeist's not."""
    listed = {commission["referral_id"] for commission in answer["commissions"]}
    waiting = table.commission_of.get(OWNER)
    if side == OWNER and waiting not in listed:
        return [f"{waiting} waiting for {side}'s commission is not listed: {sorted(listed)}"]
    if side == OTHER and waiting in listed:
        return [f"{side} lists {OWNER}'s {waiting}"]
    return []


ROWS = {
    # the directory: no family data, so every side gets its own answer
    "registerProvider": Row(body=lambda ids, side, role: provider_body(side)),
    "listProgrammes": Row(query=lambda side: {"municipality": side}, check=programmes_of),
    # a programme's definition: configuration, no family data, the same for everybody
    "getProgramme": Row(check=lambda answer, side, table: (
        [] if answer.get("code") == "home-start" else [f"it answered {answer.get('code')}"])),
    # supporters: each organisation its own
    "registerSupporter": Row(body=lambda ids, side, role: supporter_body(
        f"{role} of {side} registers", side, capacity=0)),  # no capacity: proposed to nobody
    "listSupporters": Row(check=own_supporters),
    "getSupporter": Row("supporter_id"),
    "updateSupporter": Row("supporter_id", fixed({"expertise": ["parenting", "finances"]})),
    # the referral
    "submitReferral": Row(body=lambda ids, side, role: referral_in(side)),
    "getReferral": Row("referral_id"),
    "listReferrals": Row(query=lambda side: {"limit": "100"}, check=own_referrals),
    "withdrawReferral": Row("referral_id", withdrawal, state=(409,)),  # the second: closed
    # the second withdrawal changes nothing and answers as the first
    "withdrawConsent": Row("referral_id", fixed({"reason": "the family asked"})),
    "getAudit": Row("referral_id"),
    "exportReferral": Row("referral_id"),
    "eraseReferral": Row("referral_id", fixed({"reason": "the family asked (art. 17 AVG)"})),
    # matching
    "recordIntake": Row("referral_id", lambda ids, side, role: {
        "referral_id": ids["referral_id"], "fits": True, "severity": "medium",
        "reason": "intake held"}, settle=True),
    "getProposal": Row("proposal_id"),
    "listProposals": Row(check=own_rows("proposals", "proposal_id")),
    "listWaitingList": Row(check=own_rows("referrals", "referral_id")),
    "respondToProposal": Row("proposal_id", fixed({"party": "family", "accept": True,
                                                   "reason": "a good first meeting"})),
    # casework
    "getCase": Row("case_id"),
    "listCases": Row(check=own_rows("cases", "case_id")),
    "setPlan": Row("case_id", fixed(PLAN)),
    "logVisit": Row("case_id", lambda ids, side, role: visit()),
    "recordSafetyConcern": Row("case_id", fixed(CONCERN)),
    "resolveSafetyConcern": Row("case_id", fixed({"resolution": "the rent is paid"})),
    "closeCase": Row("case_id", fixed(CLOSING)),
    "handOverCase": Row("case_id", fixed(HANDOVER)),
    "setFamilyMembers": Row("case_id", fixed({"members": [
        {"member_id": "mother", "role": "parent", "age_band": "18+", "languages": ["nl"]}]})),
    "addSupportFigure": Row("case_id", fixed(FIGURE)),
    "updateSupportFigure": Row("case_id", fixed({**FIGURE, "decides": True})),
    # the first of the owner's roles removes the figure; the next finds it gone
    "removeSupportFigure": Row("case_id", state=(404,)),
    "changeIntensity": Row("case_id", fixed({"level": "light", "reason": "calmer weeks"})),
    "recordCheckIn": Row("case_id", lambda ids, side, role: {"date": today(),
                                                              "notes": "all well"}),
    "recordEvaluation": Row("case_id", lambda ids, side, role: {"date": today(),
                                                                 "notes": "halfway"}),
    # aftercare
    "getAftercare": Row("aftercare_id"),
    "listAftercare": Row(check=own_rows("aftercare", "aftercare_id")),
    "logAftercareContact": Row("aftercare_id", lambda ids, side, role: contact()),
    "completeAftercare": Row("aftercare_id", fixed({"notes": "the last contact went well"})),
    "reportRelapse": Row("aftercare_id", fixed({"notes": "bedtimes are hard again"}),
                         state=(409,)),  # after completeAftercare: too late
    # consultations: each side asks its own provider
    "requestConsultation": Row(body=lambda ids, side, role: consultation_body(side)),
    "getConsultation": Row("consultation_id"),
    "answerConsultation": Row("consultation_id", fixed({"answer": "start with a visit"})),
    "askFollowUp": Row("consultation_id", fixed({"question": "and if they refuse?"})),
    "closeConsultation": Row("consultation_id", fixed({}),
                             state=(409,)),  # the second side to close: already closed
    # the municipality's commission of a family trajectory: its own municipality's referrals
    "getCommissionRequest": Row("referral_id"),
    "listCommissionRequests": Row(check=commission_requests),
    "decideCommission": Row("referral_id", fixed({"commissioned": True})),
    # anonymous figures: each asks for its own (no id to probe); what it sees is checked
    "getReports": Row(query=lambda side: {"period": "year"}, check=figures_of_its_side),
}


def consultation_body(side):
    return {"programme": PROGRAMME, "municipality": side, "case_ref": "casus 7",
            "question": "how do we start the conversation?",
            "requester": {"email": "asker@example.org"}}


class Table:
    """Calls operations as every role of both sides and collects what differs from the rule
    table, so one run reports every hole at once."""

    def __init__(self, kring):
        self.kring = kring
        self.failures = []
        self.covered = set()
        self.supporter_of = {}  # side -> the supporter_id its supporter tokens name
        self.supporters_of = {OWNER: set(), OTHER: set()}  # side -> its organisation's
        self.commission_of = {}  # side -> the referral waiting for its commission
        self.referrals_of = {OWNER: set(), OTHER: set()}  # side -> referred and routed there
        # the rows of a work-queue list each side should see by now: rows -> side -> ids
        self.listed = {rows: {OWNER: set(), OTHER: set()}
                       for rows in ("proposals", "referrals", "cases", "aftercare")}

    def caller(self, role, side):
        if role == "supporter":  # before its supporters exist: a person nobody matched
            return Directory.supporter(side, self.supporter_of.get(side, f"nobody-in-{side}"))
        if role == "operator":
            return person(OPERATOR_ORG if side == OWNER else f"{OPERATOR_ORG}-2", role)
        if role == "municipality":
            return person(MUNICIPALITIES[side], role)
        if role == "referrer":
            return Directory.referrer(side)
        return person(PROVIDERS[side], role)

    def fail(self, text):
        self.failures.append(text)

    def check(self, operation_id, ids, owner=OWNER, strangers=()):
        """Every role of both sides on `ids`, owned by `owner`'s side; the owning side's
        answers (role -> JSON) of the calls that reached. `strangers`: roles in the row whose
        people on the owning side do not own it all the same (a consultation is the one
        organisation's that asked: the GP practice's, or the municipality's)."""
        self.covered.add(operation_id)
        row, rule = ROWS[operation_id], RULES[operation_id]
        answers = {}
        unauthenticated = self._call(operation_id, row, None, ids, owner, "referrer")
        if unauthenticated.status_code != 401:
            self.fail(f"{operation_id} without a token: expected 401, got "
                      f"{unauthenticated.status_code} {body_text(unauthenticated)}")
        for side in (owner, other_side(owner)):
            for role in ROLES:
                who = self.caller(role, side)
                reach = rule.reach.get(role)
                if reach is None:
                    self._forbidden(operation_id, row, who, ids, side)
                elif side == owner and role in strangers and row.target is not None:
                    self.hidden(operation_id, who, ids, side=side)
                elif side == owner or reach == ANYONE or row.target is None:
                    answer = self._reached(operation_id, row, who, ids, side)
                    if answer is not None and side == owner:
                        answers[role] = answer
                else:
                    self.hidden(operation_id, who, ids, side=side)
        return answers

    def _call(self, operation_id, row, who, ids, side, role):
        body = row.body(ids, side, role) if row.body else None
        query = row.query(side) if row.query else None
        return self.kring.call(operation_id, who, ids, body, query)

    def _forbidden(self, operation_id, row, who, ids, side):
        tried = [ids] + ([{**ids, row.target: fresh_id()}] if row.target else [])
        for these in tried:
            response = self._call(operation_id, row, who, these, side, who.role)
            if response.status_code != 403 or response.json().get("error") != "forbidden":
                self.fail(f"{operation_id} as {who} (not in its row), "
                          f"{'unknown' if these is not ids else 'real'} id: expected 403, got "
                          f"{response.status_code} {body_text(response)}")

    def _reached(self, operation_id, row, who, ids, side):
        response = self._call(operation_id, row, who, ids, side, who.role)
        if row.settle and not_ready(response):
            response = self._settled(operation_id, row, who, ids, side)
        status = response.status_code
        if not (200 <= status < 300 or status in row.state):
            self.fail(f"{operation_id} as {who}: expected it reached, got {status} "
                      f"{body_text(response)}")
            return None
        if status >= 300:
            return None
        answer = response.json()
        complaints = list(row.check(answer, side, self) if row.check else [])
        if row.target and isinstance(answer, dict) and row.target in answer and \
                answer[row.target] != ids[row.target]:
            complaints.append(f"it answered about {row.target} {answer[row.target]}")
        for complaint in complaints:
            self.fail(f"{operation_id} as {who}: {complaint}")
        return answer

    def _settled(self, operation_id, row, who, ids, side):
        """The answer once the service has heard of the referral: the last one at the deadline
        (a not_ready the owner should never keep getting)."""
        last = []

        def attempt():
            last[:] = [self._call(operation_id, row, who, ids, side, who.role)]
            return not not_ready(last[0])
        try:
            eventually(attempt, what=f"{operation_id} to stop answering not_ready")
        except AssertionError:
            pass
        return last[0]

    def hidden(self, operation_id, who, ids, target=None, side=OTHER):
        """`who` must get a 404 whose body is, word for word, the one an unknown id gets."""
        row = ROWS[operation_id]
        target = target or row.target
        real = self._call(operation_id, row, who, ids, side, who.role)
        unknown_id = fresh_id()
        unknown = self._call(operation_id, row, who, {**ids, target: unknown_id}, side,
                             who.role)
        if unknown.status_code != 404:
            self.fail(f"{operation_id} as {who}, unknown {target}: expected 404, got "
                      f"{unknown.status_code} {body_text(unknown)}")
            return
        expected = json.loads(json.dumps(unknown.json()).replace(unknown_id, ids[target]))
        if real.status_code != 404:
            self.fail(f"{operation_id} as {who} (out of reach): expected 404, got "
                      f"{real.status_code} {body_text(real)}")
        elif real.json() != expected:
            self.fail(f"{operation_id} as {who} (out of reach): the 404 says "
                      f"{body_text(real)}, an unknown id's says {json.dumps(expected)}")

    def reached(self, operation_id, who, ids):
        """`who`, outside the table's two sides, reaches the operation (reads only)."""
        response = self.kring.call(operation_id, who, ids)
        if response.status_code != 200:
            self.fail(f"{operation_id} as {who}: expected 200, got {response.status_code} "
                      f"{body_text(response)}")

    @contextmanager
    def reporting(self):
        """A step of the walk that failed stops the test: say what failed before it too."""
        try:
            yield
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n\nand before that:\n" +
                                 "\n".join(self.failures)) from None


def test_the_public_operations_need_no_token(stack_api):
    kring = Kring(stack_api)
    for operation_id in sorted(PUBLIC - SELF_REFERRAL):
        response = kring.call(operation_id, None, ids={"code": PROGRAMME})
        assert response.status_code == 200, f"{operation_id}: {response.status_code}"
    for operation_id in sorted(SELF_REFERRAL):  # no token asked: they answer for their input
        response = kring.call(operation_id, None)
        assert response.status_code == 422, f"{operation_id}: {response.status_code}"
    assert PUBLIC == {"getHealth", "getReady", "getOpenApi", "getLeaflet", *SELF_REFERRAL}


def test_every_operation_answers_every_role_as_the_rule_table_says(stack_api):
    kring = Kring(stack_api)
    directory = Directory(kring)
    table = Table(kring)
    with table.reporting():
        directory.register_providers()
        table.check("registerProvider", {})  # again: it updates
        table.check("listProgrammes", {})
        table.check("getProgramme", {"code": "home-start"})

        # the one who fits the family, for one family at a time: the next one waits
        anna = directory.register_supporter(OWNER, "Anna", capacity=1)
        bram = directory.register_supporter(OWNER, "Bram", capacity=0)
        zoe = directory.register_supporter(OTHER, "Zoë")
        table.supporter_of = {OWNER: anna, OTHER: zoe}
        table.supporters_of = {OWNER: {anna, bram}, OTHER: {zoe}}
        table.check("registerSupporter", {})
        table.check("listSupporters", {})
        table.check("getSupporter", {"supporter_id": bram})
        table.check("updateSupporter", {"supporter_id": bram})

        table.check("submitReferral", {})
        referral_id = directory.submit(OWNER)
        to_withdraw = directory.submit(OWNER)
        in_zeist = directory.submit(OTHER)
        table.referrals_of = {OWNER: {referral_id, to_withdraw}, OTHER: {in_zeist}}
        table.check("listReferrals", {})
        ids = {"referral_id": referral_id}
        table.check("getReferral", ids)
        table.check("getReferral", {"referral_id": in_zeist}, owner=OTHER)

        coordinator = Directory.coordinator(OWNER)
        intake = table.check("recordIntake", ids).get("coordinator")
        assert intake and intake.get("proposal_id"), \
            f"the owner's intake proposed nobody: {intake}"
        ids["proposal_id"] = intake["proposal_id"]
        table.check("getProposal", ids)
        table.listed["proposals"][OWNER] = {ids["proposal_id"]}
        table.check("listProposals", {})
        # Anna is proposed: the next family of Utrecht waits (Bram has no capacity)
        waits = eventually(lambda: taken(kring.call("recordIntake", coordinator, body={
            "referral_id": to_withdraw, "fits": True, "severity": "low", "reason": "fits"})),
            what="the second family's intake")
        assert waits["status"] == "waitlisted", f"the second family did not wait: {waits}"
        table.listed["referrals"][OWNER] = {to_withdraw}
        table.check("listWaitingList", {})
        proposed = kring.do("getProposal", coordinator, ids)["supporter_id"]
        assert proposed == anna, f"proposed {proposed}, not the one supporter who fits"
        table.check("respondToProposal", ids)  # the family says yes
        kring.do("respondToProposal", coordinator, ids,
                 {"party": "supporter", "accept": True, "reason": "glad to"})
        ids["case_id"] = case_of(kring, coordinator, referral_id)

        table.check("getCase", ids)
        colleague = Directory.supporter(OWNER, bram)  # same organisation, not on this case
        table.hidden("getCase", colleague, ids, side=OWNER)
        table.check("setPlan", ids)
        table.check("setFamilyMembers", ids)
        table.check("addSupportFigure", ids)
        figures = kring.do("getCase", coordinator, ids)["plan"]["support_figures"]
        assert figures, "the owner's support figures are not on the case"
        ids["figure_id"] = figures[0]["figure_id"]
        table.check("updateSupportFigure", ids)
        table.check("removeSupportFigure", ids)
        table.check("changeIntensity", ids)
        table.check("recordCheckIn", ids)
        table.check("recordEvaluation", ids)
        table.check("logVisit", ids)
        table.check("recordSafetyConcern", ids)
        table.listed["cases"][OWNER] = {ids["case_id"]}
        table.check("listCases", {})  # its supporter's, Anna's, too
        concerns = kring.do("getCase", coordinator, ids)["safety_concerns"]
        assert concerns, "the owner's safety concerns are not on the case"
        ids["concern_id"] = concerns[0]["concern_id"]
        table.check("resolveSafetyConcern", ids)
        table.check("closeCase", ids)
        matched = Directory.supporter(OWNER, anna)
        table.reached("getCase", matched, ids)  # closing is still open: the supporter's own
        table.check("handOverCase", ids)
        table.hidden("getCase", matched, ids, side=OWNER)  # handed over: no longer its case

        ids["aftercare_id"] = aftercare_of(kring, coordinator, referral_id)
        table.check("getAftercare", ids)
        table.listed["aftercare"][OWNER] = {ids["aftercare_id"]}
        table.check("listAftercare", {})
        table.check("logAftercareContact", ids)
        table.check("completeAftercare", ids)
        table.check("reportRelapse", ids)
        closed(kring, coordinator, referral_id)
        table.check("getAudit", ids)
        table.check("exportReferral", ids)

        table.check("withdrawConsent", {"referral_id": to_withdraw})
        table.check("withdrawReferral", {"referral_id": to_withdraw})
        table.check("eraseReferral", {"referral_id": to_withdraw})  # again: changes nothing

        # consultations: one the GP practice asks, one the municipality asks, both of the
        # programme's provider in Utrecht
        table.check("requestConsultation", {})
        for asker, strangers in (("referrer", ("municipality",)),
                                 ("municipality", ("referrer",))):
            consultation = kring.do("requestConsultation", table.caller(asker, OWNER),
                                    body=consultation_body(OWNER), expect=(201,))
            assert consultation["coordinating_org"] == PROVIDERS[OWNER], consultation
            asked = {"consultation_id": consultation["consultation_id"]}
            for operation_id in ("getConsultation", "answerConsultation", "askFollowUp",
                                 "closeConsultation"):
                table.check(operation_id, asked, strangers=strangers)

        # a family trajectory waits for Utrecht's commission after its intake: Utrecht's
        # officer reaches it, Zeist's does not
        kring.do("registerProvider", directory.operator, body={
            "organisation": COMMISSIONED_PROVIDER, "name": "Gezinstraject Utrecht",
            "programme": COMMISSIONED, "municipalities": [OWNER], "languages": ["nl"]})
        trajectory = kring.do("submitReferral", Directory.referrer(OWNER), body=referral_body(
            f"GT-{fresh_id()[:8]}", programme=COMMISSIONED), expect=(201,))["referral_id"]
        waiting = kring.until(
            "getReferral", Directory.referrer(OWNER), {"referral_id": trajectory},
            lambda shown: True, "the trajectory to be stored")
        assert waiting["status"] == "received", waiting
        gt_coordinator = person(COMMISSIONED_PROVIDER, "coordinator")
        eventually(lambda: kring.call("recordIntake", gt_coordinator, body={
            "referral_id": trajectory, "fits": True, "severity": "high",
            "reason": "fits"}).status_code == 201, what="the trajectory's intake")
        kring.until("getReferral", gt_coordinator, {"referral_id": trajectory},
                    lambda shown: "awaiting_commission" in
                    [entry["status"] for entry in shown["timeline"]],
                    "the trajectory to wait for its commission")
        table.commission_of[OWNER] = trajectory
        commission = {"referral_id": trajectory}
        table.check("getCommissionRequest", commission)
        table.check("listCommissionRequests", {})
        table.check("decideCommission", commission)

        # figures: the municipality and the admin of each side see only their own side's
        table.check("getReports", {})
        for side in (OWNER, OTHER):
            for role in ("municipality", "admin"):
                rows = kring.do("getReports", table.caller(role, side),
                                query={"period": "year"})["rows"]
                shown = {row["municipality"] for row in rows}
                if shown != {MUNICIPALITIES[side]}:
                    table.fail(f"getReports as {role} of {side}: figures of {shown}")

        # every id of the referral, to the other organisation's coordinator and admin: nothing
        # (the reads; every change was tried in the table above)
        for role in ("coordinator", "admin"):
            stranger = person(PROVIDERS[OTHER], role)
            for operation_id, target in (("getReferral", "referral_id"),
                                         ("getProposal", "proposal_id"),
                                         ("getCase", "case_id"),
                                         ("getAftercare", "aftercare_id")):
                if role in RULES[operation_id].reach:
                    table.hidden(operation_id, stranger, ids, target)

    assert table.covered == set(OPERATIONS) - PUBLIC, \
        f"not in the table: {sorted(set(OPERATIONS) - PUBLIC - table.covered)}; " \
        f"not an operation: {sorted(table.covered - set(OPERATIONS))}"
    assert not table.failures, f"{len(table.failures)} answer(s) differ from the rule " \
        "table:\n" + "\n".join(table.failures)


def test_a_referral_for_a_municipality_nobody_serves_is_refused(stack_api):
    kring = Kring(stack_api)
    directory = Directory(kring)
    directory.register_providers()
    nobody = kring.do("listProgrammes", directory.operator, query={"municipality": UNSERVED})
    assert [provider for provider in nobody["providers"] if provider["programme"] ==
            PROGRAMME] == [], f"the test needs a municipality nobody serves: {nobody}"
    referrer = Directory.referrer(OWNER)
    refused = kring.call("submitReferral", referrer, body=referral_in(UNSERVED))
    assert refused.status_code == 422, body_text(refused)
    assert refused.json()["error"] == "invalid"
    served = kring.call("submitReferral", referrer, body=referral_in(OWNER))
    assert served.status_code == 201, body_text(served)


def test_a_referrer_says_who_withdrew_but_cannot_say_a_coordinator_did(stack_api):
    kring = Kring(stack_api)
    directory = Directory(kring)
    directory.register_providers()
    ids = {"referral_id": directory.submit(OWNER)}
    referrer, coordinator = Directory.referrer(OWNER), Directory.coordinator(OWNER)
    refused = kring.call("withdrawReferral", referrer, ids,
                         {"by": "coordinator", "reason": "the family stops"})
    assert refused.status_code == 422, body_text(refused)
    assert kring.do("getReferral", coordinator, ids)["status"] == "received"
    kring.do("withdrawReferral", referrer, ids, {"by": "family", "reason": "the family stops"})
    referral = kring.do("getReferral", coordinator, ids)
    assert (referral["status"], referral["outcome"]) == ("closed", "withdrawn")
    assert [entry.get("detail") for entry in referral["timeline"]
            if entry["status"] == "withdrawn"] == ["by family"]
