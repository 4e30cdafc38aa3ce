"""The matching service's tables, and the repositories that map them to the domain.

A repository hands out domain objects and remembers them (kring.kit.repository), so the unit of
work finds the events a MatchingReferral recorded when it commits.
"""
from copy import deepcopy

from sqlalchemy import (DDL, JSON, Boolean, Column, DateTime, Index, Integer, MetaData, String,
                        event, func, select, text)
from sqlalchemy.orm import declarative_base

from kring.clock import utcnow
from kring.kit import paging
from kring.kit.crypto import EncryptedJSON
from kring.contracts.fields import storable
from kring.kit.repository import Repository
from kring.kit.tables import add_kit_tables
from services.matching.domain import MatchingReferral
from services.matching.proposal import OPEN, Proposal
from services.matching.supporter import EDITABLE, Supporter

metadata = MetaData()
Base = declarative_base(metadata=metadata)
add_kit_tables(metadata)


class SupporterRow(Base):
    __tablename__ = "supporters"

    id = Column(String(36), primary_key=True)
    position = Column(Integer, nullable=False, unique=True)
    # the organisation that registered it; null only for a supporter from before organisations
    # whose organisation could not be told (handlers.settle_supporter_organisations)
    organisation = Column(String(128), nullable=True)
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
    languages = Column(EncryptedJSON("matching_referrals", "languages"), nullable=False)
    domains = Column(JSON, nullable=False)
    urgency = Column(String(16), nullable=True)
    family_key = Column(String(128), nullable=True, index=True)
    received_at = Column(String(40), nullable=False)
    status = Column(String(16), nullable=False, index=True)
    severity = Column(String(16), nullable=True)
    coordinator_org = Column(String(128), nullable=True)  # the route (domain.MatchingReferral)
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
    # "speaks tr": a reason can tell the family's language
    reasons = Column(EncryptedJSON("proposals", "reasons"), nullable=False)
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


# --- repositories: rows <-> domain objects, within a unit of work ---------------------------

REFERRAL_FIELDS = ("programme", "municipality", "languages", "domains", "urgency", "family_key",
                   "received_at", "status", "severity", "coordinator_org", "waitlisted_at",
                   "declined_supporters", "proposal_id", "supporter_id", "holds_capacity",
                   "ended_at")
PROPOSAL_FIELDS = ("referral_id", "supporter_id", "supporter_name", "supporter_kind", "score",
                   "reasons", "made_at", "status", "answers", "closed_at")
SUPPORTER_FIELDS = ("position", "organisation", *EDITABLE, "registered_at")


# the route as the rule table's reach names it (kring.kit.access.scope_of)
ROUTE = {"coordinating_org": ReferralRow.coordinator_org}


def take_turn(uow):
    """Wait for the matchmaker lock: the first statement of every matching decision."""
    uow.session.execute(select(MatchmakerLockRow.id).where(MatchmakerLockRow.id == 1)
                        .with_for_update()).first()


class _OneTable(Repository):
    """A repository of one table whose row keeps every field of its domain object."""
    row, fields, make = None, (), None

    def get(self, key):
        if not storable(key):  # an id from a URL that no database could hold: not ours
            return None
        row = self.session.get(self.row, key)
        return self._load(row) if row else None

    def add(self, item):
        row = self.row(id=self._key(item))
        self.session.add(_copy(item, row, self.fields))
        self.session.flush()  # constraints speak now, inside the caller's transaction
        self.remember(item)

    def save(self, item):
        _copy(item, self.session.get(self.row, self._key(item)), self.fields)
        self.remember(item)

    def _to_domain(self, row):
        # JSON values copied: the domain changes lists in place, and SQLAlchemy only notices a
        # JSON column change when a new object is assigned
        return self.make(row.id, **{name: deepcopy(getattr(row, name)) for name in self.fields})


class Referrals(_OneTable):
    row, fields, make = ReferralRow, REFERRAL_FIELDS, MatchingReferral

    def _key(self, referral):
        return referral.referral_id

    def waiting(self):
        rows = self.session.execute(select(ReferralRow).where(ReferralRow.status == "waitlisted")
                                    .order_by(ReferralRow.waitlisted_at, ReferralRow.id))
        return [self._load(row) for row in rows.scalars()]

    def waiting_page(self, scope, limit, cursor):
        """Up to `limit` referrals on the waiting list within `scope` (Caller.scope), the
        longest waiting first, after the page `cursor` ended with (kring.kit.paging)."""
        query = paging.scoped(select(ReferralRow).where(ReferralRow.status == "waitlisted"),
                              scope, ROUTE)
        order = ((ReferralRow.waitlisted_at, False), (ReferralRow.id, False))
        rows = self.session.execute(paging.ordered(query, order, cursor).limit(limit))
        return [self._load(row) for row in rows.scalars()]

    def waiting_by_programme(self):
        """{programme: referrals on the waiting list}, counted without loading them."""
        return dict(self.session.execute(
            select(ReferralRow.programme, func.count())
            .where(ReferralRow.status == "waitlisted", ReferralRow.programme.is_not(None))
            .group_by(ReferralRow.programme)).all())


