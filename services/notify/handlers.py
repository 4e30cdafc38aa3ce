"""Use cases of the notify service: decide a notice once, inside the inbox's transaction; send it
after the commit, outside any transaction.

The event reactions (REACTIONS) return True when a notice may have become sendable, so the
entrypoint runs `send_due` right away; the timer runs it too, for retries and for whatever a
crash left behind. Whatever settles a notice (sent, suppressed) writes its audit record in the
same transaction (services/notify/trail.py).
"""
import logging
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlencode

from kring import leaflets
from kring.clock import iso, utcnow
from kring.config import DEFAULT_PUBLIC_URL
from kring.errors import KringError
from kring.kit import erasure, tracing
from kring.kit.crypto import open_file
from kring.kit.db import once_more_if_duplicate
from kring.kit.failures import describe
from kring.kit.rekey import rekey, rekey_files
from services.notify import claims, trail
from services.notify.content import MARK_FILES, NOTICE_FILES, file_name, safe_id
from services.notify.domain import (CLAIM_SECONDS, CLOSURE, CONFIRMATION, PENDING, SENT, START,
                                   Contact, Notice, answer_kind)
from services.notify.message import compose
from services.notify.models import Notices
from services.notify.views import contact_view, notice_view

log = logging.getLogger(__name__)
SOURCE = "notify"

BATCH = 100  # notices per send_due run; the rest wait for the next run
RECORDED_FROM_MARK = "is recorded as sent from its mark"  # bench/soak.py counts these lines


def record_contact(uow, event, now):
    """referral_received: keep the referrer's contact; notices that waited for it may go.
    True only when one waited: almost always the contact comes first and nothing is due, and
    looking for due notices after every new referral cost a query on the busiest path."""
    def once():
        with uow:
            if not uow.first_time(event.event_id):
                return False
            notices = Notices(uow)
            contact = notices.contact(event.referral_id)
            if contact is None:  # the first contact stands
                notices.add_contact(Contact.from_event(event.referral_id, event.data))
                contact = notices.contact(event.referral_id)  # with a withdrawal come first
            waited = notices.waiting(event.referral_id)
            for notice in waited:
                notice.ready_to_send(contact)  # or suppressed, for want of consent
                _save(uow, notices, notice)
            return bool(waited)
    return once_more_if_duplicate(once)


def record_start(uow, event, now):
    """case_started: the start notice."""
    return record_notice(uow, event, START, now, coordinating_org=event.data["coordinator_org"])


def record_closure(uow, event, now):
    """referral_closed: the closure notice, and the start notice it may say is owed."""
    started = event.data.get("case_started_at")
    return record_notice(uow, event, CLOSURE, now, outcome=event.data["outcome"],
                         coordinating_org=event.data.get("coordinating_org"),
                         case_started_at=iso(started) if started else None, closes=True)


def record_notice(uow, event, kind, now, outcome=None, coordinating_org=None,
                  case_started_at=None, closes=False):
    """The one notice of this kind for the referral.

    A closure that says the case had started decides the start notice too when case_started
    has not come yet (it travels on another queue): the start is owed, and goes out first.
    A case_started that comes after a closure without a start is a case begun after the
    referral closed, and gets no notice (Notice.decide)."""
    def once():
        with uow:
            if not uow.first_time(event.event_id):
                return False
            if closes:  # the referral's retention period starts (kring.kit.erasure)
                erasure.on_closed(uow, event)
            notices = Notices(uow)
            contact = notices.contact(event.referral_id)
            decided = []
            if case_started_at and notices.notice(event.referral_id, START) is None:
                decided.append(Notice.decide(event.referral_id, START, case_started_at, now,
                                             contact, coordinating_org=coordinating_org))
            if notices.notice(event.referral_id, kind) is None:  # else the first event decided
                closed = kind == START and notices.notice(event.referral_id, CLOSURE) is not None
                decided.append(Notice.decide(event.referral_id, kind, event.occurred_at, now,
                                             contact, closed, outcome, coordinating_org))
            for notice in decided:
                _add(uow, notices, notice)
            return any(notice.status == PENDING for notice in decided)
    return once_more_if_duplicate(once)


