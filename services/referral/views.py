"""What each role may see of a referral, and what the directory shows (plain JSON-ready
dicts)."""
from services.referral.domain import CLOSED, RECEIVED

DOWNSTREAM_IDS = ("proposal_id", "case_id", "aftercare_id")
STAFF = ("coordinator", "admin")  # of the coordinating organisation: the rule table says so


def referral_view(referral, role):
    """Status, timeline and downstream ids for everyone who may see the referral; the family,
    the request and the consent record only for coordinators and admins. The referring
    organisation sees the progress only while the family consents to it being told; else
    only that the referral was received and when it closed (docs/contract.md §7 "Consent")."""
    if role not in STAFF and not referral.informs_referring_org:
        return received_and_closed(referral)
    shown = full_view(referral)
    if role in STAFF and referral.self_referred:  # only then: other views keep their shape
        shown["self_referred"] = True
    if referral.is_erased:  # nothing of the family is left to show (docs/contract.md §7)
        shown["erased_at"] = referral.erased_at
        if role in STAFF:
            shown["consent"] = referral.consent.shown()
    elif role in STAFF:  # they do the intake; a referrer already knows this
        shown["family"] = referral.details["family"]
        shown["request"] = referral.details["request"]
        shown["consent"] = referral.consent.shown()
        if referral.self_referred:  # the family's own contact for the notices: family data
            shown["applicant"] = referral.details["applicant"]
    if role in STAFF and referral.commission is not None:
        shown["commission"] = coordinators_commission(referral.commission)
    return shown


def coordinators_commission(commission):
    """The municipality's decision as the coordinating organisation sees it: with the reason
    for a no (they tell the family), never sent on."""
    decided_by = commission.decided_by
    return {"state": commission.state, "asked_at": commission.asked_at,
            "decided_at": commission.decided_at,
            "decided_by": {"role": decided_by["role"], "organisation": decided_by["organisation"]}
            if decided_by else None, "reason": commission.reason}


def commission_view(referral):
    """A referral as its municipality sees it for the commission: only what the decision
    needs (kring/contracts/commission.py CommissionView) — never the family's contact name,
    phone, postcode or question. After an erasure the ages, domains and urgency are gone."""
    commission = referral.commission
    family = referral.details.get("family", {})
    request = referral.details.get("request", {})
    decided_by = commission.decided_by
    return {"referral_id": referral.referral_id, "programme": referral.programme,
            "coordinating_org": referral.coordinating_org,
            "municipality_code": referral.municipality_code, "state": commission.state,
            "asked_at": commission.asked_at, "intake_at": commission.intake_at,
            "severity": commission.severity,
            "children_ages": list(family.get("children_ages", [])),
            "domains": list(request.get("domains", [])), "urgency": request.get("urgency"),
            "decided_at": commission.decided_at,
            "decided_by": {"role": decided_by["role"], "organisation": decided_by["organisation"]}
            if decided_by else None}


def received_and_closed(referral):
    """Only that the referral was received, and when it was closed: no status in between, no
    outcome, no notes, no downstream ids."""
    return {
        "referral_id": referral.referral_id,
        "external_ref": referral.external_ref,
        "programme": referral.programme,
        "status": CLOSED if referral.is_closed else RECEIVED,
        "outcome": None,
        "timeline": [{"status": e.status, "at": e.at, "detail": None}
                     for e in referral.sorted_timeline() if e.status in (RECEIVED, CLOSED)],
        **{name: None for name in DOWNSTREAM_IDS},
    }


def shown_status(referral):
    """The status the referring organisation (a partner too) may be told."""
    if referral.informs_referring_org:
        return referral.status
    return CLOSED if referral.is_closed else RECEIVED


def full_view(referral):
    """Status, outcome, the whole timeline and the downstream ids."""
    return {
        "referral_id": referral.referral_id,
        "external_ref": referral.external_ref,
        "programme": referral.programme,
        "status": referral.status,
        "outcome": referral.outcome,
        "timeline": [{"status": e.status, "at": e.at, "detail": e.detail}
                     for e in referral.sorted_timeline()],
        **{name: getattr(referral, name) for name in DOWNSTREAM_IDS},
    }


def erasure_view(referral, erasure, reported, stages):
    """Where an erasure stands: who asked (role and organisation), which stages have reported
    their part erased and which not yet (kring/contracts/erasure.py ErasureView)."""
    return {"referral_id": referral.referral_id, "erased_at": referral.erased_at,
            "erased_by": {"role": erasure.role, "organisation": erasure.organisation},
            "reported": dict(sorted(reported.items())),
            "waiting_for": [stage for stage in stages if stage not in reported],
            "complete": all(stage in reported for stage in stages)}


def export_view(referral, partner_messages):
    """Everything the referral service holds of a referral (exportReferral)."""
    return {"referral": {
        "referral_id": referral.referral_id, "organisation": referral.org,
        "external_ref": referral.external_ref, "programme": referral.programme,
        "partner": referral.partner, "coordinating_org": referral.coordinating_org,
        "municipality_code": referral.municipality_code, "status": referral.status,
        "outcome": referral.outcome, "erased_at": referral.erased_at,
        "commission_state": referral.commission_state,
        "commission_asked_at": referral.commission_asked_at,
        "commission_decided_at": referral.commission_decided_at,
        "self_referred": referral.self_referred,
        **{name: getattr(referral, name) for name in DOWNSTREAM_IDS},
        **referral.details,
        "timeline": [{"status": e.status, "at": e.at, "detail": e.detail}
                     for e in referral.sorted_timeline()]},
        "partner_messages": partner_messages}


def status_view(referral):
    """The status and timeline for an operator (`kring status`): no family details. Consent
    governs what leaves Kring; an operator runs it, so sees the whole timeline."""
    return full_view(referral)


def provider_view(provider, register):
    """A provider as the directory shows it (kring/contracts/directory.py ProviderView)."""
    return {"organisation": provider.organisation, "name": provider.name,
            "programme": provider.programme,
            "municipalities": [municipality_view(register.by_code[code])
                               for code in provider.municipalities],
            "languages": list(provider.languages), "waiting_list": provider.waiting_list}


def programme_list(municipality, providers, register, catalogue):
    """Who provides what: in `municipality`, or everywhere when it is None (ProgrammeList);
    each entry with what its programme's definition says of it (null for a code registered
    before definitions that none knows now)."""
    def details(code):
        definition = catalogue.get(code)
        return definition.summary() if definition else None

    return {"municipality": municipality_view(municipality) if municipality else None,
            "providers": [{**provider_view(provider, register),
                           "programme_details": details(provider.programme)}
                          for provider in providers]}


def municipality_view(municipality):
    return {"code": municipality.code, "name": municipality.name}
