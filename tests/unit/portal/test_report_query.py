"""The reports form's choices as getReports' query (services/portal/reports.py): what was left
empty is left to the API's defaults, and nothing but the form's fields is sent on."""
from werkzeug.datastructures import MultiDict

from services.portal.reports import report_query


def test_empty_choices_are_the_apis_defaults_and_other_parameters_are_not_sent():
    args = MultiDict({"programme": " home-start ", "period": "quarter", "from": "",
                      "to": "2026-06-30", "municipality": "GM0355", "format": "json"})
    assert report_query(args) == {"programme": "home-start", "period": "quarter",
                                  "to": "2026-06-30"}
    assert report_query(MultiDict()) == {}
