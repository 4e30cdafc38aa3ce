"""The matching service's tables. The repositories that map them to the domain: repository.py."""
from sqlalchemy import (DDL, JSON, Boolean, Column, DateTime, Index, Integer, MetaData, String,
                        event, text)
from sqlalchemy.orm import declarative_base

from kring.clock import utcnow
from kring.kit.tables import add_kit_tables

metadata = MetaData()
Base = declarative_base(metadata=metadata)
add_kit_tables(metadata)


class SupporterRow(Base):
    __tablename__ = "supporters"

    id = Column(String(36), primary_key=True)
    position = Column(Integer, nullable=False, unique=True)
    name = Column(String(200), nullable=False)
    kind = Column(String(16), nullable=False)
    programmes = Column(JSON, nullable=False)
    languages = Column(JSON, nullable=False)
    municipalities = Column(JSON, nullable=False)
    capacity = Column(Integer, nullable=False)
    expertise = Column(JSON, nullable=False)
    active = Column(Boolean, nullable=False)
    registered_at = Column(String(40), nullable=False)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)


class ReferralRow(Base):
    """The referral profile (no family identity) and where matching stands with it."""
    __tablename__ = "matching_referrals"

    id = Column(String(36), primary_key=True)
    programme = Column(String(64), nullable=True)  # null: ended before its profile came
    municipality = Column(String(100), nullable=True)
    languages = Column(JSON, nullable=False)
    domains = Column(JSON, nullable=False)
    urgency = Column(String(16), nullable=True)
    family_key = Column(String(128), nullable=True, index=True)
    received_at = Column(String(40), nullable=False)
    status = Column(String(16), nullable=False, index=True)
    severity = Column(String(16), nullable=True)
    coordinator_org = Column(String(128), nullable=True)
    waitlisted_at = Column(String(40), nullable=True)
    declined_supporters = Column(JSON, nullable=False)
    proposal_id = Column(String(36), nullable=True)
    supporter_id = Column(String(36), nullable=True, index=True)
    holds_capacity = Column(Boolean, nullable=False, default=False)
    ended_at = Column(String(40), nullable=True)


class ProposalRow(Base):
    __tablename__ = "proposals"
    __table_args__ = (
        # a referral has at most one open proposal, whatever races: the database says so too
        Index("uq_one_open_proposal", "referral_id", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
    )

    id = Column(String(36), primary_key=True)
    referral_id = Column(String(36), nullable=False)
    supporter_id = Column(String(36), nullable=False, index=True)
    supporter_name = Column(String(200), nullable=False)
    supporter_kind = Column(String(16), nullable=False)
    score = Column(Integer, nullable=False)
    reasons = Column(JSON, nullable=False)
    status = Column(String(16), nullable=False, index=True)
    answers = Column(JSON, nullable=False)
    made_at = Column(String(40), nullable=False)
    closed_at = Column(String(40), nullable=True)


class MatchmakerLockRow(Base):
    """One row every matching decision locks first (SELECT … FOR UPDATE).

    Each decision depends on every supporter's free capacity, so decisions take turns across
    replicas, the timer included; there are few of them (people make them), so this costs
    nothing and makes double proposals and overbooked supporters impossible.
    """
    __tablename__ = "matchmaker_lock"

    id = Column(Integer, primary_key=True, autoincrement=False)


event.listen(MatchmakerLockRow.__table__, "after_create",
             DDL("INSERT INTO matchmaker_lock (id) VALUES (1)"))
