"""Erasure in casework (docs/contract.md §7): every text of the case goes; dates, hours,
statuses and whether the goals were met stay; nothing about an erased referral comes back."""
import json
from datetime import datetime, timedelta, timezone

from kring.contracts.events import make_event
from kring.contracts.family import SupportFigure
from services.casework import handlers
from services.casework.domain import CLOSING, HANDED_OVER, OPEN, WITHDRAWN
from tests.support.databases import outbox
from tests.support.unit.access import call
from tests.support.unit.casework import AT, BY_SUPPORTER, TODAY, case_in, plan
from tests.unit.casework.test_access import coordinator, open_case

TEXTS = ("calm bedtimes", "school every day", "isolation", "warm bond", "Aunt Ayse",
         "went well", "shouting", "the rent is paid", "the parents manage", "Gemeente Utrecht",
         "stable at home", "Opa Kees", "grandfather", "S.", "works again", "talked about debts",
         "half met")
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)


def written_in(status):
    case = case_in(OPEN)
    case.set_members([{"member_id": "mother", "role": "parent", "age_band": "18+",
                       "languages": ["tr"], "first_name": "S."}], lambda: "m-1")
    case.set_plan(plan(), BY_SUPPORTER, AT)
    case.add_support_figure({"name": "Opa Kees", "relation": "grandfather", "formal": False,
                             "functions": ["emotional"], "consent": True,
                             "named_by": "mother"}, "f-1")
    case.change_intensity({"level": "light", "reason": "mother works again"}, BY_SUPPORTER, AT)
    case.record_check_in(TODAY, "talked about debts", BY_SUPPORTER, AT, TODAY)
    case.record_evaluation(TODAY, "goals half met", BY_SUPPORTER, AT, TODAY)
    case.log_visit("v-1", TODAY, 4, "went well", BY_SUPPORTER, AT, TODAY)
    case.record_safety_concern("x-1", "shouting heard", False, BY_SUPPORTER, AT)
    case.resolve_safety_concern("x-1", "the rent is paid", AT)
    if status in (CLOSING, HANDED_OVER):
        case.close("the parents manage", True, AT)
    if status == HANDED_OVER:
        case.hand_over("municipality", "Gemeente Utrecht", "stable at home", AT)
    return case


def test_every_text_goes_and_the_figures_stay():
    for status in (OPEN, CLOSING, HANDED_OVER):
        case = written_in(status)
        case.erase(AT)
        left = json.dumps([case.plan, case.evaluation, case.handover, case.past_rounds,
                           case.members, case.intensity_changes, case.check_ins,
                           case.interim_evaluations,
                           [v.notes for v in case.visits],
                           [(c.description, c.resolution) for c in case.concerns]])
        assert [text for text in TEXTS if text in left] == [], status
        assert case.total_hours == 4 and case.plan["intensity"] == "light"
        assert case.status == (HANDED_OVER if status == HANDED_OVER else WITHDRAWN)
    assert written_in(HANDED_OVER).evaluation["goals_met"] is True


def test_a_case_of_an_erased_referral_stays_erased_and_never_opens(uow):
    match = make_event("matching", "match_made", "r-1", proposal_id="p-1", supporter_id="s-1",
                       supporter_kind="volunteer", severity="high",
                       coordinator_org="home-start-oost")
    uow.inbox_key = "on_referral"
    handlers.react(uow, make_event("referral", "referral_erased", "r-1", erased_at=AT), NOW)
    assert [m["type"] for m in outbox(uow)] == ["erasure_done"]
    uow.inbox_key, uow.event_referral = "on_matching", "r-1"
    handlers.react(uow, match, NOW)  # came late, or replayed: the referral is erased
    assert handlers.export_of(uow, "r-1")["case"] is None


def test_the_timer_erases_the_case_once_its_referral_closed_long_enough_ago(uow):
    uow.inbox_key = "on_referral"
    handlers.react(uow, make_event("referral", "referral_closed", "r-1", outcome="completed",
                                   programme="home-start"), NOW)
    retention = {"days": 730, "programmes": {"home-start": 365}}
    later = datetime.now(timezone.utc)
    assert handlers.erase_expired(uow, retention, later + timedelta(days=364)) == []
    assert handlers.erase_expired(uow, retention, later + timedelta(days=366)) == ["r-1"]
    assert handlers.export_of(uow, "r-1")["retention"]["erased_at"]


def test_the_export_holds_the_family_and_after_the_erasure_no_word_of_it(uow):
    """exportReferral gets the members, figures, reasons and notes from the stored case, and
    nothing of them once the referral is erased."""
    case_id, _ = open_case(uow)
    call(uow, handlers.set_family_members, coordinator("setFamilyMembers"), case_id,
         {"members": [{"member_id": "son", "role": "child", "age_band": "4-11",
                       "languages": ["nl"], "first_name": "K."}]}, NOW)
    call(uow, handlers.add_support_figure, coordinator("addSupportFigure"), case_id,
         SupportFigure().load({"name": "Opa Kees", "relation": "grandfather", "formal": False,
                               "functions": ["emotional"], "consent": True,
                               "named_by": "son"}), NOW)
    call(uow, handlers.change_intensity, coordinator("changeIntensity"), case_id,
         {"level": "light", "reason": "mother works again"}, NOW)
    call(uow, handlers.record_check_in, coordinator("recordCheckIn"), case_id,
         {"date": NOW.date(), "notes": "talked about debts"}, NOW)
    before = json.dumps(handlers.export_of(uow, "r-1"))
    assert all(text in before for text in ("Opa Kees", "K.", "works again", "debts"))
    uow.inbox_key = "on_referral"
    handlers.react(uow, make_event("referral", "referral_erased", "r-1", erased_at=AT), NOW)
    after = json.dumps(handlers.export_of(uow, "r-1"))
    assert [text for text in ("Opa Kees", "K.", "works again", "debts") if text in after] == []
    assert json.loads(after)["case"]["members"][0]["member_id"] == "son"
