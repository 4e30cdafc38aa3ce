"""The case's and the aftercare's templates with everything getCase and getAftercare can show,
in both languages: every word they say is in words.py (a key missing would show as itself)."""
import pytest

from services.portal import words
from services.portal.cases import labels
from services.portal.referrals import timeline_detail
from tests.support.unit.portal import missing_words as rendered

FIGURE = {"figure_id": "f1", "name": "Oma Ans", "relation": "grandmother", "formal": False,
          "functions": ["emotional", "practical"], "consent": True}
CASE = {
    "case_id": "c1", "referral_id": "r1", "status": "open", "supporter_id": "s1",
    "supporter_kind": "volunteer", "severity": "medium", "coordinator_org": "o",
    "opened_at": "2026-09-01T10:00:00+00:00", "programme": "home-start",
    "plan": {"goals": [{"life_domain": "parenting", "goal": "Rust", "for": "adult",
                        "members": ["m1"]}], "risk_factors": ["schulden"],
             "protective_factors": [], "support_figures": [FIGURE], "intensity": "regular",
             "set_by": "carla", "set_by_role": "coordinator", "set_at": "2026-09-02"},
    "visits": [{"visit_id": "v1", "date": "2026-09-03", "hours": 3.0, "notes": "koken",
                "logged_by": "sam", "logged_by_role": "supporter"}],
    "total_hours": 3.0,
    "safety_concerns": [
        {"concern_id": "k1", "description": "eerdere zorg", "immediate": False,
         "recorded_by": "sam",
         "recorded_by_role": "supporter", "recorded_at": "2026-09-03T10:00:00",
         "resolved_at": "2026-09-04T10:00:00", "resolution": "gesproken"},
        {"concern_id": "k2", "description": "ruzie", "immediate": True, "recorded_by": "sam",
         "recorded_by_role": "supporter", "recorded_at": "2026-09-05T10:00:00",
         "resolved_at": None, "resolution": None}],
    "evaluation": {"text": "goed", "goals_met": True, "at": "2026-10-01", "reason": "goals_met"},
    "handover": {"receiving_kind": "municipality", "receiving_name": "Wijkteam",
                 "summary": "rustig", "at": "2026-10-02"},
    "members": [{"member_id": "m1", "role": "parent", "age_band": "18+", "languages": ["nl"],
                 "first_name": "Ayse"}],
    "intensity": {"level": "regular", "expected": {"visits_per_week": 1, "hours_per_week": 3},
                  "recent_weeks": [{"week_of": "2026-09-28", "visits": 1, "hours": 3.0}],
                  "changes": [{"level": "light", "visits_per_week": None,
                               "hours_per_week": None, "reason": "beter", "at": "2026-09-20"}]},
    "check_ins": [{"date": "2026-09-10", "notes": "ok", "by": "carla", "by_role": "c",
                   "at": "2026-09-10"}],
    "interim_evaluations": [], "next_check_in_on": "2026-10-22",
    "next_evaluation_on": "2026-12-01", "check_in_overdue": True, "evaluation_overdue": True,
    "past_expected_duration": True, "below_rhythm": True, "withdrawn_at": None,
    "past_rounds": [{"evaluation": {"text": "eerste ronde", "goals_met": False},
                     "handover": {"receiving_name": "Wijkteam"},
                     "reopened_at": "2026-09-15T10:00:00"}]}
AFTERCARE = {
    "aftercare_id": "a1", "referral_id": "r1", "case_id": "c1", "status": "active",
    "severity": "medium", "receiving_party": {"kind": "local_partner", "name": "Buurt"},
    "started_on": "2026-10-02", "ends_on": "2027-01-02", "end_notes": "klaar",
    "support_figures": [{"figure_id": "f1", "name": "Oma Ans", "functions": ["practical"]}],
    "contacts": [{"due_on": "2026-11-02", "done_on": None, "overdue": True, "notes": None,
                  "support_figure_id": None},
                 {"due_on": None, "done_on": "2026-10-10", "overdue": False, "notes": "belde",
                  "support_figure_id": "f1"}]}
# every entry a referral's timeline can have (services/referral/domain.py)
TIMELINE = [{"status": status, "at": "2026-09-01T10:00:00", "detail": detail}
            for status, detail in (
                ("received", None), ("intake_done", "does not fit"),
                ("awaiting_commission", None), ("commissioned", "by municipality of GM0344"),
                ("not_commissioned", None), ("matching", None), ("proposal_made", None),
                ("proposal_declined", None), ("waitlisted", None), ("matched", None),
                ("in_progress", None), ("case_closed", None), ("handed_over", None),
                ("case_reopened", None), ("aftercare", None),
                ("consent_withdrawn", "by referrer"), ("withdrawn", "by family"),
                ("closed", "withdrawn"), ("erased", "by admin of home-start-utrecht"))]
