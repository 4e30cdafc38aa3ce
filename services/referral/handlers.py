"""Use cases of the referral service: load, ask the domain, save — in one transaction.

What the referral records as it changes leaves through the unit of work (services/referral/
outgoing.py). The stages' reports are reactions, mapped by event type in `REACTIONS`. Who
reaches which referral is the rule table's (kring/contracts/access.py): a use case says whose
the referral is and asks the caller.
"""
import json
import uuid
from datetime import datetime

from marshmallow import ValidationError

from kring import programmes
from kring.clock import iso, utcnow
from kring.contracts.audit import SYSTEM_ROLE
from kring.contracts.directory import RegisterProvider
from kring.contracts.events import ERASING_STAGES
from kring.contracts.fields import one, storable
from kring.contracts.referral import SubmitReferral
from kring.describe import field_errors
from kring.errors import INVALID_QUERY, Invalid, KringError, NotFound, Unavailable
from kring.kit import audit, erasure, paging, tracing
from kring.kit.access import Owner
from kring.kit.db import is_duplicate
from services.referral.directory import (INVALID, DirectoryError, check_free, known_programme,
                                         provider_from,
                                         route, route_of_stored)
from services.referral import listing
from services.referral.domain import PROGRESS, Referral
from services.referral.models import (Directory, Erasures, PseudonymKey, Referrals,
                                      erase_parked_submissions, erase_partner_messages,
                                      partner_messages_of)
from services.referral.municipalities import register
from services.referral.pseudonym import family_key, new_key
from services.referral.views import (erasure_view, export_view, programme_list,
                                     provider_view, referral_view, status_view)

# what a caller may say withdrew the referral (`by`); without it, the caller's own role
WITHDRAWERS = {"referrer": ("family", "referrer"), "coordinator": ("family", "coordinator")}
OPERATOR = "operator"
STATUS_COMMAND, AUDIT_COMMAND, ERASE_COMMAND = "kring status", "kring audit", "kring erase"
RETENTION = "retention"  # the retention timer, as the audit trail and the timeline name it


def submit_referral(uow, org, body, secret, partner=None, caller=None, schema=SubmitReferral):
    """Store a new referral, routed to the provider of its programme in its municipality, or
    return the first one for this organisation and external_ref.

    Returns (view, created). Two identical requests racing both pass the look-up; the unique
    constraint lets one insert win and the other reads the winner's referral. `secret`: the
    key of the family pseudonym in a database that held referrals before it had its own.
    `schema`: the body's (a confirmed self-referral's has the applicant for the referrer).
    """
    body = one(schema).dump(body)  # JSON types (dates as text) for storage and events
    with uow:
        existing = Referrals(uow).by_external_ref(org, body["external_ref"])
        if existing:
            return _first_again(existing, caller), False
        key = PseudonymKey(uow).get()
    key = key or pseudonym_key(uow, secret)
    try:
        with uow:
            directory = Directory(uow)
            where = route(body["programme"], body["family"]["municipality"], register(),
                          directory.provider_of)
            referral = Referral.receive(str(uuid.uuid4()), org, body, iso(utcnow()),
                                        family_key(key, body["family"]["phone"]), partner,
                                        where, _recorded_by(org, caller))
            Referrals(uow).add(referral)
            if caller is not None:  # its record is written with the referral
                caller.about(referral.referral_id)
            return referral_view(referral, "referrer"), True
    except Exception as exc:
        if not is_duplicate(exc):
            raise
    with uow:
        return _first_again(Referrals(uow).by_external_ref(org, body["external_ref"]),
                            caller), False


def _recorded_by(org, caller):
    """Who submitted the referral, and so recorded the family's consent."""
    if caller is None:
        return {"organisation": org, "person": None, "role": None}
    return {"organisation": caller.org, "person": caller.subject, "role": caller.role}


def _first_again(referral, caller):
    """The first referral of an external_ref, answered again (200, in the audit too)."""
    if caller is not None:  # looked up by the caller's own organisation: its own
        caller.answer = 200
        caller.about(referral.referral_id)
    return referral_view(referral, "referrer")


