"""The programmes Kring carries, read from definitions (docs/contract.md §2 "Programmes").

One YAML file per programme: the shipped ones in this folder, then those in the operator's
folder (KRING_PROGRAMMES), which add programmes or replace a shipped one with the same code.
Loading checks every file against kring.contracts.programme and names the file and the field
of the first error; `kring run` refuses to start on one (kring.config.Settings.from_env).
"""
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from marshmallow import ValidationError

from kring.contracts.programme import Programme as ProgrammeSchema

SHIPPED = Path(__file__).parent
PROGRAMMES_KEY = "KRING_PROGRAMMES"
# a code no definition knows (a referral stored before definitions, a supporter's old code)
# is handled as this programme: today's behaviour
DEFAULT = "home-start"


class ProgrammeError(Exception):
    """A definition cannot be read or is not valid."""


@dataclass(frozen=True)
class Definition:
    code: str
    name: dict
    kind: str
    commission_required: bool
    duration: dict
    rhythm: dict
    supporter_kinds: tuple
    aftercare: dict  # severity -> {count, every, unit}
    closure_reasons: tuple
    check_in_weeks: int = 6  # kring.contracts.programme: the defaults of a definition without
    evaluation_weeks: tuple = (12, 26)

    def view(self):
        """The definition as getProgramme answers it."""
        return {"code": self.code, "name": dict(self.name), "kind": self.kind,
                "commission_required": self.commission_required,
                "duration": dict(self.duration), "rhythm": dict(self.rhythm),
                "supporter_kinds": list(self.supporter_kinds),
                "aftercare": {s: dict(t) for s, t in self.aftercare.items()},
                "closure_reasons": [dict(r, name=dict(r["name"]))
                                    for r in self.closure_reasons],
                "check_in_weeks": self.check_in_weeks,
                "evaluation_weeks": list(self.evaluation_weeks)}

    def summary(self):
        """What listProgrammes says of it."""
        return {key: self.view()[key] for key in
                ("code", "name", "kind", "commission_required", "duration", "rhythm")}


def _errors(messages, prefix=""):
    """marshmallow's nested messages as 'field.sub: message' lines (without the `_schema` and
    the `value` level that marshmallow puts in between)."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            yield from _errors(value, prefix if key in ("_schema", "value") else
                               f"{prefix}{key}.")
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        yield f"{prefix.rstrip('.') or '(the file)'}: {'; '.join(messages)}"
    else:
        for item in messages:
            yield from _errors(item, prefix)


def read(path):
    """The definition in one file, or ProgrammeError naming the file and the field."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ProgrammeError(f"{path}: cannot be read: {exc}") from None
    if not isinstance(raw, dict):
        raise ProgrammeError(f"{path}: must hold one programme definition (a mapping)")
    try:
        data = ProgrammeSchema().load(raw)
    except ValidationError as exc:
        raise ProgrammeError(f"{path}: {', '.join(_errors(exc.messages))}") from None
    return Definition(**{**data, "supporter_kinds": tuple(data["supporter_kinds"]),
                         "closure_reasons": tuple(data["closure_reasons"]),
                         "evaluation_weeks": tuple(data["evaluation_weeks"])})


def _folder(path):
    found = sorted(Path(path).glob("*.yaml")) + sorted(Path(path).glob("*.yml"))
    definitions = {}
    for file in found:
        definition = read(file)
        if definition.code in definitions:
            raise ProgrammeError(f"{file}: code {definition.code} is defined twice in {path}")
        definitions[definition.code] = definition
    return definitions


def load(folder=None):
    """{code: Definition}: the shipped definitions, then the operator's `folder`'s."""
    definitions = _folder(SHIPPED)
    if folder:
        if not Path(folder).is_dir():
            raise ProgrammeError(f"{folder}: not a folder")
        definitions.update(_folder(folder))
    return Catalogue(definitions)


class Catalogue:
    def __init__(self, definitions):
        self.definitions = dict(sorted(definitions.items()))

    def __contains__(self, code):
        return code in self.definitions

    def get(self, code):
        """The definition of `code`, or None."""
        return self.definitions.get(code)

    def of(self, code):
        """The definition of `code`; an unknown code (or none) is the default programme's."""
        return self.definitions.get(code) or self.definitions[DEFAULT]

    @property
    def codes(self):
        return tuple(self.definitions)


@lru_cache(maxsize=None)
def _cached(folder):
    return load(folder)


def current(env=None):
    """The catalogue of this process's configuration (KRING_PROGRAMMES), read once."""
    env = os.environ if env is None else env
    return _cached(env.get(PROGRAMMES_KEY) or None)
