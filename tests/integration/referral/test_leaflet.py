"""The families' leaflet over HTTP (docs/contract.md §4 getLeaflet): public, from the referral
service, an HTML page or a PDF in each of Home-Start's eight languages. The PDF's text read
back holds words of its language, in the right characters (Arabic and Farsi joined right to
left, Tigrinya's Ethiopic syllables), and its fonts, embedded, can write that script."""
import io

import pytest
from pypdf import PdfReader

from services.referral.service import ReferralService

LEAFLET = "/programmes/home-start/leaflet"
# a word of the "you decide" section in each language, as it reads (logical order)
VOLUNTARY = {"nl": "vrijwillig", "en": "voluntary", "ar": "طوعي", "fa": "داوطلبانه",
             "uk": "добровільна", "pl": "dobrowolne", "ti": "ብፍቓድኩም", "tr": "gönüllülük"}
RIGHT_TO_LEFT = {"ar", "fa"}
# the Noto font each script needs (Debian's fonts-noto-core), as the PDF names it
FONT_OF = {"ar": "Naskh-Arabic", "fa": "Naskh-Arabic", "ti": "Sans-Ethiopic"}


@pytest.fixture(autouse=True)
def service(container_factory, sqlite_config):
    # no database is read for a leaflet: SQLite is enough
    container = container_factory(ReferralService, sqlite_config)
    container.start()
    return container


def test_each_language_is_an_html_page_with_its_language_and_direction(api):
    for language, word in VOLUNTARY.items():
        answer = api.get(LEAFLET, params={"language": language})  # no token: public
        assert answer.status_code == 200, (language, answer.text)
        assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
        assert answer.headers["Content-Language"] == language
        direction = "rtl" if language in RIGHT_TO_LEFT else "ltr"
        assert f'<html lang="{language}" dir="{direction}">' in answer.text
        assert word in answer.text
        unreviewed = "not yet reviewed by a native speaker" in answer.text
        assert unreviewed is (language not in {"nl", "en"}), language
    default = api.get(LEAFLET)
    assert default.headers["Content-Language"] == "nl" and 'lang="nl"' in default.text


def test_each_language_is_a_pdf_whose_text_is_that_language_in_a_font_that_writes_it(api):
    for language, word in VOLUNTARY.items():
        answer = api.get(LEAFLET, params={"language": language, "format": "pdf"})
        assert answer.status_code == 200, (language, answer.text)
        assert answer.headers["Content-Type"] == "application/pdf"
        assert answer.headers["Content-Language"] == language
        assert answer.content.startswith(b"%PDF-")
        pdf = PdfReader(io.BytesIO(answer.content))
        text = " ".join(page.extract_text() for page in pdf.pages)
        assert word in " ".join(text.split()), f"{language}: {word} not in {text[:300]!r}"
        assert "Home-Start" in text
        fonts = embedded_fonts(pdf)
        if language in FONT_OF:
            assert any(FONT_OF[language] in name for name in fonts), (language, fonts)


def test_the_arabic_pdf_embeds_an_arabic_font(api):
    answer = api.get(LEAFLET, params={"language": "ar", "format": "pdf"})
    fonts = embedded_fonts(PdfReader(io.BytesIO(answer.content)))
    assert any("Arabic" in name for name in fonts), fonts


def test_an_unknown_language_or_programme_is_not_found(api):
    answer = api.get(LEAFLET, params={"language": "de"})
    assert answer.status_code == 404
    assert answer.json()["errors"] == {"languages": sorted(VOLUNTARY)}
    assert "ar, en, fa, nl, pl, ti, tr, uk" in answer.json()["message"]
    for programme in ("no-such-programme", "Home-Start", "..%2Fleaflets"):
        answer = api.get(f"/programmes/{programme}/leaflet", params={"language": "nl"})
        assert answer.status_code == 404, programme
        assert answer.json()["error"] == "not_found"


def test_a_format_other_than_html_or_pdf_is_invalid(api):
    answer = api.get(LEAFLET, params={"language": "nl", "format": "docx"})
    assert answer.status_code == 422
    assert "format" in answer.json()["errors"]


def embedded_fonts(pdf):
    """The names of the fonts the PDF's pages use whose font program is in the file."""
    names = set()
    for page in pdf.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() \
                if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                names.add(str(font["/BaseFont"]))
    return names
