"""The rule table: which role may call which operation, and on what (docs/security.md).

Every HTTP operation has one row. A role that is not in an operation's row is refused with 403
before anything is looked up (the answer is the same for every id, so it tells nothing). A role
that is in it reaches only what its `reach` allows; anything else answers 404, word for word as
an id that does not exist, so ids of other organisations cannot be probed.

Names and data only: kring.kit.access applies the table, the OpenAPI document prints it, and
the table-driven test calls every operation against it.
"""
from dataclasses import dataclass, field

# what a role reaches with an operation
ANYONE = "anyone"        # nothing of a family is involved: every caller with the role
OWN_ORG = "own_org"      # records of the caller's own organisation (supporters; a new referral)
REFERRING = "referring"  # a referral its organisation submitted
ROUTED = "routed"        # what is routed to its organisation: the referral, intake, proposal,
#                          case and aftercare of a referral it coordinates
OWN_CASE = "own_case"    # the case the supporter (the token's `sub`, of the organisation the
#                          case is routed to) is matched to, while it is open
OWN_MUNICIPALITY = "own_municipality"  # referrals whose family's municipality (its CBS code)
#                          is the token's org: a `municipality` token's org is its CBS code
REACHES = (ANYONE, OWN_ORG, REFERRING, ROUTED, OWN_CASE, OWN_MUNICIPALITY)

ROLES = ("referrer", "coordinator", "supporter", "admin", "operator", "municipality")
EVERY_ROLE = {role: ANYONE for role in ROLES}
STAFF = {"coordinator": OWN_ORG, "admin": OWN_ORG}
CASE_WORKERS = {"coordinator": ROUTED, "supporter": OWN_CASE}
REQUESTERS = {"referrer": OWN_ORG, "municipality": OWN_ORG}  # who asks for a consultation


@dataclass(frozen=True)
class Rule:
    reach: dict = field(default_factory=dict)  # role -> what it reaches; empty: public
    audited: bool = False  # it reads or changes a family's data: every call is in the audit

    @property
    def roles(self):
        return tuple(self.reach)


PUBLIC = Rule()
PUBLIC_AUDITED = Rule(audited=True)  # no token, but a family's data: recorded like the rest

# The changes a referral whose data was erased still takes (every other change to it is
# refused, 410 `referral_erased`: kring.kit.db): erasing it again (the answer says where the
# erasure stands), and submitting its external_ref again (the answer is the first referral, and
# nothing changes).
TAKEN_WHEN_ERASED = ("eraseReferral", "submitReferral")

