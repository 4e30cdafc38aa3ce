"""notify's figures for /metrics: notices by state, a failed delivery waiting for its retry
counted apart from a notice not tried yet."""
from datetime import datetime, timezone

from services.notify import handlers
from services.notify.domain import Notice
from services.notify.models import Notices

NOW = datetime(2026, 11, 30, 12, tzinfo=timezone.utc)


def stored(uow, referral_id, kind="start", then=None):
    notice = Notice.decide(referral_id, kind, "2026-11-30T12:00:00Z", NOW)
    notice.reason = None
    if then:
        then(notice)
    with uow:
        Notices(uow).add(notice)


def test_notices_are_counted_by_state(uow):
    stored(uow, "r-1")
    stored(uow, "r-2", then=lambda n: n.failed("SMTPServerDisconnected", NOW))
    stored(uow, "r-3", then=lambda n: n.delivered("smtp", "a@example.org", "mail", NOW))
    stored(uow, "r-3", "closure", then=lambda n: n.delivered("smtp", "a@example.org", "m", NOW))
    stored(uow, "r-4", then=lambda n: n.consent_withdrawn())
    figures = {labels["status"]: value for name, labels, value in handlers.gauges(uow)
               if name == "kring_notices"}
    assert figures == {"pending": 1, "failed": 1, "sent": 2, "suppressed": 1}
