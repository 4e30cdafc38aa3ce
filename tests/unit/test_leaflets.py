"""The families' leaflets (kring/leaflets, docs/contract.md §4 getLeaflet): Home-Start's in the
eight languages of its parents' leaflet, each with every section, its direction and whether a
native speaker reviewed it; the HTML page says all of it."""
import re
import shutil
from pathlib import Path

import pytest
from markupsafe import escape

from kring import leaflets
from kring.config import DEFAULT_RETENTION_DAYS
from kring.errors import NotFound
from kring.leaflets import SECTIONS, LeafletError, read
from kring.leaflets.render import to_html
from scripts.ensure_services import LEAFLET_PACKAGES

ROOT = Path(__file__).resolve().parents[2]
HOME_START = "home-start"
LANGUAGES = {"nl", "ar", "en", "fa", "uk", "pl", "ti", "tr"}
WRITTEN_HERE = {"nl", "en"}  # the others are translations no native speaker has read yet
# letters only each language's script (or alphabet) has: the text is in that language's writing
SCRIPTS = {"ar": "[\u0600-\u06ff]", "fa": "[پچژگکی]", "uk": "[іїєґ]", "ti": "[\u1200-\u137f]",
           "pl": "[ąęłńśźż]", "tr": "[ğış]", "nl": "coördinator", "en": "voluntary"}


def test_home_start_has_a_leaflet_in_each_of_the_eight_languages():
    assert HOME_START in leaflets.programmes()
    assert set(leaflets.languages(HOME_START)) == LANGUAGES


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_each_language_has_every_section_its_direction_and_whether_it_was_reviewed(language):
    leaflet = leaflets.leaflet(HOME_START, language)
    assert leaflet.language == language and leaflet.programme == HOME_START
    assert tuple(section.key for section in leaflet.sections) == SECTIONS
    assert all(section.heading and section.text for section in leaflet.sections)
    assert leaflet.direction == ("rtl" if language in {"ar", "fa"} else "ltr")
    assert leaflet.reviewed is (language in WRITTEN_HERE)
    everything = " ".join([leaflet.title] + [" ".join((s.heading, *s.text))
                                             for s in leaflet.sections])
    assert re.search(SCRIPTS[language], everything), f"{language}: not in its own script"


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_every_file_says_reviewed_itself(language):
    text = (ROOT / "kring/leaflets" / HOME_START / f"{language}.yaml").read_text("utf-8")
    assert re.search(r"^reviewed: (true|false)$", text, re.M)


def test_the_texts_tell_what_docs_privacy_says():
    """Two years after closure (the default retention), consent for the referrer, erasure and
    a copy: the English text, which the translations follow."""
    assert DEFAULT_RETENTION_DAYS == 730
    text = " ".join(" ".join(s.text) for s in leaflets.leaflet(HOME_START, "en").sections)
    for words in ("voluntary", "two years after the support has ended", "only if you agree",
                  "starts and when it ends", "delete your information", "You get a copy",
                  "encrypted"):
        assert words in text


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_the_page_has_the_language_its_direction_and_a_note_when_not_reviewed(language):
    leaflet = leaflets.leaflet(HOME_START, language)
    page = to_html(leaflet)
    assert f'<html lang="{language}" dir="{leaflet.direction}">' in page
    assert f"<title>{escape(leaflet.title)}</title>" in page
    for section in leaflet.sections:
        assert f'<section id="{section.key}">' in page and escape(section.text[-1]) in page
    note = "not yet reviewed by a native speaker"
    assert (note in page) is (not leaflet.reviewed)


def test_text_is_escaped_in_the_page(tmp_path):
    folder = _copy(tmp_path)
    path = folder / "en.yaml"
    path.write_text(path.read_text("utf-8").replace(
        "title: 'Home-Start: support for your family'", "title: 'A <b>bold</b> & co'"), "utf-8")
    assert "<title>A &lt;b&gt;bold&lt;/b&gt; &amp; co</title>" in to_html(read(path))


def test_a_language_it_is_not_in_is_not_found_naming_the_ones_it_is_in():
    with pytest.raises(NotFound) as raised:
        leaflets.leaflet(HOME_START, "de")
    assert raised.value.errors == {"languages": sorted(LANGUAGES)}
    assert "ar, en, fa, nl, pl, ti, tr, uk" in raised.value.message


@pytest.mark.parametrize("programme", ["no-such-programme", "../leaflets", "Home-Start", ""])
def test_a_programme_without_a_leaflet_is_not_found(programme):
    with pytest.raises(NotFound):
        leaflets.leaflet(programme, "nl")


@pytest.mark.parametrize("change, says", [
    (("reviewed: false\n", ""), "`reviewed` must be true or false"),
    (("direction: rtl\n", "direction: right\n"), "`direction`"),
    (("  kept:\n", "  kept_for:\n"), "the sections must be"),
    (("language: ar\n", "language: fa\n"), "its folder and name"),
])
def test_a_leaflet_file_that_is_not_right_is_refused_saying_why(tmp_path, change, says):
    path = _copy(tmp_path) / "ar.yaml"
    text = path.read_text("utf-8")
    assert change[0] in text
    path.write_text(text.replace(change[0], change[1]), "utf-8")
    with pytest.raises(LeafletError, match=re.escape(says)):
        read(path)


def test_the_image_installs_the_debian_packages_that_make_installs():
    dockerfile = (ROOT / "deploy/Dockerfile").read_text()
    for package in LEAFLET_PACKAGES:
        assert re.search(rf"apt-get install [^\n]*\\\n[^\n]*\b{re.escape(package)}\b",
                         dockerfile), package


def _copy(tmp_path):
    folder = tmp_path / HOME_START
    shutil.copytree(ROOT / "kring/leaflets" / HOME_START, folder)
    return folder
