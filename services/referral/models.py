"""The referral service's tables, and the repositories that map them to the domain."""
import json
from datetime import timezone

from sqlalchemy import (JSON, Boolean, Column, DateTime, Index, Integer, MetaData, String,
                        Text, UniqueConstraint, delete, false, func, select)
from sqlalchemy.orm import declarative_base

from kring.clock import utcnow
from kring.contracts.partner_queues import INBOUND_QUEUE
from kring.kit import paging, parking
from kring.kit.partner_identity import USER_HEADER
from kring.kit.crypto import EncryptedBytes, EncryptedJSON, EncryptedText
from kring.kit.repository import Repository
from kring.kit.tables import add_kit_tables
from services.referral.consultation import Consultation
from services.referral.directory import Provider
from services.referral.domain import Referral, TimelineEntry
from services.referral.self_referral import Application

metadata = MetaData()
Base = declarative_base(metadata=metadata)
add_kit_tables(metadata)


class ReferralRow(Base):
    __tablename__ = "referrals"
    __table_args__ = (
        UniqueConstraint("org", "external_ref", name="uq_referral_org_ref"),
        # listReferrals' pages, newest first, of the referring or the coordinating organisation
        Index("ix_referrals_org_page", "org", "created_at", "id"),
        Index("ix_referrals_coordinating_page", "coordinating_org", "created_at", "id"),
        # listCommissionRequests: a municipality's requests in one state, longest waiting first
        Index("ix_referrals_commissions", "municipality_code", "commission_state",
              "commission_asked_at"),
    )

    id = Column(String(36), primary_key=True)
    org = Column(String(128), nullable=False)
    external_ref = Column(String(128), nullable=False)
    programme = Column(String(64), nullable=False)
    partner = Column(String(128), nullable=True)
    coordinating_org = Column(String(128), nullable=True)  # None: stored before routing
    municipality_code = Column(String(6), nullable=True)
    status = Column(String(32), nullable=False, index=True)
    status_at = Column(String(40), nullable=False)
    outcome = Column(String(32), nullable=True)
    proposal_id = Column(String(36), nullable=True)
    case_id = Column(String(36), nullable=True)
    aftercare_id = Column(String(36), nullable=True)
    details = Column(EncryptedJSON("referrals", "details"), nullable=False)  # the family
    timeline = Column(JSON, nullable=False)
    erased_at = Column(String(40), nullable=True)  # when the family's data was erased
    # the municipality's commission (services/referral/commission.py): in the clear, so that
    # a municipality's list is a query; None where none was asked for
    commission_state = Column(String(20), nullable=True, index=True)
    commission_asked_at = Column(String(40), nullable=True)
    commission_decided_at = Column(String(40), nullable=True)
    # the family applied itself (submitSelfReferral): no referrer; anonymous, so it stays
    self_referred = Column(Boolean, nullable=False, default=False, server_default=false())
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)


FIELDS = ("org", "external_ref", "programme", "partner", "coordinating_org", "municipality_code",
          "status", "status_at", "outcome", "proposal_id", "case_id", "aftercare_id", "details",
          "erased_at", "commission_state", "commission_asked_at", "commission_decided_at",
          "self_referred")


