"""What leaves the referral service when a referral changes: one table, domain event -> wire.

The stages hear contract events (kring/contracts/events.py); a partner whose referral it is hears a
partner update on kring.partner.out (docs/contract.md §5), only while the family's consent to
share with it stands (services/referral/consent.py). Within one event the contract event goes
first, then the partner update.
"""
import uuid

from kring.clock import iso, utcnow
from kring.contracts.events import make_event
from kring.contracts.partner_queues import CLOSED, OUT_EXCHANGE, STATUS_EVENTS, update_key
from kring.kit.outbox import Message, outgoing_table
from services.referral.consultation import Answered
from services.referral.events import (ApplicationSubmitted, Closed, Commissioned,
                                      ConsentWithdrawn, Erased, Received, Routed, StatusChanged,
                                      Withdrawn)

SOURCE = "referral"


def received(referral, happened):
    """For a self-referral the applicant stands in the referrer's place: notify tells the
    family itself (docs/contract.md §7 "Data in motion")."""
    details, contact = referral.details, referral.notice_contact
    return make_event(
        SOURCE, "referral_received", referral.referral_id,
        programme=referral.programme, organisation=referral.org,
        external_ref=referral.external_ref,
        municipality=details["family"]["municipality"],
        languages=details["family"]["languages"],
        domains=details["request"]["domains"], urgency=details["request"]["urgency"],
        referrer_email=contact["email"], referrer_language=contact["language"],
        referrer_organisation=contact["organisation"], self_referred=referral.self_referred,
        share_status_with_referrer=referral.consent.informs_referrer,
        partner=referral.partner, family_key=happened.family_key,
        coordinating_org=referral.coordinating_org,
        municipality_code=referral.municipality_code)


def routed(referral, happened):
    return make_event(SOURCE, "referral_routed", referral.referral_id,
                      coordinating_org=happened.organisation,
                      municipality_code=happened.municipality_code)


def status_changed(referral, happened):
    """The stages learn of a status change from their own events; only a partner is told."""
    return _status_update(referral, STATUS_EVENTS.get(happened.status))


def withdrawn(referral, happened):
    """Who withdrew, as a role. Not the reason they gave, here or in referral_closed: words
    about the family, which no stage needs (docs/contract.md §7 "Data in motion")."""
    return make_event(SOURCE, "referral_withdrawn", referral.referral_id,
                      by_role=happened.by)


def consent_withdrawn(referral, happened):
    """Notify stops every notice not yet sent; the partner is told nothing (not even this)."""
    return make_event(SOURCE, "consent_withdrawn", referral.referral_id)


def closed(referral, happened):
    event = make_event(SOURCE, "referral_closed", referral.referral_id,
                       outcome=happened.outcome,
                       coordinating_org=referral.coordinating_org,
                       case_started_at=referral.case_started_at(),
                       programme=referral.programme)
    update = _status_update(referral, CLOSED)
    return [event, update] if update else event


def commissioned(referral, happened):
    """Matching starts; who decided and when stay here (the timeline says it)."""
    return make_event(SOURCE, "referral_commissioned", referral.referral_id,
                      municipality_code=happened.municipality_code)


def erased(referral, happened):
    return make_event(SOURCE, "referral_erased", referral.referral_id, erased_at=happened.at)


def consultation_answered(consultation, happened):
    """The requester hears that an answer is there (notify); the answer itself stays here."""
    content = consultation.content
    return make_event(SOURCE, "consultation_answered", consultation.consultation_id,
                      round=happened.round, programme=consultation.programme,
                      organisation=consultation.org,
                      coordinating_org=consultation.coordinating_org,
                      requester_email=content["requester_email"],
                      requester_language=content["requester_language"])


def application_submitted(application, happened):
    """The applicant is to confirm (notify sends the e-mail): its address, language and the
    token, which nothing else carries and nothing logs (docs/contract.md §7)."""
    applicant = application.applicant
    return make_event(SOURCE, "self_referral_submitted", application.application_id,
                      programme=application.programme, applicant_email=applicant["email"],
                      applicant_language=applicant["language"], token=happened.token,
                      expires_at=application.expires_at)


OUTGOING = {
    ApplicationSubmitted: application_submitted,
    Answered: consultation_answered,
    Received: received,
    Routed: routed,
    StatusChanged: status_changed,
    Withdrawn: withdrawn,
    Closed: closed,
    Commissioned: commissioned,
    ConsentWithdrawn: consent_withdrawn,
    Erased: erased,
}
outgoing = outgoing_table(OUTGOING)


def _status_update(referral, event):
    """The update for the referral's partner, or None: no partner, nothing it is told, or the
    family does not (or no longer) consent to share with it. The partner's accepted/rejected
    replies are not status updates: they answer its own message (partner_submissions.py)."""
    if not referral.partner or event is None or not referral.consent.informs_partner:
        return None
    return partner_update(referral.partner, event, referral.referral_id, referral.external_ref,
                          referral.status, referral.outcome)


def partner_update(partner, event, referral_id, external_ref, status, outcome=None,
                   errors=None, in_reply_to=None):
    """A message for `partner` on kring.partner.out: a status change or the answer to one of
    its submissions (services/referral/partner_submissions.py). Never about the family."""
    body = {"message_id": str(uuid.uuid4()), "type": event, "occurred_at": iso(utcnow()),
            "referral_id": referral_id, "external_ref": external_ref, "status": status,
            "outcome": outcome, "errors": errors, "in_reply_to": in_reply_to}
    return Message(OUT_EXCHANGE, update_key(partner, event), body, body["message_id"])
