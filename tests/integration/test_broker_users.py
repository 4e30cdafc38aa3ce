"""A service under its own broker user (deploy/rabbitmq/definitions.json, docs/security.md
"Broker users"): it runs its whole part over its own queues, and the broker refuses it another
service's.

The users and permissions the definitions carry are made on the test's own vhost, under the
test's own user names, and deleted afterwards; the definitions' exchanges and queues are loaded
there first, as the compose stack and the Kubernetes cluster load them before any service starts.
"""
from contextlib import ExitStack

import pytest
from amqp.exceptions import AccessRefused
from kombu import Connection, Queue
from kombu.simple import Empty

from nameko.testing.services import entrypoint_waiter
from nameko.testing.utils import find_free_port

from kring.config import AMQP_URI_KEY, QUEUE_TYPE_KEY, SERVICES, SMTP_KEY, WEB_SERVER_KEY
from kring.contracts.broker_users import service_user
from kring.contracts.topology import dead_letter_queue_name, queue_name
from kring.deployment import QUEUE_TYPE
from kring.kit.topology import event_exchange
from kring.registry import load_service
from kring.rpc import call
from services.aftercare.service import AftercareService
from tests.support.api import Api, token
from tests.support.broker import load_definitions, user_like
from tests.support.events import deliver, listening_to
from tests.support.integration.aftercare import handed_over
from tests.support.integration.referral import ADMIN
from tests.support.sample import referral_body


@pytest.fixture
def aftercare_uri(rabbit_manager, rabbit_config):
    load_definitions(rabbit_manager, rabbit_config["vhost"])
    with user_like(rabbit_manager, rabbit_config, service_user("aftercare")) as uri:
        yield uri


@pytest.fixture
def aftercare(container_factory, sqlite_config, aftercare_uri):
    config = dict(sqlite_config, **{AMQP_URI_KEY: aftercare_uri, QUEUE_TYPE_KEY: QUEUE_TYPE})
    container = container_factory(AftercareService, config)
    container.start()  # every declare of its own is allowed, or this raises
    return container


def test_a_service_under_its_own_user_consumes_publishes_and_answers(aftercare, sqlite_config):
    operator_uri = sqlite_config[AMQP_URI_KEY]  # guest here: the operators' administrator
    with listening_to(operator_uri, "aftercare") as emitted:
        event = deliver(aftercare, operator_uri, handed_over())  # consumed from its queue
        started = emitted.next()  # published to its own exchange
    assert (started["type"], started["referral_id"]) == ("aftercare_started", event.referral_id)
    # an operator's call is answered: the reply goes to nameko's RPC exchange under a reply key
    held = call(operator_uri, "aftercare", "export_of", event.referral_id)
    assert [plan["aftercare_id"] for plan in held["plans"]] == [started["data"]["aftercare_id"]]


def test_all_five_start_under_their_own_users_and_hear_each_other(
        rabbit_manager, rabbit_config, container_factory, sqlite_config, api):
    """Every service's declares are within its permissions (or its container would not start),
    one service's events reach the others' queues, the referral service's calls to the
    others (getAudit, exportReferral) are answered, and so is matching's call to the referral
    service about a referral it has not heard of (recordIntake's `not_ready`)."""
    load_definitions(rabbit_manager, rabbit_config["vhost"])
    containers, ports = {}, {}
    with ExitStack() as users:
        for name in SERVICES:
            uri = users.enter_context(user_like(rabbit_manager, rabbit_config,
                                                service_user(name)))
            config = dict(sqlite_config, **{AMQP_URI_KEY: uri, QUEUE_TYPE_KEY: QUEUE_TYPE,
                                            SMTP_KEY: None})
            if name != "referral":  # the API the test calls is the referral service's
                ports[name] = find_free_port()
                config[WEB_SERVER_KEY] = f"127.0.0.1:{ports[name]}"
            containers[name] = container_factory(load_service(name), config)
            containers[name].start()
        with entrypoint_waiter(containers["matching"], "on_referral", timeout=20), \
                entrypoint_waiter(containers["notify"], "on_referral", timeout=20):
            created = api.post("/referrals", token(), json=referral_body("USERS-1"))
            assert created.status_code == 201, created.text
        # the referral service gathers from the other four over RPC, as its own user
        referral_id = created.json()["referral_id"]
        for part in ("audit", "export"):
            answer = api.get(f"/referrals/{referral_id}/{part}", ADMIN)
            assert answer.status_code == 200, (part, answer.text)
        # an id matching has not heard of: it asks the referral service, as its own user,
        # which knows none either (a refused call would be a 5xx)
        unknown = Api(ports["matching"]).post("/intakes", token("home-start-oost", "coordinator"),
                                              json={"referral_id": "never-made", "fits": False})
        assert (unknown.status_code, unknown.json()["error"]) == (404, "not_found"), unknown.text
        for container in containers.values():
            container.stop()  # before their users go


def refused(uri, act):
    with Connection(uri, transport_options={"confirm_publish": True}) as connection:
        with pytest.raises(AccessRefused) as refusal:
            act(connection)
    return str(refusal.value)


def test_the_broker_refuses_it_every_other_service_s_queue(aftercare, aftercare_uri):
    others = [queue_name("casework", "on_matching", "matching"),
              queue_name("referral", "on_aftercare", "aftercare"),  # even one fed by aftercare
              dead_letter_queue_name("notify"), "kring.referral.partner-in", "rpc-referral"]
    for name in others:
        def consume(connection, name=name):
            connection.SimpleQueue(Queue(name, no_declare=True)).get(block=False)
        assert "ACCESS_REFUSED" in refused(aftercare_uri, consume), name

        def purge(connection, name=name):
            connection.default_channel.queue_purge(name)
        assert "ACCESS_REFUSED" in refused(aftercare_uri, purge), name

        def delete(connection, name=name):
            connection.default_channel.queue_delete(name)
        assert "ACCESS_REFUSED" in refused(aftercare_uri, delete), name

    def publish_as_casework(connection):
        connection.Producer().publish({"type": "case_handed_over"},
                                      exchange=event_exchange("casework"),
                                      routing_key="case_handed_over", serializer="json")
    assert "ACCESS_REFUSED" in refused(aftercare_uri, publish_as_casework)

    def call_another_service(connection):  # its RPC writes are held to reply keys
        connection.Producer().publish({}, exchange="nameko-rpc", routing_key="referral.status",
                                      serializer="json")
    assert "ACCESS_REFUSED" in refused(aftercare_uri, call_another_service)

    # and its own dead-letter queue it may read
    with Connection(aftercare_uri) as connection:
        with pytest.raises(Empty):
            connection.SimpleQueue(Queue(dead_letter_queue_name("aftercare"),
                                         no_declare=True)).get(block=False)
