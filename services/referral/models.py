"""The referral service's tables, and the repository that maps them to the domain."""
from sqlalchemy import JSON, Column, DateTime, MetaData, String, UniqueConstraint, select
from sqlalchemy.orm import declarative_base

from kring.clock import utcnow
from kring.kit.repository import Repository
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


class Referrals(Repository):
    """Loads and stores Referral aggregates within a unit of work; what they record is emitted
    on commit (kring.kit.repository)."""

    def get(self, referral_id, for_update=False):
        # for_update: two stages reporting at once must not overwrite each other's entry
        return self._one(select(ReferralRow).where(ReferralRow.id == referral_id), for_update)

    def by_external_ref(self, org, external_ref):
        return self._one(select(ReferralRow).where(
            ReferralRow.org == org, ReferralRow.external_ref == external_ref))

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
    referral_id = Column(String(36), nullable=True)
    errors = Column(JSON, nullable=True)
    received_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
