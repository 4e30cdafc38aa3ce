"""deploy/rabbitmq/definitions.json against the real broker.

The compose stack loads the definitions before any service starts; then every service declares
its own queues again. If a name or an argument differed, RabbitMQ would refuse that declare
(PRECONDITION_FAILED) and the service would not start. So: load the file's exchanges, queues
and bindings into a fresh vhost, start all five services on it, and see them run and route.
"""
import json

import pytest
from amqp.exceptions import AccessRefused
from kombu import Connection

from kring.cli import main
from kring.config import QUEUE_TYPE_KEY, SERVICES, SMTP_KEY
from kring.contracts.broker_users import OPERATOR_USER, service_user
from kring.deployment import DEVELOPMENT_PASSWORDS, EXAMPLE_PARTNER, QUEUE_TYPE, password_variable
from kring.about import AboutService
from kring.registry import SERVICE_CLASSES, load_service
from tests.support.api import token
from tests.support.broker import definitions, load_definitions
from tests.support.sample import referral_body
from tests.support.waiting import eventually


def test_the_services_start_on_the_definitions_and_events_are_routed(
        rabbit_manager, rabbit_config, runner_factory, sqlite_config, web_config_port, api):
    defined = load_definitions(rabbit_manager, rabbit_config["vhost"])
    loaded = {q["name"] for q in rabbit_manager.get_queues(rabbit_config["vhost"])}
    assert loaded == {q["name"] for q in defined["queues"]}

    config = dict(sqlite_config)
    config[SMTP_KEY] = None
    config[QUEUE_TYPE_KEY] = QUEUE_TYPE  # the definitions' quorum queues
    runner = runner_factory(config, *[load_service(name) for name in SERVICE_CLASSES],
                            AboutService)
    runner.start()  # PRECONDITION_FAILED on any queue would raise here

    # nothing the services declared is missing from the file: no queue appeared on start
    # (RPC reply and request queues are nameko's own, made per process)
    after = {q["name"] for q in rabbit_manager.get_queues(rabbit_config["vhost"])}
    assert {name for name in after - loaded if not name.startswith("rpc")} == set()

    created = api.post("/referrals", token(), json=referral_body("DEF-1"))
    assert created.status_code == 201, created.text
    referral_id = created.json()["referral_id"]
    # referral -> matching (referral_received) and matching -> referral (intake_recorded)
    eventually(lambda: api.post("/intakes", token("home-start-oost", "coordinator"), json={
        "referral_id": referral_id, "fits": False, "reason": "elsewhere"}).status_code == 201,
        what="matching to hear of the referral")
    eventually(lambda: api.get(f"/referrals/{referral_id}", token()).json()["status"]
               == "closed", what="the referral to close as declined")


def test_the_development_password_hashes_let_their_users_in(rabbit_manager, rabbit_config):
    """The file carries hashes, not passwords: the broker must read them as we computed them."""
    vhost = rabbit_config["vhost"]
    for user in definitions()["users"]:
        name = f"test-{user['name']}-{vhost}"  # a throw-away user with the file's hash
        rabbit_manager._put("users", name, json={
            "password_hash": user["password_hash"], "tags": "",
            "hashing_algorithm": user["hashing_algorithm"]})
        try:
            rabbit_manager.set_vhost_permissions(vhost, name, ".*", ".*", ".*")
            password = DEVELOPMENT_PASSWORDS[user["name"]]
            with Connection(f"amqp://{name}:{password}@127.0.0.1:5672/{vhost}") as connection:
                connection.connect()
            with pytest.raises(AccessRefused):
                with Connection(f"amqp://{name}:wrong@127.0.0.1:5672/{vhost}") as wrong:
                    wrong.connect()
        finally:
            rabbit_manager._delete("users", name)


def test_the_definitions_for_a_real_broker_carry_the_passwords_given(
        rabbit_manager, rabbit_config, monkeypatch, capsys):
    """`kring broker definitions`: a hash of the password from the environment, salted anew."""
    for user in [OPERATOR_USER, *map(service_user, SERVICES)]:
        monkeypatch.setenv(password_variable(user), f"real-{user}-password")
    assert main(["broker", "definitions"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert EXAMPLE_PARTNER not in {user["name"] for user in printed["users"]}
    (notify,) = [user for user in printed["users"] if user["name"] == service_user("notify")]
    (development,) = [user for user in definitions()["users"]
                      if user["name"] == service_user("notify")]
    assert notify["password_hash"] != development["password_hash"]
    vhost = rabbit_config["vhost"]
    name = f"test-real-notify-{vhost}"
    rabbit_manager._put("users", name, json={
        "password_hash": notify["password_hash"], "tags": "",
        "hashing_algorithm": notify["hashing_algorithm"]})
    try:
        rabbit_manager.set_vhost_permissions(vhost, name, "", "", "")
        password = f"real-{service_user('notify')}-password"
        with Connection(f"amqp://{name}:{password}@127.0.0.1:5672/{vhost}") as connection:
            connection.connect()
        with pytest.raises(AccessRefused):
            with Connection(f"amqp://{name}:notify@127.0.0.1:5672/{vhost}") as wrong:
                wrong.connect()
    finally:
        rabbit_manager._delete("users", name)


def test_without_every_password_no_definitions_are_printed(monkeypatch, capsys):
    monkeypatch.delenv(password_variable(service_user("casework")), raising=False)
    assert main(["broker", "definitions"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "KRING_BROKER_PASSWORD_KRING_CASEWORK" in captured.err
