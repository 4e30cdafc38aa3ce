"""Whose is a referral that this stage has not heard of yet: the referral service says.

A stage (matching, casework, aftercare) learns of a referral by the referral service's events,
a moment after the referral service accepted it; after a burst, many seconds. A coordinator who
names such a referral is told `409 not_ready` with `Retry-After`, never the `404` of an id that
does not exist, and only when the rule table lets it see the referral; anyone else gets that
`404` word for word (docs/contract.md §4 "Error answers", kring.kit.access.Caller.reach_unheard).

The stage asks the referral service over RPC, and only on that miss path: it is the one service
that knows every accepted referral and its route the moment it accepts it (its row and its
`referral_received` are one transaction). Waiting for the event cannot know it, and a ticket
of the referral service carried by the client would be a second way to prove reach. The
answer is the route only (ids and organisations, no family data), and the call is the
stage's to audit. When the referral service does not answer in time the answer is `503`
`unavailable` for every id alike, so it says nothing of whether the referral exists. Each miss
opens a connection of its own for the call, as kring.gather does (some tens of milliseconds);
`Retry-After` keeps a polling client to one miss a second.

Only `recordIntake` needs it today: its body names the referral, which a coordinator learns
from the referral service. Proposals, cases and aftercare plans are named by ids their own
stage made, which the referral service learns from that stage's events, so no caller knows one
before its stage does.
"""
from nameko.exceptions import IncorrectSignature, MethodNotFound, RemoteError
from nameko.extensions import DependencyProvider

from kring.config import AMQP_SSL_KEY, AMQP_URI_KEY
from kring.errors import Unavailable
from kring.kit.access import Owner
from kring.rpc import call

SERVICE, METHOD = "referral", "referral_owner"  # services/referral/service.py
# a person waits on the answer; an idle referral service answers in milliseconds
TIMEOUT_SECONDS = 3


def owner_of(amqp_uri, referral_id, ssl=None, timeout=TIMEOUT_SECONDS):
    """The referral's Owner as the referral service knows it, None when it knows no such
    referral; Unavailable when it does not answer."""
    try:
        found = call(amqp_uri, SERVICE, METHOD, referral_id, timeout=timeout, ssl=ssl)
    except MethodNotFound:
        # a referral service from before `not_ready` (a rolling upgrade): the 404 of before,
        # which is the same for every id
        return None
    except (TimeoutError, OSError, RemoteError, IncorrectSignature):
        raise Unavailable("the referral service did not answer in time; try again") from None
    return Owner(**found) if found else None


class AcceptedReferrals(DependencyProvider):
    """`self.<name>(referral_id)`: kring.kit.unheard.owner_of on this service's broker."""

    def get_dependency(self, worker_ctx):
        config = self.container.config
        return lambda referral_id: owner_of(config[AMQP_URI_KEY], referral_id,
                                            ssl=config.get(AMQP_SSL_KEY))
