"""Who may be proposed (hard constraints), who fits best (score), and the reasons shown."""
import pytest

from services.matching.scoring import best_candidate, candidates, ruled_out, score
from tests.support.unit.matching import OTHER_ORG, referral, supporter


def test_a_fitting_supporter_is_not_ruled_out():
    assert ruled_out(supporter(), referral()) is None


@pytest.mark.parametrize("change,why", [
    ({"active": False}, "not active"),
    ({"programmes": ["other-programme"]}, "not in programme home-start"),
    ({"municipalities": ["Amersfoort"]}, "does not work in Utrecht"),
    ({"capacity": 0}, "no free capacity (0 of 0)"),
    ({"capacity": 2, "load": 2}, "no free capacity (2 of 2)"),
    ({"capacity": 2, "load": 1, "reserved": 1}, "no free capacity (2 of 2)"),
    ({"languages": ["en", "fr"]}, "no language in common with the family"),
    ({"organisation": OTHER_ORG}, "not of the coordinating organisation"),
    ({"organisation": None}, "not of the coordinating organisation"),
])
def test_each_hard_constraint_rules_a_supporter_out(change, why):
    assert ruled_out(supporter(**change), referral()) == why
    assert best_candidate(referral(), [supporter(**change)]) is None


def test_a_programme_offers_only_the_supporter_kinds_its_definition_allows():
    trajectory = referral(programme="family-trajectory")
    volunteer = supporter("s-1", kind="volunteer", programmes=["family-trajectory"])
    professional = supporter("s-2", position=2, kind="professional",
                             programmes=["family-trajectory"])
    assert ruled_out(volunteer, trajectory) == (
        "a volunteer does not support in programme family-trajectory")
    assert ruled_out(professional, trajectory) is None
    assert best_candidate(trajectory, [volunteer, professional]).supporter is professional
    # Home-Start takes both, as it always did
    for kind in ("volunteer", "professional"):
        assert ruled_out(supporter(kind=kind), referral()) is None


def test_a_programme_no_definition_knows_takes_both_kinds_as_the_default_does():
    unknown = referral(programme="knitting-club")
    for kind in ("volunteer", "professional"):
        assert ruled_out(supporter(kind=kind, programmes=["knitting-club"]), unknown) is None


def test_a_supporter_declined_for_this_referral_is_ruled_out_for_it_only():
    looking = referral()
    looking.declined_supporters.append("s-1")
    assert ruled_out(supporter("s-1"), looking) == "declined before for this referral"
    assert ruled_out(supporter("s-1"), referral("r-2")) is None


def test_the_municipality_is_compared_without_case_or_spaces():
    assert ruled_out(supporter(municipalities=[" utrecht"]), referral()) is None


def test_reasons_say_why_in_words():
    points, reasons = score(
        supporter(kind="professional", languages=["nl", "tr"], expertise=["Parenting"],
                  capacity=3, load=1, families=frozenset({"fam-1"})),
        referral(severity="high"))
    assert reasons == ("supported this family before", "expertise: parenting", "speaks tr",
                       "professional, for a high severity", "lighter load (1 of 3)")
    assert points == 40 + 30 + 10 + 25 + 13


def test_dutch_alone_earns_no_language_points():
    points, reasons = score(supporter(languages=["nl"], capacity=1), referral())
    assert (points, reasons) == (20, ("lighter load (0 of 1)",))


@pytest.mark.parametrize("better,worse", [
    ({"expertise": ["parenting"]}, {"expertise": ["finances"]}),
    ({"load": 0}, {"load": 1}),
    ({"reserved": 0}, {"reserved": 1}),
    ({"languages": ["nl", "tr"]}, {"languages": ["nl"]}),
    ({"families": frozenset({"fam-1"})}, {"families": frozenset({"fam-2"})}),
])
def test_the_better_fit_is_proposed_whatever_the_registration_order(better, worse):
    first, second = supporter("s-1", 1, **worse), supporter("s-2", 2, **better)
    assert best_candidate(referral(), [first, second]).supporter.supporter_id == "s-2"


def test_a_professional_is_preferred_when_the_severity_is_high_only():
    pool = [supporter("s-1", 1), supporter("s-2", 2, kind="professional")]
    assert best_candidate(referral(severity="high"), pool).supporter.supporter_id == "s-2"
    assert best_candidate(referral(severity="low"), pool).supporter.supporter_id == "s-1"


def test_the_family_it_supported_before_outweighs_expertise():
    known = supporter("s-1", 2, families=frozenset({"fam-1"}))
    expert = supporter("s-2", 1, expertise=["parenting"])
    assert best_candidate(referral(), [expert, known]).supporter.supporter_id == "s-1"


def test_equal_scores_go_to_the_supporter_registered_first():
    pool = [supporter("s-c", 3), supporter("s-a", 2), supporter("s-b", 1)]
    assert [c.supporter.supporter_id for c in candidates(referral(), pool)] == [
        "s-b", "s-a", "s-c"]
    assert best_candidate(referral(), list(reversed(pool))).supporter.supporter_id == "s-b"


def test_only_the_coordinating_organisations_supporters_are_candidates():
    theirs = supporter("s-1", 1, organisation=OTHER_ORG, expertise=["parenting"])
    ours = supporter("s-2", 2)
    assert [c.supporter.supporter_id for c in candidates(referral(), [theirs, ours])] == ["s-2"]
    assert best_candidate(referral(), [theirs]) is None