def get_referral(uow, caller, referral_id):
    with uow:
        referral = reached(caller, Referrals(uow), referral_id)
        return referral_view(referral, caller.role)


def withdraw_referral(uow, caller, referral_id, body):
    """A referrer withdraws for the family or itself, a coordinator for the family or itself."""
    allowed = WITHDRAWERS[caller.role]
    by = body.get("by") or caller.role
    if by not in allowed:
        raise Invalid(INVALID, {"by": [f"a {caller.role} withdraws as "
                                       f"{' or '.join(allowed)}, not {by}"]})
    with uow:
        referrals = Referrals(uow)
        referral = reached(caller, referrals, referral_id, for_update=True)
        referral.withdraw(by, body["reason"], iso(utcnow()))
        referrals.save(referral)
        return referral_view(referral, caller.role)


def withdraw_consent(uow, caller, referral_id, body):
    """The family withdraws its consent to share, through the referrer or a coordinator of the
    coordinating organisation. The referral goes on; a second withdrawal changes nothing and
    gets the same answer."""
    with uow:
        referrals = Referrals(uow)
        referral = reached(caller, referrals, referral_id, for_update=True)
        if referral.withdraw_consent(caller.role, caller.subject, caller.org, body["reason"],
                                     iso(utcnow())):
            referrals.save(referral)
        return referral_view(referral, caller.role)


def referral_status(uow, referral_id, person):
    """The status and timeline for an operator (`kring status`), or None; the read is in the
    audit trail."""
    if not _could_be_ours(referral_id):
        return None
    with uow:
        referral = Referrals(uow).get(referral_id)
        _operator_read(uow, STATUS_COMMAND, person, referral_id, referral is not None)
        return status_view(referral) if referral else None


def list_referrals(uow, caller, query):
    """A page of the caller's referrals, newest first (listReferrals)."""
    limit = query["limit"]
    with uow:
        rows = Referrals(uow).page(limit + 1, query.get("cursor"),
                                   **listing.scope(caller, query))
    shown, next_cursor = paging.cut(rows, limit, lambda row: (row[1], row[0].referral_id))
    return {"referrals": [listing.summary(referral, caller.role) for referral, _ in shown],
            "next_cursor": next_cursor}


def reached(caller, referrals, referral_id, for_update=False, missing=None):
    """The referral if `caller` reaches it; else exactly the answer an unknown id gets
    (`missing`, by default "no referral")."""
    referral = referrals.get(referral_id, for_update=for_update)
    caller.reach(_owner(referral) if referral else None,
                 missing or NotFound(f"no referral {referral_id}"))
    return referral


def _owner(referral):
    return Owner(referral_id=referral.referral_id, org=referral.org,
                 referring_org=referral.org, coordinating_org=referral.coordinating_org,
                 municipality_code=referral.municipality_code)


def referral_owner(uow, referral_id):
    """Whose `referral_id` is, for a stage that has not heard of it yet (kring.kit.unheard):
    {"referral_id", "referring_org", "coordinating_org"}, or None when there is no such
    referral. The route only: ids and organisations, never the family's data; the stage that
    asks records the call in its audit trail."""
    if not _could_be_ours(referral_id):
        return None
    with uow:
        referral = Referrals(uow).get(referral_id)
        if referral is None:
            return None
        return {"referral_id": referral.referral_id, "referring_org": referral.org,
                "coordinating_org": referral.coordinating_org}


def _could_be_ours(referral_id):
    """What an operator typed may be anything; no id of ours is longer than the audit's column."""
    return storable(referral_id) and 0 < len(referral_id) <= 64


def _operator_read(uow, command, person, referral_id, found, answer=200):
    audit.record(uow.session, uow.audit_table, command, person or "unknown",
                 audit.CLI_ORGANISATION, OPERATOR, answer if found else 404, referral_id)


# --- the audit trail ----------------------------------------------------------------------

