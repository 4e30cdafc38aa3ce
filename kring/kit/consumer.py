"""Consumers that read the raw message themselves, so no message can crash a service.

nameko's QueueConsumer lets kombu decode each body before the handler runs; a body that does
not decode (bad JSON under application/json, a content type we do not accept) raises inside the
consumer loop and takes the whole service down. Partners and operators can publish such
messages. Here kombu hands the undecoded message over, and the entrypoint decides what is
readable and where the unreadable goes.
"""
from functools import partial

from nameko.messaging import Consumer, QueueConsumer


class RawQueueConsumer(QueueConsumer):
    """nameko's QueueConsumer, delivering undecoded messages (kombu's on_message)."""

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
    """Base entrypoint: `handle_message(None, message)`; read message.body and properties."""

    queue_consumer = RawQueueConsumer()
