"""Use cases of consultation requests (services/referral/consultation.py): load, ask the
domain, save, in one transaction. Who reaches a consultation is the rule table's
(kring/contracts/access.py): the requesting organisation (OWN_ORG) and the organisation asked
(ROUTED); anyone else gets exactly the 404 of an unknown id. The audit record of a call carries
the consultation's id where a referral's carries the referral's."""
import uuid
from datetime import datetime

from kring.clock import iso, utcnow
from kring.contracts.audit import SYSTEM_ROLE
from kring.errors import INVALID_BODY as INVALID, Invalid, NotFound
from kring.kit import audit, erasure
from kring.kit.access import Owner
from services.referral.consultation import Consultation
from services.referral.models import Consultations, Directory
from services.referral.municipalities import register

RETENTION = "retention"


def request_consultation(uow, caller, body):
    """A new consultation, addressed to the programme's provider in the municipality, or to
    the organisation named when it provides the programme."""
    programme = body["programme"]
    found = register().find(body["municipality"])
    if found is None:
        raise Invalid(INVALID, {"municipality": [register().unknown(body["municipality"])]})
    with uow:
        directory = Directory(uow)
        organisation = body.get("organisation")
        if organisation is None:
            organisation = directory.provider_of(programme, found.code)
            if organisation is None:
                raise Invalid(INVALID, {"programme": [
                    f"no organisation provides {programme} in {found.name} ({found.code})"]})
        elif directory.get(organisation, programme) is None:
            raise Invalid(INVALID, {"organisation": [
                f"{organisation} does not provide {programme}"]})
        consultation = Consultation.request(
            str(uuid.uuid4()), caller.org, caller.role, programme, found.code, organisation,
            body["question"], body.get("case_ref"),
            body["requester"]["email"], body["requester"]["language"], iso(utcnow()))
        Consultations(uow).add(consultation)
        caller.about(consultation.consultation_id)
        return consultation_view(consultation)


def get_consultation(uow, caller, consultation_id):
    with uow:
        return consultation_view(_reached(caller, Consultations(uow), consultation_id))


def answer_consultation(uow, caller, consultation_id, body):
    return _change(uow, caller, consultation_id,
                   lambda c: c.answer(body["answer"], caller.subject, iso(utcnow())))


def ask_follow_up(uow, caller, consultation_id, body):
    return _change(uow, caller, consultation_id,
                   lambda c: c.ask(body["question"], iso(utcnow())))


def close_consultation(uow, caller, consultation_id):
    return _change(uow, caller, consultation_id,
                   lambda c: c.close(caller.role, iso(utcnow())))


def _change(uow, caller, consultation_id, change):
    with uow:
        consultations = Consultations(uow)
        consultation = _reached(caller, consultations, consultation_id, for_update=True)
        change(consultation)
        consultations.save(consultation)
        return consultation_view(consultation)


def _reached(caller, consultations, consultation_id, for_update=False):
    consultation = consultations.get(consultation_id, for_update=for_update)
    owner = None if consultation is None else Owner(
        referral_id=consultation.consultation_id, org=consultation.org,
        coordinating_org=consultation.coordinating_org)
    caller.reach(owner, NotFound(f"no consultation {consultation_id}"))
    return consultation


def consultation_view(consultation):
    content = consultation.content
    return {"consultation_id": consultation.consultation_id,
            "programme": consultation.programme,
            "municipality_code": consultation.municipality_code,
            "organisation": consultation.org,
            "coordinating_org": consultation.coordinating_org,
            "status": consultation.status, "case_ref": content["case_ref"],
            "rounds": [dict(entry) for entry in consultation.rounds],
            "requested_at": consultation.requested_at,
            "closed_at": consultation.closed_at, "closed_by": consultation.closed_by,
            "erased_at": consultation.erased_at}


def erase_expired(uow, retention, now):
    """The retention timer: the words of consultations closed longer ago than their
    programme's retention period go (docs/contract.md §7); the anonymous figures stay. Each
    in its own transaction, its row locked and looked at again. Returns the ids erased."""
    with uow:
        candidates = Consultations(uow).closed_before(iso(now - erasure.shortest(retention)))
    erased = []
    for consultation_id, programme, closed_at in candidates:
        if not erasure.expired(retention, programme, _moment(closed_at), now):
            continue
        with uow:
            consultations = Consultations(uow)
            consultation = consultations.get(consultation_id, for_update=True)
            if consultation is None or not consultation.erase(iso(now)):
                continue
            consultations.save(consultation)
            audit.record(uow.session, uow.audit_table, RETENTION, RETENTION,
                         audit.CLI_ORGANISATION, SYSTEM_ROLE, 202, consultation_id)
            erased.append(consultation_id)
    return erased


def _moment(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