class Referrals(Repository):
    """Loads and stores Referral aggregates within a unit of work; what they record is emitted
    on commit (kring.kit.repository)."""

    def get(self, referral_id, for_update=False):
        # for_update: two stages reporting at once must not overwrite each other's entry
        return self._one(select(ReferralRow).where(ReferralRow.id == referral_id), for_update)

    def by_external_ref(self, org, external_ref):
        return self._one(select(ReferralRow).where(
            ReferralRow.org == org, ReferralRow.external_ref == external_ref))

    def any(self):
        """Whether any referral is stored at all."""
        return self.session.execute(select(ReferralRow.id).limit(1)).first() is not None

    def closed_before(self, moment, batch=100):
        """Closed referrals not erased whose status has not changed since before `moment`
        (ISO 8601 text, which sorts in time order), oldest first."""
        rows = self.session.execute(select(ReferralRow.id, ReferralRow.programme,
                                           ReferralRow.status_at).where(
            ReferralRow.status == "closed", ReferralRow.erased_at.is_(None),
            ReferralRow.status_at <= moment).order_by(ReferralRow.status_at).limit(batch))
        return rows.all()

    def commissions(self, municipality_code, states, newest_decided_first, limit, offset,
                    cursor=None):
        """(referrals, total): those of `municipality_code` whose commission is in `states`;
        the longest waiting first, or the latest decided first; after the page `cursor`
        ended with (kring.kit.paging), then `offset` skipped."""
        where = (ReferralRow.municipality_code == municipality_code,
                 ReferralRow.commission_state.in_(states))
        order = ((ReferralRow.commission_decided_at, True) if newest_decided_first else
                 (ReferralRow.commission_asked_at, False), (ReferralRow.id, False))
        total = self.session.scalar(select(func.count()).select_from(ReferralRow).where(*where))
        query = paging.ordered(select(ReferralRow).where(*where), order, cursor)
        rows = self.session.execute(query.limit(limit).offset(offset)).scalars()
        return [self._load(row) for row in rows], total

    def unrouted(self, programme):
        """Referrals of `programme` stored before routing that still have no route."""
        rows = self.session.execute(select(ReferralRow).where(
            ReferralRow.programme == programme, ReferralRow.coordinating_org.is_(None))
            .with_for_update()).scalars()
        return [self._load(row) for row in rows]

    def page(self, limit, cursor=None, referring_org=None, coordinating_org=None, status=None):
        """Up to `limit` referrals of the one organisation given, newest first, after the page
        `cursor` ended with (kring.kit.paging); with each its created_at, for the next cursor."""
        query = select(ReferralRow)
        if referring_org is not None:
            query = query.where(ReferralRow.org == referring_org)
        if coordinating_org is not None:
            query = query.where(ReferralRow.coordinating_org == coordinating_org)
        if status is not None:
            query = query.where(ReferralRow.status == status)
        order = ((ReferralRow.created_at, True), (ReferralRow.id, True))
        rows = self.session.execute(paging.ordered(query, order, cursor).limit(limit)).scalars()
        return [(self._to_domain(row), row.created_at) for row in rows]

    def add(self, referral):
        row = ReferralRow(id=referral.referral_id)
        _copy_to_row(referral, row)
        self.session.add(row)
        self.session.flush()  # the unique constraint speaks now, inside the caller's try
        self.remember(referral)

    def save(self, referral):
        row = self.session.get(ReferralRow, referral.referral_id)
        _copy_to_row(referral, row)

    def _to_domain(self, row):
        referral = Referral(row.id, **{name: getattr(row, name) for name in FIELDS})
        referral.timeline = [TimelineEntry(**entry) for entry in row.timeline]
        return referral


def _copy_to_row(referral, row):
    for name in FIELDS:
        setattr(row, name, getattr(referral, name))
    row.timeline = [entry.__dict__ for entry in referral.timeline]


class PartnerMessageRow(Base):
    """Every partner message we answered: the same message_id again gets the same answer."""
    __tablename__ = "partner_messages"

    partner = Column(String(128), primary_key=True)
    message_id = Column(String(128), primary_key=True)
    # indexed: a referral's export and its erasure look its messages up by it
    referral_id = Column(String(36), nullable=True, index=True)
    errors = Column(EncryptedJSON("partner_messages", "errors"), nullable=True)
    received_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class RefusedSubmissionRow(Base):
    """A partner message we refused, kept for the operator for the retention period
    (KRING_RETENTION_DAYS, docs/contract.md §5): its dead letter holds only this row's id, the
    partner, the message_id and the errors (services/referral/partner_submissions.py)."""
    __tablename__ = "refused_submissions"

    id = Column(String(36), primary_key=True)
    partner = Column(String(128), nullable=True)  # None: no broker user to answer
    message_id = Column(String(128), nullable=True)  # None: none, or one that cannot be kept
    content_type = Column(String(128), nullable=True)
    errors = Column(EncryptedJSON("refused_submissions", "errors"), nullable=False)
    # the body as received, bytes and all (it may be no text at all), at most MAX_BODY_BYTES:
    # family data, sealed like every other
    body = Column(EncryptedBytes("refused_submissions", "body"), nullable=False)
    body_size = Column(Integer, nullable=False)  # as received: more than `body` if cut
    received_at = Column(DateTime(timezone=True), nullable=False, index=True)


def partner_messages_of(session, referral_id):
    """The partner messages answered with this referral (exportReferral)."""
    rows = session.execute(select(PartnerMessageRow).where(
        PartnerMessageRow.referral_id == referral_id)
        .order_by(PartnerMessageRow.received_at)).scalars()
    return [{"partner": row.partner, "message_id": row.message_id, "errors": row.errors,
             "received_at": row.received_at.isoformat()} for row in rows]


