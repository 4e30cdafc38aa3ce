"""Casework's part of a report (services/casework/reports.py): hours of visits and families
visited per group and period, for the referrals the referral service names; no id answers."""
from datetime import date

from services.casework.models import CaseRow, VisitRow
from services.casework.reports import report_hours

PERIODS = [["2026-01", "2026-01-01", "2026-01-31"], ["2026-02", "2026-02-01", "2026-02-28"]]


def with_visits(uow, referral_id, *visits):
    with uow:
        uow.session.add(CaseRow(id=f"c-{referral_id}", referral_id=referral_id,
                                supporter_id="s-1", supporter_kind="volunteer",
                                severity="medium", coordinator_org="hs-utrecht",
                                opened_at="2026-01-01T09:00:00.000000Z", status="open",
                                past_rounds=[], programme="home-start"))
        for number, (day, hours) in enumerate(visits):
            uow.session.add(VisitRow(id=f"v-{referral_id}-{number}", case_id=f"c-{referral_id}",
                                     visited_on=date.fromisoformat(day), hours=hours,
                                     logged_by_role="supporter",
                                     logged_at="2026-01-01T09:00:00.000000Z"))


def test_hours_are_summed_per_group_and_period_and_families_counted_once(uow):
    with_visits(uow, "r-1", ("2026-01-05", 3.5), ("2026-01-12", 3.5), ("2026-02-02", 2))
    with_visits(uow, "r-2", ("2026-01-06", 4))
    with_visits(uow, "r-3", ("2026-01-07", 1))  # another group
    with_visits(uow, "r-4", ("2025-12-30", 8), ("2026-03-01", 8))  # outside the range
    answer = report_hours(uow, {"home-start|GM0344": ["r-1", "r-2", "r-4"],
                                "home-start|GM0355": ["r-3"], "family-help|GM0344": []},
                          PERIODS)
    assert answer == {"home-start|GM0344": {"2026-01": [11.0, 2], "2026-02": [2.0, 1]},
                      "home-start|GM0355": {"2026-01": [1.0, 1]}}


def test_a_referral_not_named_adds_nothing(uow):
    with_visits(uow, "r-1", ("2026-01-05", 3))
    assert report_hours(uow, {"home-start|GM0344": ["r-9"]}, PERIODS) == {}
    assert report_hours(uow, {"home-start|GM0344": ["r-1"]}, []) == {}