RULES = {
    "getHealth": PUBLIC,
    "getReady": PUBLIC,
    "getOpenApi": PUBLIC,
    # referral
    "submitReferral": Rule({"referrer": OWN_ORG}, audited=True),
    # no family data in the list (ids, reference, programme, status): not audited per referral
    "listReferrals": Rule({"referrer": REFERRING, "coordinator": ROUTED, "admin": ROUTED}),
    "getReferral": Rule({"referrer": REFERRING, "coordinator": ROUTED, "admin": ROUTED},
                        audited=True),
    "withdrawReferral": Rule({"referrer": REFERRING, "coordinator": ROUTED}, audited=True),
    "withdrawConsent": Rule({"referrer": REFERRING, "coordinator": ROUTED}, audited=True),
    "getAudit": Rule({"admin": ROUTED}, audited=True),
    "eraseReferral": Rule({"admin": ROUTED}, audited=True),
    "exportReferral": Rule({"admin": ROUTED}, audited=True),
    # the municipality's commission (beschikking) of a programme that needs one
    # (docs/contract.md §4 "Commissions"): only what the decision needs, never contact details
    "decideCommission": Rule({"municipality": OWN_MUNICIPALITY}, audited=True),
    "getCommissionRequest": Rule({"municipality": OWN_MUNICIPALITY}, audited=True),
    # each referral listed is recorded in its own audit trail
    "listCommissionRequests": Rule({"municipality": OWN_MUNICIPALITY}, audited=True),
    # consultation requests: a professional or a municipality asks the organisation that
    # provides a programme for advice and keeps the lead (docs/contract.md §4 "Consultations")
    "requestConsultation": Rule(REQUESTERS, audited=True),
    "getConsultation": Rule({**REQUESTERS, "coordinator": ROUTED}, audited=True),
    "answerConsultation": Rule({"coordinator": ROUTED}, audited=True),
    "askFollowUp": Rule(REQUESTERS, audited=True),
    "closeConsultation": Rule({**REQUESTERS, "coordinator": ROUTED}, audited=True),
    # anonymous figures (docs/contract.md §7 "Reports"): a municipality's token names the
    # municipality by its CBS code as its organisation (OWN_MUNICIPALITY); an admin sees what
    # is routed to its organisation; the operator all of it. The figures are counted over the
    # reach as a query's filter (kring.kit.access.scope_of), never per id
    "getReports": Rule({"municipality": OWN_MUNICIPALITY, "admin": ROUTED, "operator": ANYONE}),
    # the directory: who provides which programme where (no family data)
    "registerProvider": Rule({"operator": ANYONE}),
    "listProgrammes": Rule(EVERY_ROLE),
    # a programme's leaflet for families: texts for anyone, no family data
    "getLeaflet": PUBLIC,
    # a family's own application and its confirmation (docs/contract.md §4 "Self-referral"):
    # no token, so no reach to check; every call is audited under the application's referral
    # once there is one, as person `applicant` of organisation `public`
    "submitSelfReferral": PUBLIC_AUDITED,
    "confirmSelfReferral": PUBLIC_AUDITED,
    "confirmSelfReferralLink": PUBLIC_AUDITED,
    "getProgramme": Rule(EVERY_ROLE),
    # matching
    "registerSupporter": Rule(STAFF),
    "updateSupporter": Rule(STAFF),
    "getSupporter": Rule(STAFF),
    "listSupporters": Rule(STAFF),
    "recordIntake": Rule({"coordinator": ROUTED}, audited=True),
    "getProposal": Rule({"coordinator": ROUTED}, audited=True),
    # the coordinator's work queue (docs/contract.md §4 "The portal"): the open proposals
    # (ids, who still answers: no family data) and the waiting list (the intake's severity:
    # each referral listed is recorded in its own audit trail)
    "listProposals": Rule({"coordinator": ROUTED}),
    "listWaitingList": Rule({"coordinator": ROUTED}, audited=True),
    "respondToProposal": Rule({"coordinator": ROUTED}, audited=True),
    # casework
    "getCase": Rule(CASE_WORKERS, audited=True),
    # the coordinator's open and closing cases, a supporter's own: a read of each one listed
    "listCases": Rule(CASE_WORKERS, audited=True),
    "setPlan": Rule(CASE_WORKERS, audited=True),
    "logVisit": Rule(CASE_WORKERS, audited=True),
    "recordSafetyConcern": Rule(CASE_WORKERS, audited=True),
    "resolveSafetyConcern": Rule({"coordinator": ROUTED}, audited=True),
    "closeCase": Rule({"coordinator": ROUTED}, audited=True),
    "handOverCase": Rule({"coordinator": ROUTED}, audited=True),
    # the family, its support figures and the intensity: as the plan (docs/contract.md §4)
    "setFamilyMembers": Rule(CASE_WORKERS, audited=True),
    "addSupportFigure": Rule(CASE_WORKERS, audited=True),
    "updateSupportFigure": Rule(CASE_WORKERS, audited=True),
    "removeSupportFigure": Rule(CASE_WORKERS, audited=True),
    "changeIntensity": Rule(CASE_WORKERS, audited=True),
    # the check-ins and evaluation moments are the coordinator's
    "recordCheckIn": Rule({"coordinator": ROUTED}, audited=True),
    "recordEvaluation": Rule({"coordinator": ROUTED}, audited=True),
    # aftercare
    "getAftercare": Rule({"coordinator": ROUTED}, audited=True),
    # the aftercare with contacts to make, the first due first: a read of each one listed
    "listAftercare": Rule({"coordinator": ROUTED}, audited=True),
    "logAftercareContact": Rule({"coordinator": ROUTED}, audited=True),
    "reportRelapse": Rule({"coordinator": ROUTED}, audited=True),
    "completeAftercare": Rule({"coordinator": ROUTED}, audited=True),
}


def rule_of(operation_id):
    """The operation's row; an operation without one is a bug said at import, never a hole."""
    try:
        return RULES[operation_id]
    except KeyError:
        raise KeyError(f"{operation_id} has no row in kring/contracts/access.py: every "
                       "operation needs one") from None