def record_answer(uow, event, now):
    """consultation_answered: the notice of this round's answer to the requester (the
    envelope's referral_id is the consultation's id). The requester's address is kept as the
    consultation's contact; its retention period runs from the first answer (kring.kit.erasure:
    notify hears of no closing), after which the address and the notices go as a referral's
    do (docs/contract.md §7 "Erasure, retention and export")."""
    data = event.data
    return _one_notice_to_a_requester(
        uow, event, answer_kind(data["round"]), Contact.of_consultation,
        lambda contact: Notice.decide(event.referral_id, answer_kind(data["round"]),
                                      event.occurred_at, now, contact,
                                      coordinating_org=data["coordinating_org"]))


def record_confirmation(uow, event, now, public_url=None):
    """self_referral_submitted: the e-mail with which a family confirms its own application
    (the envelope's referral_id is the application's id). Its token and links are sealed with
    the notice until it is sent, and never logged. The applicant's address is kept as the
    application's contact until the mail is out (or suppressed); should that never happen, the
    retention period from now ends it, as a consultation requester's (docs/contract.md §7)."""
    data = event.data

    def decide(contact):
        notice = Notice.decide(event.referral_id, CONFIRMATION, event.occurred_at, now, contact)
        notice.payload = confirmation_payload(public_url or DEFAULT_PUBLIC_URL, data,
                                              contact.language)
        return notice
    return _one_notice_to_a_requester(uow, event, CONFIRMATION, Contact.of_application, decide)


def _one_notice_to_a_requester(uow, event, kind, make_contact, decide):
    """The notice `kind` about something that is no referral (a consultation, an application;
    its id in the envelope's referral_id), to the person who asked, whose address the event
    brings: kept as its contact the first time (`make_contact(id, data)`), its retention period
    running from this event, as notify hears of no closing. `decide(contact)`: the notice, made
    once. True when it is to be sent."""
    def once():
        with uow:
            if not uow.first_time(event.event_id):
                return False
            erasure.note_closed(uow.session, uow.retention_table, event.referral_id,
                                erasure.moment(event.occurred_at), event.data["programme"])
            notices = Notices(uow)
            if notices.contact(event.referral_id) is None:
                notices.add_contact(make_contact(event.referral_id, event.data))
            contact = notices.contact(event.referral_id)
            if notices.notice(event.referral_id, kind) is not None:
                return False
            notice = decide(contact)
            _add(uow, notices, notice)
            return notice.status == PENDING
    return once_more_if_duplicate(once)


def confirmation_payload(public_url, data, language):
    """The token, the link that confirms with it, and the programme's leaflet for families in
    the applicant's language (or Dutch; none when the programme has no leaflet)."""
    base = public_url.rstrip("/")
    token = data["token"]
    leaflet = None
    try:
        languages = leaflets.languages(data["programme"])
    except KringError:  # a programme without a leaflet
        languages = []
    chosen = language if language in languages else "nl" if "nl" in languages else None
    if chosen:
        leaflet = f"{base}/api/v1/programmes/{quote(data['programme'])}/leaflet?" + \
            urlencode({"language": chosen})
    expires = data["expires_at"]
    return {"token": token, "leaflet": leaflet,
            "expires_at": expires if isinstance(expires, str) else iso(expires),
            "link": f"{base}/api/v1/self-referrals/confirmation?" + urlencode({"token": token})}


def erase_data(uow, referral_id, folder):
    """This service's part of an erased referral: the referrer's address, to whom its notices
    went, and the notices written as .eml files under `folder`. A notice not sent yet never
    goes (suppressed, with its record in the audit trail)."""
    notices = Notices(uow)
    notices.erase_contact(referral_id)
    for notice in notices.of_referral(referral_id):
        was_pending = notice.status == PENDING
        notice.erase()
        notices.overwrite(notice)
        if was_pending:
            trail.notice_settled(uow, notice)
    remove_files(folder, referral_id)


def remove_files(folder, referral_id):
    for kind in (START, CLOSURE, CONFIRMATION):
        (folder / file_name(referral_id, kind)).unlink(missing_ok=True)
    # a consultation's answers, one file a round (`safe_id` leaves no pattern characters)
    for path in folder.glob(f"{safe_id(referral_id)}-answer-*.eml"):
        path.unlink(missing_ok=True)


