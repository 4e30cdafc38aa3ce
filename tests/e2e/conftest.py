"""The whole of Kring as its users meet it: five services, a real SMTP server, the public API.

The SMTP server is aiosmtpd in a process of its own on loopback, delivering into a Maildir the
tests read. The services talk by events, so a test waits for what a user would see (a status,
a mail) with `eventually` (tests/support/waiting.py), which re-checks a condition until a
deadline; nothing sleeps a fixed time.
"""
import pytest

from kring.config import (DIRECTORY_KEY, RETENTION_KEY, RETENTION_SWEEP_KEY, RETRY_DELAYS_KEY,
                          SMTP_KEY)
from kring.about import AboutService
from kring.registry import SERVICE_CLASSES, load_service
from tests.support.api import Api
from tests.support.directory import EXAMPLE_DIRECTORY
from tests.support.processes import SmtpServer


@pytest.fixture
def smtp(tmp_path):
    server = SmtpServer(tmp_path / "maildir").start()
    yield server
    server.kill()


@pytest.fixture
def stack(runner_factory, sqlite_config, smtp):
    """All five services in one runner (as `kring run` does), notices over SMTP, routing by
    the shipped directory as `make run` does (the demo acts as kring.client's coordinator)."""
    config = dict(sqlite_config)
    config[DIRECTORY_KEY] = str(EXAMPLE_DIRECTORY)
    config[SMTP_KEY] = {"host": "127.0.0.1", "port": smtp.port, "from": "kring@example.org"}
    config[RETRY_DELAYS_KEY] = [0.1, 0.5, 1]
    services = [load_service(name) for name in SERVICE_CLASSES]
    runner = runner_factory(config, *services, AboutService)
    runner.start()
    return config


@pytest.fixture
def stack_api(stack, web_config_port):
    client = Api(web_config_port)
    yield client
    client.http.close()


@pytest.fixture
def erasing_stack(runner_factory, sqlite_config):
    """All five services as `kring run` runs them, notices as .eml files in the data directory,
    and the retention timers every half second: family-help's data is kept 0 days after its
    referral closed, every other programme's two years (docs/contract.md §2)."""
    config = dict(sqlite_config)
    config[DIRECTORY_KEY] = str(EXAMPLE_DIRECTORY)
    config[RETRY_DELAYS_KEY] = [0.1, 0.5, 1]
    config[RETENTION_KEY] = {"days": 730, "programmes": {"family-help": 0}}
    config[RETENTION_SWEEP_KEY] = 0.5
    services = [load_service(name) for name in SERVICE_CLASSES]
    runner = runner_factory(config, *services, AboutService)
    runner.start()
    return config
