"""One clock for the whole code base, so tests and replicas agree on what "now" means."""
from datetime import datetime, timezone


def utcnow():
    return datetime.now(timezone.utc)


def iso(moment):
    """ISO 8601 in UTC with a `Z`: what the API and the events print."""
    if moment.tzinfo is None:  # SQLite hands back naive datetimes; we only ever store UTC
        moment = moment.replace(tzinfo=timezone.utc)
    # always with microseconds: then the strings sort in time order
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds").replace(
        "+00:00", "Z")
