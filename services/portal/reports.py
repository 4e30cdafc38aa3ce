"""The reports page (municipality, admin, operator): getReports' table as a form of choices,
an HTML table, charts drawn on the server, and the CSV as a download."""
from werkzeug.wrappers import Response

from kring.contracts.report import PERIODS
from services.portal import charts, forms
from services.portal.api import Answer
from services.portal.visit import query_string


REPORT_FIELDS = ("programme", "period", "from", "to")
CHART_FIGURES = ("referrals_in", "completed")


def report_query(args):
    """The form's choices as getReports' query: what was left empty is the API's default."""
    return {name: args[name].strip() for name in REPORT_FIELDS if args.get(name, "").strip()}


def reports(visit):
    refused = visit.refused()
    if refused:
        return refused
    query = report_query(visit.request.args)
    answer = visit.api.call("getReports", query=query)
    values = {"period": "month", **query}
    if answer.status == 422:  # the API's words at the fields, the choices kept
        errors = forms.field_errors(answer.body.get("errors"), REPORT_FIELDS)
        return visit.render("reports.j2", status=422, values=values, errors=errors,
                            labels=report_label(visit), table=None, periods=PERIODS,
                            csv_link=None, charts=[])
    if not answer.ok:
        return visit.from_api(answer)
    table = answer.body
    return visit.render("reports.j2", values=values, errors={}, labels=report_label(visit),
                        table=table, periods=PERIODS,
                        csv_link="/reports.csv" + query_string(**query),
                        charts=report_charts(visit, table))


def report_label(visit):
    """A field's label in the list of errors above the form."""
    keys = {"programme": "programme", "period": "reports_period", "from": "reports_from",
            "to": "reports_to"}
    return lambda name: visit.say(keys.get(name, name))


def report_charts(visit, table):
    """A chart of each figure of CHART_FIGURES per programme and municipality."""
    drawn = []
    period = visit.say(f"period_{table['period']}")
    for number, ((programme, municipality), rows) in enumerate(charts.groups(table["rows"])):
        for figure in CHART_FIGURES:
            title = visit.say("chart_title").format(
                figure=visit.say(f"col_{figure}"), period=period, programme=programme,
                municipality=municipality)
            drawn.append({"svg": charts.bar_chart(rows, figure, title, f"chart-{number}-{figure}"),
                          "title": title, "suppressed": charts.has_suppressed(rows, figure)})
    return drawn


def reports_csv(visit):
    """The API's CSV passed on as it is, to save."""
    refused = visit.refused()
    if refused:
        return refused
    query = {**report_query(visit.request.args), "format": "csv"}
    response = visit.api.send("getReports", query=query)
    if response.status_code != 200:
        try:
            body = response.json()
        except ValueError:
            body = {}
        return visit.from_api(Answer(response.status_code, body if isinstance(body, dict)
                                     else {}))
    return Response(response.content, mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="kring-rapportage.csv"'})
