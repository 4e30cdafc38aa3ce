"""The fault tests' one fixture: a running Kring of the test's own (tests/support/fault.py)."""
import pytest

from tests.support.databases import POSTGRES_URL
from tests.support.fault import Stack


@pytest.fixture
def stack(request, rabbit_config, tmp_path):
    """On SQLite; a test parametrized with `indirect=["stack"]` may ask for "postgresql"."""
    on_postgres = getattr(request, "param", "sqlite") == "postgresql"
    running = Stack(rabbit_config, tmp_path, POSTGRES_URL if on_postgres else None)
    try:
        yield running.start()
    finally:
        running.stop()
