"""Notices to referrers (bericht aan de verwijzer): which one, in which language, when to retry.

Pure: no nameko, no SQLAlchemy, no IO. A notice is decided once per referral and kind (the
database's unique constraint holds that line); delivering it happens afterwards, outside that
transaction, and may fail and be retried. What it says is in services.notify.content.
"""
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

START, CLOSURE = "start", "closure"
ANSWER = "answer"  # a consultation's answer: one notice per round, kind "answer-<round>"
CONFIRMATION = "confirmation"  # a family's own application: the e-mail with its token
FAMILY = "family"  # the words of a start or closure notice to a family that applied itself
PENDING, SENT, SUPPRESSED = "pending", "sent", "suppressed"
DEFAULT_LANGUAGE, LANGUAGES = "nl", ("nl", "en")
DEFAULT_SENDER = "kring@localhost"
FIRST_RETRY_SECONDS, MAX_RETRY_SECONDS = 5, 15 * 60
# A claimed notice is left alone by other replicas this long: over a whole delivery at the
# SMTP timeout (delivery.SMTP_TIMEOUT_SECONDS for each of its five exchanges), so only a sender
# that died mid-delivery lets another one try again. A sender that restarts does not wait for
# its own claims to lapse (`may_take`).
CLAIM_SECONDS = 60

NO_CONSENT = "not shared: share_status_with_referrer is false"
CONSENT_WITHDRAWN = "not shared: the family withdrew its consent to share status"
AFTER_CLOSURE = "not sent: the case start was reported after the referral had closed"
AWAITING_CONTACT = "waiting for the referral's contact (referral_received)"
ERASED = "not sent: the referral's data was erased"
EXPIRED = "not sent: the application expired before its confirmation could go"


def answer_kind(round_number):
    """The kind of the notice of a consultation's answer in round `round_number`."""
    return f"{ANSWER}-{round_number}"


def wording_of(kind, contact=None):
    """Which words and template a notice of `kind` takes: an answer's, whatever its round; a
    family that applied itself is told in words of its own (`start-family`)."""
    if kind.startswith(f"{ANSWER}-"):
        return ANSWER
    if contact is not None and contact.self_referred and kind in (START, CLOSURE):
        return f"{kind}-{FAMILY}"
    return kind


@dataclass(frozen=True)
class Claimant:
    """Who claims a notice: the notify instance, by an id that stays the same across its
    restarts (kept in its data directory: services.notify.claims), and this start of it, by
    an id of its own. `started_at` (a Unix time) is when this start began. `takes_back`:
    False while a mark of an earlier start is still unrecorded (its notice may have gone)."""
    instance: str | None
    start: str | None
    started_at: float | None = field(default=None, compare=False)
    takes_back: bool = field(default=True, compare=False)


@dataclass(frozen=True)
class Claim:
    """A notice's claim as stored: until when, and by whom (None: an older claim, or none)."""
    until: datetime | None
    instance: str | None = None
    start: str | None = None


def may_take(claim, claimant, now):
    """Whether `claimant` may claim a notice that carries `claim` at `now`.

    An unclaimed notice, or one whose claim has lapsed: yes. A claim of an earlier start of
    the claimant's own instance: yes, at once, because that start is over (one instance runs
    once at a time: services.notify.claims) and the marks it left are recorded first
    (handlers.send_due). Any other live claim, another replica's or one of this start's own
    (another of its workers is sending that notice): no, until it lapses."""
    if claim.until is None or claim.until < now:
        return True
    return (claimant.takes_back and claimant.instance is not None
            and claim.instance == claimant.instance
            and claim.start is not None and claim.start != claimant.start)


def choose_language(requested):
    """`en` (also en-GB, EN…) gets English; anything else, or nothing, gets Dutch."""
    primary = re.split(r"[-_]", str(requested or "").strip().lower(), maxsplit=1)[0]
    return primary if primary in LANGUAGES else DEFAULT_LANGUAGE


def retry_delay(attempts):
    """5 s after the first failed attempt, doubling each time, never more than 15 minutes."""
    exponent = min(max(attempts, 1) - 1, 16)  # the cap is reached long before; no huge ints
    return timedelta(seconds=min(FIRST_RETRY_SECONDS * 2 ** exponent, MAX_RETRY_SECONDS))


