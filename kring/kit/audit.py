"""The audit trail (docs/security.md "The audit trail"), in the spirit of NEN 7513.

Every service keeps its own `audit` table, in its own database, so a record is written in the
transaction of the change it records: a change is never kept without its record. A read is
recorded before its answer goes, in a commit it may share with other reads
(kring.kit.audit_writer). A call that failed (a 404 for someone else's referral, a
409) is recorded afterwards in a transaction of its own. Records are only ever inserted; they
hold ids and people's names, never a family's data.
"""
from sqlalchemy import insert, select

from kring.clock import iso, utcnow
from kring.kit import correlation

CLI_ORGANISATION = "platform"  # `kring status`, `kring notices`: an operator at the console


def record(session, table, operation, person, organisation, role, answer, referral_id=None,
           target_id=None):
    session.execute(insert(table).values(
        row(operation, person, organisation, role, answer, referral_id, target_id)))


def row(operation, person, organisation, role, answer, referral_id=None, target_id=None):
    """An audit row's values, at this moment and under the correlation id in hand."""
    return dict(at=utcnow(), operation=operation, referral_id=referral_id, target_id=target_id,
                person=person, organisation=organisation, role=role, answer=int(answer),
                correlation_id=correlation.current())


def record_call(session, table, caller, answer):
    """What `caller` (kring.kit.access.Caller) did and the answer it got."""
    session.execute(insert(table).values(call_row(caller, answer)))


def call_row(caller, answer):
    return row(caller.operation_id, caller.subject, caller.org, caller.role, answer,
               caller.referral_id, caller.target_id)


def record_each(uow, caller, referral_ids):
    """A list that shows each row's family: a read of each referral, recorded in its own
    trail in the transaction that read; a list of none leaves no record (no referral to
    record it under)."""
    for referral_id in referral_ids:
        record(uow.session, uow.audit_table, caller.operation_id, caller.subject, caller.org,
               caller.role, 200, referral_id)
    caller.recorded = True


def trail(session, table, referral_id, service):
    """The records of `referral_id` in this service, oldest first, ready for JSON."""
    rows = session.execute(select(table).where(table.c.referral_id == referral_id)
                           .order_by(table.c.at, table.c.id)).mappings()
    return [{"at": iso(row["at"]), "service": service, "operation": row["operation"],
             "person": row["person"], "organisation": row["organisation"],
             "role": row["role"], "answer": row["answer"], "target_id": row["target_id"]}
            for row in rows]


def merged(trails):
    """One trail in time order from the trails of several services."""
    return sorted((entry for entries in trails for entry in entries),
                  key=lambda entry: (entry["at"], entry["service"]))


def trail_in(uow, referral_id, service):
    """This service's records of `referral_id` (the `audit_trail` call every service answers)."""
    with uow:
        return trail(uow.session, uow.audit_table, referral_id, service)
