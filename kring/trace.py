"""`kring trace REFERRAL_ID`: every step of a referral in every service, in time order, each
with its correlation id (docs/contract.md §8).

Each service answers `trace_steps` over the broker from its own tables (kring.kit.tracing):
the HTTP calls of its audit trail, the events it published from its outbox, the events it
handled from its inbox, and notify its notices. The steps hold ids, codes and times, never a
family's data. A service that does not answer makes the whole answer fail (kring.gather).
"""
from kring.gather import TIMEOUT_SECONDS, Incomplete, from_every_service
from kring.kit.tracing import ordered

TraceIncomplete = Incomplete  # a service did not answer; `service` says which


def full_trace(amqp_uri, referral_id, timeout=TIMEOUT_SECONDS):
    """Every step of `referral_id` in time order; None when the referral service knows no such
    referral."""
    answers = from_every_service(amqp_uri, "trace_steps", referral_id, timeout=timeout)
    if answers["referral"] is None:
        return None
    return ordered(step for steps in answers.values() for step in steps)


TRACE_COLUMNS = ("time", "service", "step", "what", "correlation id")


def describe_trace(referral_id, steps):
    """The steps as a table, oldest first."""
    rows = [TRACE_COLUMNS] + [
        (step["at"].replace("T", " ")[:23], step["service"], step["step"], step["what"],
         step["correlation_id"] or "-") for step in steps]
    widths = [max(len(row[column]) for row in rows) for column in range(len(TRACE_COLUMNS))]
    lines = [f"Trace of referral {referral_id} (times in UTC)"]
    lines += ["  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
              for row in rows]
    return "\n".join(lines)