EVERY_FORM = {name: True for name in (
    "plan", "members", "figure", "visit", "concern", "check_in", "evaluation", "intensity",
    "close", "handover", "contact", "relapse", "complete")}


def missing_words(template, language, **values):
    return rendered(template, language, lambda say: {"labels": labels(say)}, errors={},
                    done=None, **{"offered": EVERY_FORM, **values})


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_word_of_the_case_page_is_in_both_languages(language):
    missing, html = missing_words(
        "case.j2", language, case=CASE, referral={"referral_id": "r1", "external_ref": "HA-1",
                                                  "aftercare_id": "a1"},
        supporter_name="Sanne", concerns=sorted(CASE["safety_concerns"],
                                                key=lambda c: c["resolved_at"] is not None),
        resolvable=["k2"], figures=[FIGURE], members={"m1": CASE["members"][0]},
        values={"handover.staying.f1": "yes", "figure-f1.name": "Oma Ans"}, goal_rows=2,
        member_rows=2, removable=True, changeable=["f1"],
        member_roles=("parent", "child"), age_bands=("18+",),
        functions=("emotional", "practical"),
        closure_reasons=[("goals_met", "Doelen bereikt")],
        reason_names={"goals_met": "Doelen bereikt"}, for_whom=("adult", "child"),
        intensities=("high", "regular", "light"),
        receiving_kinds=("municipality", "local_partner"))
    assert not missing
    assert html.index("ruzie") < html.index("eerdere zorg")  # the open concern first
    assert 'action="/cases/c1/safety-concerns/k2/resolve"' in html
    assert "/safety-concerns/k1/resolve" not in html
    assert 'action="/cases/c1/support-figures/f1/remove"' in html
    assert 'action="/cases/c1/support-figures/f1/change"' in html
    assert 'name="figure-f1.name" value="Oma Ans"' in html
    assert '<dd id="closure-reason">Doelen bereikt</dd>' in html  # its name, not its code
    assert "eerste ronde" in html  # a round before a relapse


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_word_of_the_aftercare_page_is_in_both_languages(language):
    missing, html = missing_words(
        "aftercare.j2", language, aftercare=AFTERCARE, referral=None,
        figures={"f1": AFTERCARE["support_figures"][0]}, values={})
    assert not missing
    assert "Oma Ans" in html


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_word_of_the_referral_page_and_its_withdrawals_is_in_both_languages(language):
    referral = {"referral_id": "r1", "external_ref": "HA-1", "programme": "home-start",
                "status": "in_progress", "outcome": None, "timeline": TIMELINE,
                "consent": {"withdrawn_at": "2026-09-02T10:00:00"}}
    missing, html = missing_words(
        "referral.j2", language, referral=referral, proposal=None, answering=[], case=None,
        timeline=[(entry, timeline_detail(words.words(language), entry))
                  for entry in TIMELINE],
        values={"withdraw": {"withdraw.by": "family"}}, parties=("family", "supporter"),
        answered=None, submitted=False, saved=False, may_meet=False,
        offered={"withdraw": True, "consent_withdrawal": True, "erasure": True},
        withdrawers=("coordinator", "family"), consent=referral["consent"])
    assert not missing
    assert 'action="/referrals/r1/withdraw"' in html
    assert 'action="/referrals/r1/consent-withdrawal"' in html
    assert 'action="/referrals/r1/erasure"' in html and 'href="/referrals/r1/audit"' in html
    assert 'value="family" checked' in html and 'id="consent-withdrawn"' in html
    said = "op verzoek van het gezin" if language == "nl" else "at the family&#39;s request"
    assert said in html
    assert "by admin of home-start-utrecht" in html  # not ours: as the API says it


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_word_of_the_audit_trail_is_in_both_languages(language):
    missing, html = missing_words("audit.j2", language, referral_id="r1", roles={}, entries=[
        {"at": "2026-09-01T10:00:00", "service": "referral", "operation": "getReferral",
         "person": "carla", "organisation": "o", "role": "coordinator", "answer": 200,
         "target_id": None}])
    assert not missing and "getReferral" in html
