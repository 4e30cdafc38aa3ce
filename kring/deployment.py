"""The deployment files that follow from the code: broker definitions and the gateway's routes.

`make docs` writes them (`python -m kring.deployment`), and a test fails when a file under
deploy/ differs from what this builds, so a queue added to the topology table or an operation
added to the API cannot be forgotten in the compose stack.

- deploy/rabbitmq/definitions.json: every exchange, queue and binding the services declare
  (the same names and the same arguments, or the broker would refuse the services' own declare
  with PRECONDITION_FAILED), the policy that drops a parked message after the retention
  period, the operators' user, one user per service with exactly its permissions
  (kring.contracts.broker_users) and a worked example of a partner user. The queues are quorum
  queues (KRING_QUEUE_TYPE=quorum, as compose and Kubernetes run the services).
- deploy/gateway/nginx.conf.template and deploy/k8s/ingress.yaml: one public entrance; each
  /api/v1/ path goes to the service that owns it, each of the portal's paths (its route
  table, services/portal/routes.py, and its static files) to the portal, and anything else is
  a 404 at the entrance. The nginx image fills the template in when
  the container starts (docker-compose.yml, gateway): the resolver is the container network's
  DNS server (deploy/gateway/resolver.envsh), which is not at the same address under Docker and
  podman.
"""
import base64
import hashlib
import json
import os
import re
import sys
from pathlib import Path

import yaml

from kring.config import DEFAULT_RETENTION_DAYS, DEFAULT_RETRY_DELAYS, SERVICES
from kring.contracts.broker_users import OPERATOR_USER, service_permissions, service_user
from kring.contracts.api import OPERATIONS
from kring.contracts.partner_queues import (DEAD_EXCHANGE, DEAD_QUEUE, IN_EXCHANGE, INBOUND_QUEUE,
                                            OUT_EXCHANGE, SUBMIT_KEY, permissions)
from kring.contracts.topology import (QUORUM, SUBSCRIPTIONS, dead_letter_policy,
                                      dead_letter_queue_name, events_exchange_name, queue_arguments,
                                      queue_name)
from kring.kit.topology import delay_queue

VHOST = "/"
EXAMPLE_PARTNER = "example-partner"
# The queue type of the deployments that load this file (docker-compose.yml, deploy/k8s/)
QUEUE_TYPE = QUORUM
# Development passwords (each the user's own name), so `docker compose up` works on a laptop as
# it is. Never on a real broker: README "Broker users and their passwords".
DEVELOPMENT_PASSWORDS = {name: name for name in
                         (OPERATOR_USER, *map(service_user, SERVICES), EXAMPLE_PARTNER)}
PUBLIC_SERVICE = "referral"  # health and the OpenAPI document: every service serves them
PORTAL = "portal"  # the web app, in a container (a Deployment) of its own
GATEWAY_PORT = 8000
GATEWAY_TLS_PORT = 8443  # HTTPS at the gateway (docker-compose.yml publishes it)


def password_hash(password, salt):
    """RabbitMQ's rabbit_password_hashing_sha256: base64(salt + sha256(salt + password)).
    A fixed salt keeps the file reproducible; these are development passwords only."""
    digest = hashlib.sha256(salt + password.encode("utf-8")).digest()
    return base64.b64encode(salt + digest).decode("ascii")


def _user(name, tags, password=None):
    """With the development password (and a fixed salt) unless given one (and a random salt)."""
    if password is None:
        password, salt = DEVELOPMENT_PASSWORDS[name], name.encode()[:4]
    else:
        salt = os.urandom(4)
    return {"name": name, "tags": tags, "password_hash": password_hash(password, salt),
            "hashing_algorithm": "rabbit_password_hashing_sha256"}


def password_variable(user):
    """The environment variable `kring broker definitions` reads `user`'s password from."""
    return "KRING_BROKER_PASSWORD_" + re.sub(r"[^A-Z0-9]", "_", user.upper())


def _exchange(name):
    return {"name": name, "vhost": VHOST, "type": "topic", "durable": True,
            "auto_delete": False, "internal": False, "arguments": {}}


def _queue(name, arguments=None):
    return {"name": name, "vhost": VHOST, "durable": True, "auto_delete": False,
            "arguments": dict(queue_arguments(QUEUE_TYPE) if arguments is None else arguments)}


def _binding(exchange, queue, routing_key):
    return {"source": exchange, "vhost": VHOST, "destination": queue,
            "destination_type": "queue", "routing_key": routing_key, "arguments": {}}