def erase_on_request(uow, event, now, folder):
    erasure.on_request(uow, event, now, SOURCE,
                       lambda uow, referral_id: erase_data(uow, referral_id, folder))
    return False  # nothing became sendable


def erase_expired(uow, retention, now, folder):
    """The retention timer: notices of referrals closed longer ago than their period. A file a
    sender was still writing while its referral was erased (it had claimed the notice just
    before) is removed here too, as long as such a claim can last."""
    erased = erasure.erase_expired(uow, retention, now,
                                   lambda uow, referral_id: erase_data(uow, referral_id, folder))
    with uow:
        recent = erasure.erased_since(uow.session, uow.retention_table,
                                      now - timedelta(seconds=2 * CLAIM_SECONDS))
    for referral_id in recent:
        remove_files(folder, referral_id)
    return erased


def export_of(uow, referral_id):
    """What notify holds of `referral_id` (exportReferral); {} when nothing."""
    with uow:
        notices = Notices(uow)
        contact = notices.contact(referral_id)
        shown = [notice_view(notice) for notice in notices.of_referral(referral_id)]
        retention = erasure.retention_view(uow.session, uow.retention_table, referral_id)
        if contact is None and not shown and retention is None:
            return {}
        return {"contact": contact_view(contact) if contact else None, "notices": shown,
                "retention": retention}


def record_consent_withdrawn(uow, event, now):
    """consent_withdrawn: from now on no notice of the referral goes out. Every notice not yet
    sent is suppressed now, except one a sender has claimed this moment: that sender asks
    again just before it delivers (`_attempt`). A notice decided later finds the withdrawal
    with its contact (Notice.ready_to_send). Never makes a notice sendable: False."""
    def once():
        with uow:
            if not uow.first_time(event.event_id):
                return False
            notices = Notices(uow)
            notices.withdraw_consent(event.referral_id, event.occurred_at)
            for notice in notices.waiting(event.referral_id, unclaimed_at=now):
                notice.consent_withdrawn()
                _save(uow, notices, notice)
            return False
    return once_more_if_duplicate(once)


# The event types notify subscribes to (kring/contracts/topology.py), each with its use case;
# and referral_erased, whose use case (erase_on_request) also needs the notices' folder.
REACTIONS = {
    "referral_received": record_contact,
    "referral_closed": record_closure,
    "case_started": record_start,
    "consent_withdrawn": record_consent_withdrawn,
    "consultation_answered": record_answer,
    "self_referral_submitted": record_confirmation,
}


def react(uow, event, now, folder=None, public_url=None):
    """Apply `event` once (the inbox key is the entrypoint's); True when a notice may have
    become sendable, so the entrypoint sends right away instead of at the next sweep.
    `folder`: where notices are written as files (services.notify.delivery.notices_folder);
    `public_url`: KRING_PUBLIC_URL, what a confirmation's links are built on."""
    if event.type == "referral_erased":
        return erase_on_request(uow, event, now, folder)
    if event.type == "self_referral_submitted":
        return record_confirmation(uow, event, now, public_url)
    return REACTIONS[event.type](uow, event, now)



def send_due(uow, transport, marks, now, batch=BATCH, clock=utcnow, claimant=None):
    """Deliver every notice that is due. Each is claimed first in its own short transaction,
    so replicas never send the same one at once; the sending happens outside transactions.
    First, what `marks` (services.notify.marks) say a crash left unrecorded is recorded.

    `claimant` (domain.Claimant; services.notify.claims): who claims. Notices claimed by an
    earlier start of its instance are taken back at once (domain.may_take): that start died
    with its claims, and every mark it left (written before this start began, whatever their
    age) is recorded first, so what its server took is not sent again. Without a claimant,
    one of its own for this call (claims.one_off).

    `now` is the sweep's moment (tests pass a later one to let back-offs pass); each claim is
    taken at `now` plus the time the sweep has run (`clock`), so a claim made late in a slow
    batch does not end before it has begun."""
    started = clock()
    claimant = claimant or claims.one_off()

    def current():
        return now + (clock() - started)

    if not _record_marked(uow, marks, now, claimant.started_at):
        # a mark left unrecorded may be of a notice the server took: its claim must lapse
        claimant = replace(claimant, takes_back=False)
    handled = 0
    while handled < batch:
        claimed = _claim_next(uow, current(), claimant)
        if claimed is None:
            break
        _attempt(uow, transport, marks, current, *claimed)
        handled += 1
    return handled


