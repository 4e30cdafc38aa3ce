"""Small helpers for AMQP connections that every part of the kit shares."""
import logging

from kombu import Connection

log = logging.getLogger(__name__)


def let_go(connection):
    """Release an AMQP connection that may be broken already: we only want it gone, and a
    dead connection that will not close says nothing an operator must act on."""
    try:
        connection.release()
    except Exception as exc:
        log.debug("a broken broker connection did not close cleanly: %s", exc)


def connect(amqp_uri, ssl=None, **options):
    """A kombu connection to `amqp_uri`. `ssl` is the TLS options of an `amqps://` broker (the
    CA that signed its certificate, and our client certificate if it asks for one: AMQP_SSL
    in the config, made by kring.config), the same options nameko's own connections get; None
    for plain `amqp://`, or for `amqps://` checked against the system's CAs."""
    return Connection(amqp_uri, ssl=ssl or False, **options)