def _consumer_queues(name, delays):
    """A consumer's queue, each of its delay queues, as kring.kit.retry declares them."""
    queues = [_queue(name)]
    for seconds in delays:
        delayed = delay_queue(name, seconds, QUEUE_TYPE)
        queues.append(_queue(delayed.name, delayed.queue_arguments))
    return queues


def _policy(retention_days):
    """A parked message is dropped after the retention period: a policy, because a queue's
    own arguments cannot change once it exists (`kring dlq policy` prints the same for
    rabbitmqctl, for another KRING_RETENTION_DAYS or a broker that did not load this file)."""
    name, pattern, definition = dead_letter_policy(retention_days)
    return {"vhost": VHOST, "name": name, "pattern": pattern, "apply-to": "queues",
            "priority": 0, "definition": definition}


def broker_users():
    """[(user, tags, permissions)]: the operators' administrator, a user per service, and the
    example partner."""
    everything = {"configure": ".*", "write": ".*", "read": ".*"}
    return ([(OPERATOR_USER, ["administrator"], everything)]
            + [(service_user(service), [], service_permissions(service)) for service in SERVICES]
            + [(EXAMPLE_PARTNER, [], permissions(EXAMPLE_PARTNER))])


def broker_definitions(delays=DEFAULT_RETRY_DELAYS, retention_days=DEFAULT_RETENTION_DAYS,
                       passwords=None):
    """The definitions file; `passwords` {user: password} replaces the development ones, and
    a user it leaves out is left out (the example partner, unless wanted)."""
    exchanges, queues, bindings = {}, [], []
    for consumer, handler, source, event_types in SUBSCRIPTIONS:
        exchange = events_exchange_name(source)
        exchanges[exchange] = _exchange(exchange)
        name = queue_name(consumer, handler, source)
        queues += _consumer_queues(name, delays)
        bindings += [_binding(exchange, name, event_type) for event_type in event_types]
    for service in SERVICES:  # every service emits events, also those nobody consumes yet
        exchanges.setdefault(events_exchange_name(service),
                             _exchange(events_exchange_name(service)))
    for name in (IN_EXCHANGE, OUT_EXCHANGE, DEAD_EXCHANGE):
        exchanges[name] = _exchange(name)
    queues += _consumer_queues(INBOUND_QUEUE, delays)
    queues.append(_queue(DEAD_QUEUE))
    bindings += [_binding(IN_EXCHANGE, INBOUND_QUEUE, SUBMIT_KEY),
                 _binding(DEAD_EXCHANGE, DEAD_QUEUE, "#")]
    consumers = {row[0] for row in SUBSCRIPTIONS} | {"referral"}  # referral: partner inbound
    queues += [_queue(dead_letter_queue_name(service)) for service in sorted(consumers)]

    users = broker_users()
    if passwords is not None:
        users = [user for user in users if user[0] in passwords]
    return {
        "users": [_user(name, tags, None if passwords is None else passwords[name])
                  for name, tags, _ in users],
        "vhosts": [{"name": VHOST}],
        "permissions": [{"user": name, "vhost": VHOST, "configure": rules["configure"],
                         "write": rules["write"], "read": rules["read"]}
                        for name, _, rules in users],
        "topic_permissions": [dict(user=name, vhost=VHOST, **rule)
                              for name, _, rules in users for rule in rules.get("topic", [])],
        "parameters": [],
        "global_parameters": [],
        "policies": [_policy(retention_days)],
        "exchanges": sorted(exchanges.values(), key=lambda e: e["name"]),
        "queues": sorted(queues, key=lambda q: q["name"]),
        "bindings": sorted(bindings, key=lambda b: (b["source"], b["destination"],
                                                    b["routing_key"])),
    }


# paths whose query may carry a secret (a self-referral's confirmation token,
# docs/contract.md §4 "Self-referral"): the gateway keeps no access log of them
TOKENS_IN_QUERY = ("self-referrals",)
# the portal's paths that carry a secret in the path itself: a one-time sign-in link
TOKENS_IN_PATH = ("login",)


def routes():
    """{first path segment under /api/v1/: the service that owns it}."""
    owners = {}
    for operation in OPERATIONS.values():
        segment = operation.path.split("/")[3]
        service = PUBLIC_SERVICE if operation.service == "about" else operation.service
        if owners.setdefault(segment, service) != service:
            raise ValueError(f"/api/v1/{segment} is served by {owners[segment]} and {service}")
    return owners