def _record_marked(uow, marks, now, written_before=None):
    """Deliveries whose record a crash or an absent database cut off: the server has them,
    so they are recorded as sent, never sent again. A mark goes once that is settled.
    `written_before` (a Unix time: this start's): marks older than it are an earlier start's,
    whose records will never come, however young (Marks.left). True when every mark found
    is settled."""
    settled = True
    for mark in marks.left(now, written_before):
        try:
            _record_from(uow, mark)
        except Exception as exc:  # the database, most likely: the mark waits for the next sweep
            log.error("could not record notice %s from its mark: %s", mark.notice_id,
                      describe(exc))
            settled = False
            continue
        marks.discard(mark.path)
    return settled


def _record_from(uow, mark):
    if mark.delivery is None:
        log.warning("the mark of notice %s cannot be read: removed; the notice is mailed "
                    "again, with the same Message-ID", mark.notice_id)
        return
    with uow:
        notices = Notices(uow)
        notice = notices.get(mark.notice_id)
        if notice is None or (notice.referral_id, notice.kind) != (mark.referral_id, mark.kind):
            # a mark from another database (restored, replaced): it says nothing about this one
            log.warning("the mark of notice %s (%s notice of %s) matches no notice here: "
                        "removed, nothing recorded", mark.notice_id, mark.kind,
                        mark.referral_id)
            return
        notice.delivered(**mark.delivery)
        if _save(uow, notices, notice):  # False: its own record came through after all
            log.warning("%s notice of %s, taken by the server (%s), %s: its own record had "
                        "not come through", notice.kind, notice.referral_id, notice.location,
                        RECORDED_FROM_MARK)


def _claim_next(uow, now, claimant=None):
    with uow:
        notices = Notices(uow)
        claimed = notices.claim_due(now, now + timedelta(seconds=CLAIM_SECONDS), claimant)
        if claimed is None:
            return None
        notice_id, taken_back = claimed
        notice = notices.get(notice_id)
        if taken_back:
            log.info("%s notice of %s was claimed by an earlier start of this notify: taken "
                     "back without waiting for the claim to lapse", notice.kind,
                     notice.referral_id)
        return notice, notices.contact(notice.referral_id)


def _attempt(uow, transport, marks, current, notice, contact):
    if notice.expire_if_late(current()) or not notice.ready_to_send(contact) or _consent_withdrawn(uow, notice) or \
            _erased(uow, notice):
        _record(uow, notice)  # suppressed: the family does not (or no longer) share status
        return
    recorded = []

    def accepted(location):
        # the instant the server has the mail, before another word to it: see delivery.py
        notice.delivered(transport.channel, contact.email, location, current())
        marks.put(notice)
        _record(uow, notice)
        marks.remove(notice.notice_id)
        recorded.append(location)

    try:
        message = compose(notice, contact, transport.sender, current())
        transport.deliver(message, file_name(notice.referral_id, notice.kind), accepted)
    except Exception as exc:
        if recorded:  # delivered and recorded; whatever failed after that changes nothing
            log.warning("%s notice of %s delivered; afterwards: %s", notice.kind,
                        notice.referral_id, describe(exc))
        elif notice.status == SENT:  # the server has it; only our record of that failed
            log.error("%s notice of %s was accepted (%s) but not recorded as sent: %s; its "
                      "mark records it at the next sweep (without one, it is mailed again "
                      "once its claim lapses)", notice.kind, notice.referral_id,
                      notice.location, describe(exc))
        else:  # any failure of the mail system: kept, retried after back-off
            # a mail server's refusal may quote the referrer's address: in safe words
            log.warning("%s notice of %s not delivered (attempt %s): %s", notice.kind,
                        notice.referral_id, notice.attempts + 1, describe(exc))
            notice.failed(describe(exc), current())
            _record(uow, notice)


