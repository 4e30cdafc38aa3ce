"""Limits on a public operation (docs/contract.md §4 "Self-referral"): at most `count` calls in
each fixed window of `seconds` (clock hours, UTC days), counted per subject (a remote address,
an applicant's e-mail address). The counters live in the referral database, so a limit holds
across restarts and replicas. Pure: no IO.
"""
import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Limit:
    name: str  # what is counted: "address", "email"
    count: int
    seconds: int

    def window(self, now):
        """(start, end) of the window `now` falls in."""
        elapsed = (now - EPOCH).total_seconds()
        start = EPOCH + timedelta(seconds=math.floor(elapsed / self.seconds) * self.seconds)
        return start, start + timedelta(seconds=self.seconds)

    def retry_after(self, used, now):
        """None while `used` calls leave room for one more; else whole seconds until the
        window ends (at least 1)."""
        if used < self.count:
            return None
        return max(1, math.ceil((self.window(now)[1] - now).total_seconds()))

    def key(self, subject):
        """What the counter is kept under (hashed with a key by the caller: an address is
        personal data)."""
        return f"{self.name}:{subject.strip().lower()}"
