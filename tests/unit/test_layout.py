"""The layout the README promises (README.md, "Layout"), checked: the same rooms in every
service, contracts free of the kit, domain modules free of IO and frameworks."""
import ast
from pathlib import Path

import pytest

from kring.config import SERVICES

ROOT = Path(__file__).resolve().parents[2]
ROOMS = ("service.py", "domain.py", "handlers.py", "views.py", "models.py")
EVENT_ROOMS = ("events.py", "outgoing.py")
SILENT = {"notify"}  # emits no events (README.md, "Layout")
FRAMEWORKS = ("nameko", "eventlet", "sqlalchemy", "kombu", "kring.kit")


def imported(path):
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def offending(path, prefixes):
    return [name for name in imported(path)
            if any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)]


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_has_the_same_rooms(service):
    folder = ROOT / "services" / service
    expected = ROOMS + (() if service in SILENT else EVENT_ROOMS)
    assert [room for room in expected if not (folder / room).is_file()] == []


def test_contracts_import_nothing_from_the_kit():
    found = {str(path.relative_to(ROOT)): offending(path, ("kring.kit",))
             for path in (ROOT / "kring" / "contracts").glob("*.py")}
    assert {path: names for path, names in found.items() if names} == {}


@pytest.mark.parametrize("service", SERVICES)
def test_domain_and_events_touch_no_framework(service):
    folder = ROOT / "services" / service
    found = {room: offending(folder / room, FRAMEWORKS) for room in ("domain.py", "events.py")
             if (folder / room).is_file()}
    assert {room: names for room, names in found.items() if names} == {}


def test_the_checks_can_fail(tmp_path):
    impure = tmp_path / "domain.py"
    impure.write_text("from sqlalchemy import select\nimport kring.kit.db\nimport kring.errors\n")
    assert offending(impure, FRAMEWORKS) == ["sqlalchemy", "kring.kit.db"]
