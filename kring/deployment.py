"""The deployment files that follow from the code: broker definitions and the gateway's routes.

`make docs` writes them (`python -m kring.deployment`), and a test fails when a file under
deploy/ differs from what this builds, so a queue added to the topology table or an operation
added to the API cannot be forgotten in the compose stack.

- deploy/rabbitmq/definitions.json: every exchange, queue and binding the services declare
  (the same names and the same arguments, or the broker would refuse the services' own declare
  with PRECONDITION_FAILED), the policy that drops a parked message after the retention
  period, the services' user and a worked example of a partner user.
- deploy/gateway/nginx.conf.template and deploy/k8s/ingress.yaml: one public entrance; each
  /api/v1/ path goes to the service that owns it. The nginx image fills the template in when
  the container starts (docker-compose.yml, gateway): the resolver is the container network's
  DNS server (deploy/gateway/resolver.envsh), which is not at the same address under Docker and
  podman.
"""
import base64
import hashlib
import json
import sys
from pathlib import Path

import yaml

from kring.config import DEFAULT_RETENTION_DAYS, DEFAULT_RETRY_DELAYS, SERVICES
from kring.contracts.api import OPERATIONS
from kring.contracts.partner_queues import (DEAD_EXCHANGE, DEAD_QUEUE, IN_EXCHANGE, INBOUND_QUEUE,
                                            OUT_EXCHANGE, SUBMIT_KEY, permissions)
from kring.contracts.topology import (SUBSCRIPTIONS, dead_letter_policy, dead_letter_queue_name,
                                      events_exchange_name, queue_name)
from kring.kit.topology import delay_queue

VHOST = "/"
SERVICE_USER = "kring"
EXAMPLE_PARTNER = "example-partner"
# Development passwords, so `docker compose up` works on a laptop as it is. Production changes
# both at once: `rabbitmqctl change_password kring …` (and AMQP_URI with it).
DEVELOPMENT_PASSWORDS = {SERVICE_USER: "kring", EXAMPLE_PARTNER: "example-partner"}
PUBLIC_SERVICE = "referral"  # health and the OpenAPI document: every service serves them
GATEWAY_PORT = 8000


def password_hash(password, salt):
    """RabbitMQ's rabbit_password_hashing_sha256: base64(salt + sha256(salt + password)).
    A fixed salt keeps the file reproducible; these are development passwords only."""
    digest = hashlib.sha256(salt + password.encode("utf-8")).digest()
    return base64.b64encode(salt + digest).decode("ascii")


def _user(name, tags):
    return {"name": name, "tags": tags,
            "password_hash": password_hash(DEVELOPMENT_PASSWORDS[name], name.encode()[:4]),
            "hashing_algorithm": "rabbit_password_hashing_sha256"}


def _exchange(name):
    return {"name": name, "vhost": VHOST, "type": "topic", "durable": True,
            "auto_delete": False, "internal": False, "arguments": {}}


def _queue(name, arguments=None):
    return {"name": name, "vhost": VHOST, "durable": True, "auto_delete": False,
            "arguments": dict(arguments or {})}


def _binding(exchange, queue, routing_key):
    return {"source": exchange, "vhost": VHOST, "destination": queue,
            "destination_type": "queue", "routing_key": routing_key, "arguments": {}}


def _consumer_queues(name, delays):
    """A consumer's queue, each of its delay queues, as kring.kit.retry declares them."""
    queues = [_queue(name)]
    for seconds in delays:
        delayed = delay_queue(name, seconds)
        queues.append(_queue(delayed.name, delayed.queue_arguments))
    return queues


def _policy(retention_days):
    """A parked message is dropped after the retention period: a policy, because a queue's
    own arguments cannot change once it exists (`kring dlq policy` prints the same for
    rabbitmqctl, for another KRING_RETENTION_DAYS or a broker that did not load this file)."""
    name, pattern, definition = dead_letter_policy(retention_days)
    return {"vhost": VHOST, "name": name, "pattern": pattern, "apply-to": "queues",
            "priority": 0, "definition": definition}


