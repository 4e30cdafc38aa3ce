"""A report's table from its tally: one row per group and period, every figure as it may be
shown (docs/contract.md §7 "Reports"). Pure; as CSV: kring.report_text.as_csv."""
from kring.contracts.report import COLUMNS, COUNTS, SUPPRESSED_BELOW
from services.referral.report_periods import shown_count, shown_measure, shown_total

MEASURED = ("intake_days", "start_days", "support_weeks")  # each: median and 90th percentile


def table(tally, kind, start, end, names):
    """{"period", "from", "to", "suppressed_below", "columns", "rows"}. `names`: municipality
    code -> name. Every period of a group that has anything in the range gets a row, zeros
    included, so a chart's line does not jump over a quiet month."""
    rows = []
    for group in sorted(tally.groups, key=lambda group: (group[0], group[1] or "")):
        for period in tally.calendar.periods:
            rows.append(_row(tally, group, period, names))
    return {"period": kind, "from": start.isoformat(), "to": end.isoformat(),
            "suppressed_below": SUPPRESSED_BELOW, "columns": list(COLUMNS), "rows": rows}


def _row(tally, group, period, names):
    programme, municipality = group
    counts = tally.counts.get((group, period.label), {})
    values = tally.values.get((group, period.label), {})
    row = {"programme": programme, "municipality": municipality,
           "municipality_name": names.get(municipality), "period": period.label,
           "period_start": period.first.isoformat(), "period_end": period.last.isoformat()}
    row.update({name: shown_count(counts.get(name, 0)) for name in COUNTS})
    for name in MEASURED:
        row[f"{name}_median"] = shown_measure(values.get(name, []), 0.5)
        row[f"{name}_p90"] = shown_measure(values.get(name, []), 0.9)
    hours, families = tally.hours.get((group, period.label), (0, 0))
    row["visit_hours"] = shown_total(hours, families)
    return {column: row[column] for column in COLUMNS}

