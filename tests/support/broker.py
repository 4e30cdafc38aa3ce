"""The broker as a deployment sets it up, inside a test's own vhost: the generated definitions
(deploy/rabbitmq/definitions.json) and throw-away users with the permissions they give."""
import json
import secrets
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

from kring.deployment import VHOST

DEFINITIONS = Path(__file__).resolve().parents[2] / "deploy" / "rabbitmq" / "definitions.json"


def definitions():
    return json.loads(DEFINITIONS.read_text())


def load_definitions(rabbit_manager, vhost):
    """The vhost-level part of the file (users and permissions are the broker's, not a vhost's)."""
    loaded = definitions()
    assert {q["vhost"] for q in loaded["queues"]} == {VHOST}
    scoped = {kind: [dict(item, vhost=vhost) for item in loaded[kind]]
              for kind in ("exchanges", "queues", "bindings", "policies")}
    rabbit_manager._post("definitions", vhost, json=scoped)
    return loaded


@contextmanager
def user_like(rabbit_manager, rabbit_config, user):
    """A user of the test's own with the permissions the definitions give `user` on the test's
    vhost; yields its AMQP URI and deletes it afterwards."""
    vhost = rabbit_config["vhost"]
    loaded = definitions()
    (permission,) = [p for p in loaded["permissions"] if p["user"] == user]
    topic = [rule for rule in loaded["topic_permissions"] if rule["user"] == user]
    name, password = f"test-{user}-{vhost}", secrets.token_hex(12)
    rabbit_manager._put("users", name, json={"password": password, "tags": ""})
    try:
        rabbit_manager._put("permissions", vhost, name, json={
            kind: permission[kind] for kind in ("configure", "write", "read")})
        for rule in topic:
            rabbit_manager._put("topic-permissions", vhost, name, json={
                kind: rule[kind] for kind in ("exchange", "write", "read")})
        uri = urlparse(rabbit_config["AMQP_URI"])
        yield f"amqp://{name}:{password}@{uri.hostname}:{uri.port or 5672}/{vhost}"
    finally:
        rabbit_manager._delete("users", name)
