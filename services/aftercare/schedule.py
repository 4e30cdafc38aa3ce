"""How often aftercare contacts are agreed, per severity, and when a missed one is overdue.

Pure date arithmetic, no IO: the table the domain plans from, and the cutoff the overdue check
(the conditional UPDATE in models.Plans.mark_overdue) applies.
"""
import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from kring import programmes

# a contact a few days late is normal; after that the coordinator should see it flagged
GRACE_DAYS = 3


@dataclass(frozen=True)
class Schedule:
    """`count` contacts, one every `every` weeks or months after the start; the last ends it."""
    count: int
    every: int
    unit: str  # "weeks" or "months"

    def due_dates(self, started_on):
        return [after(started_on, self.every * k, self.unit) for k in range(1, self.count + 1)]


def schedules(programme=None, catalogue=None):
    """{severity: Schedule}: the agreed frequency per severity, from the programme's definition
    (its `aftercare` table, docs/contract.md §2 "Programmes"); a code no definition knows, or
    none, gets the default programme's (Home-Start's: high every two weeks for six months,
    medium monthly for three months, low one contact after six weeks)."""
    definition = (catalogue or programmes.current()).of(programme)
    return {severity: Schedule(**row) for severity, row in definition.aftercare.items()}


# the shipped default programme's table, as it was before programmes had definitions
SCHEDULES = schedules(catalogue=programmes.load())


def after(start, amount, unit):
    """`start` plus `amount` weeks or calendar months (each counted from the start: no drift)."""
    if unit == "weeks":
        return start + timedelta(weeks=amount)
    month_index = start.month - 1 + amount
    year, month = start.year + month_index // 12, month_index % 12 + 1
    # 31 January plus a month is the last day of February, not an error
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def overdue_cutoff(today):
    """A scheduled contact due before this day and still not done is overdue."""
    return today - timedelta(days=GRACE_DAYS)
