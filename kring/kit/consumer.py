"""Consumers that read the raw message themselves and never drop one they did not handle.

nameko's QueueConsumer lets kombu decode each body before the handler runs; a body that does
not decode (bad JSON under application/json, a content type we do not accept) raises inside the
consumer loop and takes the whole service down, and partners and operators can publish such
messages. Here kombu hands the undecoded message over and the entrypoint decides what is
readable. nameko also acknowledges a message whose handler raised; here it is retried with
back-off and finally parked (kring.kit.retry).

And a handler that finishes after the broker connection broke must not take the service down:
nameko guards its acknowledgement against amqp's own ConnectionError only, so the socket's
BrokenPipeError or ConnectionResetError killed the whole container (seen in bench/soak.py: a
broker restart with events in flight stopped `kring run`). The broker returns an unacknowledged
message to its queue when the channel dies; it comes again, and the inbox makes that harmless.
"""
import logging
from contextlib import contextmanager
from functools import partial

from nameko.messaging import Consumer, QueueConsumer
from nameko.rpc import Rpc, RpcConsumer

from kring.config import (AMQP_SSL_KEY, AMQP_URI_KEY, PREVIOUS_SECRET_KEY, RETRY_DELAYS_KEY,
                          SECRET_KEY)
from kring.kit import metrics
from kring.kit.db import Database
from kring.kit.failures import describe, keep_values_out_of_library_logs
from kring.kit.parking import ParkingLot
from kring.kit.retry import Retrier
from kring.kit.topology import configured_queue_type

log = logging.getLogger(__name__)
keep_values_out_of_library_logs()  # nameko logs a failed worker's exception: in safe words


class SettlingQueueConsumer(QueueConsumer):
    """nameko's QueueConsumer, surviving an ack or requeue on a connection that broke, and
    saying whether its consumers are attached now (kring.kit.readiness)."""

    attached = False

    def on_consume_ready(self, connection, channel, consumers, **kwargs):
        self.attached = True
        super().on_consume_ready(connection, channel, consumers, **kwargs)

    @contextmanager
    def extra_context(self, connection, channel):
        try:  # kombu leaves this context when the connection breaks or consuming stops
            yield
        finally:
            self.attached = False

    def ack_message(self, message):
        _settle(super().ack_message, message)

    def requeue_message(self, message):
        _settle(super().requeue_message, message)


def _settle(settle, message):
    try:
        settle(message)
    except OSError as exc:  # the socket under the channel is gone
        log.warning("could not settle a message on a broken connection (%s); the broker "
                    "delivers it again", describe(exc))


class RawQueueConsumer(SettlingQueueConsumer):
    """Delivering undecoded messages (kombu's on_message)."""

    def get_consumers(self, consumer_cls, channel):
        for provider in self._providers:
            consumer = consumer_cls(queues=[provider.queue],
                                    on_message=partial(self._on_raw_message, provider))
            consumer.qos(prefetch_count=self.prefetch_count)
            self._consumers[provider] = consumer
        return self._consumers.values()

    def _on_raw_message(self, provider, message):
        self.handle_message(provider, None, message)


class RawConsumer(Consumer):
    """Base entrypoint: `handle_message(None, message)`; read message.body and properties.

    Subclasses set `self.queue` in setup() before calling this setup().
    """

    queue_consumer = RawQueueConsumer()

    def setup(self):
        config = self.container.config
        self.retrier = Retrier(config[AMQP_URI_KEY], self.container.service_name,
                               self.queue.name, config[RETRY_DELAYS_KEY],
                               [config[SECRET_KEY], config[PREVIOUS_SECRET_KEY]],
                               self._parking_lot(), configured_queue_type(config),
                               ssl=config.get(AMQP_SSL_KEY))
        # before the queue consumer starts: a failure must always find its delay queue
        self.retrier.declare()
        super().setup()

    def handle_message(self, body, message):
        metrics.event_received(message)
        super().handle_message(body, message)

    def _parking_lot(self):
        """The service's database keeps what this consumer parks (kring.kit.parking)."""
        database = next((dependency for dependency in self.container.dependencies
                         if isinstance(dependency, Database)), None)
        if database is None:
            raise TypeError(f"{self.container.service_name} consumes messages but has no "
                            "Database: a message it parks needs one to be kept in")
        return ParkingLot(lambda: database.engine, database.metadata.tables["parked"])

    def handle_message_processed(self, message, result=None, exc_info=None):
        metrics.event_processed(self.container.service_name, self.queue.name, message,
                                failed=exc_info is not None)
        if exc_info is None:
            self.queue_consumer.ack_message(message)
            return
        self.set_aside(message, describe(exc_info[1]), park=False)

    def set_aside(self, message, error, park=True):
        """Retry later (or park for good), then acknowledge; if that fails, the broker keeps it."""
        try:
            if park:
                target = self.retrier.park(message, error)
            else:
                target = self.retrier.route_failure(message, error)
        except Exception as exc:
            log.error("could not set a failed message aside (%s); returning it to its queue",
                      describe(exc))
            self.queue_consumer.requeue_message(message)
            return
        self.queue_consumer.ack_message(message)
        metrics.event_set_aside(self.container.service_name, self.queue.name,
                                parked=target == self.retrier.dead.routing_key)


class _RpcConsumer(RpcConsumer):
    queue_consumer = SettlingQueueConsumer()


class SettlingRpc(Rpc):
    """nameko's rpc entrypoint on the settling queue consumer (operators' calls: status,
    notices) so a reply in flight during a broker restart cannot stop the service either."""
    rpc_consumer = _RpcConsumer()


rpc = SettlingRpc.decorator
