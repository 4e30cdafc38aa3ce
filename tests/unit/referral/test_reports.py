"""The arithmetic of reports (docs/contract.md §7 "Reports"): periods, percentiles, what is
suppressed, and what one referral or consultation adds to which period."""
from datetime import date

import pytest

from services.referral.report_figures import ConsultationFacts, ReferralFacts, Tally
from services.referral.report_periods import (Calendar, default_range, percentile,
                                              periods_between, shown_count, shown_measure,
                                              shown_total)
from kring.report_text import as_csv, describe_report
from services.referral.report_table import table


def labels(periods):
    return [(p.label, p.first.isoformat(), p.last.isoformat()) for p in periods]


def test_months_are_cut_to_the_range():
    assert labels(periods_between(date(2026, 1, 15), date(2026, 3, 3), "month")) == [
        ("2026-01", "2026-01-15", "2026-01-31"), ("2026-02", "2026-02-01", "2026-02-28"),
        ("2026-03", "2026-03-01", "2026-03-03")]


def test_quarters_and_years_follow_the_calendar():
    assert labels(periods_between(date(2025, 11, 1), date(2026, 4, 30), "quarter")) == [
        ("2025-Q4", "2025-11-01", "2025-12-31"), ("2026-Q1", "2026-01-01", "2026-03-31"),
        ("2026-Q2", "2026-04-01", "2026-04-30")]
    assert labels(periods_between(date(2025, 6, 1), date(2026, 2, 1), "year")) == [
        ("2025", "2025-06-01", "2025-12-31"), ("2026", "2026-01-01", "2026-02-01")]


def test_the_default_range_is_this_year_to_today():
    assert default_range(None, None, date(2026, 11, 30)) == (date(2026, 1, 1),
                                                             date(2026, 11, 30))
    assert default_range(None, date(2025, 5, 1), date(2026, 11, 30)) == (date(2025, 1, 1),
                                                                         date(2025, 5, 1))


def test_a_day_outside_the_range_has_no_period():
    calendar = Calendar(periods_between(date(2026, 1, 10), date(2026, 2, 10), "month"))
    assert calendar.of(date(2026, 1, 9)) is None
    assert calendar.of(date(2026, 1, 10)).label == "2026-01"
    assert calendar.of(date(2026, 2, 10)).label == "2026-02"
    assert calendar.of(date(2026, 2, 11)) is None


def test_percentiles_interpolate_between_the_nearest_two():
    assert percentile([1, 2, 3, 4, 5], 0.5) == 3
    assert percentile([4, 1, 3, 2], 0.5) == 2.5
    assert percentile(list(range(1, 11)), 0.9) == pytest.approx(9.1)


@pytest.mark.parametrize("count, shown", [(0, 0), (1, "< 5"), (4, "< 5"), (5, 5), (17, 17)])
def test_small_counts_are_said_as_fewer_than_five(count, shown):
    assert shown_count(count) == shown


def test_measures_and_totals_need_five_families():
    assert shown_measure([1, 2, 3, 4], 0.5) is None
    assert shown_measure([1, 2, 3, 4, 5], 0.5) == 3
    assert shown_total(0, 0) == 0
    assert shown_total(12.5, 4) is None
    assert shown_total(30.25, 5) == 30.2


def at(day, hour=9):
    return f"{day}T{hour:02d}:00:00.000000Z"


def completed_referral(programme="home-start", municipality="GM0344", self_referred=False):
    return ReferralFacts(programme, municipality, "completed", (
        ("received", at("2026-01-05")), ("intake_done", at("2026-01-09")),
        ("matching", at("2026-01-09")), ("waitlisted", at("2026-01-20")),
        ("matching", at("2026-02-03")), ("in_progress", at("2026-02-05")),
        ("case_closed", at("2026-03-05")), ("handed_over", at("2026-03-05")),
        ("aftercare", at("2026-03-05")), ("case_reopened", at("2026-03-20")),
        ("in_progress", at("2026-03-20")), ("case_closed", at("2026-04-02")),
        ("aftercare", at("2026-04-02")), ("closed", at("2026-05-10"))), self_referred)


def tally_of(*facts, start=date(2026, 1, 1), end=date(2026, 6, 30), kind="month"):
    tally = Tally(Calendar(periods_between(start, end, kind)))
    for one in facts:
        if isinstance(one, ReferralFacts):
            tally.add_referral(one)
        else:
            tally.add_consultation(one)
    return tally


def counted(tally, label, group=("home-start", "GM0344")):
    return dict(tally.counts[group, label])


def test_each_figure_of_a_referral_falls_in_the_month_it_happened():
    tally = tally_of(completed_referral(self_referred=True))
    assert counted(tally, "2026-01") == {"referrals_in": 1, "self_referred": 1,
                                         "waitlisted_at_end": 1}
    assert counted(tally, "2026-02") == {"support_started": 1}
    assert counted(tally, "2026-03") == {"relapses": 1}
    assert counted(tally, "2026-04") == {"support_ended": 1}  # the last closing of the case
    assert counted(tally, "2026-05") == {"completed": 1, "aftercare_completed": 1}
    group = ("home-start", "GM0344")
    assert tally.values[group, "2026-01"]["intake_days"] == [4.0]
    assert tally.values[group, "2026-02"]["start_days"] == [31.0]
    assert tally.values[group, "2026-04"]["support_weeks"] == [8.0]


