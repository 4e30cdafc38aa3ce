"""Write a new schema revision for each service whose models have changed (`make migration`).

    python scripts/new_migration.py "what changes" [SERVICE ...]

Each service's models (services/<service>/models.py, with the kit's tables) are compared with
its newest revision, migrated into a throw-away SQLite database; where they differ, Alembic
autogenerate writes the revision that makes the difference into services/<service>/migrations/.
Read it before committing: a rename looks like a drop and an add, and a new NOT NULL column
needs a value for the rows already there (README.md "Upgrading").
"""
import sys
import tempfile
from pathlib import Path

from kring.config import RUNNABLE as SERVICES
from kring.kit.db import make_engine
from kring.kit.migrations import new_revision


def main(argv):
    if not argv or argv[0].startswith("-"):
        print(__doc__, file=sys.stderr)
        return 2
    message, services = argv[0], argv[1:] or list(SERVICES)
    unknown = sorted(set(services) - set(SERVICES))
    if unknown:
        print(f"no service {', '.join(unknown)} (any of: {', '.join(SERVICES)})",
              file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        for service in services:
            engine = make_engine(f"sqlite:///{Path(folder) / service}.db")
            try:
                path = new_revision(engine, service, message)
            finally:
                engine.dispose()
            print(f"{service}: {path}" if path else f"{service}: no change")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
