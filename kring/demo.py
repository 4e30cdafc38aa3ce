"""`kring demo`: one walk through the whole flow over the public API of a running Kring.

It plays every part — referrer, coordinator, supporter — for three families: one supported to
the end, one whose question does not fit the programme, one that withdraws mid-case, and prints
each referral's timeline and where its notices went. Two families are then referred for a
professional family trajectory, which the municipality commissions first (Utrecht says yes to
one and no to the other), and a GP asks the Home-Start coordinators for advice about a case of
its own (a consultation: no family is taken on), in two rounds.

Then it leaves families behind at every stage of the coordinator's work queue, for a person who
signs in to the portal afterwards (README "The portal"): new referrals awaiting their intake,
proposals waiting for answers, families on the waiting list, open cases (one with an immediate
safety concern), a case closing and to hand over, and aftercare under way; and it prints the
`kring login-link` commands of a coordinator, a referrer, a supporter, an admin and a
municipality.
"""
import sys
import time
import uuid

import requests

from kring.client import COORDINATING_ORG, REFERRING_ORG, ApiClient, ApiError
from kring.describe import describe
from kring.kit.auth import create_token

PROGRAMME = "home-start"
TRAJECTORY = "family-trajectory"  # a professional family trajectory on a municipal commission
TRAJECTORY_ORG = "gezinstraject-utrecht"  # its provider in Utrecht, examples/directory.json
MUNICIPALITY = "GM0344"  # Utrecht: a municipality's token names it by its CBS code
WAIT_SECONDS = 30
# the families left for the portal's pages: (stage, family names); a family that speaks only a
# language no supporter speaks waits on the waiting list
STAGES = (("awaiting intake", ("Kok", "Dekker")),
          ("proposal waiting for answers", ("Peters", "Hendriks")),
          ("waitlisted", ("Haile", "Tesfay")),
          ("open case", ("El Amrani", "De Groot")),
          ("closing, to hand over", ("Mulder",)),
          ("aftercare", ("Smit",)))
NO_SUPPORTER_SPEAKS = "ti"  # Tigrinya


class DemoFailed(Exception):
    pass


