"""The aftercare service's tables, and the repository that maps them to the domain."""
from sqlalchemy import (Boolean, Column, Date, DateTime, ForeignKey, Integer, MetaData, String,
                        false, func, select, update)
from sqlalchemy.orm import declarative_base

from kring.clock import utcnow
from kring.kit import paging
from kring.kit.crypto import EncryptedJSON, EncryptedText
from kring.kit.repository import Repository
from kring.kit.tables import add_kit_tables
from services.aftercare.domain import ACTIVE, AftercarePlan, Contact
from services.aftercare.schedule import overdue_cutoff

metadata = MetaData()
Base = declarative_base(metadata=metadata)
add_kit_tables(metadata)


class PlanRow(Base):
    __tablename__ = "aftercare_plans"

    id = Column(String(36), primary_key=True)
    referral_id = Column(String(36), nullable=False, index=True)
    case_id = Column(String(36), nullable=False, unique=True)  # one plan per case
    severity = Column(String(16), nullable=False)
    receiving_kind = Column(String(32), nullable=False)
    receiving_name = Column(String(200), nullable=False)
    started_on = Column(Date, nullable=False)
    ends_on = Column(Date, nullable=False)
    status = Column(String(16), nullable=False, index=True)
    end_notes = Column(EncryptedText("aftercare_plans", "end_notes"), nullable=True)
    # NULL in plans stored before plans knew it (the column is added on start): see the domain
    coordinator_org = Column(String(128), nullable=True)
    # the support figures who stay involved (names: family data); NULL in older plans
    support_figures = Column(EncryptedJSON("aftercare_plans", "support_figures"), nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)


class ContactRow(Base):
    __tablename__ = "aftercare_contacts"

    aftercare_id = Column(String(36), ForeignKey("aftercare_plans.id"), primary_key=True)
    number = Column(Integer, primary_key=True, autoincrement=False)
    due_on = Column(Date, nullable=True, index=True)
    done_on = Column(Date, nullable=True)
    overdue = Column(Boolean, nullable=False, default=False)
    notes = Column(EncryptedText("aftercare_contacts", "notes"), nullable=True)
    support_figure_id = Column(String(36), nullable=True)  # a contact with a support figure


class WithdrawalRow(Base):
    """Referrals withdrawn before their case was handed over: no plan may start for them.

    The withdrawal and the handover travel on different queues and can cross."""
    __tablename__ = "aftercare_withdrawals"

    referral_id = Column(String(36), primary_key=True)
    withdrawn_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


PLAN_FIELDS = ("referral_id", "case_id", "severity", "receiving_kind", "receiving_name",
               "started_on", "ends_on", "status", "end_notes", "coordinator_org",
               "support_figures")


def _copy_to_row(plan, row):
    for name in PLAN_FIELDS:
        setattr(row, name, getattr(plan, name))


