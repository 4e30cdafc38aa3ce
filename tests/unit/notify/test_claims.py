"""Which claims a notify may take (domain.may_take), and who it claims as (claims.Instance):
the same instance after a restart on the same data directory, a fresh start each time, and
never the instance of a process that still runs on that directory."""
from datetime import datetime, timedelta, timezone

import pytest

from services.notify.claims import Instance, instance_file, one_off
from services.notify.domain import Claim, Claimant, may_take

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
LIVE, LAPSED = NOW + timedelta(seconds=30), NOW - timedelta(seconds=1)
ME = Claimant("instance-a", "start-2")


@pytest.mark.parametrize("claim", [Claim(None), Claim(LAPSED, "instance-b", "start-9"),
                                   Claim(LAPSED, "instance-a", "start-2"), Claim(LAPSED)])
def test_an_unclaimed_or_lapsed_notice_may_be_taken_by_anyone(claim):
    assert may_take(claim, ME, NOW)
    assert may_take(claim, one_off(), NOW)


def test_a_live_claim_of_an_earlier_start_of_the_same_instance_is_taken_back_at_once():
    assert may_take(Claim(LIVE, "instance-a", "start-1"), ME, NOW)


@pytest.mark.parametrize("claim", [
    Claim(LIVE, "instance-b", "start-1"),  # another replica's
    Claim(LIVE, "instance-a", "start-2"),  # this start's own: another worker is sending it
    Claim(LIVE),  # made before claims said by whom
    Claim(LIVE, "instance-a", None),
])
def test_any_other_live_claim_is_respected_until_it_lapses(claim):
    assert not may_take(claim, ME, NOW)
    assert may_take(claim, ME, claim.until + timedelta(microseconds=1))


def test_while_a_mark_of_an_earlier_start_is_unrecorded_its_claims_are_left_to_lapse():
    waiting = Claimant("instance-a", "start-2", takes_back=False)
    assert not may_take(Claim(LIVE, "instance-a", "start-1"), waiting, NOW)
    assert may_take(Claim(LAPSED, "instance-a", "start-1"), waiting, NOW)


def test_a_sender_without_a_lasting_instance_takes_no_live_claim():
    assert not may_take(Claim(LIVE, None, "start-1"), Claimant(None, "start-2"), NOW)
    assert not may_take(Claim(LIVE, "instance-a", "start-1"), one_off(), NOW)


def test_the_instance_outlives_a_restart_and_each_start_is_new(tmp_path):
    first = Instance(instance_file(tmp_path))
    before = first.begin()
    first.release()
    second = Instance(instance_file(tmp_path))
    after = second.begin()
    second.release()
    assert after.instance == before.instance and after.start != before.start
    assert (tmp_path / "notify" / "instance").stat().st_mode & 0o777 == 0o600
    assert Instance(instance_file(tmp_path / "elsewhere")).begin().instance != before.instance


def test_a_second_process_on_the_same_data_directory_claims_as_a_replica(tmp_path, caplog):
    running = Instance(instance_file(tmp_path))
    mine = running.begin()
    other = Instance(instance_file(tmp_path)).begin()  # its lock is taken: as another would
    assert other.instance != mine.instance
    assert not may_take(Claim(LIVE, mine.instance, mine.start), other, NOW)
    assert "another notify process runs on" in caplog.text
    running.release()
    again = Instance(instance_file(tmp_path))
    assert again.begin().instance == mine.instance
    again.release()
