"""Small helpers for AMQP connections that every part of the kit shares."""
import logging

log = logging.getLogger(__name__)


def let_go(connection):
    """Release an AMQP connection that may be broken already: we only want it gone, and a
    dead connection that will not close says nothing an operator must act on."""
    try:
        connection.release()
    except Exception as exc:
        log.debug("a broken broker connection did not close cleanly: %s", exc)
