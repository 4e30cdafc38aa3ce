"""getLeaflet: a programme's leaflet for families as an HTML page or a PDF (kring/leaflets)."""
from eventlet import tpool
from eventlet.semaphore import Semaphore
from werkzeug.wrappers import Response

from kring import leaflets
from kring.leaflets.render import HTML, PDF, to_html, to_pdf

# A PDF takes WeasyPrint a second or two of CPU: drawn in a thread of its own (tpool), so the
# process's other requests and consumers go on meanwhile, once per leaflet, then kept (the
# texts do not change while the process runs), one at a time (a second request for the same
# leaflet waits for the first's).
_pdfs = {}
_drawing = Semaphore()


def leaflet_response(programme, language, form):
    leaflet = leaflets.leaflet(programme, language)
    headers = {"Content-Language": leaflet.language}
    if form == "pdf":
        headers["Content-Disposition"] = f'inline; filename="{leaflet.filename}.pdf"'
        return Response(_pdf(leaflet), status=200, content_type=PDF, headers=headers)
    return Response(to_html(leaflet), status=200, content_type=HTML, headers=headers)


def _pdf(leaflet):
    with _drawing:
        if leaflet not in _pdfs:
            _pdfs[leaflet] = tpool.execute(to_pdf, leaflet)
    return _pdfs[leaflet]
