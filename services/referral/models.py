"""The referral service's tables, and the repository that maps them to the domain."""
from sqlalchemy import JSON, Column, DateTime, MetaData, String, UniqueConstraint, select
from sqlalchemy.orm import declarative_base

from kring.clock import utcnow
from kring.kit.tables import add_kit_tables
from services.referral.domain import Referral, TimelineEntry

metadata = MetaData()
Base = declarative_base(metadata=metadata)
add_kit_tables(metadata)


class ReferralRow(Base):
    __tablename__ = "referrals"
    __table_args__ = (UniqueConstraint("org", "external_ref", name="uq_referral_org_ref"),)

    id = Column(String(36), primary_key=True)
    org = Column(String(128), nullable=False)
    external_ref = Column(String(128), nullable=False)
    programme = Column(String(64), nullable=False)
    partner = Column(String(128), nullable=True)
    coordinating_org = Column(String(128), nullable=True)
    status = Column(String(32), nullable=False, index=True)
    status_at = Column(String(40), nullable=False)
    outcome = Column(String(32), nullable=True)
    proposal_id = Column(String(36), nullable=True)
    case_id = Column(String(36), nullable=True)
    aftercare_id = Column(String(36), nullable=True)
    details = Column(JSON, nullable=False)
    timeline = Column(JSON, nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)


FIELDS = ("org", "external_ref", "programme", "partner", "coordinating_org", "status", "status_at", "outcome",
          "proposal_id", "case_id", "aftercare_id", "details")


class Referrals:
    """Repository: loads and stores Referral aggregates within a unit of work's session."""

    def __init__(self, session):
        self.session = session

    def get(self, referral_id, for_update=False):
        query = select(ReferralRow).where(ReferralRow.id == referral_id)
        if for_update:  # two stages reporting at once must not overwrite each other's entry
            query = query.with_for_update()
        row = self.session.execute(query).scalar_one_or_none()
        return _to_domain(row) if row else None

    def by_external_ref(self, org, external_ref):
        row = self.session.execute(select(ReferralRow).where(
            ReferralRow.org == org, ReferralRow.external_ref == external_ref)).scalar_one_or_none()
        return _to_domain(row) if row else None

    def add(self, referral):
        row = ReferralRow(id=referral.referral_id)
        _copy_to_row(referral, row)
        self.session.add(row)
        self.session.flush()  # the unique constraint speaks now, inside the caller's try

    def save(self, referral):
        row = self.session.get(ReferralRow, referral.referral_id)
        _copy_to_row(referral, row)


def _copy_to_row(referral, row):
    for name in FIELDS:
        setattr(row, name, getattr(referral, name))
    row.timeline = [entry.__dict__ for entry in referral.timeline]


def _to_domain(row):
    referral = Referral(row.id, **{name: getattr(row, name) for name in FIELDS})
    referral.timeline = [TimelineEntry(**entry) for entry in row.timeline]
    return referral


class PartnerMessageRow(Base):
    """Every partner message we answered: the same message_id again gets the same answer."""
    __tablename__ = "partner_messages"

    partner = Column(String(128), primary_key=True)
    message_id = Column(String(128), primary_key=True)
    referral_id = Column(String(36), nullable=True)
    errors = Column(JSON, nullable=True)
    received_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
