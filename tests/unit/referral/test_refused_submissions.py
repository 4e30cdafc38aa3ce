"""Refused partner messages are kept for the retention period, then forgotten."""
from datetime import datetime, timedelta, timezone

from services.referral.models import RefusedSubmissionRow
from services.referral.partner_submissions import forget_refused, refused_submission

NOW = datetime(2027, 6, 1, 12, tzinfo=timezone.utc)


def kept(uow, refused_id, days_ago):
    with uow:
        uow.session.add(RefusedSubmissionRow(
            id=refused_id, partner="p-1", message_id="m-1", content_type="application/json",
            errors={"_schema": ["the body is not valid JSON"]}, body=b'{"family": ',
            body_size=11, received_at=NOW - timedelta(days=days_ago)))


def test_a_refused_message_is_forgotten_after_the_retention_period(uow):
    kept(uow, "old", days_ago=731)
    kept(uow, "young", days_ago=729)
    assert forget_refused(uow, NOW, retention_days=730) == 1
    assert refused_submission(uow, "old") is None
    assert refused_submission(uow, "young")["body"] == '{"family": '
