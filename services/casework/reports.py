"""Casework's part of a report (getReports, docs/contract.md §7 "Reports"): the hours of
visits per group and period, and how many families they were. The referral service names the
referrals of each group (they are its own, and casework knows them); the answer names none."""
from datetime import date

from sqlalchemy import select

from services.casework.models import CaseRow, VisitRow

CHUNK = 500  # referral ids per query: well below any database's limit on parameters


def report_hours(uow, groups, periods):
    """{group key: {period label: [hours, families visited]}} for `groups` ({key: [referral
    ids]}) and `periods` ([[label, first day, last day]], in order); only periods with visits."""
    bounds = [(label, date.fromisoformat(first), date.fromisoformat(last))
              for label, first, last in periods]
    if not bounds:
        return {}
    start, end = bounds[0][1], bounds[-1][2]
    answer = {}
    with uow:
        for key, referral_ids in groups.items():
            hours, families = {}, {}
            for at in range(0, len(referral_ids), CHUNK):
                query = select(CaseRow.referral_id, VisitRow.visited_on, VisitRow.hours) \
                    .join(VisitRow, VisitRow.case_id == CaseRow.id) \
                    .where(CaseRow.referral_id.in_(referral_ids[at:at + CHUNK]),
                           VisitRow.visited_on >= start, VisitRow.visited_on <= end)
                for referral_id, visited_on, spent in uow.session.execute(query):
                    label = _period_of(bounds, visited_on)
                    hours[label] = hours.get(label, 0.0) + spent
                    families.setdefault(label, set()).add(referral_id)
            if hours:
                answer[key] = {label: [round(hours[label], 2), len(families[label])]
                               for label in hours}
    return answer


def _period_of(bounds, day):
    return next(label for label, first, last in bounds if first <= day <= last)