def erase_partner_messages(session, referral_id):
    """The hook for what partners sent about a referral: whatever is kept of their messages
    (the answers' errors; parked submissions: `erase_parked_submissions`) is erased with the
    referral."""
    for row in session.execute(select(PartnerMessageRow).where(
            PartnerMessageRow.referral_id == referral_id)).scalars():
        row.errors = None


def erase_parked_submissions(session, parked, referral):
    """Partner submissions parked here (a fault on our side through every retry) that are
    this referral: the same partner's message with its message_id answered with the
    referral, or with its external_ref. A parked submission names no referral (there was none
    yet), so each is opened and read; how many went."""
    if parked is None or not referral.partner:
        return 0
    answered = set(session.execute(select(PartnerMessageRow.message_id).where(
        PartnerMessageRow.partner == referral.partner,
        PartnerMessageRow.referral_id == referral.referral_id)).scalars())
    ids = [row.id for row in parking.kept(session, parked, INBOUND_QUEUE)
           if (row.headers or {}).get(USER_HEADER) == referral.partner
           and (row.message_id in answered
                or _external_ref_of(row.body) == referral.external_ref)]
    if ids:
        session.execute(delete(parked).where(parked.c.id.in_(ids)))
    return len(ids)


def _external_ref_of(body):
    try:
        found = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    return found.get("external_ref") if isinstance(found, dict) else None


# --- erasure on request (docs/contract.md §7) -----------------------------------------------

class ErasureRow(Base):
    """Who asked for a referral's erasure, when and why: the record of the request (the
    audit trail has it too). Ids, a person's login or token subject, an organisation."""
    __tablename__ = "erasures"

    referral_id = Column(String(36), primary_key=True)
    requested_at = Column(DateTime(timezone=True), nullable=False)
    person = Column(String(128), nullable=False)
    organisation = Column(String(128), nullable=False)
    role = Column(String(32), nullable=False)
    reason = Column(EncryptedText("erasures", "reason"), nullable=True)  # free text: sealed


class ErasureReportRow(Base):
    """A stage reported its part of the referral erased (its erasure_done)."""
    __tablename__ = "erasure_reports"

    referral_id = Column(String(36), primary_key=True)
    service = Column(String(32), primary_key=True)
    erased_at = Column(String(40), nullable=False)


class Erasures:
    def __init__(self, uow):
        self.session = uow.session

    def get(self, referral_id):
        return self.session.get(ErasureRow, referral_id)

    def add(self, referral_id, at, person, organisation, role, reason):
        self.session.add(ErasureRow(referral_id=referral_id, requested_at=at, person=person,
                                    organisation=organisation, role=role, reason=reason))

    def reported(self, referral_id):
        """{service: when it erased its part}."""
        rows = self.session.execute(select(ErasureReportRow).where(
            ErasureReportRow.referral_id == referral_id)).scalars()
        return {row.service: row.erased_at for row in rows}

    def report(self, referral_id, service, erased_at):
        if self.session.get(ErasureReportRow, (referral_id, service)) is None:
            self.session.add(ErasureReportRow(referral_id=referral_id, service=service,
                                              erased_at=erased_at))


# --- the provider directory (services/referral/directory.py) ------------------------------

class ProviderRow(Base):
    __tablename__ = "providers"

    organisation = Column(String(128), primary_key=True)
    programme = Column(String(64), primary_key=True)
    name = Column(String(200), nullable=False)
    municipalities = Column(JSON, nullable=False)  # CBS codes, in the order given
    languages = Column(JSON, nullable=False)
    waiting_list = Column(Boolean, nullable=False, default=False)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)


class ProviderAreaRow(Base):
    """Who provides a programme in a municipality. The primary key is the rule itself: one
    provider per programme and municipality, also when two registrations race."""
    __tablename__ = "provider_areas"

    programme = Column(String(64), primary_key=True)
    municipality_code = Column(String(6), primary_key=True)
    organisation = Column(String(128), nullable=False)


