"""The notify service's tables, and the repository that maps them to the domain.

`notices` has one row per referral and kind (UNIQUE): inserting it is the decision to notify,
so no redelivery, restart or second replica can ever make a second one.
"""
from sqlalchemy import (Boolean, Column, DateTime, Integer, MetaData, String, UniqueConstraint,
                        and_, false, func, or_, select, update)
from sqlalchemy.orm import aliased, declarative_base

from kring.kit.correlation import current as current_correlation
from kring.kit.crypto import EncryptedJSON, EncryptedText
from kring.kit.repository import Repository
from kring.kit.tables import add_kit_tables
from services.notify.domain import CLOSURE, PENDING, START, Contact, Notice

NO_CLAIM = {"claimed_until": None, "claimed_instance": None, "claimed_start": None}

metadata = MetaData()
Base = declarative_base(metadata=metadata)
add_kit_tables(metadata)


class ContactRow(Base):
    """The referrer's address and the family's consent to share status: nothing of the family."""
    __tablename__ = "contacts"

    referral_id = Column(String(64), primary_key=True)
    external_ref = Column(String(128), nullable=False)
    programme = Column(String(64), nullable=False)
    email = Column(EncryptedText("contacts", "email"), nullable=False)  # sealed at rest
    language = Column(String(8), nullable=False)
    organisation = Column(String(256), nullable=False)
    share_status = Column(Boolean, nullable=False)
    partner = Column(String(128), nullable=True)
    # the family applied itself: the address is the applicant's (docs/contract.md §6)
    self_referred = Column(Boolean, nullable=False, default=False, server_default=false())


class ConsentWithdrawalRow(Base):
    """The family withdrew its consent to share (consent_withdrawn): kept apart from the
    contact, as it may come before the contact does (a redelivery reorders the queue)."""
    __tablename__ = "consent_withdrawals"

    referral_id = Column(String(64), primary_key=True)
    withdrawn_at = Column(String(40), nullable=False)


class NoticeRow(Base):
    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("referral_id", "kind", name="uq_notice_referral_kind"),)

    notice_id = Column(Integer, primary_key=True, autoincrement=True)
    referral_id = Column(String(64), nullable=False, index=True)
    kind = Column(String(16), nullable=False)
    occurred_at = Column(String(40), nullable=False)
    outcome = Column(String(32), nullable=True)
    coordinating_org = Column(String(256), nullable=True)
    status = Column(String(16), nullable=False, index=True)
    reason = Column(String(200), nullable=True)
    attempts = Column(Integer, nullable=False, default=0)
    # an SMTP server's answer may name the address
    last_error = Column(EncryptedText("notices", "last_error"), nullable=True)
    next_attempt_at = Column(DateTime(timezone=True), nullable=True, index=True)
    claimed_until = Column(DateTime(timezone=True), nullable=True)
    # who holds the claim (domain.Claimant): a restarted sender takes its own back at once
    claimed_instance = Column(String(64), nullable=True)
    claimed_start = Column(String(64), nullable=True)
    channel = Column(String(8), nullable=True)
    recipient = Column(EncryptedText("notices", "recipient"), nullable=True)
    location = Column(String(1000), nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False)
    sent_at = Column(DateTime(timezone=True), nullable=True)
    # the event that decided it (kring.kit.correlation): `kring trace` shows it
    correlation_id = Column(String(100), nullable=True, default=current_correlation)
    # a confirmation's token and links, sealed, until it is sent (domain.Notice.payload)
    payload = Column(EncryptedJSON("notices", "payload"), nullable=True)


CONTACT_FIELDS = ("external_ref", "programme", "email", "language", "organisation",
                  "share_status", "partner", "self_referred")
NOTICE_FIELDS = ("referral_id", "kind", "occurred_at", "outcome", "coordinating_org", "status",
                 "reason", "attempts", "last_error", "next_attempt_at", "channel", "recipient",
                 "location", "created_at", "sent_at", "payload")


