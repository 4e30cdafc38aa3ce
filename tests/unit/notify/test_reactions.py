"""What each of notify's reactions tells its entrypoint (services/notify/handlers.py): True
only when a notice may have become sendable, so that the entrypoint looks for due notices at
once, and not after every event."""
from datetime import datetime, timezone

from services.notify import handlers
from tests.unit.notify.test_trail import closed, received, started

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)


def react(uow, event):
    uow.inbox_key = "on_casework" if event.source == "casework" else "on_referral"
    uow.event_referral = event.referral_id
    return handlers.react(uow, event, NOW)


def test_a_new_referral_makes_nothing_due(uow):
    assert react(uow, received("r-1")) is False
    assert react(uow, started("r-1")) is True


def test_a_referral_whose_start_came_first_makes_that_notice_due(uow):
    """case_started travels on another queue and may come before referral_received: the start
    notice waits for the referrer's address, and the address's arrival makes it due."""
    assert react(uow, started("r-2")) is True  # decided, waiting for its contact
    assert react(uow, received("r-2")) is True


def test_an_event_again_makes_nothing_due(uow):
    react(uow, received("r-3"))
    event = closed("r-3")
    assert react(uow, event) is True
    assert react(uow, event) is False
