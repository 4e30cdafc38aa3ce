"""deploy/k8s/, checked by reading it (no cluster runs here): every manifest against the
Kubernetes API schemas (kubernetes-validate), the operators' resources against the subsets of
their CRD schemas in deploy/k8s-crd-schemas/ (jsonschema), and what the manifests must say."""
import copy
import re
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

from kring.config import SERVICES
from kring.contracts.broker_users import service_user
from kring.deployment import QUEUE_TYPE, portal_paths, routes

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES_VERSION = "1.31.0"  # the oldest Kubernetes the manifests are meant for
MANIFESTS = sorted((ROOT / "deploy/k8s").glob("*.yaml"))
CRD_SCHEMAS = {(d["apiVersion"], d["kind"]): d["schema"] for d in (
    yaml.safe_load(path.read_text()) for path in (ROOT / "deploy/k8s-crd-schemas").glob("*.yaml"))}


DOCUMENTS = [(path.name, document) for path in MANIFESTS
             for document in yaml.safe_load_all(path.read_text()) if document]


def named(kind, name=None):
    return [d for _, d in DOCUMENTS
            if d["kind"] == kind and (name is None or d["metadata"]["name"] == name)]


def validate(document):
    """Against the Kubernetes API; a kind it has no schema for against our CRD subset, and a
    kind neither knows is an error (kubernetes-validate would only warn of it)."""
    try:
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.SchemaNotFoundError:
        schema = CRD_SCHEMAS.get((document["apiVersion"], document["kind"]))
        assert schema is not None, \
            f"no schema for {document['apiVersion']} {document['kind']}: add its CRD subset"
        jsonschema.Draft202012Validator(schema).validate(document)


@pytest.mark.parametrize("source,document", DOCUMENTS,
                         ids=[f"{name}:{d['kind']}/{d['metadata']['name']}"
                              for name, d in DOCUMENTS])
def test_every_manifest_is_valid(source, document):
    validate(document)


