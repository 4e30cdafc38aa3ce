"""getReports and `kring report` (docs/contract.md §7 "Reports"): anonymous figures per
programme, municipality and period.

Whose figures: a `municipality` token's organisation is its municipality's CBS code, and it
sees that municipality only (naming another is a 404, as anything outside a caller's reach); an
organisation's `admin` sees the referrals and consultations routed to its organisation; the
`operator` sees all (figures, never a family's data). The referral service counts what its
referrals' timelines and its consultations say; casework adds the hours of visits, as totals
per group and period (`hours_of`: the answer names no referral).
"""
from marshmallow import ValidationError
from sqlalchemy import select
from werkzeug.wrappers import Response

from kring.contracts.report import CSV, ReportQuery
from kring.errors import INVALID_QUERY, Invalid, NotFound
from kring.report_text import as_csv
from services.referral.models import ConsultationRow, ReferralRow
from services.referral.municipalities import register
from services.referral.report_figures import ConsultationFacts, ReferralFacts, Tally
from services.referral.report_periods import Calendar, default_range, periods_between
from services.referral.report_table import table

def get_reports(uow, reach, query, hours_of, today):
    """The report for `query` (ReportQuery, loaded) over what the caller reaches: `reach` is
    the rule table's reach as a filter (kring.kit.access.scope_of)."""
    scope = _scope(reach, query)
    # nothing has happened after today: a later `to` would show today's waiting list as the
    # future's, so the range stops at today
    start, end = default_range(query["start"], min(query["end"] or today, today), today)
    if start > end:
        raise Invalid(INVALID_QUERY, {"from": [f"must not be after `to` or today ({end})"]})
    periods = periods_between(start, end, query["period"])
    tally = Tally(Calendar(periods))
    started, groups = {}, {}  # group key -> referrals whose support started; -> its group
    with uow:
        for facts, referral_id in _referrals(uow.session, scope):
            tally.add_referral(facts)
            if any(status == "in_progress" for status, _ in facts.timeline):
                group = (facts.programme, facts.municipality_code)
                groups[_key_of(group)] = group
                started.setdefault(_key_of(group), []).append(referral_id)
        for facts in _consultations(uow.session, scope):
            tally.add_consultation(facts)
    hours = hours_of(started, [[p.label, p.first.isoformat(), p.last.isoformat()]
                               for p in periods])
    for key, per_period in hours.items():
        for label, (total, families) in per_period.items():
            if key in groups:
                tally.add_hours(groups[key], label, total, families)
    names = {code: found.name for code, found in register().by_code.items()}
    return table(tally, query["period"], start, end, names)


def report_response(report, form):
    """The HTTP answer: the table as JSON, or as CSV (format=csv, or Accept: text/csv)."""
    if form != "csv":
        return report
    return Response(as_csv(report), status=200, content_type=f"{CSV}; charset=utf-8",
                    headers={"Content-Disposition": 'inline; filename="kring-report.csv"'})


def report_for_operator(uow, raw_query, hours_of, today):
    """`kring report`: the operator's report, from the query's words as typed."""
    try:
        query = ReportQuery().load({k: v for k, v in raw_query.items() if v is not None})
    except ValidationError as exc:
        raise Invalid(INVALID_QUERY, exc.messages) from None
    return get_reports(uow, {}, query, hours_of, today)  # the operator reaches all


def _scope(reach, query):
    """The filters of the caller's reach and of its query: column name -> value. Naming a
    municipality outside the reach is a 404, as anything outside a caller's reach."""
    scope = dict(reach)
    if query["programme"]:
        scope["programme"] = query["programme"]
    if query["municipality"]:
        found = register().find(query["municipality"])
        if found is None:
            raise Invalid(INVALID_QUERY,
                          {"municipality": [register().unknown(query["municipality"])]})
        if scope.setdefault("municipality_code", found.code) != found.code:
            raise NotFound("no figures of that municipality within your reach")
    return scope


def _referrals(session, scope):
    query = select(ReferralRow.id, ReferralRow.programme, ReferralRow.municipality_code,
                   ReferralRow.outcome, ReferralRow.timeline, ReferralRow.self_referred).where(
        *[getattr(ReferralRow, name) == value for name, value in scope.items()])
    for row in session.execute(query):
        timeline = tuple((entry["status"], entry["at"]) for entry in row.timeline)
        yield ReferralFacts(row.programme, row.municipality_code, row.outcome, timeline,
                            bool(row.self_referred)), row.id


def _consultations(session, scope):
    query = select(ConsultationRow.programme, ConsultationRow.municipality_code,
                   ConsultationRow.requested_at, ConsultationRow.answered_at,
                   ConsultationRow.closed_at, ConsultationRow.rounds).where(
        *[getattr(ConsultationRow, name) == value for name, value in scope.items()])
    for row in session.execute(query):
        yield ConsultationFacts(*row)


def _key_of(group):
    return f"{group[0]}|{group[1] or ''}"
