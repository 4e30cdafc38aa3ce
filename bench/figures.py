"""The arithmetic of bench/throughput.py, pure so tests/unit/test_bench.py can check it."""
from datetime import datetime, timezone


def percentile(values, q):
    """The q-th quantile (0..1) of `values` by linear interpolation between the closest ranks
    (numpy's default); None for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    position = (len(ordered) - 1) * q
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def summary(values):
    """{count, median, p99, max} of `values` (milliseconds, say), rounded to 0.1."""
    values = list(values)
    if not values:
        return {"count": 0, "median": None, "p99": None, "max": None}
    return {"count": len(values), "median": round(percentile(values, 0.5), 1),
            "p99": round(percentile(values, 0.99), 1), "max": round(max(values), 1)}


def rate(count, seconds):
    """count per second; None over no time."""
    return round(count / seconds, 2) if seconds and seconds > 0 else None


def ratio(part, whole):
    """part as a share of whole (0.73 for 73 %); None when either is missing or whole is 0."""
    if part is None or not whole:
        return None
    return round(part / whole, 3)


def seconds_since_epoch(stored):
    """A stored time in seconds since the epoch: PostgreSQL hands back an aware datetime,
    SQLite a naive ISO string (Kring only ever stores UTC)."""
    moment = stored if isinstance(stored, datetime) else datetime.fromisoformat(str(stored))
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


def stage_delays(sent, handled, subscribers, start=None, end=None):
    """Milliseconds from an event's commit to each subscribed stage having applied it.

    sent: [(source, event_id, event_type, created_at seconds)], what the outboxes hold;
    handled: {(consumer service, handler, event_id): handled_at seconds}, what the inboxes hold;
    subscribers: {(source, event_type): [(consumer service, handler)]}. Only events created in
    [start, end) count. Returns (delays, missing): the delays found and how many (event,
    subscriber) pairs have no inbox row yet.
    """
    delays, missing = [], 0
    for source, event_id, event_type, created in sent:
        if (start is not None and created < start) or (end is not None and created >= end):
            continue
        for consumer, handler in subscribers.get((source, event_type), ()):
            at = handled.get((consumer, handler, event_id))
            if at is None:
                missing += 1
            else:
                delays.append((at - created) * 1000)
    return delays, missing


def subscribers_of(subscriptions):
    """{(source, event_type): [(consumer, handler)]} from kring.contracts.topology's table."""
    table = {}
    for consumer, handler, source, types in subscriptions:
        for event_type in types:
            table.setdefault((source, event_type), []).append((consumer, handler))
    return table


def verdict(value, goal, below=False):
    """'met' / 'not met' / 'not measured' for a figure against its goal (at least `goal`, or
    below it when `below`)."""
    if value is None:
        return "not measured"
    return "met" if (value < goal if below else value >= goal) else "not met"
