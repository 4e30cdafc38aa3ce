"""The work queue's and a supporter's cases' templates (services/portal/queue.py) with every
kind of row the lists answer, in both languages: every word they say is in words.py, each row
links to its page, and "more" asks the section's next page."""
import pytest

from services.portal import words
from services.portal.queue import COLUMNS, SECTIONS
from tests.support.unit.portal import missing_words as rendered

ROWS = {
    "referral": [{"referral_id": "r1", "external_ref": "HA-1", "programme": "home-start",
                  "status": "received", "received_at": "2026-11-20T10:00:00+00:00"}],
    "proposal": [{"proposal_id": "p1", "referral_id": "r2", "status": "open",
                  "waiting_for": ["family", "supporter"], "supporter_name": "Sanne",
                  "made_at": "2026-11-21T10:00:00+00:00"}],
    "waiting": [{"referral_id": "r3", "programme": "home-start", "severity": "high",
                 "since": "2026-11-22T10:00:00+00:00"}],
    "case": [{"case_id": "c1", "referral_id": "r4", "status": "open",
              "programme": "home-start", "supporter_id": "s1", "severity": "medium",
              "opened_at": "2026-09-01T10:00:00+00:00", "open_safety_concern": True,
              "immediate_safety_concern": True, "check_in_overdue": True,
              "evaluation_overdue": True},
             {"case_id": "c2", "referral_id": "r5", "status": "closing",
              "programme": "home-start", "supporter_id": "s1", "severity": "low",
              "opened_at": "2026-09-02T10:00:00+00:00", "open_safety_concern": True,
              "immediate_safety_concern": False, "check_in_overdue": False,
              "evaluation_overdue": False}],
    "aftercare": [{"aftercare_id": "a1", "referral_id": "r6", "case_id": "c3",
                   "status": "active", "next_contact_on": "2026-11-02", "overdue": True,
                   "ends_on": "2027-01-02"}],
}
LINKS = {"referral": '/referrals/r1"', "proposal": '/referrals/r2"', "waiting": '/referrals/r3"',
         "case": '/cases/c1"', "aftercare": '/aftercare/a1"'}


def shown(section, rows, more=None):
    return {"name": section.name, "kind": section.kind, "columns": COLUMNS[section.kind],
            "rows": rows, "more": more, "may_meet": True}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_word_of_the_work_queue_is_in_both_languages(language):
    sections = [shown(section, ROWS[section.kind], f"/queue/{section.name}?cursor=x")
                for section in SECTIONS]
    missing, html = rendered("queue.j2", language, sections=sections)
    assert not missing
    for section in SECTIONS:
        assert f'id="{section.name}"' in html and f'id="meer-{section.name}"' in html
        assert f'hx-get="/queue/{section.name}?cursor=x"' in html
    for kind, link in LINKS.items():
        assert f'href="{link}' in html, kind
    assert 'href="/referrals/r1/intake"' in html


@pytest.mark.parametrize("language", ["nl", "en"])
def test_an_empty_section_says_so_in_both_languages(language):
    missing, html = rendered("queue.j2", language,
                             sections=[shown(section, []) for section in SECTIONS])
    assert not missing
    assert "<table" not in html
    for section in SECTIONS:
        assert words.TEXTS[f"queue_{section.name}_empty"][language == "en"] in html


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_supporters_cases_and_a_sections_next_rows(language):
    section = next(s for s in SECTIONS if s.kind == "case")
    missing, page = rendered("queue_section.j2", language, section=shown(section, ROWS["case"]))
    assert not missing and 'href="/cases/c2"' in page and "meer-" not in page
    missing, rows = rendered("queue_rows.j2", language,
                             section=shown(section, ROWS["case"], "/my-cases?cursor=y"))
    assert not missing and "<table" not in rows and 'hx-get="/my-cases?cursor=y"' in rows
    # the urgent concern is said, and the other one's too
    assert words.TEXTS["signal_immediate"][language == "en"] in rows
    assert words.TEXTS["signal_concern"][language == "en"] in rows


def test_every_section_and_column_has_words_in_both_languages():
    keys = {f"queue_{s.name}{end}" for s in SECTIONS for end in ("", "_empty")} | \
        {"queue_my_cases", "queue_my_cases_empty", "my_cases"} | \
        {column for columns in COLUMNS.values() for column in columns}
    assert sorted(key for key in keys if key not in words.TEXTS) == []
    assert all(len(words.TEXTS[key]) == len(words.LANGUAGES) for key in keys)