class Proposals(_OneTable):
    row, fields, make = ProposalRow, PROPOSAL_FIELDS, Proposal

    def _key(self, proposal):
        return proposal.proposal_id

    def open_page(self, scope, limit, cursor):
        """Up to `limit` open proposals of the referrals within `scope` (Caller.scope), the
        longest open first, after the page `cursor` ended with (kring.kit.paging)."""
        query = paging.scoped(select(ProposalRow).join(
            ReferralRow, ReferralRow.id == ProposalRow.referral_id).where(
            ProposalRow.status == OPEN), scope, ROUTE)
        order = ((ProposalRow.made_at, False), (ProposalRow.id, False))
        rows = self.session.execute(paging.ordered(query, order, cursor).limit(limit))
        return [self._load(row) for row in rows.scalars()]

    def of_referral(self, referral_id):
        rows = self.session.execute(select(ProposalRow).where(
            ProposalRow.referral_id == referral_id).order_by(ProposalRow.made_at))
        return [self._load(row) for row in rows.scalars()]


class Supporters(_OneTable):
    row, fields, make = SupporterRow, SUPPORTER_FIELDS, Supporter

    def _key(self, supporter):
        return supporter.supporter_id

    def next_position(self):
        return (self.session.scalar(select(func.max(SupporterRow.position))) or 0) + 1

    def get(self, supporter_id):
        if not storable(supporter_id):
            return None
        found = self._with_usage(select(SupporterRow).where(SupporterRow.id == supporter_id))
        return found[0] if found else None

    def all(self):
        return self._with_usage(select(SupporterRow).order_by(SupporterRow.position))

    def of(self, organisation):
        """The supporters of one organisation, in registration order."""
        return self._with_usage(select(SupporterRow).where(
            SupporterRow.organisation == organisation).order_by(SupporterRow.position))

    def page(self, organisation, limit, cursor):
        """Up to `limit` of `of(organisation)`, after the page `cursor` ended with."""
        query = select(SupporterRow).where(SupporterRow.organisation == organisation)
        order = ((SupporterRow.position, False),)
        return self._with_usage(paging.ordered(query, order, cursor).limit(limit))

    def without_organisation(self):
        return [self._load(row) for row in self.session.execute(
            select(SupporterRow).where(SupporterRow.organisation.is_(None))
            .order_by(SupporterRow.position)).scalars()]

    def organisations_served(self, supporter_id):
        """The coordinating organisations of the referrals `supporter_id` was proposed to or
        matched with."""
        proposed = select(ReferralRow.coordinator_org).join(
            ProposalRow, ProposalRow.referral_id == ReferralRow.id).where(
            ProposalRow.supporter_id == supporter_id)
        matched = select(ReferralRow.coordinator_org).where(
            ReferralRow.supporter_id == supporter_id)
        found = self.session.execute(proposed.union(matched)).scalars()
        return {organisation for organisation in found if organisation is not None}

    def _with_usage(self, query):
        """Supporters with their load, reservations and families, counted from the facts."""
        supporters = [self._load(row) for row in self.session.execute(query).scalars()]
        if not supporters:
            return supporters
        ids = [s.supporter_id for s in supporters]
        load = dict(self.session.execute(
            select(ReferralRow.supporter_id, func.count()).where(
                ReferralRow.holds_capacity.is_(True), ReferralRow.supporter_id.in_(ids))
            .group_by(ReferralRow.supporter_id)).all())
        reserved = dict(self.session.execute(
            select(ProposalRow.supporter_id, func.count()).where(
                ProposalRow.status == OPEN, ProposalRow.supporter_id.in_(ids))
            .group_by(ProposalRow.supporter_id)).all())
        families = {}
        for supporter_id, key in self.session.execute(
                select(ReferralRow.supporter_id, ReferralRow.family_key).where(
                    ReferralRow.supporter_id.in_(ids), ReferralRow.family_key.is_not(None))):
            families.setdefault(supporter_id, set()).add(key)
        for s in supporters:
            s.load, s.reserved = load.get(s.supporter_id, 0), reserved.get(s.supporter_id, 0)
            s.families = frozenset(families.get(s.supporter_id, ()))
        return supporters


def _copy(source, row, names):
    for name in names:
        setattr(row, name, getattr(source, name))
    return row
