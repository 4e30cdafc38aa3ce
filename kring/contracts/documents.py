"""Writes docs/openapi.json and docs/asyncapi.yaml from the contracts (`make docs`).

A test compares the files with what this builds, so the published documents cannot go stale.
"""
import json
import sys
from pathlib import Path

import yaml

from kring.contracts.asyncapi import build_asyncapi
from kring.contracts.openapi import build_openapi


def rendered():
    return {
        "openapi.json": json.dumps(build_openapi(), indent=2, sort_keys=True) + "\n",
        "asyncapi.yaml": yaml.safe_dump(build_asyncapi(), sort_keys=False, width=100),
    }


def main(folder="docs"):
    for name, text in rendered().items():
        Path(folder, name).write_text(text, encoding="utf-8")
        print(f"wrote {folder}/{name}")


if __name__ == "__main__":
    main(*sys.argv[1:])
