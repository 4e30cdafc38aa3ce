"""The deployment files, checked by reading them (no container engine runs here).

docker-compose.yml must run every service with what it needs; the files under deploy/ that
follow from the code must be what kring.deployment builds now.
"""
import json
import re
from pathlib import Path

import pytest
import yaml

from kring.config import DEFAULT_RETRY_DELAYS, SERVICES
from kring.contracts.api import OPERATIONS
from kring.contracts.partner_queues import IN_EXCHANGE, OUT_EXCHANGE
from kring.contracts.broker_users import OPERATOR_USER, service_user
from kring.contracts.topology import QUORUM, SUBSCRIPTIONS, dead_letter_queue_name, queue_name
from kring.deployment import EXAMPLE_PARTNER, local_nginx_conf, portal_paths, rendered, routes
from kring.kit.topology import delay_queue

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
DEFINITIONS = json.loads((ROOT / "deploy/rabbitmq/definitions.json").read_text())


@pytest.mark.parametrize("name", sorted(rendered()))
def test_generated_deploy_files_are_up_to_date(name):
    assert (ROOT / "deploy" / name).read_text(encoding="utf-8") == rendered()[name], \
        f"deploy/{name} is stale: run `make docs`"


# --- docker-compose.yml ------------------------------------------------------------------------

@pytest.mark.parametrize("service", SERVICES)
def test_each_service_runs_in_its_own_container_with_what_it_needs(service):
    spec = COMPOSE["services"][service]
    assert spec["command"] == ["run", service]
    assert spec["build"]["dockerfile"] == "deploy/Dockerfile"
    assert spec["restart"] in ("unless-stopped", "always", "on-failure")
    assert spec["healthcheck"]["test"] == ["CMD", "kring", "healthcheck", "--ready"]
    assert spec["depends_on"]["rabbitmq"]["condition"] == "service_healthy"
    assert spec["depends_on"]["postgres"]["condition"] == "service_healthy"
    environment = spec["environment"]
    assert environment["AMQP_URI"].startswith("amqp://")
    assert environment["KRING_SECRET"].startswith("${KRING_SECRET:?")  # no default secret
    assert environment[f"KRING_DB_{service.upper()}"].startswith("postgresql://")
    assert ("KRING_SMTP_HOST" in environment) == (service == "notify")


def test_the_referral_service_starts_with_a_provider_directory():
    referral = COMPOSE["services"]["referral"]
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in referral["volumes"]}
    path = referral["environment"]["KRING_DIRECTORY"]
    assert (ROOT / mounts[path]).is_file()


def test_notices_go_to_the_mail_catcher():
    notify = COMPOSE["services"]["notify"]["environment"]
    assert notify["KRING_SMTP_HOST"] == "mailpit"
    assert notify["KRING_SMTP_PORT"] == "1025"
    assert "8025:8025" in COMPOSE["services"]["mailpit"]["ports"]


def test_notify_keeps_its_data_directory_on_a_named_volume():
    """Its delivery marks must outlive a recreated container (README "When things break")."""
    mounts = dict(volume.split(":")[::-1] for volume in COMPOSE["services"]["notify"]["volumes"])
    assert mounts["/var/lib/kring"] in COMPOSE["volumes"]
    assert COMPOSE["services"]["notify"]["environment"]["KRING_DATA_DIR"] == "/var/lib/kring"


def test_the_broker_loads_the_definitions_and_runs_management():
    rabbitmq = COMPOSE["services"]["rabbitmq"]
    assert rabbitmq["image"].endswith("-management")
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in rabbitmq["volumes"]}
    assert mounts["/etc/rabbitmq/definitions.json"] == "./deploy/rabbitmq/definitions.json"
    config = (ROOT / "deploy/rabbitmq/rabbitmq.conf").read_text()
    assert "load_definitions = /etc/rabbitmq/definitions.json" in config
    assert "rabbitmq_management" in (ROOT / "deploy/rabbitmq/enabled_plugins").read_text()
    assert rabbitmq["healthcheck"]["test"]


def test_every_database_the_services_name_is_created_with_its_own_role():
    init = (ROOT / "deploy/postgres/init.sql").read_text()
    created = set(re.findall(r"CREATE DATABASE (\w+) OWNER (\w+);", init))
    for service in SERVICES:
        url = COMPOSE["services"][service]["environment"][f"KRING_DB_{service.upper()}"]
        user, database = re.match(r"postgresql://(\w+):\w+@postgres:5432/(\w+)$", url).groups()
        assert (database, user) in created
        assert f"CREATE ROLE {user} LOGIN" in init
    assert "/docker-entrypoint-initdb.d/" in " ".join(COMPOSE["services"]["postgres"]["volumes"])


