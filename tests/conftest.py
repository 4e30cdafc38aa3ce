"""The root of the tests: green threads before anything opens a socket, and the shared fixtures
(tests/support/fixtures.py) registered once for every folder. What tests import comes from
tests/support, never from a conftest.py."""
import kring  # noqa: F401  (first: it silences eventlet's deprecation notice)
import eventlet  # noqa: E402

eventlet.monkey_patch()  # before anything opens a socket (nameko's plugin no longer does this)

import logging  # noqa: E402

pytest_plugins = ["tests.support.fixtures"]


def pytest_unconfigure(config):
    # With threading green, logging's weakref clean-up of handlers at interpreter exit takes a
    # lock from a greenlet being finalised and prints a traceback per handler after pytest's
    # summary. Flush and close the handlers now, then leave nothing for that clean-up to do.
    logging.shutdown()
    logging._handlerList.clear()
