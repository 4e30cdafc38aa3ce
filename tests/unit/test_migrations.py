"""The services' revisions as they ship: one line of revisions each, from one first revision,
in the package (kring.kit.migrations)."""
import tomllib

import pytest

from kring.config import SERVICES
from kring.kit.migrations import HERE, scripts, versions_folder
from tests.support import ROOT


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_has_one_line_of_revisions(service):
    """Two revisions made on two branches from the same parent are two heads: merge them by
    making the later one revise the other (README.md "Changing the schema")."""
    script = scripts(service)
    assert len(script.get_bases()) == 1
    assert len(script.get_heads()) == 1, f"{service} has several newest revisions: " \
        f"{script.get_heads()}"
    first = script.get_revision(script.get_base())
    assert first.module.schema().tables  # the first revision writes the schema out in full


@pytest.mark.parametrize("service", SERVICES)
def test_the_revisions_are_in_the_package(service):
    assert versions_folder(service) == ROOT / "services" / service / "migrations"
    assert (versions_folder(service) / "__init__.py").exists()


def test_the_template_of_a_revision_ships_in_the_wheel():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert (HERE / "script.py.mako").exists()
    assert "*.mako" in pyproject["tool"]["setuptools"]["package-data"]["*"]