def test_the_gateway_routes_every_operation_to_the_service_that_serves_it():
    config = (ROOT / "deploy/gateway/nginx.conf.template").read_text()
    locations = dict(re.findall(r"location /api/v1/([\w.-]+)/ \{\s*set \$upstream "
                                r"http://(\w+):8000;", config))
    for operation in OPERATIONS.values():
        segment = operation.path.split("/")[3]
        if operation.service == "about":
            continue  # every service answers health and the document itself
        assert locations[segment] == operation.service, operation.operation_id
    # HTTPS to the world; plain HTTP only to the machine itself
    assert COMPOSE["services"]["gateway"]["ports"] == ["8443:8443", "127.0.0.1:8000:8000"]


def test_the_gateway_serves_https_with_a_certificate_made_at_the_first_start():
    config = (ROOT / "deploy/gateway/nginx.conf.template").read_text()
    assert "listen 8443 ssl;" in config
    assert "ssl_certificate /etc/nginx/tls/tls.crt;" in config
    maker, gateway = COMPOSE["services"]["gateway-certificate"], COMPOSE["services"]["gateway"]
    assert maker["command"] == ["gateway-certificate", "/var/lib/kring"]
    assert maker["volumes"] == ["gateway-tls:/var/lib/kring"]
    assert "gateway-tls:/etc/nginx/tls:ro" in gateway["volumes"]
    assert gateway["depends_on"]["gateway-certificate"] == {
        "condition": "service_completed_successfully"}


def test_the_gateway_asks_the_dns_server_of_its_own_container_network():
    # Docker's is at 127.0.0.11, podman's at its network's gateway: the nginx image writes the
    # first nameserver of the container's /etc/resolv.conf into the template
    config = (ROOT / "deploy/gateway/nginx.conf.template").read_text()
    assert re.search(r"^    resolver \$\{KRING_RESOLVER\} ", config, re.M)
    script = ROOT / "deploy/gateway/resolver.envsh"
    assert "export KRING_RESOLVER" in script.read_text()
    assert script.stat().st_mode & 0o111  # the image sources only executable scripts
    gateway = COMPOSE["services"]["gateway"]
    assert gateway["environment"] == {"NGINX_ENVSUBST_OUTPUT_DIR": "/etc/nginx"}
    assert gateway["volumes"][:2] == [
        "./deploy/gateway/nginx.conf.template:/etc/nginx/templates/nginx.conf.template:ro",
        "./deploy/gateway/resolver.envsh:/docker-entrypoint.d/15-kring-resolver.envsh:ro"]


def test_a_local_gateway_sends_each_path_round_robin_to_its_service_on_this_machine(tmp_path):
    # bench/throughput.py's gateway: the deploy file's routes, to processes on local ports
    upstreams = {service: [f"127.0.0.1:{9100 + n}", f"127.0.0.1:{9200 + n}"]
                 for n, service in enumerate(SERVICES)}
    config = local_nginx_conf(upstreams, 9000, tmp_path)
    servers = {name: re.findall(r"server (\S+);", body)
               for name, body in re.findall(r"upstream (\w+) \{([^}]*)\}", config)}
    assert servers == upstreams
    locations = dict(re.findall(r"location /api/v1/([\w.-]+)/ \{\s*proxy_pass "
                                r"http://(\w+);", config))
    assert locations == {segment: service for segment, service in routes().items()}
    assert "listen 127.0.0.1:9000;" in config
    assert config.count("{") == config.count("}")
    # everything it writes is in its own folder: it runs as any user
    for path in re.findall(r"(?:pid|error_log|_temp_path) (\S+?)[ ;]", config):
        assert Path(path).parent == tmp_path, path
    # the same entrance as the deploy file's, less TLS and the resolver
    deployed = (ROOT / "deploy/gateway/nginx.conf.template").read_text()
    for line in ("proxy_set_header X-Request-Id $kring_request_id;",
                 "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
                 "client_max_body_size 256k;", "access_log off;"):
        assert line in config and line in deployed, line


def test_the_portal_runs_alone_in_its_own_container_with_a_database_of_its_own():
    portal = COMPOSE["services"]["portal"]
    assert portal["command"] == ["run", "portal"]
    assert portal["image"] == COMPOSE["services"]["referral"]["image"]
    assert portal["healthcheck"]["test"] == ["CMD", "kring", "healthcheck", "--ready"]
    assert set(portal["depends_on"]) == {"postgres"}  # it reads no queue: no broker
    environment = portal["environment"]
    assert "AMQP_URI" not in environment
    assert environment["KRING_SECRET"].startswith("${KRING_SECRET:?")
    user, database = re.match(r"postgresql://(\w+):\w+@postgres:5432/(\w+)$",
                              environment["KRING_DB_PORTAL"]).groups()
    init = (ROOT / "deploy/postgres/init.sql").read_text()
    assert (database, user) in set(re.findall(r"CREATE DATABASE (\w+) OWNER (\w+);", init))
    # each page calls the service that owns the operation, on the stack's own network
    assert environment["KRING_API_URL"] == "http://{service}:8000"
    assert COMPOSE["services"]["gateway"]["depends_on"]["portal"] == {
        "condition": "service_healthy"}


