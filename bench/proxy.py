"""A tiny reverse proxy for bench/throughput.py: one HTTP entry in front of `kring run SERVICE`
processes, as the gateway of deploy/ is (nginx, which this machine may not have).

/api/v1/<segment>... goes to the service that owns <segment> (kring.deployment.routes()),
round-robin over that service's replicas; keep-alive on both sides, a thread per client
connection. Not for production: no timeouts tuned, no streaming, no TLS.

    python bench/proxy.py PORT ROUTES_JSON   # ROUTES_JSON: {"service": ["127.0.0.1:port", ...]}
"""
import http.client
import itertools
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kring.deployment import routes  # noqa: E402

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
              "proxy-authorization", "proxy-authenticate"}


def make_handler(upstreams):
    owners = routes()
    turns = {service: itertools.cycle(addresses) for service, addresses in upstreams.items()}
    lock = threading.Lock()
    local = threading.local()

    def connection(address):
        pool = getattr(local, "pool", None)
        if pool is None:
            pool = local.pool = {}
        if address not in pool:
            host, port = address.rsplit(":", 1)
            pool[address] = http.client.HTTPConnection(host, int(port), timeout=60)
        return pool[address]

    class Proxy(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _forward(self):
            parts = self.path.split("?")[0].split("/")
            service = owners.get(parts[3]) if len(parts) > 3 else None
            if service not in turns:  # health, the API document: every process serves them
                service = next(iter(turns))
            with lock:
                address = next(turns[service])
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            for attempt in (1, 2):  # a kept-alive upstream connection may have been closed
                upstream = connection(address)
                try:
                    upstream.request(self.command, self.path, body=body, headers=headers)
                    answer = upstream.getresponse()
                    data = answer.read()
                    break
                except (http.client.HTTPException, OSError):
                    upstream.close()
                    local.pool.pop(address, None)
                    if attempt == 2:
                        self.send_error(502)
                        return
            self.send_response(answer.status)
            for key, value in answer.getheaders():
                if key.lower() not in HOP_BY_HOP and key.lower() != "content-length":
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _forward

    return Proxy


def main(port, upstreams):
    server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(upstreams))
    server.daemon_threads = True
    print("proxy is running", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(int(sys.argv[1]), json.loads(sys.argv[2]))
