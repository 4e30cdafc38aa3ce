"""Whether this service can reach the broker right now, so the API can say 503 while it cannot.

The outbox would keep a referral accepted during a broker outage, but nothing downstream could
act on it: matching would not hear of it, no notice would go out, and the referrer would read
"received" while the flow stands still. So while the broker is away, the API refuses changes
with 503 and `Retry-After` (reads still work): the caller keeps the work and sends it again.

One green thread per service container holds an idle AMQP connection with heartbeats. A broker
that stops (`rabbitmqctl stop_app`, a restart) closes it at once; a broker that vanishes from
the network misses its heartbeats. Either way the flag drops within a few seconds, and rises
again on the next successful connect.
"""
import logging
import socket

import eventlet
from nameko.extensions import SharedExtension

from kring.config import AMQP_SSL_KEY, AMQP_URI_KEY
from kring.kit.broker import connect, let_go

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 4
CHECK_SECONDS = 1.0


class BrokerWatch(SharedExtension):
    """Shared by every `api` entrypoint of a container: one probe connection per service."""

    reachable = True  # nameko's consumers connected before the container started

    def setup(self):
        self.amqp_uri = self.container.config[AMQP_URI_KEY]
        self.ssl = self.container.config.get(AMQP_SSL_KEY)
        self._connection = None
        self._thread = None

    def start(self):
        if self._changes_anything():
            self._thread = self.container.spawn_managed_thread(self._watch)

    def _changes_anything(self):
        """Only an operation that changes something asks (the about service's only read): a
        process without one, the portal's alone, holds no connection to a broker it never
        needs, and logs no outage of it."""
        return any(getattr(getattr(entrypoint, "operation", None), "method", "GET") != "GET"
                   for entrypoint in self.container.entrypoints)

    def stop(self):
        if self._thread is not None:
            self._thread.kill()
        self._close()

    def kill(self):
        self.stop()

    def _watch(self):
        while True:
            try:
                self._connect()
                self._set(True)
                while True:  # idle: only heartbeats and the broker's own close ever arrive
                    try:
                        self._connection.drain_events(timeout=CHECK_SECONDS)
                    except socket.timeout:
                        self._connection.heartbeat_check()
            except Exception as exc:  # any failure of the connection means: not reachable
                self._set(False, exc)
                self._close()
                eventlet.sleep(CHECK_SECONDS)  # the pause between reconnect attempts

    def _connect(self):
        self._connection = connect(self.amqp_uri, self.ssl, heartbeat=HEARTBEAT_SECONDS,
                                   connect_timeout=CHECK_SECONDS * 3)
        self._connection.connect()

    def _set(self, reachable, error=None):
        if reachable != self.reachable:
            if reachable:
                log.info("%s: the broker is reachable again; accepting changes",
                         self.container.service_name)
            else:
                log.warning("%s: the broker is unreachable (%s); changes get 503 until it is back",
                            self.container.service_name, error)
        self.reachable = reachable

    def _close(self):
        connection, self._connection = self._connection, None
        if connection is not None:
            let_go(connection)
