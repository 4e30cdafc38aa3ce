"""`kring status` output: a referral as a person reads it."""
from kring.describe import describe, describe_notices


def referral(**overrides):
    shown = {
        "referral_id": "r-42", "external_ref": "HA-2026-0042", "programme": "home-start",
        "status": "received", "outcome": None,
        "proposal_id": None, "case_id": None, "aftercare_id": None,
        "timeline": [{"status": "received", "at": "2026-11-20T09:05:07.123456Z",
                      "detail": None}],
    }
    shown.update(overrides)
    return shown


def test_a_new_referral():
    assert describe(referral()) == "\n".join([
        "Referral r-42",
        "  programme home-start, reference HA-2026-0042",
        "  status:   received",
        "  timeline:",
        "    2026-11-20 09:05 UTC  received",
    ])


def test_a_closed_referral_shows_outcome_labels_details_and_links():
    text = describe(referral(
        status="closed", outcome="completed", proposal_id="p-1", case_id="c-2",
        aftercare_id="a-3",
        timeline=[
            {"status": "received", "at": "2026-11-20T09:05:00.000000Z", "detail": None},
            {"status": "match_made_twice", "at": "2026-11-21T10:00:00.000000Z"},
            {"status": "in_progress", "at": "2026-11-22T11:00:00.000000Z", "detail": None},
            {"status": "handed_over", "at": "2027-05-01T08:30:00.000000Z", "detail": None},
            {"status": "closed", "at": "2027-08-01T23:59:59.999999Z", "detail": "completed"},
        ]))
    lines = text.splitlines()
    assert lines[2] == "  status:   closed (completed)"
    assert lines[3] == "  links:    proposal p-1, case c-2, aftercare a-3"
    assert lines[5:] == [
        "    2026-11-20 09:05 UTC  received",
        "    2026-11-21 10:00 UTC  match made twice",  # an unknown status still reads
        "    2026-11-22 11:00 UTC  support started",
        "    2027-05-01 08:30 UTC  handed over",
        "    2027-08-01 23:59 UTC  closed — completed",
    ]


def test_only_the_links_that_exist_are_shown():
    lines = describe(referral(status="in_progress", case_id="c-2")).splitlines()
    assert "  links:    case c-2" in lines
    assert not any("proposal" in line or "aftercare" in line for line in lines)


def test_times_are_printed_in_utc_whatever_offset_they_carry():
    text = describe(referral(timeline=[{"status": "received",
                                        "at": "2026-11-20T10:05:00+01:00"}]))
    assert text.splitlines()[-1] == "    2026-11-20 09:05 UTC  received"


def test_the_delivery_log_says_where_a_notice_went_and_why_one_was_not_sent():
    text = describe_notices("r-1", [
        {"kind": "start", "status": "sent", "channel": "file", "recipient": "a@example.org",
         "location": "/var/kring/notices/r-1-start.eml", "attempts": 1,
         "sent_at": "2026-11-20T10:05:00.000000Z"},
        {"kind": "closure", "status": "suppressed", "reason": "no_consent_to_share"}])
    assert "at: /var/kring/notices/r-1-start.eml" in text
    assert "why: no_consent_to_share" in text
