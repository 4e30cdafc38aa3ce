"""`kring report` as a person reads it: getReports' table turned on its side, one block per
programme and municipality, a line per figure and a column per period (the API's rows are too
wide for a terminal), and the table as CSV, for getReports and `kring report --csv` alike."""
import csv
import io

from kring.contracts.report import GROUP


def as_csv(report):
    """The table as CSV: the columns as header, null as an empty field."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(report["columns"])
    for row in report["rows"]:
        writer.writerow(["" if row[column] is None else row[column]
                         for column in report["columns"]])
    return out.getvalue()


def describe_report(report):
    blocks = {}
    for row in report["rows"]:
        blocks.setdefault((row["programme"], row["municipality"], row["municipality_name"]),
                          []).append(row)
    head = (f"Report from {report['from']} to {report['to']} per {report['period']}; counts "
            f"from 1 to {report['suppressed_below'] - 1} say \"< {report['suppressed_below']}"
            f"\", medians and percentiles over fewer are \"-\".")
    if not blocks:
        return f"{head}\nNo figures within your reach in this range."
    figures = [column for column in report["columns"] if column not in GROUP]
    lines = [head]
    for (programme, code, name), rows in blocks.items():
        lines += ["", f"{programme} in {name or '?'} ({code or 'unrouted'})"]
        table = [["", *(row["period"] for row in rows)]] + \
            [[figure, *(_cell(row[figure]) for row in rows)] for figure in figures]
        widths = [max(len(line[index]) for line in table) for index in range(len(table[0]))]
        lines += ["  " + "  ".join(cell.ljust(widths[0]) if index == 0 else
                                   cell.rjust(widths[index])
                                   for index, cell in enumerate(line)).rstrip()
                  for line in table]
    return "\n".join(lines)


def _cell(value):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