def test_the_gateway_sends_the_portals_paths_to_the_portal_and_nothing_else():
    config = (ROOT / "deploy/gateway/nginx.conf.template").read_text()
    to_portal = set(re.findall(r"location (= )?(/[\w./-]*) \{\s*set \$upstream "
                               r"http://portal:8000;", config))
    assert ("= ", "/") in to_portal and ("", "/static/") in to_portal
    assert ("= ", "/queue") in to_portal and ("", "/login/") in to_portal
    assert not any(path.startswith("/api") for _, path in to_portal)
    assert {path.strip("/") for _, path in to_portal} == set(portal_paths())
    # a one-time sign-in link is no line of the access log
    login = re.search(r"location /login/ \{[^}]*\}", config).group(0)
    assert "access_log off;" in login
    # anything else is the entrance's own 404, not a page of the portal
    fallback = re.search(r"location / \{[^}]*\}", config).group(0)
    assert "return 404" in fallback


def test_the_portals_paths_come_from_its_route_table():
    from services.portal.routes import ROUTES
    segments = set(portal_paths())
    assert {"", "static", "queue", "login", "reports", "reports.csv"} <= segments
    assert all(path.split("/")[1] in segments for _, _, path, _ in ROUTES)
    assert "api" not in segments


def test_no_path_is_claimed_by_two_services():
    assert set(routes().values()) <= set(SERVICES)


def test_the_image_runs_kring_as_its_own_user_with_a_health_check():
    dockerfile = (ROOT / "deploy/Dockerfile").read_text()
    assert 'ENTRYPOINT ["kring"]' in dockerfile
    assert re.search(r'^HEALTHCHECK .*\n +CMD \["kring", "healthcheck"\]$', dockerfile, re.M)
    assert re.search(r"^USER kring$", dockerfile, re.M)
    # the pins, as `make` installs them, into a venv (Debian's Python refuses system-wide pip)
    assert "pip install -c constraints.txt -r dependencies.txt" in dockerfile
    assert "pip install --no-deps -c constraints.txt ." in dockerfile
    assert re.search(r"^ARG BASE=python:3.11-slim\nFROM \$\{BASE\}$", dockerfile, re.M)
    # the portal's built CSS and htmx go into the image, and its templates with the package
    assert "test -s services/portal/static/portal.css" in dockerfile
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"services.portal" = ["static/*"]' in pyproject and '"*.j2"' in pyproject


# --- deploy/rabbitmq/definitions.json ----------------------------------------------------------

def _queues():
    return {queue["name"]: queue for queue in DEFINITIONS["queues"]}


def test_every_event_queue_with_its_delay_queues_and_bindings_is_defined():
    queues = _queues()
    bindings = {(b["source"], b["destination"], b["routing_key"]) for b in DEFINITIONS["bindings"]}
    for consumer, handler, source, event_types in SUBSCRIPTIONS:
        name = queue_name(consumer, handler, source)
        assert queues[name]["durable"] and not queues[name]["auto_delete"]
        for event_type in event_types:
            assert (f"{source}.events", name, event_type) in bindings
        for seconds in DEFAULT_RETRY_DELAYS:
            delayed = delay_queue(name, seconds, QUORUM)
            assert queues[delayed.name]["arguments"] == delayed.queue_arguments
        assert dead_letter_queue_name(consumer) in queues


def test_every_queue_is_a_quorum_queue_and_the_delay_queues_dead_letter_at_least_once():
    for queue in DEFINITIONS["queues"]:
        assert queue["arguments"]["x-queue-type"] == "quorum", queue["name"]
        if ".retry." in queue["name"]:
            assert queue["arguments"]["x-dead-letter-strategy"] == "at-least-once"
            assert queue["arguments"]["x-overflow"] == "reject-publish"


