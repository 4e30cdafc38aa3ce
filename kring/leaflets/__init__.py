"""The family's leaflet of each programme (docs/contract.md §4, getLeaflet): what the programme
is, that support is voluntary, what Kring records, who is told and for how long it is kept, in
the languages of the programme's parents' leaflet.

Texts only, one folder per programme code (`kring/leaflets/home-start/`), one YAML file per
language (`nl.yaml`, `ar.yaml`, …): a programme gets a leaflet by adding a folder, and a
language by adding a file. What the texts say of the data follows docs/privacy.md; change them
together.
"""
from dataclasses import dataclass
from pathlib import Path

import yaml

from kring.contracts.fields import LANGUAGE, PROGRAMME
from kring.errors import NotFound

FOLDER = Path(__file__).parent
# every leaflet has these sections, in this order
SECTIONS = ("what", "voluntary", "recorded", "told", "kept", "rights")
RIGHT_TO_LEFT = frozenset({"ar", "fa"})  # scripts written from right to left, of our languages
DIRECTIONS = ("ltr", "rtl")


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    text: tuple  # paragraphs


@dataclass(frozen=True)
class Leaflet:
    programme: str
    language: str
    direction: str  # "rtl" or "ltr": the HTML's dir
    reviewed: bool  # false: a translation no native speaker has read yet
    title: str
    sections: tuple

    @property
    def filename(self):
        return f"{self.programme}-{self.language}"


class LeafletError(ValueError):
    """A leaflet file that is not as this module reads it: a bug in the texts, said loudly."""


def programmes():
    """The codes of the programmes that have a leaflet."""
    return sorted(path.name for path in FOLDER.iterdir()
                  if path.is_dir() and PROGRAMME.match(path.name) and any(path.glob("*.yaml")))


def languages(programme):
    """The languages of a programme's leaflet; NotFound for a programme without one."""
    folder = _folder(programme)
    return sorted(path.stem for path in folder.glob("*.yaml") if LANGUAGE.match(path.stem))


def leaflet(programme, language):
    """The programme's leaflet in `language`; NotFound naming the languages it has."""
    available = languages(programme)
    if language not in available:
        raise NotFound(f"no {programme} leaflet in {language!r}; it is in "
                       f"{', '.join(available)}", {"languages": available})
    return read(_folder(programme) / f"{language}.yaml")


def read(path):
    """One leaflet file, checked: every section, `reviewed` set, the file's own language."""
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    where = f"{path.parent.name}/{path.name}"
    if not isinstance(data, dict):
        raise LeafletError(f"{where}: not a mapping")
    if data.get("language") != path.stem or data.get("programme") != path.parent.name:
        raise LeafletError(f"{where}: its programme and language must be its folder and name")
    if not isinstance(data.get("reviewed"), bool):
        raise LeafletError(f"{where}: `reviewed` must be true or false")
    if data.get("direction") not in DIRECTIONS:
        raise LeafletError(f"{where}: `direction` must be one of {DIRECTIONS}")
    sections = data.get("sections") or {}
    if tuple(sections) != SECTIONS:
        raise LeafletError(f"{where}: the sections must be {', '.join(SECTIONS)}, in order")
    return Leaflet(data["programme"], data["language"], data["direction"], data["reviewed"],
                   _text(data.get("title"), where),
                   tuple(_section(key, body, f"{where} {key}") for key, body in sections.items()))


def _section(key, body, where):
    paragraphs = body.get("text") if isinstance(body, dict) else None
    if not isinstance(paragraphs, list) or not paragraphs:
        raise LeafletError(f"{where}: a heading and at least one paragraph of text")
    return Section(key, _text(body.get("heading"), where),
                   tuple(_text(paragraph, where) for paragraph in paragraphs))


def _text(value, where):
    if not isinstance(value, str) or not value.strip():
        raise LeafletError(f"{where}: a text is missing")
    return value.strip()


def _folder(programme):
    folder = FOLDER / programme
    if not PROGRAMME.match(programme) or not folder.is_dir():
        raise NotFound(f"no leaflet for a programme {programme!r}")
    return folder
