"""The notify service in a real container, fed the other services' events over the real broker
(tests/support/integration/notify.py), delivering to a real SMTP server (aiosmtpd in a process
of its own on loopback)."""
import pytest
from nameko.testing.utils import find_free_port

from kring.config import SMTP_KEY
from services.notify.service import SWEEP_SECONDS_KEY, NotifyService
from tests.support.processes import SmtpServer


@pytest.fixture
def smtp_port():
    return find_free_port()


@pytest.fixture
def smtp(tmp_path, smtp_port):
    server = SmtpServer(tmp_path / "maildir", smtp_port).start()
    yield server
    server.kill()


@pytest.fixture
def smtp_config(kring_config, smtp_port):
    """Notices by SMTP; the timer is kept out of the way so each test drives time itself."""
    return dict(kring_config, **{
        SMTP_KEY: {"host": "127.0.0.1", "port": smtp_port, "from": "kring@example.org"},
        SWEEP_SECONDS_KEY: 3600})


@pytest.fixture
def files_config(kring_config):
    """Notices as .eml files; the timer is kept out of the way so each test drives time."""
    return dict(kring_config, **{SWEEP_SECONDS_KEY: 3600})


@pytest.fixture
def notify_factory(container_factory):
    def start(config):
        container = container_factory(NotifyService, config)
        container.start()
        return container
    return start
