"""The SMTP server goes away while referrals start and close, and comes back."""
from tests.support.fault import (NOTICES, assert_closed_loop, register_supporter, submit,
                                 walk_to_the_end)
from tests.support.processes import SmtpServer
from tests.support.waiting import eventually

REFERRALS = 6


def test_notices_wait_for_the_smtp_server_and_are_sent_once(stack):
    register_supporter(stack)
    stack.smtp.kill()
    plans = submit(stack, REFERRALS, "SMTP", declined=1, withdrawn=1)
    walk_to_the_end(stack, plans)  # the flow does not wait for the mail

    # each referral's first notice (the start; the closure of one declined at intake) was
    # tried, failed, and is kept with its error for the next attempt; a closure after a start
    # waits untried behind it, so the referrer will read them in order
    notices = sum(len(NOTICES[outcome]) for outcome in plans.values())

    def pending(tried):
        return [row for row in stack.notice_rows()
                if row[2] == "pending" and (row[3] > 0) == tried]
    eventually(lambda: (len(pending(tried=True)), len(pending(tried=False))) ==
               (len(plans), notices - len(plans)),
               what="a failed attempt for each referral's first notice, the rest waiting")
    assert all(error for _referral, _kind, _status, _attempts, error, _claim
               in pending(tried=True))
    assert [row[1] for row in pending(tried=False)] == ["closure"] * (notices - len(plans))
    # as an operator reads it
    shown = stack.kring_command("notices", next(iter(plans)))
    assert "pending" in shown and "last error:" in shown, shown
    assert stack.notices() == {}

    # the server comes back on the same port, into the same mailbox
    stack.smtp = SmtpServer(stack.smtp.folder, stack.smtp.port).start()
    assert_closed_loop(stack, plans)
    shown = stack.kring_command("notices", next(iter(plans)))
    assert "sent" in shown and "pending" not in shown, shown