class Directory:
    """The providers in and out of a unit of work."""

    def __init__(self, uow):
        self.session = uow.session

    def providers(self, municipality_code=None):
        query = select(ProviderRow).order_by(ProviderRow.programme, ProviderRow.organisation)
        if municipality_code is not None:
            query = query.join(ProviderAreaRow, (
                ProviderAreaRow.programme == ProviderRow.programme)
                & (ProviderAreaRow.organisation == ProviderRow.organisation)).where(
                ProviderAreaRow.municipality_code == municipality_code)
        return [_provider(row) for row in self.session.execute(query).scalars()]

    def get(self, organisation, programme):
        row = self.session.get(ProviderRow, (organisation, programme))
        return _provider(row) if row else None

    def serving(self, programme):
        """Municipality code -> the organisation that provides `programme` there."""
        rows = self.session.execute(select(ProviderAreaRow).where(
            ProviderAreaRow.programme == programme)).scalars()
        return {row.municipality_code: row.organisation for row in rows}

    def provider_of(self, programme, municipality_code):
        row = self.session.get(ProviderAreaRow, (programme, municipality_code))
        return row.organisation if row else None

    def put(self, provider):
        """Store `provider`, replacing its organisation's entry for the programme."""
        row = self.session.get(ProviderRow, (provider.organisation, provider.programme))
        if row is None:
            row = ProviderRow(organisation=provider.organisation, programme=provider.programme)
            self.session.add(row)
        row.name, row.languages = provider.name, list(provider.languages)
        row.municipalities, row.waiting_list = list(provider.municipalities), provider.waiting_list
        self.session.execute(delete(ProviderAreaRow).where(
            ProviderAreaRow.programme == provider.programme,
            ProviderAreaRow.organisation == provider.organisation))
        self.session.add_all([ProviderAreaRow(programme=provider.programme, municipality_code=code,
                                              organisation=provider.organisation)
                              for code in provider.municipalities])
        self.session.flush()  # the primary keys speak now, inside the caller's try


def _provider(row):
    return Provider(row.organisation, row.name, row.programme, tuple(row.municipalities),
                    tuple(row.languages), bool(row.waiting_list))


# --- the family pseudonym's key (services/referral/pseudonym.py) ---------------------------

