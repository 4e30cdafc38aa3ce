"""Repositories: rows <-> domain objects, within a unit of work's session."""
from copy import deepcopy

from sqlalchemy import func, select

from kring.contracts.fields import storable
from services.matching.domain import MatchingReferral
from services.matching.models import MatchmakerLockRow, ProposalRow, ReferralRow, SupporterRow
from services.matching.proposal import OPEN, Proposal
from services.matching.supporter import EDITABLE, Supporter

REFERRAL_FIELDS = ("programme", "municipality", "languages", "domains", "urgency", "family_key",
                   "received_at", "status", "severity", "coordinator_org", "waitlisted_at",
                   "declined_supporters", "proposal_id", "supporter_id", "holds_capacity",
                   "ended_at")
PROPOSAL_FIELDS = ("referral_id", "supporter_id", "supporter_name", "supporter_kind", "score",
                   "reasons", "made_at", "status", "answers", "closed_at")
SUPPORTER_FIELDS = ("position", *EDITABLE, "registered_at")


def take_turn(session):
    """Wait for the matchmaker lock: the first statement of every matching decision."""
    session.execute(select(MatchmakerLockRow.id).where(MatchmakerLockRow.id == 1)
                    .with_for_update()).first()


class _Repository:
    row, fields, make = None, (), None

    def __init__(self, session):
        self.session = session

    def get(self, key):
        if not storable(key):  # an id from a URL that no database could hold: not ours
            return None
        row = self.session.get(self.row, key)
        return self._to_domain(row) if row else None

    def add(self, item):
        row = self.row(id=self._key(item))
        self.session.add(_copy(item, row, self.fields))
        self.session.flush()  # constraints speak now, inside the caller's transaction

    def save(self, item):
        _copy(item, self.session.get(self.row, self._key(item)), self.fields)

    def _to_domain(self, row):
        # JSON values copied: the domain changes lists in place, and SQLAlchemy only notices a
        # JSON column change when a new object is assigned
        return self.make(row.id, **{name: deepcopy(getattr(row, name)) for name in self.fields})


class Referrals(_Repository):
    row, fields, make = ReferralRow, REFERRAL_FIELDS, MatchingReferral

    def _key(self, referral):
        return referral.referral_id

    def waiting(self):
        rows = self.session.execute(select(ReferralRow).where(ReferralRow.status == "waitlisted")
                                    .order_by(ReferralRow.waitlisted_at, ReferralRow.id))
        return [self._to_domain(row) for row in rows.scalars()]


class Proposals(_Repository):
    row, fields, make = ProposalRow, PROPOSAL_FIELDS, Proposal

    def _key(self, proposal):
        return proposal.proposal_id


class Supporters(_Repository):
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

    def _with_usage(self, query):
        """Supporters with their load, reservations and families, counted from the facts."""
        supporters = [self._to_domain(row) for row in self.session.execute(query).scalars()]
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
