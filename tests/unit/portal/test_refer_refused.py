"""The referral form (services/portal/referrals.py new_referral) when the API does not take the
referral for a reason of no field: a 503 (nothing stored), the API out of reach, a 409, a
403 are said above the form and everything typed comes back to send again."""
import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from services.portal import referrals
from services.portal.api import Answer, ApiUnreachable
from services.portal.forms import GENERAL
from services.portal.words import words

TYPED = {"programme": "home-start", "external_ref": "HA-9", "family.contact_name": "Yilmaz",
         "request.question": "Hulp bij opvoeden", "family.children_ages": "2 5"}
UNAVAILABLE = words("nl")("unavailable_text")  # ours: the API's says nothing of the form


class Api:
    def __init__(self, answer):
        self.answer = answer

    def call(self, operation_id, **_):
        assert operation_id == "submitReferral"
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


class Visit:
    """As much of services/portal/visit.py's Visit as the referral form uses."""

    def __init__(self, answer):
        self.request = Request(EnvironBuilder(method="POST", data=TYPED).get_environ())
        self.api = Api(answer)
        self.say = words("nl")

    def refused(self, operation_id=None):
        return None

    def render(self, template, status=200, **values):
        return template, status, values

    def from_api(self, answer):
        return f"page {answer.status}"


@pytest.mark.parametrize("answer, status, said", [
    (Answer(503, {"message": "the broker is unreachable"}), 503, UNAVAILABLE),
    (ApiUnreachable("connection refused"), 503, UNAVAILABLE),
    (Answer(409, {"message": "external_ref HA-9 was referred already"}), 409,
     "external_ref HA-9 was referred already"),
    (Answer(403, {}), 403, words("nl")("forbidden_text")),
])
def test_a_refusal_of_no_field_is_said_above_the_form_with_everything_typed(answer, status,
                                                                            said):
    template, shown_status, values = referrals.new_referral(Visit(answer))
    assert (template, shown_status) == ("refer.j2", status)
    assert values["errors"] == {GENERAL: [said]}
    for name, value in TYPED.items():
        assert values["values"][name] == value


def test_a_session_no_longer_accepted_signs_in_again():
    assert referrals.new_referral(Visit(Answer(401, {}))) == "page 401"