class Demo(ApiClient):
    def __init__(self, base_url, secret, out=sys.stdout):
        super().__init__(base_url, secret)
        self.out = out
        self.step = 0
        self.trajectory_coordinator = create_token(secret, TRAJECTORY_ORG, "coordinator",
                                                   "demo-trajectory-coordinator", 12 * 3600)
        self.municipality = create_token(secret, MUNICIPALITY, "municipality",
                                         "demo-municipality", 12 * 3600)
        self._coordinator_of = {}  # referral_id -> the token of the organisation it is routed to

    def referral(self, referral_id):
        return self.call("GET", f"/referrals/{referral_id}",
                         self._coordinator_of.get(referral_id, self.coordinator))

    def say(self, text):
        self.step += 1
        print(f"[{self.step:2}] {text}", file=self.out, flush=True)

    def until(self, what, check):
        """Wait for the services to catch up (they talk by events, so a moment may pass)."""
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            result = check()
            if result:
                return result
            time.sleep(0.2)
        raise DemoFailed(f"gave up waiting for {what} after {WAIT_SECONDS} s")

    def reaches(self, referral_id, status):
        self.until(f"{referral_id} to be {status}",
                   lambda: self.referral(referral_id)["status"] == status)
        return self.referral(referral_id)

    def register_supporters(self):
        supporters = [
            ("Anna (volunteer)", "volunteer", ["nl", "tr"], ["parenting"], 2),
            ("Bram (volunteer)", "volunteer", ["nl"], ["finances"], 1),
            ("Carla (professional)", "professional", ["nl", "en"],
             ["parenting", "domestic_safety"], 2),
        ]
        for supporter in supporters:
            self.say(f"coordinator registers supporter {supporter[0]}")
            self.register_supporter(*supporter)

    def register_supporter(self, name, kind, languages, expertise, capacity,
                           programme=PROGRAMME, coordinator=None):
        self.call("POST", "/supporters", coordinator or self.coordinator, {
            "name": name, "kind": kind, "programmes": [programme], "languages": languages,
            "municipalities": ["Utrecht"], "capacity": capacity, "expertise": expertise})

    def submit(self, label, language="nl", programme=PROGRAMME, languages=("nl", "tr")):
        self.say(f"referrer submits the {label} family" + (
            "" if programme == PROGRAMME else f" for a {programme}"))
        body = {
            "programme": programme, "external_ref": f"DEMO-{uuid.uuid4().hex[:8].upper()}",
            "referrer": {"name": "J. de Vries", "organisation": "Huisartsenpraktijk Oost",
                         "role": "gp", "email": "j.devries@example.org", "language": language},
            "family": {"contact_name": f"Fam. {label}", "phone": "+31612345678",
                       "postcode": "3581AB", "municipality": "Utrecht",
                       "languages": list(languages), "children_ages": [2, 5]},
            "request": {"question": "Support with parenting after a move",
                        "domains": ["parenting"], "urgency": "normal"},
            "consent": {"family_consents": True, "share_status_with_referrer": True,
                        "given_on": time.strftime("%Y-%m-%d")},
        }
        referral_id = self.call("POST", "/referrals", self.referrer, body)["referral_id"]
        if programme == TRAJECTORY:
            self._coordinator_of[referral_id] = self.trajectory_coordinator
        return referral_id

    def intake(self, referral_id, fits, severity="medium"):
        self.say(f"coordinator records the intake: {'fits' if fits else 'does not fit'}")
        body = {"referral_id": referral_id, "fits": fits, "reason": "intake conversation"}
        if fits:
            body["severity"] = severity
        # matching learns of the referral by an event; until then it answers 409 not_ready
        return self.until("matching to know the referral", lambda: self.call(
            "POST", "/intakes", self._coordinator_of.get(referral_id, self.coordinator), body,
            accept=(200, 201, 409)))

    def match(self, referral_id, proposal_id):
        coordinator = self._coordinator_of.get(referral_id, self.coordinator)
        for party in ("family", "supporter"):
            self.say(f"the {party} says yes to the proposed supporter")
            self.call("POST", f"/proposals/{proposal_id}/responses", coordinator,
                      {"party": party, "accept": True, "reason": "good first meeting"})
        self.say("waiting for the case to start")
        return self.reaches(referral_id, "in_progress")["case_id"]

    def supported_to_the_end(self):
        referral_id = self.submit("Yilmaz")
        proposal_id = self.intake(referral_id, True)["proposal_id"]
        case_id = self.match(referral_id, proposal_id)
        self.say("supporter logs a half-day visit")
        self.call("POST", f"/cases/{case_id}/visits", self.coordinator,
                  {"date": time.strftime("%Y-%m-%d"), "hours": 4, "notes": "first home visit"})
        self.say("coordinator holds the closing conversation")
        self.call("POST", f"/cases/{case_id}/close", self.coordinator,
                  {"evaluation": "parents manage on their own", "goals_met": True})
        self.say("coordinator hands the case over to the municipality")
        self.call("POST", f"/cases/{case_id}/handover", self.coordinator, {
            "receiving_party": {"kind": "municipality", "name": "Gemeente Utrecht"},
            "summary": "stable; the neighbourhood team stays involved"})
        aftercare_id = self.reaches(referral_id, "aftercare")["aftercare_id"]
        self.say("coordinator confirms the end of aftercare")
        self.call("POST", f"/aftercare/{aftercare_id}/complete", self.coordinator,
                  {"notes": "last contact went well"})
        self.reaches(referral_id, "closed")
        return referral_id

    def not_fitting(self):
        referral_id = self.submit("Jansen", language="en")
        self.intake(referral_id, False)
        self.reaches(referral_id, "closed")
        return referral_id

    def withdrawn_mid_case(self):
        referral_id = self.submit("Bakker")
        proposal_id = self.intake(referral_id, True, severity="low")["proposal_id"]
        self.match(referral_id, proposal_id)
        self.say("the family stops: the referrer withdraws the referral")
        self.call("POST", f"/referrals/{referral_id}/withdraw", self.referrer,
                  {"by": "family", "reason": "the family moved away"})
        return referral_id

    def awaiting_commission(self, label):
        """A family trajectory's referral up to the municipality's desk."""
        referral_id = self.submit(label, programme=TRAJECTORY)
        self.intake(referral_id, True, severity="high")
        self.say("the referral waits for Utrecht's commission")
        self.until(f"{referral_id} to await its commission", lambda: any(
            entry["status"] == "awaiting_commission"
            for entry in self.referral(referral_id)["timeline"]))
        waiting = self.call("GET", "/commissions", self.municipality)["commissions"]
        if referral_id not in [request["referral_id"] for request in waiting]:
            raise DemoFailed(f"{referral_id} is not on Utrecht's list of commissions to decide")
        return referral_id

    def commissioned_trajectory(self):
        self.say("the trajectory's coordinator registers a professional")
        self.register_supporter("Dewi (professional)", "professional", ["nl", "tr"],
                                ["parenting"], 1, TRAJECTORY, self.trajectory_coordinator)
        referral_id = self.awaiting_commission("Demir")
        self.say("Utrecht commissions the family trajectory")
        self.call("POST", f"/referrals/{referral_id}/commission", self.municipality,
                  {"commissioned": True})
        proposal_id = self.until(f"a proposal for {referral_id}",
                                 lambda: self.referral(referral_id)["proposal_id"])
        self.match(referral_id, proposal_id)
        return referral_id

    def declined_trajectory(self):
        referral_id = self.awaiting_commission("Visser")
        self.say("Utrecht declines: the neighbourhood team can help")
        self.call("POST", f"/referrals/{referral_id}/commission", self.municipality,
                  {"commissioned": False, "reason": "the neighbourhood team can help first"})
        self.reaches(referral_id, "closed")
        return referral_id

    def consultation(self):
        """A GP asks for advice and keeps the lead: no family is named, only its own
        pseudonymous reference; two rounds, then the GP closes it."""
        self.say("a GP asks the Home-Start coordinators for advice about a case of its own")
        consultation = self.call("POST", "/consultations", self.referrer, {
            "programme": PROGRAMME, "municipality": "Utrecht", "case_ref": "GP-CASE-17",
            "question": "A mother of two feels alone since the move; is Home-Start a fit?",
            "requester": {"email": "j.devries@example.org", "language": "nl"}})
        path = f"/consultations/{consultation['consultation_id']}"
        self.say("coordinator answers")
        self.call("POST", f"{path}/answers", self.coordinator,
                  {"answer": "Likely: weekly visits by a volunteer. Ask whether she agrees."})
        self.say("the GP asks a follow-up question")
        self.call("POST", f"{path}/questions", self.referrer,
                  {"question": "Does she need to speak Dutch?"})
        self.say("coordinator answers again")
        self.call("POST", f"{path}/answers", self.coordinator,
                  {"answer": "No: we match volunteers by language where we can."})
        self.say("the GP closes the consultation")
        return self.call("POST", f"{path}/close", self.referrer, {})


    # --- families left behind for the portal ----------------------------------------------------

    def started(self, label):
        """A family's case under way with a plan and a first visit: (referral_id, case_id)."""
        referral_id = self.submit(label)
        case_id = self.match(referral_id, self.intake(referral_id, True)["proposal_id"])
        self.say(f"coordinator sets the plan for the {label} family and logs a visit")
        self.call("PUT", f"/cases/{case_id}/plan", self.coordinator, {
            "goals": [{"life_domain": "parenting", "for": "adult",
                       "goal": "Daily rhythm with the children that the parents can keep up"},
                      {"life_domain": "social_network", "for": "adult",
                       "goal": "Two people nearby the family can call on"}],
            "risk_factors": ["little sleep since the move"],
            "protective_factors": ["a grandmother who visits weekly"],
            "intensity": "regular"})
        self.call("POST", f"/cases/{case_id}/visits", self.coordinator,
                  {"date": time.strftime("%Y-%m-%d"), "hours": 2, "notes": "getting to know"})
        return referral_id, case_id

    def closed_case(self, label):
        referral_id, case_id = self.started(label)
        self.say(f"coordinator holds the closing conversation with the {label} family")
        self.call("POST", f"/cases/{case_id}/close", self.coordinator,
                  {"evaluation": "the family manages; the handover is next", "goals_met": True})
        return referral_id, case_id

    def families_left_for_the_portal(self):
        """{stage: [referral_id]} of STAGES; the supporter of the case with a safety concern."""
        self.say("coordinator registers a supporter for the families left for the portal")
        self.register_supporter("Dina (volunteer)", "volunteer", ["nl", "tr"], ["parenting"], 4)
        stages = dict(STAGES)
        left = {stage: [] for stage, _ in STAGES}
        for label in stages["aftercare"]:
            referral_id, case_id = self.closed_case(label)
            self.say(f"coordinator hands the {label} family over to the municipality")
            self.call("POST", f"/cases/{case_id}/handover", self.coordinator, {
                "receiving_party": {"kind": "municipality", "name": "Gemeente Utrecht"},
                "summary": "stable; aftercare contacts by the coordinator"})
            self.reaches(referral_id, "aftercare")
            left["aftercare"].append(referral_id)
        for label in stages["closing, to hand over"]:
            left["closing, to hand over"].append(self.closed_case(label)[0])
        supporter = None
        for number, label in enumerate(stages["open case"]):
            referral_id, case_id = self.started(label)
            if number == 0:
                self.say(f"coordinator records the immediate safety concern the supporter saw "
                         f"at the {label} family")
                self.call("POST", f"/cases/{case_id}/safety-concerns", self.coordinator, {
                    "description": "Father shouted at the children in front of the supporter; "
                                   "mother afraid to be alone with him", "immediate": True})
                supporter = self.call("GET", f"/cases/{case_id}", self.coordinator)[
                    "supporter_id"]
            left["open case"].append(referral_id)
        for label in stages["proposal waiting for answers"]:
            referral_id = self.submit(label)
            self.intake(referral_id, True)
            left["proposal waiting for answers"].append(referral_id)
        for label in stages["waitlisted"]:
            referral_id = self.submit(label, languages=(NO_SUPPORTER_SPEAKS,))
            self.intake(referral_id, True)
            self.reaches(referral_id, "waitlisted")
            left["waitlisted"].append(referral_id)
        for label in stages["awaiting intake"]:
            left["awaiting intake"].append(self.submit(label))
        return left, supporter


