"""`kring run`: the chosen services in one process, sharing one HTTP port, until SIGTERM.

eventlet must patch the standard library before nameko, kombu or a database driver is imported,
so this module imports them inside run_services, after the patch.
"""
import logging
import signal
import sys

from kring.config import SERVICES, ConfigError, Settings

log = logging.getLogger("kring")


def run_services(names, dev=False):
    import eventlet
    eventlet.monkey_patch()

    from nameko.runners import ServiceRunner

    from kring.about import AboutService
    from kring.registry import load_service

    from kring.kit import logs

    logs.configure("plain")  # until the settings are read: they may refuse to be
    unknown = [name for name in names if name not in SERVICES]
    if unknown:
        print(f"kring: unknown service(s) {', '.join(unknown)}; choose from "
              f"{', '.join(SERVICES)}", file=sys.stderr)
        return 2
    settings = Settings.from_env()
    logs.configure(settings.log_format)
    config = settings.nameko_config(dev=dev)
    if dev and not settings.secret:
        log.warning("development mode: API tokens are signed with the fixed development key; "
                    "never run like this in production (set KRING_SECRET)")

    runner = ServiceRunner(config)
    for name in names:
        runner.add_service(load_service(name))
    runner.add_service(AboutService)

    def stop(signum, _frame):
        log.info("signal %s: finishing work in flight, then stopping", signum)
        eventlet.spawn_n(runner.stop)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        runner.start()
    except ConfigError as exc:  # e.g. a provider directory that cannot be applied
        runner.kill()
        print(f"kring: {exc}", file=sys.stderr)
        return 2
    notices = ("SMTP " + settings.smtp["host"]) if settings.smtp else \
        f"{settings.data_dir / 'notices'}/*.eml"
    log.info("Kring is running: %s", ", ".join(names))
    log.info("API on http://localhost:%s/api/v1/ (document: /api/v1/openapi.json)",
             settings.http_port)
    log.info("broker %s; databases in %s; notices to %s", _safe(settings.amqp_uri),
             settings.data_dir, notices)
    runner.wait()
    log.info("stopped")
    return 0


def _safe(uri):
    """The broker URI without its password, for the log."""
    if "@" not in uri:
        return uri
    scheme, _, rest = uri.partition("://")
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"
