"""The municipality's commission pages (services/portal/commissions.py) rendered in both
languages: every word they say is in words.py, each row links to its request's page, "more"
keeps the list's state, the decision form while the request waits and the decision once
made; and the decision form as decideCommission's body."""
import pytest
from werkzeug.datastructures import MultiDict

from services.portal import words
from services.portal.commissions import SECTIONS, decision_body
from services.portal.queue import COLUMNS
from tests.support.unit.portal import missing_words

REQUEST = {"referral_id": "r1", "programme": "family-trajectory",
           "coordinating_org": "gezinstraject-utrecht", "municipality_code": "GM0344",
           "state": "awaiting", "asked_at": "2026-11-20T10:00:00+00:00",
           "intake_at": "2026-11-20T10:00:00+00:00", "severity": "high",
           "children_ages": [3, 7], "domains": ["parenting"], "urgency": "normal",
           "decided_at": None, "decided_by": None}
DECIDED = {**REQUEST, "referral_id": "r2", "state": "not_commissioned",
           "decided_at": "2026-11-21T09:00:00+00:00",
           "decided_by": {"role": "municipality", "organisation": "GM0344"}}


def shown(section, rows, more=None):
    return {"name": section.name, "kind": section.kind, "columns": COLUMNS[section.kind],
            "rows": rows, "more": more, "may_meet": False}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_word_of_the_commission_lists_is_in_both_languages(language):
    awaiting, decided = SECTIONS
    missing, html = missing_words("commissions.j2", language, sections=[
        shown(awaiting, [REQUEST], "/commissions?state=awaiting&cursor=x"),
        shown(decided, [DECIDED])])
    assert not missing
    assert 'href="/commissions/r1"' in html and 'href="/commissions/r2"' in html
    assert 'hx-get="/commissions?state=awaiting&amp;cursor=x"' in html
    assert words.TEXTS["commission_not_commissioned"][language == "en"] in html
    missing, html = missing_words("commissions.j2", language,
                                  sections=[shown(section, []) for section in SECTIONS])
    assert not missing and "<table" not in html
    for section in SECTIONS:
        assert words.TEXTS[f"queue_{section.name}_empty"][language == "en"] in html


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_word_of_a_commission_request_and_its_decision_is_in_both_languages(language):
    missing, html = missing_words(
        "commission.j2", language, request=REQUEST, deciding=True, done=None,
        values={"decision.commissioned": "no", "decision.reason": "geen budget"},
        errors={"": ["the referral is not waiting for a commission"],
                "decision.reason": ["say why"]})
    assert not missing
    assert 'action="/commissions/r1"' in html and 'value="no" checked' in html
    assert "geen budget</textarea>" in html and 'id="f-decision-reason-error"' in html
    missing, html = missing_words("commission.j2", language, request=DECIDED, deciding=False,
                                  done="decision", values={}, errors={})
    assert not missing
    assert 'id="decision"' not in html and 'id="decided-at"' in html
    assert words.TEXTS["done_decision"][language == "en"] in html


def test_the_decision_form_is_decide_commissions_body():
    assert decision_body(MultiDict({"decision.commissioned": "no",
                                    "decision.reason": " geen budget "})) == {
        "commissioned": False, "reason": "geen budget"}
    assert decision_body(MultiDict({"decision.commissioned": "yes",
                                    "decision.reason": ""})) == {"commissioned": True}
    assert decision_body(MultiDict({})) == {}  # the API says what is required


def test_the_commission_columns_and_sections_have_words_in_both_languages():
    keys = {f"queue_{s.name}{end}" for s in SECTIONS for end in ("", "_empty")} | \
        set(COLUMNS["commission"]) | {f"commission_{state}" for state in (
            "awaiting", "commissioned", "not_commissioned", "withdrawn")}
    assert sorted(key for key in keys if key not in words.TEXTS) == []