class PseudonymKeyRow(Base):
    """One row, written once and never changed: the key of every family pseudonym."""
    __tablename__ = "pseudonym_key"

    id = Column(Integer, primary_key=True, autoincrement=False)
    key = Column(Text, nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class PseudonymKey:
    def __init__(self, uow):
        self.session = uow.session

    def get(self):
        row = self.session.get(PseudonymKeyRow, 1)
        return row.key if row else None

    def add(self, key):
        self.session.add(PseudonymKeyRow(id=1, key=key))
        self.session.flush()  # a replica that was first speaks now, inside the caller's try


# --- consultation requests (services/referral/consultation.py) ------------------------------

class ConsultationRow(Base):
    """A consultation request. Besides the sealed `content` (the questions, the answers, the
    case reference and the requester's address), only anonymous figures for reports:
    programme, municipality, organisations, dates and the number of rounds."""
    __tablename__ = "consultations"

    id = Column(String(36), primary_key=True)
    org = Column(String(128), nullable=False)
    requester_role = Column(String(32), nullable=False)
    programme = Column(String(64), nullable=False)
    municipality_code = Column(String(6), nullable=False)
    coordinating_org = Column(String(128), nullable=False)
    requested_at = Column(String(40), nullable=False)
    rounds = Column(Integer, nullable=False)
    answered_at = Column(String(40), nullable=True)  # the last answer
    closed_at = Column(String(40), nullable=True, index=True)
    closed_by = Column(String(32), nullable=True)
    erased_at = Column(String(40), nullable=True)
    content = Column(EncryptedJSON("consultations", "content"), nullable=False)


CONSULTATION_FIELDS = ("org", "requester_role", "programme", "municipality_code",
                       "coordinating_org", "requested_at", "closed_at", "closed_by",
                       "erased_at", "content")


class Consultations(Repository):
    def get(self, consultation_id, for_update=False):
        return self._one(select(ConsultationRow).where(ConsultationRow.id == consultation_id),
                         for_update)

    def closed_before(self, moment, batch=100):
        """(id, programme, closed_at) of consultations closed before `moment` (ISO 8601 text)
        and not erased, oldest first."""
        return self.session.execute(select(
            ConsultationRow.id, ConsultationRow.programme, ConsultationRow.closed_at).where(
            ConsultationRow.closed_at.is_not(None), ConsultationRow.erased_at.is_(None),
            ConsultationRow.closed_at <= moment).order_by(ConsultationRow.closed_at)
            .limit(batch)).all()

    def add(self, consultation):
        row = ConsultationRow(id=consultation.consultation_id)
        _copy_consultation(consultation, row)
        self.session.add(row)
        self.remember(consultation)

    def save(self, consultation):
        _copy_consultation(consultation, self.session.get(ConsultationRow,
                                                          consultation.consultation_id))

    def _to_domain(self, row):
        return Consultation(row.id, **{name: getattr(row, name)
                                       for name in CONSULTATION_FIELDS})


def _copy_consultation(consultation, row):
    for name in CONSULTATION_FIELDS:
        setattr(row, name, getattr(consultation, name))
    row.rounds, row.answered_at = consultation.round_count, consultation.answered_at


# --- a family's own applications (services/referral/self_referral.py) ----------------------

class ApplicationRow(Base):
    """An application awaiting confirmation: sealed, with its token's hash, never the token.
    Deleted once past `expires_at` (the retention timer), confirmed or not."""
    __tablename__ = "self_referral_applications"

    id = Column(String(36), primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    programme = Column(String(64), nullable=False)
    submitted_at = Column(DateTime(timezone=True), nullable=False)
    expires_at = Column(DateTime(timezone=True), nullable=False, index=True)
    content = Column(EncryptedJSON("self_referral_applications", "content"), nullable=True)
    referral_id = Column(String(36), nullable=True)
    confirmed_at = Column(DateTime(timezone=True), nullable=True)


APPLICATION_FIELDS = ("programme", "token_hash", "submitted_at", "expires_at", "content",
                      "referral_id", "confirmed_at")


class Applications(Repository):
    def by_token(self, hashed, for_update=False):
        return self._one(select(ApplicationRow).where(ApplicationRow.token_hash == hashed),
                         for_update)

    def add(self, application):
        row = ApplicationRow(id=application.application_id)
        self._copy(application, row)
        self.session.add(row)
        self.remember(application)

    def save(self, application):
        self._copy(application, self.session.get(ApplicationRow, application.application_id))

    def expired(self, now, batch=100):
        """Ids of applications past their expiry, confirmed or not."""
        return list(self.session.execute(select(ApplicationRow.id).where(
            ApplicationRow.expires_at <= now).order_by(ApplicationRow.expires_at)
            .limit(batch)).scalars())

    def delete(self, application_id):
        self.session.execute(delete(ApplicationRow).where(ApplicationRow.id == application_id))

    def _to_domain(self, row):
        application = Application(row.id, **{name: getattr(row, name)
                                             for name in APPLICATION_FIELDS})
        for name in ("submitted_at", "expires_at", "confirmed_at"):  # SQLite's are naive
            moment = getattr(application, name)
            if moment is not None and moment.tzinfo is None:
                setattr(application, name, moment.replace(tzinfo=timezone.utc))
        return application

    @staticmethod
    def _copy(application, row):
        for name in APPLICATION_FIELDS:
            setattr(row, name, getattr(application, name))


class RateCounterRow(Base):
    """Calls of a public operation in one window (services/referral/rate_limit.py), under a
    keyed hash of what is counted (an address, an e-mail address): never the thing itself."""
    __tablename__ = "rate_counters"

    key = Column(String(64), primary_key=True)
    window_start = Column(DateTime(timezone=True), primary_key=True)
    window_end = Column(DateTime(timezone=True), nullable=False, index=True)
    count = Column(Integer, nullable=False)


class RateCounters:
    def __init__(self, uow):
        self.session = uow.session

    def used(self, key, window_start):
        """How many calls the window has counted (its row locked until commit)."""
        row = self.session.execute(select(RateCounterRow).where(
            RateCounterRow.key == key, RateCounterRow.window_start == window_start)
            .with_for_update()).scalar_one_or_none()
        return row.count if row else 0

    def count(self, key, window_start, window_end):
        """One more call; a racing first call inserts too, and the primary key says so now."""
        row = self.session.get(RateCounterRow, (key, window_start))
        if row is None:
            self.session.add(RateCounterRow(key=key, window_start=window_start,
                                            window_end=window_end, count=1))
            self.session.flush()
        else:
            row.count += 1

    def forget_before(self, now):
        """Windows that have ended count nothing any more."""
        return self.session.execute(delete(RateCounterRow).where(
            RateCounterRow.window_end <= now)).rowcount