def get_audit(uow, caller, referral_id, others):
    """The referral's whole trail, for the admin of its coordinating organisation.

    `others(referral_id)`: the records of the other four services (kring.audit_trail); it
    raises Unavailable naming a service that did not answer: a trail with a hole would look
    complete. They are asked first, so that this read's own record, written in the transaction
    that reaches the referral, carries the answer given (404 before 503: what is out of reach
    says nothing more).
    """
    try:
        gathered, incomplete = others(referral_id), None
    except Unavailable as exc:
        gathered, incomplete = [], exc
    with uow:
        reached(caller, Referrals(uow), referral_id)
        if incomplete is not None:
            raise incomplete
        own = audit.trail(uow.session, uow.audit_table, referral_id, "referral")
    return {"referral_id": referral_id, "entries": audit.merged([gathered, own])}


def audit_read(uow, referral_id, person):
    """`kring audit`: this service's records of the referral, with this read recorded first;
    None when there is no such referral."""
    if not _could_be_ours(referral_id):
        return None
    with uow:
        found = Referrals(uow).get(referral_id) is not None
        _operator_read(uow, AUDIT_COMMAND, person, referral_id, found)
    if not found:
        return None
    return audit.trail_in(uow, referral_id, "referral")


def trace_steps(uow, referral_id):
    """`kring trace`: this service's steps of the referral (ids and codes, no family data);
    None when there is no such referral."""
    if not _could_be_ours(referral_id):
        return None
    with uow:
        if Referrals(uow).get(referral_id) is None:
            return None
    return tracing.steps_in(uow, referral_id, "referral")


# --- the provider directory ---------------------------------------------------------------

def register_provider(uow, body):
    """Register a provider, or replace its organisation's entry for the programme; referrals
    stored before routing that it now provides for are routed to it."""
    known_programme(body["programme"], programmes.current())
    provider = provider_from(body, register())
    for attempt in (1, 2):
        try:
            with uow:
                directory = Directory(uow)
                check_free(provider, directory.serving(provider.programme), register())
                if directory.get(provider.organisation, provider.programme) != provider:
                    directory.put(provider)
                _route_unrouted(uow, directory, provider.programme)
                return provider_view(provider, register())
        except Exception as exc:  # a registration racing ours took the place first: say so
            if attempt == 2 or not is_duplicate(exc):
                raise
    raise AssertionError("unreachable")


def register_entries(uow, entries):
    """registerProvider bodies as they come (`kring provider register`), each on its own: for
    each, the provider as registered or {"error": {"status", "message", "errors"}}."""
    return [answer_of(lambda: register_provider(uow, _provider_body(entry)))
            for entry in entries]


def _provider_body(entry):
    try:
        return RegisterProvider().load(entry)
    except ValidationError as exc:
        raise Invalid(INVALID, exc.messages) from None


def answer_of(use_case, *args):
    """What an operator's command hears: the answer, or the refusal as the API would say it."""
    try:
        return use_case(*args)
    except KringError as exc:
        return {"error": {"status": exc.status, "message": exc.message, "errors": exc.errors}}


def list_programmes(uow, municipality=None):
    """Who provides which programme; in one municipality (a code or a name), or everywhere."""
    found = None
    if municipality is not None:
        found = register().find(municipality)
        if found is None:
            raise Invalid(INVALID_QUERY,
                          {"municipality": [register().unknown(municipality)]})
    with uow:
        providers = Directory(uow).providers(found.code if found else None)
    return programme_list(found, providers, register(), programmes.current())


def get_programme(code):
    """A programme's definition (docs/contract.md §2 "Programmes"); 404 for a code none has."""
    definition = programmes.current().get(code)
    if definition is None:
        raise NotFound(f"no programme {code}")
    return definition.view()


def apply_directory(uow, path):
    """The directory of the configuration (KRING_DIRECTORY, a JSON list of registerProvider
    bodies), registered when the service starts. The same file again changes nothing; a file
    that cannot be read or applied is a DirectoryError that says why. Returns the count."""
    if not path:
        return 0
    entries = read_entries(path)
    for number, entry in enumerate(entries, 1):
        try:
            register_provider(uow, _provider_body(entry))
        except KringError as exc:
            why = field_errors(exc.errors) if exc.errors else exc.message
            raise DirectoryError(f"entry {number}: {why}") from None
    return len(entries)