def _permission(user):
    (permission,) = [p for p in DEFINITIONS["permissions"] if p["user"] == user]
    return {kind: re.compile(permission[kind]) for kind in ("configure", "write", "read")}


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_has_a_user_of_its_own_that_reaches_only_its_own_queues(service):
    users = {user["name"]: user for user in DEFINITIONS["users"]}
    assert users[service_user(service)]["tags"] == []  # no management, no administrator
    rules = _permission(service_user(service))
    for consumer, handler, source, _ in SUBSCRIPTIONS:
        name = queue_name(consumer, handler, source)
        mine = consumer == service
        assert bool(rules["read"].match(name)) == mine, name
        assert bool(rules["configure"].match(name)) == mine, name
        if mine:
            assert rules["read"].match(f"{source}.events")  # to bind its queue
    for other in SERVICES:
        dead = dead_letter_queue_name(other)
        assert bool(rules["read"].match(dead)) == (other == service)
        assert bool(rules["write"].match(f"{other}.events")) == (other == service)
        assert bool(rules["read"].match(f"rpc-{other}")) == (other == service)
    partner_side = bool(rules["read"].match("kring.referral.partner-in"))
    assert partner_side == (service == "referral")
    assert bool(rules["write"].match(OUT_EXCHANGE)) == (service == "referral")


def test_the_services_run_under_their_own_users_and_the_operator_is_the_only_administrator():
    administrators = [user["name"] for user in DEFINITIONS["users"]
                      if "administrator" in user["tags"]]
    assert administrators == [OPERATOR_USER]
    for service in SERVICES:
        environment = COMPOSE["services"][service]["environment"]
        user = re.match(r"amqp://([^:]+):", environment["AMQP_URI"]).group(1)
        assert user == service_user(service)
        assert environment["KRING_QUEUE_TYPE"] == "quorum"


def test_neither_the_broker_nor_its_management_ui_is_published_by_default():
    assert "ports" not in COMPOSE["services"]["rabbitmq"]
    override = yaml.safe_load((ROOT / "docker-compose.ports.yml").read_text())
    assert set(override["services"]["rabbitmq"]["ports"]) == {
        "127.0.0.1:5672:5672", "127.0.0.1:15672:15672"}


def test_the_example_partner_may_only_submit_and_read_its_own_updates():
    topic = {(rule["exchange"], rule["write"], rule["read"])
             for rule in DEFINITIONS["topic_permissions"] if rule["user"] == EXAMPLE_PARTNER}
    writes = {exchange: re.compile(write) for exchange, write, _ in topic}
    reads = {exchange: re.compile(read) for exchange, _, read in topic}
    assert writes[IN_EXCHANGE].fullmatch("referral.submit")
    assert not writes[IN_EXCHANGE].match("referral.anything-else")
    assert not writes[OUT_EXCHANGE].match(f"{EXAMPLE_PARTNER}.referral.closed")
    assert reads[OUT_EXCHANGE].match(f"{EXAMPLE_PARTNER}.referral.closed")
    assert not reads[OUT_EXCHANGE].match("another-partner.referral.closed")
    assert not reads[OUT_EXCHANGE].match("#")
    (permission,) = [p for p in DEFINITIONS["permissions"] if p["user"] == EXAMPLE_PARTNER]
    assert re.match(permission["write"], IN_EXCHANGE)
    assert not re.match(permission["write"], OUT_EXCHANGE)
    assert not re.match(permission["configure"], "kring.referral.partner-in")


# --- deploy/k8s --------------------------------------------------------------------------------

def _manifests():
    for path in sorted((ROOT / "deploy/k8s").glob("*.yaml")):
        yield from (document for document in yaml.safe_load_all(path.read_text()) if document)


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_has_a_deployment_with_probes_and_a_grace_period(service):
    (deployment,) = [m for m in _manifests()
                     if m["kind"] == "Deployment" and m["metadata"]["name"] == service]
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["args"] == ["run", service]
    assert container["readinessProbe"]["httpGet"]["path"] == "/api/v1/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == "/api/v1/health"
    assert pod["terminationGracePeriodSeconds"] >= 30
    assert {"configMapRef": {"name": "kring"}} in container["envFrom"]
    assert {"secretRef": {"name": "kring"}} in container["envFrom"]
    assert any(m["kind"] == "Service" and m["metadata"]["name"] == service for m in _manifests())


def test_the_broker_drops_parked_messages_after_the_retention_period():
    from kring.contracts.partner_queues import DEAD_QUEUE
    from kring.contracts.topology import set_policy_command
    from kring.deployment import broker_definitions
    definitions = broker_definitions(retention_days=730)
    (policy,) = definitions["policies"]
    assert policy["definition"] == {"message-ttl": 730 * 24 * 3600 * 1000}
    names = [queue["name"] for queue in definitions["queues"]]
    covered = [name for name in names if re.match(policy["pattern"], name)]
    assert sorted(covered) == sorted(
        name for name in names if name.endswith(".dead")) and DEAD_QUEUE in covered
    assert set_policy_command(730) == (
        "rabbitmqctl set_policy -p / --apply-to queues kring-dead-letters "
        f"'{policy['pattern']}' '{{\"message-ttl\": 63072000000}}'")