class Notices(Repository):
    """Repository of contacts and notices, within a unit of work. Neither records domain
    events (notify emits none), so remembering them costs the unit of work nothing."""

    def _to_domain(self, row):
        if isinstance(row, ContactRow):
            return self._to_contact(row)
        return Notice(notice_id=row.notice_id, **{f: getattr(row, f) for f in NOTICE_FIELDS})

    def _to_contact(self, row):
        withdrawal = self.session.get(ConsentWithdrawalRow, row.referral_id)
        return Contact(row.referral_id, *(getattr(row, f) for f in CONTACT_FIELDS),
                       consent_withdrawn_at=withdrawal.withdrawn_at if withdrawal else None)

    def contact(self, referral_id):
        row = self.session.get(ContactRow, referral_id)
        return self._load(row) if row else None

    def consent_withdrawn_at(self, referral_id):
        """When the family withdrew its consent to share (None: it has not)."""
        row = self.session.get(ConsentWithdrawalRow, referral_id)
        return row.withdrawn_at if row else None

    def withdraw_consent(self, referral_id, at):
        """Record the withdrawal; the first one stands."""
        if self.session.get(ConsentWithdrawalRow, referral_id) is None:
            self.session.add(ConsentWithdrawalRow(referral_id=referral_id, withdrawn_at=at))
            self.session.flush()  # the primary key speaks now, inside the caller's retry

    def add_contact(self, contact):
        self.session.add(ContactRow(referral_id=contact.referral_id,
                                    **{f: getattr(contact, f) for f in CONTACT_FIELDS}))
        self.session.flush()  # the primary key speaks now, inside the caller's retry
        self.remember(contact)

    def notice(self, referral_id, kind):
        return self._one(select(NoticeRow).where(NoticeRow.referral_id == referral_id,
                                                 NoticeRow.kind == kind))

    def waiting(self, referral_id, unclaimed_at=None):
        """Pending notices of a referral, locked: the contact that arrives decides about them.
        `unclaimed_at`: only those no sender has claimed at that moment (a claimed one is its
        sender's to decide)."""
        query = select(NoticeRow).where(NoticeRow.referral_id == referral_id,
                                        NoticeRow.status == PENDING)
        if unclaimed_at is not None:
            query = query.where(_unclaimed(unclaimed_at))
        rows = self.session.execute(query.with_for_update()).scalars()
        return [self._load(row) for row in rows]

    def counts(self):
        """{state: notices in it}: sent, suppressed, pending (not tried yet) and failed (tried,
        not delivered, waiting for its retry): what an operator watches (kring.kit.metrics)."""
        found = dict.fromkeys(("sent", "suppressed", "pending", "failed"), 0)
        for status, tried, number in self.session.execute(
                select(NoticeRow.status, NoticeRow.attempts > 0, func.count())
                .group_by(NoticeRow.status, NoticeRow.attempts > 0)):
            state = "failed" if status == PENDING and tried else status
            found[state] = found.get(state, 0) + number
        return found

    def of_referral(self, referral_id):
        rows = self.session.execute(select(NoticeRow).where(
            NoticeRow.referral_id == referral_id).order_by(NoticeRow.occurred_at)).scalars()
        return [self._load(row) for row in rows]

    def add(self, notice):
        row = NoticeRow(**{f: getattr(notice, f) for f in NOTICE_FIELDS})
        self.session.add(row)
        self.session.flush()  # the unique constraint speaks now, inside the caller's retry
        notice.notice_id = row.notice_id
        self.remember(notice)

    def save(self, notice):
        """Store the outcome of an attempt; the claim ends with it. Only a pending notice
        changes: once sent or suppressed it stays so, whatever a slower sender reports.
        True when it changed."""
        result = self.session.execute(
            update(NoticeRow).where(NoticeRow.notice_id == notice.notice_id,
                                    NoticeRow.status == PENDING)
            .values(**NO_CLAIM, **{f: getattr(notice, f) for f in NOTICE_FIELDS}))
        return result.rowcount == 1

    def overwrite(self, notice):
        """Store `notice` whatever its status (its erasure; everything else goes by `save`)."""
        self.session.execute(update(NoticeRow).where(NoticeRow.notice_id == notice.notice_id)
                             .values(**NO_CLAIM,
                                     **{f: getattr(notice, f) for f in NOTICE_FIELDS}))

    def erase_contact(self, referral_id):
        """The referrer's address goes; the referral's programme and reference stay."""
        self.session.execute(update(ContactRow).where(ContactRow.referral_id == referral_id)
                             .values(email=""))

    def claim_next(self, now, until, by=None):
        """Claim the first due notice for `by` (a domain.Claimant; None: a sender without an
        identity, which takes no live claim) until `until`: its id, or None."""
        claimed = self.claim_due(now, until, by)
        return claimed[0] if claimed else None

    def claim_due(self, now, until, by=None):
        """Claim the first due notice for `by` until `until`: (its id, whether it was taken
        back from an earlier start of `by`'s instance), or None.

        The row is locked as it is chosen, and a row that another sender is claiming is
        passed over rather than waited for (SKIP LOCKED; SQLite, one writer at a time, has no
        need). A sender that waited would find the row taken, yet keep it locked to the end of
        its own transaction (PostgreSQL locks a row to check it again), and the record that the
        row's notice was delivered, written that very moment by its sender, would wait behind it.
        """
        row = self.session.execute(
            _due(now, by).limit(1).with_for_update(of=NoticeRow, skip_locked=True)).first()
        if row is None or not self.claim(row.notice_id, now, until, by):
            return None
        return row.notice_id, bool(row.live)

    def claim(self, notice_id, now, until, by=None):
        """True for the one sender whose conditional update took it (replicas race here)."""
        result = self.session.execute(
            update(NoticeRow).where(NoticeRow.notice_id == notice_id,
                                    NoticeRow.status == PENDING, _claimable(now, by))
            .values(claimed_until=until, claimed_instance=by and by.instance,
                    claimed_start=by and by.start))
        return result.rowcount == 1

    def get(self, notice_id):
        row = self.session.get(NoticeRow, notice_id)
        return self._load(row) if row else None

    def traced(self, referral_id):
        """(kind, status, created_at, sent_at, correlation_id) of each notice of a referral:
        its steps in `kring trace`."""
        return self.session.execute(
            select(NoticeRow.kind, NoticeRow.status, NoticeRow.created_at, NoticeRow.sent_at,
                   NoticeRow.correlation_id)
            .where(NoticeRow.referral_id == referral_id).order_by(NoticeRow.notice_id)).all()


