"""Retry with back-off, then the dead-letter queue: no acknowledgement drops an unhandled message.

nameko acknowledges a message whose handler raised, and the message is gone. Instead, a failed
message is republished to a delay queue of its consumer queue — `<queue>.retry.<ms>ms`, whose
TTL dead-letters it back to `<queue>` — and only then acknowledged. After the last delay it is
parked in the service's dead-letter queue, `kring.<service>.dead`, with the error, the queue it
came from, the number of attempts and when it was parked, for `kring dlq` to list, show, replay
or purge. The delay queues are RabbitMQ's own, so a waiting retry survives a restart of the
service. The error is said by kring.kit.failures, never in words that could hold family data;
the body is the event as it came, which for referral_received holds the referrer's address
(notify's) and for a partner's message the submission: the broker drops a parked message after
the retention period (the policy of kring.contracts.topology.dead_letter_policy).
"""
import logging

from kombu import Connection
from kombu.pools import producers

from kring.clock import iso, utcnow
from kring.kit.partner_identity import vouch_for
from kring.contracts.topology import CLASSIC
from kring.kit.topology import dead_letter_queue, delay_queue

log = logging.getLogger(__name__)

ATTEMPT_HEADER = "x-kring-attempt"
ERROR_HEADER = "x-kring-error"
QUEUE_HEADER = "x-kring-queue"
PARKED_AT_HEADER = "x-kring-parked-at"  # when it was parked: `kring dlq list` shows its age


class Retrier:
    """Where a failed message of one consumer queue goes next."""

    def __init__(self, amqp_uri, service, queue_name, delays, secrets, queue_type=CLASSIC):
        self.amqp_uri = amqp_uri
        self.secrets = secrets
        self.queue_name = queue_name
        self.delays = tuple(delays)
        self.queue_type = queue_type
        self.dead = dead_letter_queue(service, queue_type)

    def _connection(self):
        return Connection(self.amqp_uri, transport_options={"confirm_publish": True})

    def declare(self):
        """Delay queues and the dead-letter queue exist before any message can need them."""
        with self._connection() as connection:
            channel = connection.default_channel
            for seconds in self.delays:
                delay_queue(self.queue_name, seconds, self.queue_type)(channel).declare()
            self.dead(channel).declare()

    def route_failure(self, message, error):
        """Republish a failed message for a later attempt, or park it. Raises if it cannot."""
        headers = dict(message.headers or {})
        attempt = int(headers.get(ATTEMPT_HEADER, 0)) + 1
        headers.update({ATTEMPT_HEADER: attempt, ERROR_HEADER: error[:2000],
                        QUEUE_HEADER: self.queue_name})
        if attempt <= len(self.delays):
            target = delay_queue(self.queue_name, self.delays[attempt - 1]).routing_key
        else:
            target = self.dead.routing_key
            headers[PARKED_AT_HEADER] = iso(utcnow())
            log.error("parked in %s after %s attempts: %s", target, attempt, error)
        vouch_for(self.secrets, message, headers)
        properties = message.properties
        with producers[self._connection()].acquire(block=True) as producer:
            producer.publish(message.body, exchange="", routing_key=target,
                             headers=headers, content_type=message.content_type,
                             content_encoding=message.content_encoding,
                             message_id=properties.get("message_id"),
                             user_id=None, delivery_mode=2, retry=False)
        return target

    def park(self, message, error):
        """Straight to the dead-letter queue: a message no retry can make readable."""
        headers = dict(message.headers or {})
        headers[ATTEMPT_HEADER] = len(self.delays)
        return self.route_failure(_WithHeaders(message, headers), error)


class _WithHeaders:
    """A message seen with other headers (so `park` reuses the one publishing path)."""

    def __init__(self, message, headers):
        self._message, self.headers = message, headers

    def __getattr__(self, name):
        return getattr(self._message, name)
