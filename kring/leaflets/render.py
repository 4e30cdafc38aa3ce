"""A leaflet as an HTML page and as a PDF.

The PDF is drawn by WeasyPrint, which shapes text with Pango and HarfBuzz: Arabic and Farsi
joined and right to left, Tigrinya's Ethiopic syllables, from the Noto fonts of Debian's
fonts-noto-core (installed by scripts/ensure_services.py and deploy/Dockerfile).
"""
from jinja2 import Environment, PackageLoader, select_autoescape

HTML = "text/html; charset=utf-8"
PDF = "application/pdf"

_templates = Environment(loader=PackageLoader("kring.leaflets", ""),
                         autoescape=select_autoescape(default=True, default_for_string=True),
                         trim_blocks=True, lstrip_blocks=True)


def to_html(leaflet):
    """The leaflet as a whole HTML page (text)."""
    return _templates.get_template("leaflet.html.j2").render(leaflet=leaflet)


def to_pdf(leaflet):
    """The leaflet as PDF (bytes), with its fonts embedded."""
    # imported here: WeasyPrint loads Pango and its fonts, which only a PDF needs
    from weasyprint import HTML as Document
    return Document(string=to_html(leaflet)).write_pdf()
