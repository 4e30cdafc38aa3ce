"""A referral's steps in one service, for `kring trace` (docs/contract.md §8).

Three of the kit's tables say what a service did for a referral, each row with its correlation
id (kring.kit.correlation): the audit trail (the HTTP calls, and what else is recorded there: a notice sent, an operator's
command), the outbox
(the events and partner replies it published) and the inbox (the events it handled). A step
holds ids, names, codes and times, never a family's data, so the operator may read it all.
"""
from sqlalchemy import select

from kring.clock import iso
from kring.contracts.api import OPERATIONS


def steps(session, tables, referral_id, service):
    """This service's steps of `referral_id`, oldest first, ready for JSON; `tables`: its
    audit, outbox and inbox tables."""
    audit, outbox, inbox = tables
    found = []
    for row in session.execute(select(audit).where(audit.c.referral_id == referral_id)
                               .order_by(audit.c.at, audit.c.id)).mappings():
        # an HTTP operation is a `call`; the rest of the trail (a notice sent, an operator's
        # command) is `recorded`
        kind = "call" if row["operation"] in OPERATIONS else "recorded"
        found.append(step(row["at"], service, kind, f"{row['operation']} {row['answer']}",
                          row["correlation_id"]))
    for row in session.execute(select(outbox.c.created_at, outbox.c.event_type,
                                      outbox.c.exchange, outbox.c.correlation_id)
                               .where(outbox.c.referral_id == referral_id)
                               .order_by(outbox.c.id)).mappings():
        what = f"{service}.{row['event_type']}" if row["exchange"] is None else \
            f"{row['exchange']} {row['event_type']}"
        found.append(step(row["created_at"], service, "published", what,
                          row["correlation_id"]))
    for row in session.execute(select(inbox).where(inbox.c.referral_id == referral_id)
                               .order_by(inbox.c.handled_at)).mappings():
        found.append(step(row["handled_at"], service, "handled",
                          f"{row['event_type'] or row['event_id']} by {row['handler']}",
                          row["correlation_id"]))
    return ordered(found)


def step(at, service, kind, what, correlation_id):
    return {"at": iso(at) if not isinstance(at, str) else at, "service": service,
            "step": kind, "what": what, "correlation_id": correlation_id}


def ordered(found):
    """Steps in time order; at the same moment a publish before its handling."""
    rank = {"call": 0, "recorded": 1, "published": 2, "handled": 3, "notice": 4}
    return sorted(found, key=lambda entry: (entry["at"], rank.get(entry["step"], 9)))


def steps_in(uow, referral_id, service):
    """The `trace_steps` answer of a service."""
    with uow:
        return steps(uow.session, (uow.audit_table, uow.outbox_table, uow.inbox_table),
                     referral_id, service)
