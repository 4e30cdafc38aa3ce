"""Bar charts of a report's figures drawn on the server as inline SVG (docs/contract.md §4 "The
portal"): readable without JavaScript, and by a screen reader from the chart's <title> and
<desc>, which say every number. Pure: rows in, markup out.

A count of 1 to 4 comes from the API as the text "< 5" (docs/contract.md §7 "Reports"): its
bar is drawn hatched at the height of 4, the most it can be, and labelled "< 5", so nobody
reads an exact number the API withheld. A null figure has no bar and is labelled "-".
"""
from markupsafe import Markup, escape

from kring.contracts.report import FEW

SUPPRESSED = FEW
SUPPRESSED_HEIGHT = 4
BAR_WIDTH = 36
GAP = 12
PLOT_HEIGHT = 120
TOP = 20  # room for the value above the tallest bar
BOTTOM = 24  # room for the period under the axis
LEFT = 8


def value_text(value):
    return "-" if value is None else str(value)


def bar_height(value, highest):
    """The bar's height in pixels: none for 0 and null, the height of 4 for "< 5"."""
    amount = SUPPRESSED_HEIGHT if value == SUPPRESSED else value
    if not amount or not highest:
        return 0
    return round(PLOT_HEIGHT * amount / highest, 1)


def highest_of(values):
    amounts = [SUPPRESSED_HEIGHT if value == SUPPRESSED else value for value in values
               if value is not None]
    return max([amount for amount in amounts if isinstance(amount, (int, float))] or [0])


def description(title, rows, figure):
    """What the chart shows in words: every period and its value."""
    said = "; ".join(f"{row['period']}: {value_text(row.get(figure))}" for row in rows)
    return f"{title}. {said}." if said else f"{title}."


def bar_chart(rows, figure, title, chart_id):
    """One bar per row (a period) of `figure`, as an <svg role="img"> whose <title> is `title`
    and whose <desc> says every value; `chart_id` makes its ids unique in the page."""
    values = [row.get(figure) for row in rows]
    highest = highest_of(values)
    width = LEFT * 2 + max(len(rows), 1) * (BAR_WIDTH + GAP)
    height = TOP + PLOT_HEIGHT + BOTTOM
    axis = TOP + PLOT_HEIGHT
    ident = escape(chart_id)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="portal-chart" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description(title, rows, figure))}</desc>',
        f'<defs><pattern id="{ident}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="#01689b" stroke-width="3"/></pattern></defs>',
        f'<line x1="{LEFT}" y1="{axis}" x2="{width - LEFT}" y2="{axis}" stroke="#000000"/>',
    ]
    for index, (row, value) in enumerate(zip(rows, values)):
        x = LEFT + index * (BAR_WIDTH + GAP) + GAP / 2
        middle = x + BAR_WIDTH / 2
        tall = bar_height(value, highest)
        if tall:
            hatched = value == SUPPRESSED
            fill = f"url(#{ident}-hatch)" if hatched else "#01689b"
            kind = "portal-chart-bar portal-chart-bar--suppressed" if hatched \
                else "portal-chart-bar"
            parts.append(f'<rect class="{kind}" x="{x}" y="{axis - tall}" '
                         f'width="{BAR_WIDTH}" height="{tall}" fill="{fill}" stroke="#01689b"/>')
        parts.append(f'<text x="{middle}" y="{axis - tall - 4}" text-anchor="middle" '
                     f'font-size="12" fill="currentColor">{escape(value_text(value))}</text>')
        parts.append(f'<text x="{middle}" y="{axis + 16}" text-anchor="middle" font-size="11" '
                     f'fill="currentColor">{escape(row["period"])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def has_suppressed(rows, figure):
    return any(row.get(figure) == SUPPRESSED for row in rows)


def groups(rows):
    """The rows by programme and municipality, in the API's order (it orders them so)."""
    found = {}
    for row in rows:
        found.setdefault((row["programme"], row.get("municipality_name")
                          or row["municipality"]), []).append(row)
    return list(found.items())