def read_entries(path):
    """The registerProvider bodies in a JSON file: a list of them, or one."""
    try:
        with open(path, encoding="utf-8") as handle:
            entries = json.load(handle)
    except (OSError, ValueError) as exc:
        raise DirectoryError(f"cannot read {path}: {exc}") from None
    entries = [entries] if isinstance(entries, dict) else entries
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise DirectoryError(f"{path} must hold a JSON list of registerProvider bodies")
    return entries


def _route_unrouted(uow, directory, programme):
    """Referrals stored before routing existed get their route as soon as there is one."""
    referrals = Referrals(uow)
    for referral in referrals.unrouted(programme):
        where = route_of_stored(programme, referral.municipality, register(),
                                directory.provider_of)
        if where is not None:
            referral.route_to(where)
            referrals.save(referral)


# --- the key of family pseudonyms ---------------------------------------------------------

def pseudonym_key(uow, secret):
    """The database's key of family pseudonyms, made on first use. Two replicas making it at
    once both insert; the primary key keeps one, and both read that one."""
    with uow:
        key = PseudonymKey(uow).get()
        if key:
            return key
        held_referrals = Referrals(uow).any()
    try:
        with uow:  # before this key existed, KRING_SECRET itself was the key
            PseudonymKey(uow).add(secret if held_referrals else new_key())
    except Exception as exc:
        if not is_duplicate(exc):
            raise
    with uow:
        return PseudonymKey(uow).get()


# --- reactions: a later stage reported on a referral --------------------------------------

def record_intake(uow, event, now):
    """The coordinator's intake: on to matching, closed as declined, or waiting for the
    municipality's commission."""
    data = event.data
    _report(uow, event, lambda referral: referral.record_intake(
        data["fits"], None, data["coordinator_org"], event.occurred_at,  # no reason travels
        data.get("severity"), data.get("commission_required", False)))


def record_progress(uow, event, now):
    """A step in matching, casework or aftercare: timeline, downstream id, maybe a status."""
    _report(uow, event, lambda referral: referral.record_progress(
        event.type, event.data, event.occurred_at))


def complete(uow, event, now):
    """Aftercare is over: the referral closes as completed."""
    _report(uow, event, lambda referral: referral.complete(event.occurred_at))


def record_erasure_done(uow, event, now):
    """A stage reports its part of an erased referral erased (`kring erase` waits for all)."""
    with uow:
        if not uow.first_time(event.event_id, even_if_erased=True):
            return
        Erasures(uow).report(event.referral_id, event.source, iso(event.data["erased_at"]))


REACTIONS = {
    "erasure_done": record_erasure_done,
    "intake_recorded": record_intake,
    **{event_type: record_progress for event_type in PROGRESS},
    "aftercare_completed": complete,
}


def react(uow, event, now):
    return REACTIONS[event.type](uow, event, now)


def _report(uow, event, change):
    """Apply `change` to the event's referral, once per event. The stages' events travel on
    different queues, so the domain orders them by when they happened (event.occurred_at)."""
    with uow:
        if not uow.first_time(event.event_id):
            return
        referrals = Referrals(uow)
        referral = referrals.get(event.referral_id, for_update=True)
        if referral is None:
            return  # not ours (another deployment's referral): nothing to update
        change(referral)
        referrals.save(referral)


# --- erasure, retention and export (docs/contract.md §7) -----------------------------------

def erase_referral(uow, caller, referral_id, reason, now):
    """eraseReferral: the admin of the coordinating organisation erases the family's data."""
    with uow:
        referrals = Referrals(uow)
        referral = reached(caller, referrals, referral_id, for_update=True)
        return _erase(uow, referrals, referral, (caller.subject, caller.org, caller.role),
                      reason, now)