def _due(now, by=None):
    """Pending notices whose time has come, whose contact is known, not claimed.

    Oldest event first, and a closure never before its referral's pending start: a start whose
    attempt failed holds the closure back until it has gone, or the referrer would read
    "support has started" after "the referral is closed".
    """
    start = aliased(NoticeRow)
    start_pending = (select(start.notice_id)
                     .where(start.referral_id == NoticeRow.referral_id,
                            start.kind == START, start.status == PENDING).exists())
    # `live`: a claim that has not lapsed (which a claimant may take only from its own past)
    live = and_(NoticeRow.claimed_until.is_not(None), NoticeRow.claimed_until >= now)
    return (select(NoticeRow.notice_id, live.label("live"))
            .join(ContactRow, ContactRow.referral_id == NoticeRow.referral_id)
            .where(NoticeRow.status == PENDING, NoticeRow.next_attempt_at <= now,
                   _claimable(now, by), ~and_(NoticeRow.kind == CLOSURE, start_pending))
            .order_by(NoticeRow.occurred_at, NoticeRow.notice_id))


def _unclaimed(now):
    return or_(NoticeRow.claimed_until.is_(None), NoticeRow.claimed_until < now)


def _claimable(now, by):
    """domain.may_take as SQL: unclaimed or lapsed, or claimed by an earlier start of `by`'s
    instance (a NULL start compares as unknown: not taken)."""
    if by is None or by.instance is None or not by.takes_back:
        return _unclaimed(now)
    return or_(_unclaimed(now), and_(NoticeRow.claimed_instance == by.instance,
                                     NoticeRow.claimed_start != by.start))
