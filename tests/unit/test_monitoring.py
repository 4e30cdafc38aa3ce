"""deploy/prometheus/ and deploy/grafana/: Prometheus's own promtool checks the scrape
configuration and the alert rules and runs their unit tests (alerts.test.yml); the dashboard
is valid JSON, and every metric the dashboard and the rules name is one Kring serves."""
import json
import re
import shutil
import subprocess

import pytest
import yaml

from kring.kit.metrics import REGISTRY
from tests.support import ROOT

PROMETHEUS = ROOT / "deploy" / "prometheus"
DASHBOARD = ROOT / "deploy" / "grafana" / "dashboards" / "kring.json"
MONITORING = yaml.safe_load((ROOT / "docker-compose.monitoring.yml").read_text())
# what Prometheus itself adds to every target: not a metric Kring must serve
PROMETHEUS_OWN = {"up"}
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}


def promtool(*args):
    tool = shutil.which("promtool")
    assert tool, "promtool is missing: `make test` installs it (Debian's prometheus package)"
    done = subprocess.run([tool, *args], cwd=PROMETHEUS, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_scrape_configuration_is_valid_and_scrapes_every_service():
    assert "SUCCESS" in promtool("check", "config", "prometheus.yml")
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text())
    (job,) = config["scrape_configs"]
    assert job["metrics_path"] == "/metrics"
    targets = {target for group in job["static_configs"] for target in group["targets"]}
    assert targets == {f"{service}:8000" for service in
                       ("referral", "matching", "casework", "aftercare", "notify")}


def test_the_alert_rules_are_valid_and_their_unit_tests_pass():
    assert "SUCCESS" in promtool("check", "rules", "alerts.yml")
    assert "SUCCESS" in promtool("test", "rules", "alerts.test.yml")


def test_every_alert_has_a_unit_test():
    rules = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())
    alerts = {rule["alert"] for group in rules["groups"] for rule in group["rules"]}
    tests = yaml.safe_load((PROMETHEUS / "alerts.test.yml").read_text())
    tested = {case["alertname"] for test in tests["tests"] for case in test["alert_rule_test"]
              if case.get("exp_alerts")}
    assert alerts == tested


def served_names():
    """Every sample name GET /metrics can carry, from the registry the processes serve."""
    return {family.name + suffix for family in REGISTRY.collect()
            for suffix in SUFFIXES.get(family.type, ("",))}


def names_in(expression):
    return {name for name in re.findall(r"\b([a-z_][a-z0-9_]*)\b(?=\s*[{\[)\s=<>!*/+-]|$)",
                                         expression)
            if name.startswith(("kring_", "process_")) or name in PROMETHEUS_OWN}


def dashboard_expressions():
    dashboard = json.loads(DASHBOARD.read_text())
    return [target["expr"] for panel in dashboard["panels"]
            for target in panel.get("targets", [])]


def rule_expressions():
    rules = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())
    return [rule["expr"] for group in rules["groups"] for rule in group["rules"]]


@pytest.mark.parametrize("source", ["dashboard", "rules"])
def test_every_metric_named_is_one_kring_serves(source):
    expressions = dashboard_expressions() if source == "dashboard" else rule_expressions()
    named = set().union(*(names_in(expression) for expression in expressions))
    assert named, f"no metric found in the {source}"
    unknown = named - served_names() - PROMETHEUS_OWN
    assert not unknown, f"the {source} names metrics Kring does not serve: {sorted(unknown)}"


def test_the_dashboard_shows_every_kring_metric():
    named = set().union(*(names_in(expression) for expression in dashboard_expressions()))
    families = {family.name for family in REGISTRY.collect() if family.name.startswith("kring_")}
    missing = {family for family in families
               if not any(name.startswith(family) for name in named)}
    assert not missing, f"not on the dashboard: {sorted(missing)}"


def test_the_dashboard_is_a_grafana_dashboard_on_the_provisioned_data_source():
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["uid"] == "kring" and dashboard["panels"]
    source = yaml.safe_load(
        (ROOT / "deploy/grafana/provisioning/datasources/prometheus.yml").read_text())
    (datasource,) = source["datasources"]
    for panel in dashboard["panels"]:
        if panel["type"] != "row":
            assert panel["datasource"]["uid"] == datasource["uid"], panel["title"]
    assert datasource["url"] == "http://prometheus:9090"


def test_the_monitoring_stack_mounts_the_checked_files():
    mounts = " ".join(MONITORING["services"]["prometheus"]["volumes"]
                      + MONITORING["services"]["grafana"]["volumes"])
    for path in ("./deploy/prometheus/prometheus.yml", "./deploy/prometheus/alerts.yml",
                 "./deploy/grafana/provisioning", "./deploy/grafana/dashboards"):
        assert path in mounts