class Plans(Repository):
    """Repository: loads and stores AftercarePlan aggregates within a unit of work.

    Every plan it hands out comes through `_load` and every plan it adds is remembered, so the
    unit of work finds the events they record (kring.kit.repository)."""

    def get(self, aftercare_id, for_update=False):
        return self._one(select(PlanRow).where(PlanRow.id == aftercare_id), for_update)

    def by_case(self, case_id, for_update=False):
        return self._one(select(PlanRow).where(PlanRow.case_id == case_id), for_update)

    def of_referral(self, referral_id):
        rows = self.session.execute(select(PlanRow).where(PlanRow.referral_id == referral_id)
                                    .with_for_update()).scalars().all()
        return [self._load(row) for row in rows]

    def with_contacts_due(self, scope, limit, cursor):
        """Up to `limit` active plans within `scope` (Caller.scope) with a scheduled contact
        not done yet (AftercarePlan.next_contact), the earliest due first; after the page
        `cursor` ended with (kring.kit.paging): its key is (next contact's day, id)."""
        next_due = select(func.min(ContactRow.due_on)).where(
            ContactRow.aftercare_id == PlanRow.id, ContactRow.done_on.is_(None),
            ContactRow.due_on.is_not(None)).scalar_subquery()
        query = paging.scoped(select(PlanRow).where(PlanRow.status == ACTIVE,
                                                    next_due.is_not(None)),
                              scope, {"coordinating_org": PlanRow.coordinator_org})
        order = ((next_due, False), (PlanRow.id, False))
        rows = self.session.execute(paging.ordered(query, order, cursor).limit(limit))
        return [self._load(row) for row in rows.scalars()]

    def add(self, plan):
        row = PlanRow(id=plan.aftercare_id)
        _copy_to_row(plan, row)
        self.session.add(row)
        self.session.flush()  # the unique case_id speaks now, inside the caller's transaction
        self._save_contacts(plan)
        self.remember(plan)  # its events leave when the unit of work commits

    def save(self, plan):
        _copy_to_row(plan, self.session.get(PlanRow, plan.aftercare_id))
        self._save_contacts(plan)

    def _save_contacts(self, plan):
        rows = {r.number: r for r in self._contact_rows(plan.aftercare_id)}
        for contact in plan.contacts:
            stored = rows.pop(contact.number, None)
            if stored is None:
                stored = ContactRow(aftercare_id=plan.aftercare_id, number=contact.number,
                                    overdue=contact.overdue)
                self.session.add(stored)
            stored.due_on, stored.done_on, stored.notes = (
                contact.due_on, contact.done_on, contact.notes)
            stored.support_figure_id = contact.support_figure_id
            # `overdue` is the timer's to set: never write a stale False over its True
        for dropped in rows.values():
            self.session.delete(dropped)

    def _contact_rows(self, aftercare_id):
        return self.session.execute(select(ContactRow).where(
            ContactRow.aftercare_id == aftercare_id)).scalars().all()

    def _to_domain(self, row):
        plan = AftercarePlan(row.id, **{name: getattr(row, name) for name in PLAN_FIELDS})
        plan.support_figures = list(plan.support_figures or [])  # NULL in older plans
        plan.contacts = [Contact(r.number, r.due_on, r.done_on, r.overdue, r.notes,
                                 r.support_figure_id)
                         for r in self._contact_rows(row.id)]
        return plan

    def mark_overdue(self, today):
        """Flags every overdue contact of an active plan, in one conditional UPDATE.

        The rule: an open scheduled contact (not done, not an extra) due before
        schedule.overdue_cutoff(today). It lives here only, where the timer applies it to every
        plan at once. `overdue = false` in the WHERE makes it idempotent and safe when several
        replicas run it at once: a row is flagged by one of them, once.
        """
        active = select(PlanRow.id).where(PlanRow.status == ACTIVE)
        result = self.session.execute(
            update(ContactRow)
            .where(ContactRow.overdue == false(), ContactRow.done_on.is_(None),
                   ContactRow.due_on.is_not(None), ContactRow.due_on < overdue_cutoff(today),
                   ContactRow.aftercare_id.in_(active))
            .values(overdue=True).execution_options(synchronize_session=False))
        return result.rowcount

    def count_overdue(self, today):
        """Contacts overdue by the rule of mark_overdue, counted now (the timer may lag)."""
        active = select(PlanRow.id).where(PlanRow.status == ACTIVE)
        return self.session.scalar(
            select(func.count()).select_from(ContactRow)
            .where(ContactRow.done_on.is_(None), ContactRow.due_on.is_not(None),
                   ContactRow.due_on < overdue_cutoff(today),
                   ContactRow.aftercare_id.in_(active)))

    def note_withdrawal(self, referral_id):
        if self.session.get(WithdrawalRow, referral_id) is None:
            self.session.add(WithdrawalRow(referral_id=referral_id))

    def was_withdrawn(self, referral_id):
        return self.session.get(WithdrawalRow, referral_id) is not None
