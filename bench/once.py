"""Nothing done twice: what bench/throughput.py checks after a layout's loop phases (bench/
README.md "throughput.py"). Replicas of a service share its queues; the inbox and notify's
claims promise that no event is applied twice and no notice mailed twice. At load, that shows
as: every referral the walkers closed has `closed` once in its timeline, and one start notice
and one closure notice at the mail catcher, each a single copy.

`count` is pure (tests/unit/test_bench_once.py); `check` waits for the notices first.
"""
import time
from collections import Counter

from services.notify.domain import CLOSURE, START
from services.referral.domain import CLOSED

# the notices of a referral walked to `closed` whose referrer shares its status (the sample's):
# services/notify sends one when the case starts and one when the referral closes
EXPECTED = (START, CLOSURE)
TROUBLE = ("closed_twice", "notices_missing", "notices_twice")


def count(referral_ids, mails, timelines):
    """The check's figures. `referral_ids`: the referrals the walkers closed; `mails`:
    (referral id, kind) of every message at the mail catcher, one pair per copy; `timelines`:
    {referral id: [status of each timeline entry]} as the referral service stored them.

    A notice twice is any (referral, kind) mailed more than once, of any referral: a copy is a
    copy whoever it was about."""
    ids = set(referral_ids)
    copies = Counter(mails)
    return {
        "referrals_checked": len(ids),
        "closed_twice": sum(1 for referral in ids
                            if timelines.get(referral, []).count(CLOSED) > 1),
        "notices_missing": sum(1 for referral in ids for kind in EXPECTED
                               if not copies[(referral, kind)]),
        "notices_twice": sum(1 for copies_of_one in copies.values() if copies_of_one > 1),
    }


def held(figures):
    """Whether "nothing done twice" held: something was checked and nothing went wrong."""
    return figures["referrals_checked"] > 0 and not any(figures[name] for name in TROUBLE)


def check(referral_ids, read_mails, read_timelines, wait=60.0, pause=0.5):
    """count() once every expected notice is at the catcher, or `wait` seconds have passed
    (notify mails after the event's commit, on its own time). `read_mails()` and
    `read_timelines(ids)` read what count() takes."""
    deadline = time.monotonic() + wait
    while True:
        mails = read_mails()
        figures = count(referral_ids, mails, {})
        if not figures["notices_missing"] or time.monotonic() >= deadline:
            break
        time.sleep(pause)  # a Maildir tells nobody when a message arrives: look again
    return count(referral_ids, mails, read_timelines(sorted(set(referral_ids))))