def erase_by_operator(uow, referral_id, reason, person, now):
    """`kring erase`: an operator at the console; None when there is no such referral. The
    request is in the audit trail as the operator's (the login of the machine's user)."""
    if not _could_be_ours(referral_id):
        return None
    with uow:
        referrals = Referrals(uow)
        referral = referrals.get(referral_id, for_update=True)
        _operator_read(uow, ERASE_COMMAND, person, referral_id, referral is not None, 202)
        if referral is None:
            return None
        return _erase(uow, referrals, referral,
                      (person or "unknown", audit.CLI_ORGANISATION, OPERATOR), reason, now)


def erasure_state(uow, referral_id):
    """Where the erasure of `referral_id` stands (`kring erase` waits on it); None: there is
    no such referral, or it was never erased."""
    if not _could_be_ours(referral_id):
        return None
    with uow:
        referral = Referrals(uow).get(referral_id)
        return _state(uow, referral) if referral and referral.is_erased else None


def _erase(uow, referrals, referral, asker, reason, now):
    person, organisation, role = asker
    if referral.erase(role, organisation, iso(now)):
        Erasures(uow).add(referral.referral_id, now, person, organisation, role, reason)
        erasure.mark_erased(uow.session, uow.retention_table, referral.referral_id, now)
        erase_partner_messages(uow.session, referral.referral_id)
        erase_parked_submissions(uow.session, uow.parked_table, referral)
        erasure.forget_messages(uow.session, uow.outbox_table, referral.referral_id)
        erasure.forget_parked(uow, referral.referral_id)
    elif not _state(uow, referral)["complete"]:
        referral.ask_again()  # a stage has not answered (it was away): ask it once more
    referrals.save(referral)
    return _state(uow, referral)


def _state(uow, referral):
    erasures = Erasures(uow)
    return erasure_view(referral, erasures.get(referral.referral_id),
                        erasures.reported(referral.referral_id), ERASING_STAGES)


def erase_expired(uow, retention, now):
    """The retention timer: referrals closed longer ago than their programme's retention
    period are erased as on request, in the name of the timer; each in its own transaction,
    its row locked and looked at again, so replicas racing here erase it once. Published
    outbox rows of erased referrals go too. Returns the ids erased."""
    with uow:
        candidates = Referrals(uow).closed_before(iso(now - erasure.shortest(retention)))
    erased = []
    for referral_id, programme, closed_at in candidates:
        if not erasure.expired(retention, programme, _moment(closed_at), now):
            continue
        with uow:
            referrals = Referrals(uow)
            referral = referrals.get(referral_id, for_update=True)
            if referral is None or referral.is_erased:
                continue
            audit.record(uow.session, uow.audit_table, RETENTION, RETENTION,
                         audit.CLI_ORGANISATION, SYSTEM_ROLE, 202, referral_id)
            _erase(uow, referrals, referral, (RETENTION, audit.CLI_ORGANISATION, RETENTION),
                   "the retention period ended", now)
            erased.append(referral_id)
    with uow:
        erasure.forget_messages(uow.session, uow.outbox_table, erased=uow.retention_table)
        erasure.forget_expired_parked(uow, retention, now)
    return erased


def _moment(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def export_referral(uow, caller, referral_id, others, now):
    """exportReferral: everything the five services hold about the referral, for the admin of
    its coordinating organisation. `others(referral_id)`: the other four services' parts
    (kring.gather); asked first, like getAudit's, so this read's own record carries the
    answer given."""
    try:
        gathered, incomplete = others(referral_id), None
    except Unavailable as exc:
        gathered, incomplete = {}, exc
    with uow:
        reached(caller, Referrals(uow), referral_id)
        if incomplete is not None:
            raise incomplete
        own = _export(uow, referral_id)
    return {"referral_id": referral_id, "exported_at": iso(now),
            "services": {**gathered, "referral": own}}


def export_of(uow, referral_id):
    """What the referral service holds of `referral_id` ({} when nothing)."""
    if not _could_be_ours(referral_id):
        return {}
    with uow:
        return _export(uow, referral_id)


def _export(uow, referral_id):
    referral = Referrals(uow).get(referral_id)
    if referral is None:
        return {}
    return export_view(referral, partner_messages_of(uow.session, referral_id))