def portal_paths():
    """The first segments of the portal's paths, sorted: its route table and its static files
    ("" is its home page, `/`). Everything else outside /api/v1/ is no page of Kring's."""
    from services.portal.routes import ROUTES
    from services.portal.web import STATIC_PATH
    segments = {path.split("/")[1] for _, _, path, _ in ROUTES} | {STATIC_PATH.split("/")[1]}
    if "api" in segments:
        raise ValueError("the portal may not claim /api: the API is there")
    return sorted(segments)


def _by_name(service):
    """The service's address as the container network's DNS has it."""
    return [f"            set $upstream http://{service}:{GATEWAY_PORT};",
            "            proxy_pass $upstream;"]


def _location(match, service, headers=(), quiet=False, why=None, to=_by_name):
    return [f"        location {match} {{",
            *to(service),
            *(f"            proxy_set_header {header};" for header in headers),
            *([f"            # {why}: never in a log", "            access_log off;"]
              if quiet else []),
            "        }"]


# The portal gets the host the browser asked for: a plain-http visit to this machine itself
# gets a session cookie without Secure (docs/contract.md §4 "The portal"). A location that sets
# a header of its own inherits none of the server's, so those are repeated.
PORTAL_HEADERS = ("Host $host", "X-Request-Id $kring_request_id",
                  "X-Forwarded-For $proxy_add_x_forwarded_for")


def _portal_locations():
    lines = _location("= /", PORTAL, PORTAL_HEADERS)
    for segment in portal_paths():
        if segment:
            quiet = segment in TOKENS_IN_PATH
            lines += _location(f"= /{segment}", PORTAL, PORTAL_HEADERS)
            lines += _location(f"/{segment}/", PORTAL, PORTAL_HEADERS, quiet=quiet,
                               why="a sign-in link carries its token in the path")
    return lines


def nginx_conf():
    lines = ["# Written by `make docs` (python -m kring.deployment): do not edit by hand.",
             "# One public entrance (HTTPS, and plain HTTP for the machine itself); each /api/v1/",
             "# path goes to the service that owns it, each of the portal's paths to the portal.",
             "# A template: the nginx image writes it to /etc/nginx/nginx.conf on start, with",
             "# KRING_RESOLVER from deploy/gateway/resolver.envsh.",
             "events {}", "", "http {",
             "    # the container network's DNS (Docker's, podman's), re-read: a restarted",
             "    # container may come back on a new address",
             "    resolver ${KRING_RESOLVER} valid=10s ipv6=off;",
             *_REQUEST_ID_MAP,
             "    server {",
             f"        listen {GATEWAY_PORT};",
             "        # HTTPS: the certificate of docker-compose.yml's gateway-certificate, or",
             "        # one of your own mounted in its place",
             f"        listen {GATEWAY_TLS_PORT} ssl;",
             "        ssl_certificate /etc/nginx/tls/tls.crt;",
             "        ssl_certificate_key /etc/nginx/tls/tls.key;",
             "        ssl_protocols TLSv1.2 TLSv1.3;",
             *_FORWARDED_HEADERS,
             *_api_locations(_by_name),
             *_portal_locations(),
             *_NOT_FOUND, "    }", "}", ""]
    return "\n".join(lines)


