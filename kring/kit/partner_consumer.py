"""The entrypoint for partner submissions on `kring.partner.in` (docs/contract.md §5).

It hands the service a PartnerMessage with what the broker vouches for (`user_id`) and the raw
body; reading and validating is the service's. Its queue, and the dead-letter queue operators
inspect, are declared when the service starts, so nothing a partner publishes is routed nowhere.
"""
from dataclasses import dataclass

from kombu import Queue, binding

from kring.config import AMQP_SSL_KEY, AMQP_URI_KEY
from kring.contracts.partner_queues import (DEAD_EXCHANGE, DEAD_QUEUE, IN_EXCHANGE, INBOUND_QUEUE,
                                            OUT_EXCHANGE, SUBMIT_KEY)
from kring.kit import correlation
from kring.kit.broker import connect
from kring.kit.consumer import RawConsumer
from kring.contracts.topology import CLASSIC, queue_arguments
from kring.kit.topology import configured_queue_type, topic_exchange
from kring.kit.partner_identity import vouched_user


@dataclass(frozen=True)
class PartnerMessage:
    partner: str | None  # the broker user that published it; None if the property is missing
    message_id: str | None
    content_type: str | None
    body: bytes


def partner_dead_letter_queue(queue_type=CLASSIC):
    exchange = topic_exchange(DEAD_EXCHANGE)
    return Queue(DEAD_QUEUE, exchange=exchange, routing_key="#", durable=True,
                 queue_arguments=queue_arguments(queue_type))


class PartnerInbound(RawConsumer):
    def __init__(self, **kwargs):
        super().__init__(queue=None, **kwargs)

    def setup(self):
        exchange = topic_exchange(IN_EXCHANGE)
        self.queue = Queue(INBOUND_QUEUE, durable=True,
                           bindings=[binding(exchange, routing_key=SUBMIT_KEY)],
                           queue_arguments=queue_arguments(
                               configured_queue_type(self.container.config)))
        super().setup()

    def start(self):
        config = self.container.config
        with connect(config[AMQP_URI_KEY], config.get(AMQP_SSL_KEY)) as connection:
            queue_type = configured_queue_type(config)
            partner_dead_letter_queue(queue_type)(connection.default_channel).declare()
            # the outbound exchange exists before the first partner binds a queue to it
            topic_exchange(OUT_EXCHANGE)(connection.default_channel).declare()
        super().start()

    def handle_message(self, _body, message):
        properties = message.properties
        body = message.body
        if isinstance(body, str):  # kombu hands over text when a content_encoding was given
            body = body.encode("utf-8")
        received = PartnerMessage(vouched_user(self.retrier.secrets, message),
                                  properties.get("message_id"), message.content_type, body)
        super().handle_message(received, message)

    def unpack_message_headers(self, message):
        """The worker's context: the partner's own correlation id or message id seeds the
        correlation id of everything the message causes, the reply first."""
        context = super().unpack_message_headers(message)
        context[correlation.WORKER_KEY] = correlation.of_message(message)
        return context


partner_inbound = PartnerInbound.decorator
