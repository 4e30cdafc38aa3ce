"""The arithmetic of bench/throughput.py (bench/figures.py): percentiles, ratios, and the join
of outbox and inbox rows into stage delays. No timing here: the bench prints, it never fails."""
from datetime import datetime, timezone

from bench.figures import (percentile, rate, ratio, seconds_since_epoch, stage_delays,
                           subscribers_of, summary, verdict)


def test_percentile_interpolates_between_the_closest_ranks():
    values = [5, 1, 4, 2, 3]  # unordered on purpose
    assert percentile(values, 0) == 1
    assert percentile(values, 0.5) == 3
    assert percentile(values, 1) == 5
    assert percentile([10, 20], 0.5) == 15
    assert percentile(list(range(1, 101)), 0.99) == 99.01  # numpy's "linear"
    assert percentile([7], 0.99) == 7
    assert percentile([], 0.5) is None


def test_summary_has_median_p99_and_max_and_says_when_empty():
    assert summary([1, 2, 3, 4]) == {"count": 4, "median": 2.5, "p99": 4.0, "max": 4}
    assert summary([]) == {"count": 0, "median": None, "p99": None, "max": None}


def test_rate_and_ratio_refuse_to_divide_by_nothing():
    assert rate(50, 4) == 12.5
    assert rate(50, 0) is None
    assert ratio(123, 167) == 0.737
    assert ratio(None, 167) is None
    assert ratio(123, 0) is None


def test_verdict_against_a_goal_from_above_or_below():
    assert verdict(0.9, 0.85) == "met"
    assert verdict(0.73, 0.85) == "not met"
    assert verdict(40, 100, below=True) == "met"
    assert verdict(100, 100, below=True) == "not met"
    assert verdict(None, 100) == "not measured"


def test_stored_times_are_utc_whether_naive_or_aware():
    aware = datetime(2026, 11, 30, 17, 0, tzinfo=timezone.utc)
    assert seconds_since_epoch("2026-11-30 17:00:00") == aware.timestamp()
    assert seconds_since_epoch("2026-11-30 17:00:00.250000+00:00") == aware.timestamp() + 0.25
    assert seconds_since_epoch(aware) == aware.timestamp()


def test_stage_delays_join_each_commit_to_every_subscriber_that_applied_it():
    subscribers = subscribers_of([("matching", "on_referral", "referral", ("received",)),
                                  ("notify", "on_referral", "referral", ("received", "closed"))])
    assert subscribers == {("referral", "received"): [("matching", "on_referral"),
                                                      ("notify", "on_referral")],
                           ("referral", "closed"): [("notify", "on_referral")]}
    sent = [("referral", "e1", "received", 100.0), ("referral", "e2", "closed", 101.0),
            ("referral", "e3", "received", 200.0)]  # e3 outside the window
    handled = {("matching", "on_referral", "e1"): 100.02, ("notify", "on_referral", "e1"): 100.5,
               ("matching", "on_referral", "e3"): 200.1}
    delays, missing = stage_delays(sent, handled, subscribers, start=100, end=150)
    assert [round(d, 3) for d in delays] == [20.0, 500.0]
    assert missing == 1  # notify has not applied e2 yet
    everything, missing = stage_delays(sent, handled, subscribers)
    assert len(everything) == 3 and missing == 2