@dataclass(frozen=True)
class Contact:
    """Who hears about a referral, and whether the family allows it to be told."""
    referral_id: str
    external_ref: str
    programme: str
    email: str
    language: str
    organisation: str
    share_status: bool
    partner: str | None = None
    # the family applied itself: the address is the applicant's (docs/contract.md §6)
    self_referred: bool = False
    consent_withdrawn_at: str | None = None  # consent_withdrawn: nothing more goes out

    @property
    def withdrawn(self):
        return self.consent_withdrawn_at is not None

    @classmethod
    def from_event(cls, referral_id, data):
        """From referral_received's data; the event carries nothing about the family's identity."""
        return cls(referral_id, data["external_ref"], data["programme"], data["referrer_email"],
                   choose_language(data["referrer_language"]), data["referrer_organisation"],
                   bool(data["share_status_with_referrer"]), data.get("partner"),
                   bool(data.get("self_referred")))

    @classmethod
    def of_application(cls, application_id, data):
        """From self_referral_submitted's data: the applicant asked for the e-mail."""
        return cls(application_id, "", data["programme"], data["applicant_email"],
                   choose_language(data["applicant_language"]), "", True, None, True)

    @classmethod
    def of_consultation(cls, consultation_id, data):
        """From consultation_answered's data: the requester asked, so may be told; a
        consultation has no reference of the requester's in the event (`external_ref` "")."""
        return cls(consultation_id, "", data["programme"], data["requester_email"],
                   choose_language(data["requester_language"]), data["organisation"], True)


@dataclass
class Notice:
    referral_id: str
    kind: str
    occurred_at: str  # when the case started / the referral closed (ISO 8601 UTC)
    outcome: str | None = None
    coordinating_org: str | None = None
    status: str = PENDING
    reason: str | None = None
    attempts: int = 0
    last_error: str | None = None
    next_attempt_at: datetime | None = None
    channel: str | None = None
    recipient: str | None = None
    location: str | None = None
    created_at: datetime | None = None
    sent_at: datetime | None = None
    notice_id: int | None = None
    # what one notice needs beyond its contact, sealed until it is sent: a confirmation's
    # token and links ({"token", "link", "leaflet", "expires_at"}); None after
    payload: dict | None = None

    @classmethod
    def decide(cls, referral_id, kind, occurred_at, now, contact=None, closed=False,
               outcome=None, coordinating_org=None):
        """The one decision to notify (or to record why not). Without a contact yet it waits."""
        notice = cls(referral_id, kind, occurred_at, outcome, coordinating_org,
                     next_attempt_at=now, created_at=now)
        if kind == START and closed:
            # a start after the closure notice would tell the referrer support began anew
            notice._suppress(AFTER_CLOSURE)
        elif contact is None:
            notice.reason = AWAITING_CONTACT
        else:
            notice.ready_to_send(contact)
        return notice

    def ready_to_send(self, contact):
        """Check the family's consent once the contact is known; False if it must not go out."""
        if self.status != PENDING:
            return False
        if not contact.share_status:
            self._suppress(NO_CONSENT)
            return False
        if contact.withdrawn:
            self.consent_withdrawn()
            return False
        if self.reason == AWAITING_CONTACT:
            self.reason = None
        return True

    def expire_if_late(self, now):
        """A confirmation that could not go before its application expired never goes (its
        token confirms nothing any more); True when that is so."""
        expires = (self.payload or {}).get("expires_at")
        if self.kind != CONFIRMATION or self.status != PENDING or expires is None:
            return False
        if datetime.fromisoformat(expires.replace("Z", "+00:00")) > now:
            return False
        self._suppress(EXPIRED)
        return True

    def consent_withdrawn(self):
        """The family withdrew its consent to share: a notice not yet sent never goes."""
        if self.status == PENDING:
            self._suppress(CONSENT_WITHDRAWN)

    def delivered(self, channel, recipient, location, now):
        self.status, self.channel, self.recipient = SENT, channel, recipient
        self.location = location
        self.attempts += 1
        self.sent_at, self.next_attempt_at, self.reason = now, None, None
        self.payload = None  # a token has done its work once it is in the applicant's hands
        if self.kind == CONFIRMATION:  # nor is the address of an application kept after
            self.recipient = None

    def failed(self, error, now):
        """Kept, and tried again after the back-off: a notice is never dropped."""
        self.attempts += 1
        self.last_error = error[:1000]
        self.next_attempt_at = now + retry_delay(self.attempts)

    def erase(self):
        """The referral's data is erased (docs/contract.md §7): no notice goes any more, and
        nothing says to whom one went; kind, status, dates and attempts stay."""
        if self.status == PENDING:
            self._suppress(ERASED)
        self.recipient, self.last_error, self.payload = None, None, None

    def _suppress(self, reason):
        self.status, self.reason, self.next_attempt_at = SUPPRESSED, reason, None
        self.payload = None  # a notice that never goes needs no token
