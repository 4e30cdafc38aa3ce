"""The Dutch municipalities (CBS, 2025): a referral is routed by its family's municipality.

`municipalities.csv` next to this module lists each CBS code (GM0344) with its official name.
People write names as they say them ("utrecht", "Den Haag", "Hengelo"), so a name is looked up
without regard to case, accents, punctuation, spaces, a leading "Gemeente" or the province
suffix that tells two places of one name apart ("Bergen (NH.)"). Pure apart from reading that
one file, once.
"""
import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SOURCE = Path(__file__).with_name("municipalities.csv")
CODE = re.compile(r"^GM[0-9]{4}$", re.IGNORECASE)
PROVINCE_SUFFIX = re.compile(r"\s*\([A-Za-z.]+\)\s*$")  # "Hengelo (O.)", "Bergen (NH.)"
GEMEENTE = re.compile(r"^\s*gemeente\s+", re.IGNORECASE)
# names in everyday use that are not the official one
ALIASES = {
    "Den Haag": "GM0518", "The Hague": "GM0518",
    "Den Bosch": "GM0796",
    "Nuenen": "GM0820",
}
CLOSE_MATCHES, CUTOFF = 3, 0.75


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str


def key(name):
    """What is left of a name to compare: lower-case letters and digits, without accents."""
    name = GEMEENTE.sub("", name)
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


class Register:
    """Every municipality, by code and by the keys of its names."""

    def __init__(self, rows, aliases=ALIASES):
        self.by_code = {code.upper(): Municipality(code.upper(), name) for code, name in rows}
        self._by_key = {}
        for municipality in self.by_code.values():
            self._add(key(municipality.name), municipality)
            self._add(key(PROVINCE_SUFFIX.sub("", municipality.name)), municipality)
        for alias, code in aliases.items():
            self._add(key(alias), self.by_code[code])

    def _add(self, name_key, municipality):
        self._by_key.setdefault(name_key, set()).add(municipality)

    def find(self, text):
        """The municipality a CBS code or a name stands for; None when it stands for none, or
        for more than one ("Bergen": say which, e.g. "Bergen (NH.)")."""
        text = text.strip()
        if CODE.match(text):
            return self.by_code.get(text.upper())
        found = self._by_key.get(key(text), set())
        return next(iter(found)) if len(found) == 1 else None

    def close_matches(self, text):
        """Official names close to `text`, the closest first."""
        keys = difflib.get_close_matches(key(text), self._by_key, CLOSE_MATCHES * 2, CUTOFF)
        names = [municipality.name for name_key in keys
                 for municipality in sorted(self._by_key[name_key], key=lambda m: m.code)]
        return list(dict.fromkeys(names))[:CLOSE_MATCHES]

    def unknown(self, text):
        """What to tell whoever wrote `text`: it names no municipality; what it may mean."""
        close = self.close_matches(text)
        hint = f"; did you mean: {', '.join(close)}?" if close else ""
        return f"unknown municipality {text.strip()!r}{hint}"


def read_rows(path=SOURCE):
    with open(path, encoding="utf-8", newline="") as handle:
        return [(row["code"], row["name"]) for row in csv.DictReader(handle)]


@lru_cache(maxsize=1)
def register():
    """The register of municipalities.csv."""
    return Register(read_rows())