def test_what_happened_outside_the_range_is_not_counted():
    tally = tally_of(completed_referral(), start=date(2026, 3, 1), end=date(2026, 3, 31))
    assert counted(tally, "2026-03") == {"relapses": 1}


def test_declined_and_withdrawn_count_on_the_day_of_closing_and_start_nothing():
    declined = ReferralFacts("home-start", "GM0344", "declined", (
        ("received", at("2026-01-05")), ("intake_done", at("2026-02-01")),
        ("closed", at("2026-02-01"))))
    withdrawn = ReferralFacts("home-start", "GM0344", "withdrawn", (
        ("received", at("2026-01-05")), ("intake_done", at("2026-01-06")),
        ("matching", at("2026-01-06")), ("in_progress", at("2026-01-08")),
        ("withdrawn", at("2026-01-22")), ("closed", at("2026-01-22"))))
    tally = tally_of(declined, withdrawn)
    assert counted(tally, "2026-01") == {"referrals_in": 2, "withdrawn": 1,
                                         "support_started": 1, "support_ended": 1}
    assert counted(tally, "2026-02") == {"declined": 1}
    assert tally.values[("home-start", "GM0344"), "2026-01"]["support_weeks"] == [2.0]


def test_commission_decisions_are_counted_by_their_entries():
    referral = ReferralFacts("family-trajectory", "GM0344", None, (
        ("received", at("2026-01-05")), ("commissioned", at("2026-01-07")),
        ("not_commissioned", at("2026-02-07"))))
    tally = tally_of(referral)
    assert counted(tally, "2026-01", ("family-trajectory", "GM0344"))["commissioned"] == 1
    assert counted(tally, "2026-02", ("family-trajectory", "GM0344")) == {
        "not_commissioned": 1}


def test_consultations_count_requests_answers_closings_and_rounds():
    consultation = ConsultationFacts("home-start", "GM0344", at("2026-01-03"),
                                     at("2026-02-04"), at("2026-02-20"), 3)
    tally = tally_of(consultation)
    assert counted(tally, "2026-01") == {"consultations_requested": 1}
    assert counted(tally, "2026-02") == {"consultations_answered": 1,
                                         "consultations_closed": 1, "consultation_rounds": 3}


def test_the_table_has_every_period_of_every_group_and_hides_small_numbers():
    referrals = [completed_referral() for _ in range(5)] + [
        completed_referral(municipality="GM0355")]
    tally = tally_of(*referrals, start=date(2026, 1, 1), end=date(2026, 3, 31),
                     kind="quarter")
    tally.add_hours(("home-start", "GM0344"), "2026-Q1", 40.5, 5)
    tally.add_hours(("home-start", "GM0355"), "2026-Q1", 8.0, 1)
    report = table(tally, "quarter", date(2026, 1, 1), date(2026, 3, 31),
                   {"GM0344": "Utrecht", "GM0355": "Zeist"})
    assert report["suppressed_below"] == 5 and report["period"] == "quarter"
    utrecht, zeist = report["rows"]
    assert (utrecht["municipality"], utrecht["municipality_name"]) == ("GM0344", "Utrecht")
    assert utrecht["referrals_in"] == 5 and zeist["referrals_in"] == "< 5"
    assert utrecht["intake_days_median"] == 4.0 and zeist["intake_days_median"] is None
    assert utrecht["start_days_p90"] == 31.0
    assert utrecht["visit_hours"] == 40.5 and zeist["visit_hours"] is None
    assert utrecht["families_visited"] == 5 and zeist["families_visited"] == "< 5"
    assert utrecht["declined"] == 0
    assert list(utrecht) == report["columns"]
    assert not any(key.endswith("_id") for key in report["columns"])


def test_the_csv_has_the_columns_as_header_and_null_as_empty():
    tally = tally_of(completed_referral(), start=date(2026, 1, 1), end=date(2026, 1, 31))
    report = table(tally, "month", date(2026, 1, 1), date(2026, 1, 31), {})
    header, row = as_csv(report).splitlines()
    assert header.split(",") == report["columns"]
    values = dict(zip(report["columns"], row.split(",")))
    assert values["referrals_in"] == "< 5" and values["intake_days_median"] == ""
    assert values["declined"] == "0" and values["period"] == "2026-01"


def test_kring_report_prints_a_block_per_group_with_a_column_per_period():
    tally = tally_of(completed_referral(), start=date(2026, 1, 1), end=date(2026, 2, 28))
    text = describe_report(table(tally, "month", date(2026, 1, 1), date(2026, 2, 28),
                                 {"GM0344": "Utrecht"}))
    lines = text.splitlines()
    assert "home-start in Utrecht (GM0344)" in lines
    header = next(line for line in lines[1:] if "2026-01" in line)
    assert header.split() == ["2026-01", "2026-02"]
    assert next(line for line in lines if "referrals_in" in line).split() == [
        "referrals_in", "<", "5", "0"]
    assert next(line for line in lines if "intake_days_median" in line).split() == [
        "intake_days_median", "-", "-"]
    empty = Tally(Calendar(periods_between(date(2026, 1, 1), date(2026, 1, 31), "month")))
    assert "No figures" in describe_report(table(empty, "month", date(2026, 1, 1),
                                                 date(2026, 1, 31), {}))
