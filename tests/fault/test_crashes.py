"""kill -9 of `kring run`, and a broker restart, in the middle of many concurrent referrals."""
import pytest

from tests.support.fault import (Walking, assert_closed_loop, register_supporter, statuses, submit,
                                 under_way, walk_to_the_end)
from tests.support.processes import broker_stopped
from tests.support.waiting import eventually

REFERRALS = 32


# on PostgreSQL too, what production runs: connections cut mid-transaction, rows locked
@pytest.mark.parametrize("stack", ["sqlite", "postgresql"], indirect=True)
def test_kill_9_mid_flow_and_start_again(stack):
    register_supporter(stack)
    plans = submit(stack, REFERRALS, "KILL", declined=2, withdrawn=2)
    with Walking(stack, plans, threads=6):
        eventually(lambda: under_way(stack, REFERRALS // 4), what="the flow to get under way")
        seen_at_kills = [statuses(stack)]
        stack.kill9()
        stack.restart()
        # and once more, as soon as the restarted process has moved referrals on again
        eventually(lambda: statuses(stack) != seen_at_kills[0],
                   what="the flow to go on after the restart")
        seen_at_kills.append(statuses(stack))
        stack.kill9()
        stack.restart()
    # the kills did land mid-flow: referrals were still open before each
    for seen in seen_at_kills:
        assert seen["closed"] < REFERRALS, seen_at_kills
    walk_to_the_end(stack, plans)
    assert_closed_loop(stack, plans)


def test_broker_restart_mid_flow(stack):
    register_supporter(stack)
    plans = submit(stack, REFERRALS, "BROKER", declined=2, withdrawn=2)
    with Walking(stack, plans, threads=6):
        eventually(lambda: under_way(stack, REFERRALS // 4), what="the flow to get under way")
        seen = statuses(stack)
        with broker_stopped():  # started again in any case, also when the test fails
            # while it is away, changes are refused (the walkers get 503 and try again)
            walker = stack.walker()
            try:
                eventually(lambda: walker.http.post(
                    f"{walker.base}/referrals", json={}, timeout=10,
                    headers={"Authorization": f"Bearer {walker.referrer}"}).status_code == 503,
                    what="the API to refuse changes while the broker is away")
            finally:
                walker.close()
    assert seen["closed"] < REFERRALS, seen
    walk_to_the_end(stack, plans)
    assert_closed_loop(stack, plans)