def broker_definitions(delays=DEFAULT_RETRY_DELAYS, retention_days=DEFAULT_RETENTION_DAYS):
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

    partner = permissions(EXAMPLE_PARTNER)
    return {
        "users": [_user(SERVICE_USER, ["administrator"]), _user(EXAMPLE_PARTNER, [])],
        "vhosts": [{"name": VHOST}],
        "permissions": [
            {"user": SERVICE_USER, "vhost": VHOST, "configure": ".*", "write": ".*",
             "read": ".*"},
            {"user": EXAMPLE_PARTNER, "vhost": VHOST, "configure": partner["configure"],
             "write": partner["write"], "read": partner["read"]},
        ],
        "topic_permissions": [dict(user=EXAMPLE_PARTNER, vhost=VHOST, **rule)
                              for rule in partner["topic"]],
        "parameters": [],
        "global_parameters": [],
        "policies": [_policy(retention_days)],
        "exchanges": sorted(exchanges.values(), key=lambda e: e["name"]),
        "queues": sorted(queues, key=lambda q: q["name"]),
        "bindings": sorted(bindings, key=lambda b: (b["source"], b["destination"],
                                                    b["routing_key"])),
    }


def routes():
    """{first path segment under /api/v1/: the service that owns it}."""
    owners = {}
    for operation in OPERATIONS.values():
        segment = operation.path.split("/")[3]
        service = PUBLIC_SERVICE if operation.service == "about" else operation.service
        if owners.setdefault(segment, service) != service:
            raise ValueError(f"/api/v1/{segment} is served by {owners[segment]} and {service}")
    return owners


def nginx_conf():
    lines = ["# Written by `make docs` (python -m kring.deployment): do not edit by hand.",
             "# One public port; each /api/v1/ path goes to the service that owns it.",
             "# A template: the nginx image writes it to /etc/nginx/nginx.conf on start, with",
             "# KRING_RESOLVER from deploy/gateway/resolver.envsh.",
             "events {}", "", "http {",
             "    # the container network's DNS (Docker's, podman's), re-read: a restarted",
             "    # container may come back on a new address",
             "    resolver ${KRING_RESOLVER} valid=10s ipv6=off;",
             "    client_max_body_size 256k;  # kring.kit.web.MAX_BODY_BYTES",
             "    server {",
             f"        listen {GATEWAY_PORT};"]
    for segment, service in sorted(routes().items()):
        lines += [f"        location = /api/v1/{segment} {{",
                  f"            set $upstream http://{service}:{GATEWAY_PORT};",
                  "            proxy_pass $upstream;",
                  "        }",
                  f"        location /api/v1/{segment}/ {{",
                  f"            set $upstream http://{service}:{GATEWAY_PORT};",
                  "            proxy_pass $upstream;",
                  "        }"]
    lines += ["        location / {",
              "            default_type application/json;",
              "            return 404 "
              "'{\"error\": \"not_found\", \"message\": \"no such resource\"}';",
              "        }", "    }", "}", ""]
    return "\n".join(lines)


def ingress():
    """The Kubernetes Ingress: the same routes as the gateway, to the services' Services."""
    paths = [{"path": f"/api/v1/{segment}", "pathType": "Prefix",
              "backend": {"service": {"name": service, "port": {"number": GATEWAY_PORT}}}}
             for segment, service in sorted(routes().items())]
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": "kring", "namespace": "kring"},
            "spec": {"rules": [{"http": {"paths": paths}}]}}


def rendered():
    return {
        "rabbitmq/definitions.json": json.dumps(broker_definitions(), indent=2) + "\n",
        "gateway/nginx.conf.template": nginx_conf(),
        "k8s/ingress.yaml": "# Written by `make docs` (python -m kring.deployment).\n"
                            + yaml.safe_dump(ingress(), sort_keys=False),
    }


def main(folder="deploy"):
    for name, text in rendered().items():
        path = Path(folder, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {folder}/{name}")


if __name__ == "__main__":
    main(*sys.argv[1:])