def login_commands(supporter):
    """The `kring login-link` of each person worth signing in as after the demo."""
    people = [("coordinator", COORDINATING_ORG, "coordinator", "demo-coordinator"),
              ("referrer", REFERRING_ORG, "referrer", "demo-referrer"),
              ("supporter", COORDINATING_ORG, "supporter", supporter),
              ("admin", COORDINATING_ORG, "admin", "demo-admin"),
              ("municipality", MUNICIPALITY, "municipality", "demo-municipality")]
    return [(who, f"kring login-link --org {org} --role {role} --subject {subject}")
            for who, org, role, subject in people if subject]


def run_demo(base_url, secret, notices=None, out=sys.stdout):
    """Walk the five families and the consultation through; `notices(referral_id)` lists where
    their notices went."""
    demo = Demo(base_url, secret, out)
    try:
        demo.register_supporters()
        referral_ids = [demo.supported_to_the_end(), demo.not_fitting(),
                        demo.withdrawn_mid_case(), demo.commissioned_trajectory(),
                        demo.declined_trajectory()]
        consultation = demo.consultation()
        left, supporter = demo.families_left_for_the_portal()
    except (DemoFailed, ApiError, requests.RequestException) as exc:
        print(f"demo stopped: {exc}", file=out)
        return 1
    for referral_id in referral_ids:
        print("\n" + describe(demo.referral(referral_id)), file=out)
        for notice in (notices(referral_id) if notices else []):
            where = notice.get("location") or " ".join(
                filter(None, [notice.get("channel"), notice.get("recipient")]))
            print(f"    notice {notice['kind']}: {notice['status']} → {where}", file=out)
    print(f"\nconsultation {consultation['consultation_id']}: {consultation['status']} after "
          f"{len(consultation['rounds'])} rounds", file=out)
    for notice in (notices(consultation["consultation_id"]) if notices else []):
        where = notice.get("location") or " ".join(
            filter(None, [notice.get("channel"), notice.get("recipient")]))
        print(f"    notice {notice['kind']}: {notice['status']} → {where}", file=out)
    print("\nLeft for the portal's work queue:", file=out)
    for stage, referral_ids in left.items():
        print(f"    {stage}: {len(referral_ids)} ({', '.join(referral_ids)})", file=out)
    print("\nSign in to the portal as one of them (each command prints a one-time link):",
          file=out)
    for who, command in login_commands(supporter):
        print(f"    {who + ':':14}{command}", file=out)
    return 0
