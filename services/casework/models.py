"""The casework service's tables, and the repository that maps them to the Case aggregate."""
from copy import deepcopy

from sqlalchemy import (Boolean, Column, Date, DateTime, Float, ForeignKey, MetaData, String,
                        exists, select)
from sqlalchemy import case as sql_case  # `case` is the domain's word here
from sqlalchemy.orm import declarative_base

from kring.clock import utcnow
from kring.kit import paging
from kring.kit.crypto import EncryptedJSON, EncryptedText
from kring.kit.repository import Repository
from kring.kit.tables import add_kit_tables
from services.casework.domain import SUPPORTER_TAKES_PART, Case, SafetyConcern, Visit

metadata = MetaData()
Base = declarative_base(metadata=metadata)
add_kit_tables(metadata)


class CaseRow(Base):
    __tablename__ = "cases"

    id = Column(String(36), primary_key=True)
    # one case per referral: a redelivered or re-sent match_made must not open a second one
    referral_id = Column(String(36), nullable=False, unique=True)
    supporter_id = Column(String(64), nullable=False, index=True)
    supporter_kind = Column(String(32), nullable=False)
    severity = Column(String(16), nullable=False)
    coordinator_org = Column(String(128), nullable=False)
    opened_at = Column(String(40), nullable=False)
    status = Column(String(16), nullable=False, index=True)
    # family data, sealed at rest (kring.kit.crypto)
    plan = Column(EncryptedJSON("cases", "plan"), nullable=True)
    evaluation = Column(EncryptedJSON("cases", "evaluation"), nullable=True)
    handover = Column(EncryptedJSON("cases", "handover"), nullable=True)
    withdrawn_at = Column(String(40), nullable=True)
    past_rounds = Column(EncryptedJSON("cases", "past_rounds"), nullable=False)
    programme = Column(String(64), nullable=True)  # null: opened before cases knew it
    # the family, the intensity changes and the check-ins and evaluation moments (their
    # reasons and notes are family data); null in cases stored before cases knew them
    members = Column(EncryptedJSON("cases", "members"), nullable=True)
    intensity_changes = Column(EncryptedJSON("cases", "intensity_changes"), nullable=True)
    check_ins = Column(EncryptedJSON("cases", "check_ins"), nullable=True)
    interim_evaluations = Column(EncryptedJSON("cases", "interim_evaluations"), nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)


class VisitRow(Base):
    __tablename__ = "case_visits"

    id = Column(String(36), primary_key=True)
    case_id = Column(String(36), ForeignKey("cases.id"), nullable=False, index=True)
    visited_on = Column(Date, nullable=False)
    hours = Column(Float, nullable=False)
    notes = Column(EncryptedText("case_visits", "notes"), nullable=True)
    # The column "logged_by" held the role before visits named the person, and still holds it
    # (too narrow for a person); the person has a column of its own, NULL in older rows.
    logged_by_role = Column("logged_by", String(16), nullable=False)
    logged_by = Column("logged_by_person", String(128), nullable=True)
    logged_at = Column(String(40), nullable=False)


class ConcernRow(Base):
    __tablename__ = "case_safety_concerns"

    id = Column(String(36), primary_key=True)
    case_id = Column(String(36), ForeignKey("cases.id"), nullable=False, index=True)
    description = Column(EncryptedText("case_safety_concerns", "description"), nullable=False)
    immediate = Column(Boolean, nullable=False)
    # as with visits: the old column keeps the role, the person is NULL in older rows
    recorded_by_role = Column("recorded_by", String(16), nullable=False)
    recorded_by = Column("recorded_by_person", String(128), nullable=True)
    recorded_at = Column(String(40), nullable=False)
    resolved_at = Column(String(40), nullable=True)
    resolution = Column(EncryptedText("case_safety_concerns", "resolution"), nullable=True)


class WithdrawalRow(Base):
    """Referrals withdrawn before their match reached us: no case may open for them.

    The withdrawal (referral's queue) and the match (matching's queue) can cross."""
    __tablename__ = "case_withdrawals"

    referral_id = Column(String(36), primary_key=True)
    withdrawn_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


CASE_FIELDS = ("referral_id", "supporter_id", "supporter_kind", "severity", "coordinator_org",
               "opened_at", "status", "plan", "evaluation", "handover", "withdrawn_at",
               "past_rounds", "programme", "members", "intensity_changes", "check_ins",
               "interim_evaluations")
