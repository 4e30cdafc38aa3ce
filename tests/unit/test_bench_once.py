"""bench/once.py: the count behind "nothing done twice" in bench/throughput.py (every referral the
walkers closed closed once, one start and one closure notice each, no notice mailed twice)."""
from bench.once import check, count, held

TIMELINE = ["received", "intake_done", "matching", "in_progress", "aftercare", "closed"]


def test_each_referral_closed_once_with_its_two_notices_is_nothing_done_twice():
    mails = [("r1", "start"), ("r1", "closure"), ("r2", "closure"), ("r2", "start")]
    figures = count(["r1", "r2"], mails, {"r1": TIMELINE, "r2": TIMELINE})
    assert figures == {"referrals_checked": 2, "closed_twice": 0, "notices_missing": 0,
                       "notices_twice": 0}
    assert held(figures)


def test_a_second_copy_a_missing_notice_and_a_second_closing_are_each_counted():
    mails = [("r1", "start"), ("r1", "closure"), ("r1", "closure"),  # r1's closure twice
             ("r2", "start")]  # r2's closure missing
    figures = count(["r1", "r2", "r3"], mails,  # r3: nothing mailed at all
                    {"r1": TIMELINE, "r2": TIMELINE, "r3": TIMELINE + ["closed"]})
    assert figures == {"referrals_checked": 3, "closed_twice": 1, "notices_missing": 3,
                       "notices_twice": 1}
    assert not held(figures)


def test_a_copy_of_any_notice_counts_and_other_kinds_are_not_expected():
    # an unchecked referral's notice mailed twice is a copy all the same; an answer notice of
    # a checked referral is neither missing nor a copy
    mails = [("r1", "start"), ("r1", "closure"), ("r1", "answer-1"),
             ("other", "start"), ("other", "start")]
    figures = count(["r1", "r1"], mails, {"r1": TIMELINE})  # closed ids come once each
    assert figures == {"referrals_checked": 1, "closed_twice": 0, "notices_missing": 0,
                       "notices_twice": 1}


def test_nothing_checked_is_not_nothing_done_twice():
    assert not held(count([], [], {}))


def test_check_reads_the_mails_again_until_every_expected_notice_is_there():
    arriving = iter([[], [("r1", "start")], [("r1", "start"), ("r1", "closure")]])
    asked = []

    def timelines(ids):
        asked.append(ids)
        return {"r1": TIMELINE}

    figures = check(["r1"], lambda: next(arriving), timelines, pause=0)
    assert figures["notices_missing"] == 0 and held(figures)
    assert asked == [["r1"]]  # the timelines once, after the mails


def test_check_counts_what_is_there_when_the_wait_is_over():
    figures = check(["r1"], lambda: [("r1", "start")], lambda ids: {"r1": TIMELINE}, wait=0)
    assert figures["notices_missing"] == 1 and not held(figures)