def local_nginx_conf(upstreams, port, folder):
    """The gateway for `kring run SERVICE` processes on this machine (bench/throughput.py):
    the API routes of `nginx_conf`, to `upstreams` ({service: ["127.0.0.1:8101", ...]},
    round-robin over a service's replicas, connections kept open), listening on
    127.0.0.1:`port`, with its pid, log and temporary files in `folder`, so that it runs as any
    user: `nginx -p FOLDER -e FOLDER/error.log -c FOLDER/nginx.conf -g 'daemon off;'`."""
    folder = Path(folder)
    lines = ["# Written by kring.deployment.local_nginx_conf for processes on this machine.",
             "worker_processes 1;", f"pid {folder / 'nginx.pid'};",
             f"error_log {folder / 'error.log'} warn;", "events {}", "", "http {",
             "    access_log off;",
             *[f"    {kind}_temp_path {folder / kind};"
               for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")],
             *_REQUEST_ID_MAP]
    for service, addresses in sorted(upstreams.items()):
        lines += [f"    upstream {service} {{",
                  *[f"        server {address};" for address in addresses],
                  "        keepalive 32;", "    }"]
    lines += ["    server {", f"        listen 127.0.0.1:{port};",
              "        proxy_http_version 1.1;  # keep-alive to the services",
              "        proxy_set_header Connection \"\";",
              *_FORWARDED_HEADERS,
              *_api_locations(lambda service: [f"            proxy_pass http://{service};"]),
              *_NOT_FOUND, "    }", "}", ""]
    return "\n".join(lines)


_REQUEST_ID_MAP = [
    "    client_max_body_size 256k;  # kring.kit.web.MAX_BODY_BYTES",
    "    # every request gets a correlation id (docs/contract.md §8): the client's",
    "    # X-Request-Id, else one the gateway makes; the service answers it back",
    "    map $http_x_request_id $kring_request_id {",
    "        default $http_x_request_id;",
    "        \"\" $request_id;",
    "    }"]
_FORWARDED_HEADERS = [
    "        proxy_set_header X-Request-Id $kring_request_id;",
    "        # the caller's address, for the limits of public operations; the services",
    "        # believe it from the addresses of KRING_TRUSTED_PROXIES only",
    "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;"]
_NOT_FOUND = [
    "        location / {",
    "            default_type application/json;",
    "            add_header X-Request-Id $kring_request_id always;",
    "            return 404 '{\"error\": \"not_found\", \"message\": \"no such resource\"}';",
    "        }"]


def _api_locations(to):
    """Each /api/v1/ segment to the service that owns it; `to(service)`: the lines that send a
    request there."""
    lines = []
    for segment, service in sorted(routes().items()):
        lines += _location(f"= /api/v1/{segment}", service, to=to)
        lines += _location(f"/api/v1/{segment}/", service, quiet=segment in TOKENS_IN_QUERY,
                           why="a confirmation link carries its token in the query", to=to)
    return lines


# The Ingress's public name and the Secret with its certificate: placeholders an operator sets
# (deploy/k8s/README.md, "HTTPS"); cert-manager can fill the Secret.
INGRESS_HOST = "kring.example.org"
INGRESS_TLS_SECRET = "kring-tls"


def ingresses():
    """The Kubernetes Ingresses: the same routes as the gateway, to the services' Services and
    the portal's, over HTTPS only (plain HTTP is redirected; the certificate is in
    INGRESS_TLS_SECRET). A Prefix path matches whole segments: `/reports` is not
    `/reports.csv`, which is a path of its own. The paths that carry a secret (a
    self-referral's confirmation, a sign-in link) are a second Ingress of the same host without
    an access log, as the gateway keeps none of them; ingress-nginx merges the two."""
    def path(value, service, kind="Prefix"):
        return {"path": value, "pathType": kind,
                "backend": {"service": {"name": service, "port": {"number": GATEWAY_PORT}}}}
    logged, unlogged = [], []
    for segment, service in sorted(routes().items()):
        (unlogged if segment in TOKENS_IN_QUERY else logged).append(
            path(f"/api/v1/{segment}", service))
    for segment in portal_paths():
        (unlogged if segment in TOKENS_IN_PATH else logged).append(
            path(f"/{segment}", PORTAL) if segment else path("/", PORTAL, "Exact"))
    return [_ingress("kring", logged, {}),
            _ingress("kring-unlogged", unlogged,
                     {"nginx.ingress.kubernetes.io/enable-access-log": "false"})]


def _ingress(name, paths, annotations):
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": name, "namespace": "kring", "annotations": {
                "nginx.ingress.kubernetes.io/ssl-redirect": "true",
                "nginx.ingress.kubernetes.io/force-ssl-redirect": "true", **annotations}},
            "spec": {"tls": [{"hosts": [INGRESS_HOST], "secretName": INGRESS_TLS_SECRET}],
                     "rules": [{"host": INGRESS_HOST, "http": {"paths": paths}}]}}


def rendered():
    return {
        "rabbitmq/definitions.json": json.dumps(broker_definitions(), indent=2) + "\n",
        "gateway/nginx.conf.template": nginx_conf(),
        "k8s/ingress.yaml": "# Written by `make docs` (python -m kring.deployment).\n"
                            + yaml.safe_dump_all(ingresses(), sort_keys=False),
    }


def main(folder="deploy"):
    for name, text in rendered().items():
        path = Path(folder, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {folder}/{name}")


if __name__ == "__main__":
    main(*sys.argv[1:])
