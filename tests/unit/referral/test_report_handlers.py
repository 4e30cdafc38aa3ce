"""getReports' use case on a real (SQLite) unit of work with casework faked: whose figures each
role gets, and casework's hours joined to the right group without an id in the answer."""
import pytest

from kring.clock import utcnow
from kring.contracts.referral import SubmitReferral
from kring.contracts.report import ReportQuery
from kring.contracts.access import rule_of
from kring.errors import Invalid, NotFound
from kring.kit.access import scope_of
from kring.kit.auth import Identity
from services.referral import handlers
from services.referral.models import Referrals
from services.referral.report_handlers import get_reports, report_for_operator
from tests.support.directory import TEST_DIRECTORY
from tests.support.sample import referral_body

TODAY = utcnow().date()


@pytest.fixture
def referrals(uow):
    """Six referrals in Utrecht routed to home-start-oost, five of them started."""
    handlers.apply_directory(uow, TEST_DIRECTORY)
    ids = []
    for number in range(6):
        body = SubmitReferral().load(referral_body(f"R-{number}"))
        view, _ = handlers.submit_referral(uow, "huisarts-oost", body, "secret")
        ids.append(view["referral_id"])
    for referral_id in ids[:5]:
        with uow:
            referral = Referrals(uow).get(referral_id, for_update=True)
            referral.record_progress("case_started", {"case_id": f"c-{referral_id}"},
                                     utcnow().isoformat().replace("+00:00", "Z"))
            Referrals(uow).save(referral)
    return uow, ids


class FakeCasework:
    def __init__(self):
        self.asked = []

    def __call__(self, groups, periods):
        self.asked.append((groups, periods))
        return {key: {periods[-1][0]: [12.5, len(ids)]} for key, ids in groups.items()}


def reach(role, org):
    """The caller's reach as getReports' rule says it, as the service hands it on."""
    return scope_of(Identity(org, role, "someone"), rule_of("getReports").reach[role])


def query(**given):
    return ReportQuery().load({"period": "year", **given})


def test_the_figures_and_casework_hours_of_what_is_routed_to_the_admin(referrals):
    uow, ids = referrals
    casework = FakeCasework()
    [row] = get_reports(uow, reach("admin", "home-start-oost"), query(), casework,
                        TODAY)["rows"]
    assert (row["referrals_in"], row["support_started"]) == (6, 5)
    assert (row["visit_hours"], row["families_visited"]) == (12.5, 5)
    [(groups, periods)] = casework.asked
    assert {key: set(named) for key, named in groups.items()} == {
        "home-start|GM0344": set(ids[:5])}  # the started ones: only they can have visits
    assert periods == [[str(TODAY.year), f"{TODAY.year}-01-01", TODAY.isoformat()]]
    assert get_reports(uow, reach("admin", "home-start-west"), query(), FakeCasework(),
                       TODAY)["rows"] == []


def test_a_municipality_gets_its_own_and_is_refused_another(referrals):
    uow, _ = referrals
    own = get_reports(uow, reach("municipality", "GM0344"), query(), FakeCasework(), TODAY)
    assert [row["municipality"] for row in own["rows"]] == ["GM0344"]
    assert get_reports(uow, reach("municipality", "GM0355"), query(), FakeCasework(),
                       TODAY)["rows"] == []
    with pytest.raises(NotFound):
        get_reports(uow, reach("municipality", "GM0355"), query(municipality="Utrecht"),
                    FakeCasework(), TODAY)
    with pytest.raises(Invalid):
        get_reports(uow, {}, query(municipality="Atlantis"), FakeCasework(),
                    TODAY)


def test_the_operator_asks_with_the_words_it_typed(referrals):
    uow, _ = referrals
    report = report_for_operator(uow, {"municipality": "utrecht", "from": None,
                                       "period": "quarter"}, FakeCasework(), TODAY)
    assert {row["municipality_name"] for row in report["rows"]} == {"Utrecht"}
    with pytest.raises(Invalid) as refused:
        report_for_operator(uow, {"period": "week"}, FakeCasework(), TODAY)
    assert "period" in refused.value.errors
