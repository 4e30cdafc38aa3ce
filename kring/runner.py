"""`kring run`: the chosen services in one process, sharing one HTTP port, until SIGTERM.

eventlet must patch the standard library before nameko, kombu or a database driver is imported,
so this module imports them inside run_services, after the patch.

A stop always stops (README.md "Stopping"). The first SIGTERM or SIGINT starts one graceful
stop; any later one is only logged. nameko's stop may not run twice: a second
`ServiceRunner.stop` while the first is under way re-sends the timers' stop event (an
AssertionError) and replaces the first stop's wait for each consumer's cancellation in the
queue consumer, so the first stop waits for ever. And a signal to a process group comes twice:
`make run` passes the SIGTERM it gets on to kring, which got its own. Whatever still holds the
stop up after KRING_STOP_SECONDS, the process exits anyway, with a line that says so.
"""
import logging
import os
import signal
import sys

from kring.config import RUNNABLE, ConfigError, Settings

log = logging.getLogger("kring")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
EXIT_STOP_TOO_LONG = 1


class Stopper:
    """The handler of SIGTERM and SIGINT: one graceful stop, then a hard deadline.

    `stop` starts the graceful stop without waiting for it (the handler must return to the
    loop that does the work); `deadline` is a thread of the operating system's, so that it
    fires even if every green thread is stuck; at the deadline `exit` ends the process.
    """

    def __init__(self, stop, seconds, deadline, exit=os._exit):
        self.stop, self.seconds, self.deadline, self.exit = stop, seconds, deadline, exit
        self.stopping = False

    def __call__(self, signum, _frame=None):
        if self.stopping:
            log.info("signal %s: already stopping; work in flight finishes first (at most "
                     "%g s from the first signal)", signum, self.seconds)
            return
        self.stopping = True
        log.info("signal %s: finishing work in flight, then stopping (at most %g s)", signum,
                 self.seconds)
        self.deadline(self.seconds, self.too_long)
        self.stop()

    def too_long(self):
        """Past the deadline: said on standard error without logging's locks (green ones,
        which an operating-system thread must not take), then out."""
        record = log.makeRecord(log.name, logging.ERROR, __file__, 0,
                                "not stopped within %g s of the signal: exiting now; messages "
                                "not yet acknowledged return to their queues", (self.seconds,),
                                None)
        os.write(2, (logging.Formatter(LOG_FORMAT).format(record) + "\n").encode())
        self.exit(EXIT_STOP_TOO_LONG)


def os_deadline(seconds, callback):
    """Call `callback` after `seconds` from a daemon thread of the operating system's, which
    runs whatever eventlet's hub is doing."""
    from eventlet.patcher import original
    threading, time = original("threading"), original("time")

    def wait():
        time.sleep(seconds)
        callback()

    threading.Thread(target=wait, name="stop-deadline", daemon=True).start()


def run_services(names, dev=False):
    import eventlet
    eventlet.monkey_patch()

    from nameko.runners import ServiceRunner

    from kring.about import AboutService
    from kring.registry import load_service

    from kring.kit import logs

    logs.configure("plain")  # until the settings are read: they may refuse to be
    unknown = [name for name in names if name not in RUNNABLE]
    if unknown:
        print(f"kring: unknown service(s) {', '.join(unknown)}; choose from "
              f"{', '.join(RUNNABLE)}", file=sys.stderr)
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

    stop = Stopper(lambda: eventlet.spawn_n(runner.stop), settings.stop_seconds, os_deadline)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        runner.start()
    except ConfigError as exc:  # e.g. a provider directory that cannot be applied
        runner.kill()
        print(f"kring: {exc}", file=sys.stderr)
        return 2
    notices = (f"SMTP {settings.smtp['host']} ({settings.smtp['tls']})") if settings.smtp else \
        f"{settings.data_dir / 'notices'}/*.eml"
    log.info("Kring is running: %s", ", ".join(names))
    log.info("API on http://localhost:%s/api/v1/ (document: /api/v1/openapi.json)",
             settings.http_port)
    if "portal" in names:
        log.info("portal on http://localhost:%s/ (sign in: kring login-link)", settings.http_port)
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
