"""Reports for municipalities and organisations (docs/contract.md §7, `getReports`): anonymous
figures per programme, municipality and period. No ids, counts of 1 to 4 said as "< 5",
medians and percentiles only over at least 5 (docs/security.md "The rule table")."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from kring.contracts.fields import PROGRAMME, Strict, text
from kring.contracts.operation import PREFIX, Operation

PERIODS = ("month", "quarter", "year")
FORMATS = ("json", "csv")
CSV = "text/csv"
SUPPRESSED_BELOW = 5  # a count under this (but above 0) is said as "< 5"
FEW = f"< {SUPPRESSED_BELOW}"
MAX_DAYS = 366 * 10  # ten years of months is 120 rows per programme and municipality

# what each row says, in this order (the CSV's header); `columns` of the answer lists them
GROUP = ("programme", "municipality", "municipality_name", "period", "period_start",
         "period_end")
COUNTS = ("referrals_in", "self_referred", "declined", "withdrawn", "completed",
          "support_started", "support_ended", "families_visited", "aftercare_completed",
          "relapses", "waitlisted_at_end", "commissioned", "not_commissioned",
          "consultations_requested", "consultations_answered", "consultation_rounds",
          "consultations_closed")
MEASURES = ("intake_days_median", "intake_days_p90", "start_days_median", "start_days_p90",
            "support_weeks_median", "support_weeks_p90", "visit_hours")
COLUMNS = GROUP + COUNTS + MEASURES


class ReportQuery(Strict):
    programme = fields.String(load_default=None, validate=validate.Regexp(
        PROGRAMME, error="lower-case letters, digits and dashes, e.g. home-start"))
    municipality = text(100, load_default=None, metadata={
        "description": "CBS code (GM0344) or name; a municipality's token: its own only"})
    # "from" is a Python keyword: the field is `start` inside, `from` in the query
    start = fields.Date(load_default=None, data_key="from", metadata={
        "description": "first day (YYYY-MM-DD); default: 1 January of `to`'s year"})
    end = fields.Date(load_default=None, data_key="to", metadata={
        "description": "last day (YYYY-MM-DD); default: today (UTC)"})
    period = fields.String(load_default="month", validate=validate.OneOf(PERIODS), metadata={
        "description": "month (default), quarter or year"})
    format = fields.String(load_default="json", validate=validate.OneOf(FORMATS), metadata={
        "description": "json (default) or csv; `Accept: text/csv` also gives csv"})

    @validates_schema
    def _check_range(self, data, **kwargs):
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise ValidationError("must not be after `to`", "from")
        if start and end and (end - start).days > MAX_DAYS:
            raise ValidationError(f"at most {MAX_DAYS} days from `from`", "to")


class ReportTable(Schema):
    period = fields.String(required=True, metadata={"description": "month, quarter or year"})
    start = fields.String(required=True, data_key="from", metadata={"format": "date"})
    end = fields.String(required=True, data_key="to", metadata={"format": "date"})
    suppressed_below = fields.Integer(required=True, metadata={
        "description": "counts from 1 to this minus one are said as \"< 5\"; medians and "
                       "percentiles over fewer are null"})
    columns = fields.List(fields.String(), required=True)
    rows = fields.List(fields.Dict(), required=True, metadata={
        "description": "one per programme, municipality and period: column -> value (a "
                       "number, \"< 5\", or null)"})


OPERATIONS = [
    Operation("getReports", "referral", "GET", f"{PREFIX}/reports",
              "Anonymous figures per programme, municipality and period: referrals in and "
              "how they ended, time to intake and to the start of support, weeks and hours "
              "of support, aftercare, the waiting list, commission decisions and "
              "consultations. Counts of 1 to 4 say \"< 5\"; medians and percentiles over "
              "fewer than 5 are null. A municipality sees its own, an organisation's admin "
              "what was routed to it, the operator all. JSON, or CSV with format=csv or "
              "Accept: text/csv. A service that does not answer: 503 naming it.",
              query=ReportQuery, response=ReportTable, statuses=(404, 503),
              media_types=(CSV,), formats={CSV: "csv"}),
]
