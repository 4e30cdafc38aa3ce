"""Acknowledging on a connection that broke under a running handler must not stop the service.

nameko guards its ack against amqp's ConnectionError only, so the socket's own error
(BrokenPipeError, ConnectionResetError) escaped into the worker and killed the container and,
with it, `kring run` (bench/soak.py found it: a broker restart while handlers ran). The message
is not lost: the broker requeues what was unacknowledged when the connection dies.
"""
import socket

import pytest
from kombu import Connection, Queue
from nameko.messaging import QueueConsumer

from kring.kit.consumer import SettlingQueueConsumer


@pytest.fixture
def held_message(rabbit_config):
    """A real message, received and not yet acknowledged, on a connection whose socket then
    dies under it without the client having read a word about it."""
    with Connection(rabbit_config["AMQP_URI"]) as connection:
        queue = Queue("test.broken", durable=False, auto_delete=False)(connection.default_channel)
        queue.declare()
        connection.Producer().publish({"n": 1}, routing_key="test.broken", serializer="json")
        message = None
        while message is None:  # basic_get: the broker has it as soon as the publish returned
            message = queue.get(no_ack=False)
        connection.connection.sock.shutdown(socket.SHUT_RDWR)
        yield message
        try:
            connection.release()
        except OSError:
            pass
    with Connection(rabbit_config["AMQP_URI"]) as connection:
        requeued = Queue("test.broken")(connection.default_channel).get(no_ack=True)
        assert requeued is not None and requeued.payload == {"n": 1}, "the message was lost"


def test_nameko_alone_raises_on_that_socket(held_message):
    """The premise: nameko's own consumer lets the socket's error out of its ack."""
    with pytest.raises(OSError):
        QueueConsumer().ack_message(held_message)


def test_acknowledging_on_a_broken_connection_is_survived(held_message):
    SettlingQueueConsumer().ack_message(held_message)


def test_requeueing_on_a_broken_connection_is_survived(held_message):
    SettlingQueueConsumer().requeue_message(held_message)
