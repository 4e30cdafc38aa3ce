"""The periods of a report and the arithmetic of its figures (docs/contract.md §7 "Reports").

Pure: dates in, labels and numbers out. A day belongs to the calendar month, quarter or year
it falls in; the first and last period are cut to the report's range, so nothing outside it is
counted.
"""
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kring.contracts.report import FEW, SUPPRESSED_BELOW

MONTHS_IN = {"month": 1, "quarter": 3, "year": 12}


@dataclass(frozen=True)
class Period:
    label: str  # 2026-11, 2026-Q4, 2026
    first: date
    last: date


def default_range(start, end, today):
    """(start, end): `end` defaults to today, `start` to 1 January of `end`'s year."""
    end = end or today
    return start or date(end.year, 1, 1), end


def periods_between(start, end, kind):
    """The calendar periods of `kind` from `start` to `end`, both days included, each cut to
    the range."""
    step = MONTHS_IN[kind]
    periods = []
    first = date(start.year, (start.month - 1) // step * step + 1, 1)
    while first <= end:
        following = _add_months(first, step)
        periods.append(Period(_label(first, kind), max(first, start),
                              min(following - timedelta(days=1), end)))
        first = following
    return periods


def _add_months(day, months):
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


def _label(first, kind):
    if kind == "year":
        return f"{first.year}"
    if kind == "quarter":
        return f"{first.year}-Q{(first.month - 1) // 3 + 1}"
    return f"{first.year}-{first.month:02d}"


class Calendar:
    """Finds the period of a day quickly (a report looks up every date of every referral)."""

    def __init__(self, periods):
        self.periods = periods
        self._firsts = [period.first for period in periods]

    def of(self, day):
        """The period `day` falls in, or None outside the report's range."""
        if day is None:
            return None
        index = bisect_right(self._firsts, day) - 1
        if index < 0 or day > self.periods[index].last:
            return None
        return self.periods[index]


def day_of(moment):
    """The UTC day of a stored moment (ISO 8601 text, or a date)."""
    if moment is None or isinstance(moment, date):
        return moment
    return date.fromisoformat(moment[:10])


def days_between(earlier, later):
    """Days from one stored moment to another, to the tenth of a day."""
    return round(_seconds(earlier, later) / 86400, 1)


def _seconds(earlier, later):
    return (datetime.fromisoformat(later) - datetime.fromisoformat(earlier)).total_seconds()


def weeks_between(earlier, later):
    return round(_seconds(earlier, later) / (86400 * 7), 1)


def percentile(values, share):
    """The `share` (0..1) percentile of `values`, interpolated between the nearest two (the
    median is 0.5)."""
    ordered = sorted(values)
    place = (len(ordered) - 1) * share
    below = int(place)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (place - below)


def shown_count(count):
    """0 stays 0; 1 to 4 are "< 5", so that no family can be singled out; more as they are."""
    return count if count == 0 or count >= SUPPRESSED_BELOW else FEW


def shown_measure(values, share):
    """The percentile over at least 5 values, to one decimal; else None (too few to hide
    one family's figure in)."""
    if len(values) < SUPPRESSED_BELOW:
        return None
    return round(percentile(values, share), 1)


def shown_total(total, contributors):
    """A sum over families (hours of visits): 0 with none, None with 1 to 4."""
    if contributors == 0:
        return 0
    return round(total, 1) if contributors >= SUPPRESSED_BELOW else None
