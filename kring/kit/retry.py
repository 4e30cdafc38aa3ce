"""Retry with back-off, then parking: no acknowledgement drops an unhandled message.

nameko acknowledges a message whose handler raised, and the message is gone. Instead, a failed
message is republished to a delay queue of its consumer queue — `<queue>.retry.<ms>ms`, whose
TTL dead-letters it back to `<queue>` — and only then acknowledged. After the last delay it is
parked: its body, which may hold family data (a referral_received carries the referrer's
address, a partner's submission is the whole referral), is kept sealed in the service's own
database (kring.kit.parking), and the service's dead-letter queue `kring.<service>.dead` gets a
note without the body: the row's id, the message type, the queue it came from, the number of
attempts, the error and when it was parked, for `kring dlq` to list, show, replay or purge. The
delay queues are RabbitMQ's own, so a waiting retry survives a restart of the service. The error
is said by kring.kit.failures, never in words that could hold family data. While the database
cannot take a body (it is away), the message waits at the last delay and is tried again.
"""
import json
import logging

from kombu.pools import producers

from kring.clock import iso, utcnow
from kring.kit.broker import connect
from kring.kit.failures import describe
from kring.kit.parking import NOTE_TYPE, PARKED_ID_HEADER, TYPE_HEADER, type_of
from kring.kit.partner_identity import vouch_for
from kring.contracts.topology import CLASSIC
from kring.kit.topology import dead_letter_queue, delay_queue

log = logging.getLogger(__name__)

ATTEMPT_HEADER = "x-kring-attempt"
ERROR_HEADER = "x-kring-error"
QUEUE_HEADER = "x-kring-queue"
PARKED_AT_HEADER = "x-kring-parked-at"  # when it was parked: `kring dlq list` shows its age
# what a parked message's note carries, and what a replay leaves out (the attempts start anew)
NOTE_HEADERS = (ATTEMPT_HEADER, ERROR_HEADER, QUEUE_HEADER, PARKED_AT_HEADER, PARKED_ID_HEADER,
                TYPE_HEADER)
RETRY_HEADERS = (ATTEMPT_HEADER, ERROR_HEADER, QUEUE_HEADER, PARKED_AT_HEADER,
                 PARKED_ID_HEADER)


class Retrier:
    """Where a failed message of one consumer queue goes next. `lot`: where a parked body is
    kept (kring.kit.parking.ParkingLot, the service's database)."""

    def __init__(self, amqp_uri, service, queue_name, delays, secrets, lot, queue_type=CLASSIC,
                 ssl=None):
        self.amqp_uri, self.ssl = amqp_uri, ssl
        self.secrets = secrets
        self.queue_name = queue_name
        self.delays = tuple(delays)
        self.queue_type = queue_type
        self.dead = dead_letter_queue(service, queue_type)
        self.lot = lot

    def _connection(self):
        return connect(self.amqp_uri, self.ssl, transport_options={"confirm_publish": True})

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
        if not headers.get(TYPE_HEADER):  # the first failure: its routing key is still its own
            headers[TYPE_HEADER] = type_of(message)
        vouch_for(self.secrets, message, headers)
        if attempt <= len(self.delays):
            return self._publish(message, message.body, self._delay(attempt), headers)
        return self._park(message, headers, attempt, error)

    def _delay(self, attempt):
        return delay_queue(self.queue_name, self.delays[attempt - 1]).routing_key

    def _park(self, message, headers, attempt, error):
        """The body into the service's database, a note of it into the dead-letter queue."""
        now = utcnow()
        try:
            parked_id = self.lot.keep(message, headers, error[:2000], attempt, self.queue_name,
                                      now)
        except Exception as exc:
            if not self.delays:
                raise
            # nowhere to keep the body but the broker: it waits at the last delay, and the
            # failure after it parks it again
            log.warning("could not park a message of %s (%s); it waits %gs and is tried again",
                        self.queue_name, describe(exc), self.delays[-1])
            headers[ATTEMPT_HEADER] = len(self.delays)
            return self._publish(message, message.body, self._delay(len(self.delays)), headers)
        note = {key: headers[key] for key in NOTE_HEADERS if headers.get(key) is not None}
        note.update({PARKED_AT_HEADER: iso(now), PARKED_ID_HEADER: parked_id})
        log.error("parked in %s after %s attempts: %s", self.dead.routing_key, attempt, error)
        try:
            return self._publish(message, json.dumps(
                {"parked_id": parked_id, "type": note.get(TYPE_HEADER)}).encode(),
                self.dead.routing_key, note, content_type=NOTE_TYPE, content_encoding="utf-8")
        except Exception:
            self._forget(parked_id)  # no note names it: the message goes back to its queue
            raise

    def _forget(self, parked_id):
        try:
            self.lot.discard(parked_id)
        except Exception as exc:  # left for the retention period to remove
            log.warning("could not remove parked message %s (%s)", parked_id, describe(exc))

    def _publish(self, message, body, target, headers, **overrides):
        properties = dict({"content_type": message.content_type,
                           "content_encoding": message.content_encoding}, **overrides)
        with producers[self._connection()].acquire(block=True) as producer:
            # the correlation id travels with the retry: the later attempt is the same story
            producer.publish(body, exchange="", routing_key=target, headers=headers,
                             message_id=message.properties.get("message_id"),
                             correlation_id=message.properties.get("correlation_id"),
                             user_id=None, delivery_mode=2, retry=False, **properties)
        return target

    def park(self, message, error):
        """Straight to parking: a message no retry can make readable."""
        headers = dict(message.headers or {})
        headers[ATTEMPT_HEADER] = len(self.delays)
        return self.route_failure(_WithHeaders(message, headers), error)


class _WithHeaders:
    """A message seen with other headers (so `park` reuses the one publishing path)."""

    def __init__(self, message, headers):
        self._message, self.headers = message, headers

    def __getattr__(self, name):
        return getattr(self._message, name)