def test_the_crd_subsets_are_valid_schemas_that_refuse_a_wrong_resource():
    for schema in CRD_SCHEMAS.values():
        jsonschema.Draft202012Validator.check_schema(schema)
    (rabbitmq,) = named("RabbitmqCluster")
    wrong = copy.deepcopy(rabbitmq)
    wrong["spec"]["replica"] = 3  # a typo of replicas
    with pytest.raises(jsonschema.ValidationError):
        validate(wrong)
    (postgres,) = named("Cluster")
    wrong = copy.deepcopy(postgres)
    wrong["spec"]["instances"] = 0
    with pytest.raises(jsonschema.ValidationError):
        validate(wrong)
    unknown = {"apiVersion": "example.org/v1", "kind": "Broker", "metadata": {"name": "x"}}
    with pytest.raises(AssertionError, match="no schema"):
        validate(unknown)
    with pytest.raises(kubernetes_validate.ValidationError):
        deployment = copy.deepcopy(named("Deployment", "referral")[0])
        deployment["spec"]["replicas"] = "two"
        validate(deployment)


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_is_ready_apart_from_alive_and_runs_under_its_own_broker_user(service):
    (deployment,) = named("Deployment", service)
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/api/v1/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == "/api/v1/health"
    (amqp,) = [e for e in container["env"] if e["name"] == "AMQP_URI"]
    assert amqp["valueFrom"]["secretKeyRef"] == {"name": "kring-amqp", "key": service}
    assert service_user(service) == f"kring-{service}"  # what the Secret's URL names


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_has_a_disruption_budget_that_keeps_a_replica(service):
    (deployment,) = named("Deployment", service)
    (budget,) = named("PodDisruptionBudget", service)
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert budget["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert budget["spec"]["maxUnavailable"] < deployment["spec"]["replicas"]


def test_only_the_ingress_controller_and_the_metrics_scraper_reach_the_services():
    (policy,) = named("NetworkPolicy")
    assert policy["spec"]["policyTypes"] == ["Ingress"]
    selected = policy["spec"]["podSelector"]["matchLabels"]
    for service in SERVICES:
        (deployment,) = named("Deployment", service)
        assert selected.items() <= deployment["spec"]["template"]["metadata"]["labels"].items()
        annotations = deployment["spec"]["template"]["metadata"]["annotations"]
        assert annotations["prometheus.io/path"] == "/metrics"
    sources = [[(peer.get("namespaceSelector"), peer["podSelector"]["matchLabels"])
                for peer in rule["from"]] for rule in policy["spec"]["ingress"]]
    assert sources == [
        [({"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}},
          {"app.kubernetes.io/name": "ingress-nginx"})],
        [({}, {"app.kubernetes.io/name": "prometheus"})],
        # the portal's pods, of this namespace: its pages call the services' API
        [(None, {"app.kubernetes.io/name": "kring", "app.kubernetes.io/component": "portal"})]]
    for rule in policy["spec"]["ingress"]:
        assert rule["ports"] == [{"protocol": "TCP", "port": "http"}]


def test_the_services_run_on_a_three_node_broker_that_loads_the_definitions():
    (rabbitmq,) = named("RabbitmqCluster")
    assert rabbitmq["spec"]["replicas"] == 3
    config = rabbitmq["spec"]["rabbitmq"]["additionalConfig"]
    path = re.search(r"^load_definitions = (\S+)$", config, re.M).group(1)
    pod = rabbitmq["spec"]["override"]["statefulSet"]["spec"]["template"]["spec"]
    (mount,) = [m for c in pod["containers"] for m in c["volumeMounts"] if m["mountPath"] == path]
    (volume,) = [v for v in pod["volumes"] if v["name"] == mount["name"]]
    assert volume["secret"]["secretName"] == "kring-broker-definitions"
    (config_map,) = named("ConfigMap", "kring")
    assert config_map["data"]["KRING_QUEUE_TYPE"] == QUEUE_TYPE == "quorum"


def test_every_service_database_is_in_the_postgres_cluster_with_a_role_of_its_own():
    (cluster,) = named("Cluster")
    assert cluster["spec"]["instances"] >= 3
    initdb = cluster["spec"]["bootstrap"]["initdb"]
    databases = {initdb["database"]: initdb["owner"]}
    databases.update({d["spec"]["name"]: d["spec"]["owner"] for d in named("Database")
                      if d["spec"]["cluster"]["name"] == cluster["metadata"]["name"]})
    roles = {role["name"] for role in cluster["spec"]["managed"]["roles"]} | {initdb["owner"]}
    assert databases == {f"kring_{s}": f"kring_{s}" for s in (*SERVICES, "portal")}
    assert roles == set(databases.values())


def test_the_ingress_serves_https_only_for_its_host():
    for ingress in named("Ingress"):
        (tls,) = ingress["spec"]["tls"]
        assert tls["secretName"] and tls["hosts"] == [rule["host"] for rule in
                                                      ingress["spec"]["rules"]]
        assert ingress["metadata"]["annotations"][
            "nginx.ingress.kubernetes.io/ssl-redirect"] == "true"


def test_the_portal_runs_without_a_broker_user_and_calls_each_services_api():
    (deployment,) = named("Deployment", "portal")
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert container["args"] == ["run", "portal"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/api/v1/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == "/api/v1/health"
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert "AMQP_URI" not in env
    assert env["KRING_API_URL"] == "http://{service}:8000"
    for service in set(routes().values()):  # a Service answers at each name it may take
        (found,) = named("Service", service)
        assert found["spec"]["ports"][0]["port"] == 8000
    (budget,) = named("PodDisruptionBudget", "portal")
    assert budget["spec"]["maxUnavailable"] < deployment["spec"]["replicas"]


def test_the_ingress_sends_the_api_to_the_services_and_the_portals_paths_to_the_portal():
    backends = {(path["path"], path["pathType"]): path["backend"]["service"]["name"]
                for ingress in named("Ingress") for rule in ingress["spec"]["rules"]
                for path in rule["http"]["paths"]}
    assert backends[("/", "Exact")] == "portal"  # the home page; nothing else falls through
    for segment in portal_paths():
        if segment:
            assert backends[(f"/{segment}", "Prefix")] == "portal"
    for segment, service in routes().items():
        assert backends[(f"/api/v1/{segment}", "Prefix")] == service
    assert len(backends) == len(routes()) + len(portal_paths())


def test_no_access_log_keeps_a_sign_in_link_or_a_confirmation_token():
    (unlogged,) = named("Ingress", "kring-unlogged")
    assert unlogged["metadata"]["annotations"][
        "nginx.ingress.kubernetes.io/enable-access-log"] == "false"
    (rule,) = unlogged["spec"]["rules"]
    assert sorted(path["path"] for path in rule["http"]["paths"]) == [
        "/api/v1/self-referrals", "/login"]
    (logged,) = named("Ingress", "kring")
    assert "nginx.ingress.kubernetes.io/enable-access-log" not in logged["metadata"][
        "annotations"]
