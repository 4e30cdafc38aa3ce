"""Events delivered twice, and poison messages, in a running Kring."""
from collections import Counter

from kring.config import SERVICES
from kring.contracts.events import make_event
from kring.contracts.topology import SUBSCRIPTIONS
from tests.support.fault import (Walking, assert_closed_loop, consumers_of, register_supporter,
                                 submit, under_way, views, walk_to_the_end)
from tests.support.waiting import eventually

REFERRALS = 12


def publish_every_event_again(stack):
    """Every event every service has published so far, once more; returns how many copies
    of each event the consumers will see (one per consuming handler)."""
    events = [event for service in SERVICES for event in stack.sent_events(service)]
    stack.publish(*[(event["source"], event["type"], event, {}) for event in events])
    return Counter({event["event_id"]: consumers_of(event["source"], event["type"])
                    for event in events})


def test_every_event_delivered_twice_changes_nothing(stack):
    register_supporter(stack)
    plans = submit(stack, REFERRALS, "TWICE", declined=1, withdrawn=1)
    with Walking(stack, plans):
        eventually(lambda: under_way(stack, REFERRALS // 4), what="the flow to get under way")
        # mid-flow: each copy races its original, in whichever order the consumers take them
        copies = publish_every_event_again(stack)
    walk_to_the_end(stack, plans)
    assert_closed_loop(stack, plans)

    # once more when everything is closed: nothing may move
    before = views(stack, plans)
    copies += publish_every_event_again(stack)
    # the positive sign that every copy was handled: its consumer said it had seen it before
    eventually(lambda: all(stack.ignored_events()[event_id] >= n
                           for event_id, n in copies.items()),
               what="every consumer to see its copy of every event")
    ignored = stack.ignored_events()
    assert {event_id: ignored[event_id] for event_id in copies} == copies
    assert views(stack, plans) == before  # status, outcome, timeline: all as they were
    assert_closed_loop(stack, plans)  # and no second notice


def test_poison_messages_are_parked_with_their_error_and_the_flow_goes_on(stack):
    register_supporter(stack)
    plans = submit(stack, REFERRALS, "POISON", declined=1, withdrawn=1)
    victim = list(plans)[-1]  # a real referral, walked to `completed`
    broken = make_event("referral", "referral_closed", victim, outcome="completed").to_message()
    broken["data"]["outcome"] = "exploded"  # no such outcome: fails the event's schema
    with Walking(stack, plans):
        eventually(lambda: under_way(stack, REFERRALS // 4), what="the flow to get under way")
        stack.publish(("referral", "referral_closed", b"{not json",
                       {"content_type": "application/json", "content_encoding": "binary"}),
                      ("referral", "referral_closed", broken, {}))
    walk_to_the_end(stack, plans)
    assert_closed_loop(stack, plans)  # the victim too: the broken event closed nothing

    # every consumer of referral_closed parked both, and nothing else is parked anywhere (no
    # refused partner message either)
    consumers = {consumer for consumer, _handler, source, types in SUBSCRIPTIONS
                 if source == "referral" and "referral_closed" in types}
    assert consumers >= {"matching", "notify"}
    expected = {service: 2 if service in consumers else 0 for service in SERVICES}
    expected["partner"] = 0
    eventually(lambda: stack.parked() == expected, what=f"parked messages to be {expected}")
    for service in sorted(consumers):
        # the notes name the bodies, which each service keeps in its database; --body asks it
        noted = stack.kring_command("dlq", "show", service)
        assert "{not json" not in noted and "exploded" not in noted, noted
        shown = stack.kring_command("dlq", "show", service, "--body")
        entries = shown.split("\n#")
        assert len(entries) == 2, shown
        assert "{not json" in shown and broken["event_id"] in shown, shown
        # each with its error (the x-kring-error header)
        assert shown.count("error: unreadable event") == 2, shown
        assert "exploded" in shown, shown
    assert stack.parked() == expected  # `dlq show` only looked: they are still there
    stack.assert_alive()