LISTS = ("members", "intensity_changes", "check_ins", "interim_evaluations")
VISIT_FIELDS = ("visited_on", "hours", "notes", "logged_by", "logged_by_role", "logged_at")
CONCERN_FIELDS = ("description", "immediate", "recorded_by", "recorded_by_role", "recorded_at",
                  "resolved_at", "resolution")


class Cases(Repository):
    """Repository: loads and stores Case aggregates within a unit of work, and remembers each,
    so the unit of work collects their events on commit (kring.kit.repository)."""

    def get(self, case_id, for_update=False):
        return self._one(select(CaseRow).where(CaseRow.id == case_id), for_update)

    def by_referral(self, referral_id, for_update=False):
        return self._one(select(CaseRow).where(CaseRow.referral_id == referral_id), for_update)

    def page(self, scope, statuses, limit, cursor):
        """Up to `limit` cases in `statuses` within `scope` (Caller.scope), those with a safety
        concern not resolved first (Case.open_concerns), then the longest open; after the page
        `cursor` ended with (kring.kit.paging): its key is `list_key`."""
        unresolved = exists().where(ConcernRow.case_id == CaseRow.id,
                                    ConcernRow.resolved_at.is_(None))
        query = paging.scoped(select(CaseRow).where(CaseRow.status.in_(statuses)), scope, {
            "coordinating_org": CaseRow.coordinator_org, "supporter_id": CaseRow.supporter_id,
            "open": lambda _: CaseRow.status.in_(SUPPORTER_TAKES_PART)})
        order = ((sql_case((unresolved, 1), else_=0), True), (CaseRow.opened_at, False),
                 (CaseRow.id, False))
        rows = self.session.execute(paging.ordered(query, order, cursor).limit(limit))
        return [self._load(row) for row in rows.scalars()]

    def add(self, case):
        self.remember(case)
        row = CaseRow(id=case.case_id)
        _copy(case, row, CASE_FIELDS)
        self.session.add(row)
        self.session.flush()  # the unique referral_id speaks now, inside the caller's try

    def save(self, case):
        _copy(case, self.session.get(CaseRow, case.case_id), CASE_FIELDS)
        # visits are added; concerns are added, and later resolved
        for visit in case.visits:
            row = self.session.get(VisitRow, visit.visit_id)
            if row is None:
                self.session.add(_copy(visit, VisitRow(id=visit.visit_id, case_id=case.case_id),
                                       VISIT_FIELDS))
            else:  # only its notes ever change: when the case's data is erased
                row.notes = visit.notes
        for concern in case.concerns:
            row = self.session.get(ConcernRow, concern.concern_id)
            if row is None:
                row = ConcernRow(id=concern.concern_id, case_id=case.case_id)
                self.session.add(row)
            _copy(concern, row, CONCERN_FIELDS)

    def note_withdrawal(self, referral_id):
        if self.session.get(WithdrawalRow, referral_id) is None:
            self.session.add(WithdrawalRow(referral_id=referral_id))

    def was_withdrawn(self, referral_id):
        return self.session.get(WithdrawalRow, referral_id) is not None

    def _to_domain(self, row):
        # JSON values copied: the domain changes them in place, and SQLAlchemy only notices a
        # JSON column change when a new object is assigned
        case = Case(row.id, **{name: deepcopy(getattr(row, name)) for name in CASE_FIELDS})
        for name in LISTS:  # NULL in a case stored before it knew them
            setattr(case, name, getattr(case, name) or [])
        visits = self.session.execute(select(VisitRow).where(VisitRow.case_id == row.id)
                                      .order_by(VisitRow.visited_on, VisitRow.logged_at)).scalars()
        case.visits = [Visit(v.id, **{n: getattr(v, n) for n in VISIT_FIELDS}) for v in visits]
        concerns = self.session.execute(select(ConcernRow).where(ConcernRow.case_id == row.id)
                                        .order_by(ConcernRow.recorded_at)).scalars()
        case.concerns = [SafetyConcern(c.id, **{n: getattr(c, n) for n in CONCERN_FIELDS})
                         for c in concerns]
        return case


def list_key(case):
    """A case's place in `Cases.page`, for the next page's cursor."""
    return (1 if case.open_concerns() else 0), case.opened_at, case.case_id


def _copy(source, row, names):
    for name in names:
        setattr(row, name, getattr(source, name))
    return row