def _consent_withdrawn(uow, notice):
    """Asked again the moment before delivery, in a transaction of its own: a withdrawal that
    arrived since the claim stops the notice (suppressed). One that arrives while the mail
    server is taking it cannot; that notice is recorded as sent, as it was."""
    with uow:
        withdrawn = Notices(uow).consent_withdrawn_at(notice.referral_id) is not None
    if withdrawn:
        notice.consent_withdrawn()
    return withdrawn


def _erased(uow, notice):
    """Asked again the moment before delivery, like the consent: a referral whose data was
    erased since the claim gets no notice (its erasure already suppressed it)."""
    with uow:
        erased = erasure.erased_at(uow.session, uow.retention_table, notice.referral_id)
    if erased is not None:
        notice.erase()
    return erased is not None


def _record(uow, notice):
    with uow:
        _save(uow, Notices(uow), notice)


def _add(uow, notices, notice):
    notices.add(notice)
    if notice.status != PENDING:  # suppressed the moment it was decided
        trail.notice_settled(uow, notice)


def _save(uow, notices, notice):
    """Store what became of a notice (Notices.save: True when it changed). The save that settles
    it, sent or suppressed, also writes its record in the audit trail, in the same transaction:
    once, whoever settles it (its sender, or a sweep from its mark)."""
    changed = notices.save(notice)
    if changed and notice.status != PENDING:
        trail.notice_settled(uow, notice)
        if notice.kind == CONFIRMATION:  # the application's address has done its work
            notices.erase_contact(notice.referral_id)
    return changed


def trace_steps(uow, referral_id):
    """`kring trace`: notify's steps of a referral, each notice decided (and sent) among
    them; kinds and statuses only, never where a notice went."""
    found = tracing.steps_in(uow, referral_id, SOURCE)
    with uow:
        for kind, status, created_at, sent_at, correlation_id in \
                Notices(uow).traced(referral_id):
            found.append(tracing.step(created_at, SOURCE, "notice", f"{kind} notice decided",
                                      correlation_id))
            if sent_at is not None:
                found.append(tracing.step(sent_at, SOURCE, "notice", f"{kind} notice sent",
                                          correlation_id))
            elif status != PENDING:  # suppressed: said when it was decided
                found[-1]["what"] = f"{kind} notice {status}"
    return tracing.ordered(found)


def delivery_log(uow, referral_id, person=None, folder=None):
    """What `kring notices REFERRAL_ID` shows: each notice and where it went (no family data);
    with `folder` (`--mail`), each notice written as a file there also with its mail, opened
    (the referrer's address and the referral's progress: read only what you must). The read
    is recorded in the audit trail as `person`'s, in the transaction that read."""
    with uow:
        shown = [notice_view(notice) for notice in Notices(uow).of_referral(referral_id)]
        trail.notices_read(uow, referral_id, person)
    if folder is not None:
        for notice in shown:
            path = folder / file_name(referral_id, notice["kind"])
            if notice.get("channel") == "file" and path.is_file():
                notice["mail"] = read_notice_file(path).decode("utf-8", errors="replace")
    return shown


def gauges(uow):
    """The operator's figures (GET /metrics, kring.kit.metrics): notices by state, counts only."""
    with uow:
        counts = Notices(uow).counts()
    return [("kring_notices", {"status": state}, number) for state, number in counts.items()]


def rekey_all(uow, metadata, folder, marks_folder):
    """`kring rekey`: the database's sealed values, then the notice files and the delivery
    marks, sealed again under the current data key; {table or folder: how many}."""
    counts = rekey(uow, metadata)
    counts["notice files"] = rekey_files(folder, NOTICE_FILES, "*.eml")
    counts["delivery marks"] = rekey_files(marks_folder, MARK_FILES, "*.json")
    return counts


def read_notice_file(path):
    """The mail in a notice file (services/notify/delivery.py), as bytes: opened, or as it is
    when written before notice files were sealed."""
    path = Path(path)
    return open_file(path.read_bytes(), NOTICE_FILES, path.name)
