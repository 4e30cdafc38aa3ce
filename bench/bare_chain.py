"""The ceiling bench/throughput.py holds Kring against: bare nameko, no database, no outbox.

An `http` endpoint (POST /api/v1/hops) reads the JSON body and dispatches an event; five event
handlers in five other services each dispatch the next one, so one request makes a chain of
HOPS events, each dispatched and handled once. All services run in one process, as `kring run`
runs Kring's five, with nameko's default worker count like Kring. GET /api/v1/hops/stats says
how many hops each service has handled and (?since=N) how long each took from its dispatch.

    python bench/bare_chain.py PORT AMQP_URI      # prints "bare chain is running" when ready
"""
import eventlet

eventlet.monkey_patch()

import json  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

from nameko.events import EventDispatcher, event_handler  # noqa: E402
from nameko.runners import ServiceRunner  # noqa: E402
from nameko.web.handlers import http  # noqa: E402

HOPS = 5
STATS = {"handled": [0] * (HOPS + 1), "delays_ms": [], "last_handled": None}


class Entry:
    name = "bare_entry"
    dispatch = EventDispatcher()

    @http("POST", "/api/v1/hops")
    def submit(self, request):
        body = json.loads(request.get_data(as_text=True))
        hop_id = str(uuid.uuid4())
        self.dispatch("hop", {"id": hop_id, "ref": body.get("external_ref"), "hop": 1,
                              "at": time.time()})
        return 201, json.dumps({"id": hop_id})

    @http("GET", "/api/v1/hops/stats")
    def stats(self, request):
        """The counts, and the delays from the `since`-th on (none unless asked: the bench
        polls this while the chain works, and the list grows with every hop)."""
        since = int(request.args.get("since", len(STATS["delays_ms"])))
        return 200, json.dumps(dict(STATS, delays_count=len(STATS["delays_ms"]),
                                    delays_ms=STATS["delays_ms"][since:]))


def _hop_service(number):
    """The service of hop `number`: handles the previous one's event, dispatches the next."""
    source = "bare_entry" if number == 1 else f"bare_hop{number - 1}"

    class Hop:
        name = f"bare_hop{number}"
        dispatch = EventDispatcher()

        @event_handler(source, "hop")
        def on_hop(self, payload):
            now = time.time()
            STATS["handled"][number] += 1
            STATS["delays_ms"].append(round((now - payload["at"]) * 1000, 2))
            STATS["last_handled"] = now
            if number < HOPS:
                self.dispatch("hop", dict(payload, hop=number + 1, at=time.time()))
    Hop.__name__ = f"Hop{number}"
    return Hop


def main(port, amqp_uri):
    runner = ServiceRunner({"AMQP_URI": amqp_uri, "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}"})
    runner.add_service(Entry)
    for number in range(1, HOPS + 1):
        runner.add_service(_hop_service(number))
    signal.signal(signal.SIGTERM, lambda *_: eventlet.spawn_n(runner.stop))
    runner.start()
    print("bare chain is running", flush=True)
    runner.wait()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
