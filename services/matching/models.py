"""The matching service's tables, and the repositories that map them to the domain.

A repository hands out domain objects and remembers them (kring.kit.repository), so the unit of
work finds the events a MatchingReferral recorded when it commits.
"""
from copy import deepcopy

from sqlalchemy import (DDL, JSON, Boolean, Column, DateTime, Index, Integer, MetaData, String,
                        delete, event, func, insert, select, text)
from sqlalchemy.orm import declarative_base

from kring.clock import utcnow
from kring.kit import paging
from kring.kit.crypto import EncryptedJSON
from kring.contracts.fields import storable
from kring.kit.repository import Repository
from kring.kit.tables import add_kit_tables
from services.matching.domain import MatchingReferral
from services.matching.proposal import OPEN, Proposal
from services.matching.supporter import EDITABLE, Supporter, folded

metadata = MetaData()
Base = declarative_base(metadata=metadata)
add_kit_tables(metadata)


class SupporterRow(Base):
    __tablename__ = "supporters"

    id = Column(String(36), primary_key=True)
    position = Column(Integer, nullable=False, unique=True)
    # the organisation that registered it; null only for a supporter from before organisations
    # whose organisation could not be told (handlers.settle_supporter_organisations)
    organisation = Column(String(128), nullable=True, index=True)
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


class SupporterAreaRow(Base):
    """Where an active supporter may be proposed: one row per programme and municipality
    (Supporter.areas), written with the supporter, so a family's candidates are an indexed
    lookup of its programme and municipality rather than a read of every supporter."""
    __tablename__ = "supporter_areas"
    __table_args__ = (Index("ix_supporter_areas_area", "programme", "municipality"),)

    supporter_id = Column(String(36), primary_key=True)
    programme = Column(String(64), primary_key=True)
    municipality = Column(String(100), primary_key=True)  # supporter.folded


class ReferralRow(Base):
    """The referral profile (no family identity) and where matching stands with it."""
    __tablename__ = "matching_referrals"
    # the waiting list in its order, read whenever capacity comes free
    __table_args__ = (Index("ix_matching_referrals_waiting", "status", "waitlisted_at", "id"),)

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
        # a supporter's open proposals (its reserved capacity), without reading everyone's
        Index("ix_proposals_supporter_status", "supporter_id", "status"),
    )

    id = Column(String(36), primary_key=True)
    # the unique index above holds open proposals only: this one finds all of a referral's
    referral_id = Column(String(36), nullable=False, index=True)
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
BATCH = 500  # ids in one IN (…): well below any database's limit on parameters


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
        self._stored(item)
        self.remember(item)

    def save(self, item):
        _copy(item, self.session.get(self.row, self._key(item)), self.fields)
        self._stored(item)
        self.remember(item)

    def _stored(self, item):
        """What else follows from `item`, in the same transaction."""

    def _to_domain(self, row):
        # JSON values copied: the domain changes lists in place, and SQLAlchemy only notices a
        # JSON column change when a new object is assigned
        return self.make(row.id, **{name: deepcopy(getattr(row, name)) for name in self.fields})


class Referrals(_OneTable):
    row, fields, make = ReferralRow, REFERRAL_FIELDS, MatchingReferral

    def _key(self, referral):
        return referral.referral_id

    def waiting(self):
        """Where each waiting referral looks for its supporter, oldest first: its id,
        coordinator_org, programme and municipality only (scoring.area), read without loading
        or unsealing the profiles, so the waiting list costs little where nobody has room."""
        return self.session.execute(
            select(ReferralRow.id, ReferralRow.coordinator_org, ReferralRow.programme,
                   ReferralRow.municipality).where(ReferralRow.status == "waitlisted")
            .order_by(ReferralRow.waitlisted_at, ReferralRow.id)).all()

    def of(self, referral_ids):
        """The referrals of `referral_ids`, loaded in batches, in no particular order."""
        ordered = sorted(referral_ids)
        # the rows are held, so that saving one finds it in the session (which holds rows
        # weakly) rather than reading it again
        self._rows = []
        for at in range(0, len(ordered), BATCH):
            self._rows += self.session.execute(select(ReferralRow).where(
                ReferralRow.id.in_(ordered[at:at + BATCH]))).scalars().all()
        return [self._load(row) for row in self._rows]

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

    def _stored(self, supporter):
        """Its areas follow it: registered, changed, deactivated (no areas) alike."""
        self.session.execute(delete(SupporterAreaRow).where(
            SupporterAreaRow.supporter_id == supporter.supporter_id))
        areas = sorted(supporter.areas())
        if areas:
            self.session.execute(insert(SupporterAreaRow), [
                {"supporter_id": supporter.supporter_id, "programme": programme,
                 "municipality": municipality} for programme, municipality in areas])

    def serving(self, organisation, programme, municipality):
        """The active supporters of `organisation` who work in `programme` and `municipality`
        (supporter_areas), in registration order: the only ones a family there may get."""
        return self._with_usage(self._in_area(programme, municipality).where(
            SupporterRow.organisation == organisation).order_by(SupporterRow.position))

    def with_room(self, areas):
        """The supporters serving any of `areas` ({(organisation, programme, municipality)})
        who have a free unit of capacity, each once: one lookup per area, their usage counted
        in batches, and only those with room loaded."""
        ids = set()
        for organisation, programme, municipality in sorted(areas, key=str):
            ids.update(self.session.execute(
                self._in_area(programme, municipality, SupporterRow.id)
                .where(SupporterRow.organisation == organisation)).scalars())
        ordered = sorted(ids)
        found = []
        for at in range(0, len(ordered), BATCH):
            batch = ordered[at:at + BATCH]
            capacity = dict(self.session.execute(select(SupporterRow.id, SupporterRow.capacity)
                                                 .where(SupporterRow.id.in_(batch))).all())
            load, reserved = self._load_of(batch), self._reserved_of(batch)
            room = [i for i in batch if load.get(i, 0) + reserved.get(i, 0) < capacity[i]]
            if room:
                found += self._with_usage(select(SupporterRow).where(SupporterRow.id.in_(room)))
        return sorted(found, key=lambda s: s.position)

    @staticmethod
    def _in_area(programme, municipality, *columns):
        return select(*(columns or (SupporterRow,))).join(
            SupporterAreaRow, SupporterAreaRow.supporter_id == SupporterRow.id).where(
            SupporterAreaRow.programme == programme,
            SupporterAreaRow.municipality == folded(municipality or ""))

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

    def _load_of(self, ids):
        """{supporter_id: matches that take capacity}, of those of `ids` that have any."""
        return dict(self.session.execute(
            select(ReferralRow.supporter_id, func.count()).where(
                ReferralRow.holds_capacity.is_(True), ReferralRow.supporter_id.in_(ids))
            .group_by(ReferralRow.supporter_id)).all())

    def _reserved_of(self, ids):
        """{supporter_id: open proposals}, of those of `ids` that have any."""
        return dict(self.session.execute(
            select(ProposalRow.supporter_id, func.count()).where(
                ProposalRow.status == OPEN, ProposalRow.supporter_id.in_(ids))
            .group_by(ProposalRow.supporter_id)).all())

    def _with_usage(self, query):
        """Supporters with their load, reservations and families, counted from the facts."""
        supporters = [self._load(row) for row in self.session.execute(query).scalars()]
        if not supporters:
            return supporters
        ids = [s.supporter_id for s in supporters]
        load, reserved = self._load_of(ids), self._reserved_of(ids)
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
