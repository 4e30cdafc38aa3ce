"""supporter_areas follows each supporter (where it may be proposed), and a family's
candidates are looked up there: a supporter who moves or stops is found, or not, at once."""
from sqlalchemy import select

from services.matching.models import SupporterAreaRow
from tests.support.unit.matching import outbox_tuples, referred, register, update_supporter


def areas(uow):
    with uow:
        return sorted(tuple(row) for row in uow.session.execute(select(
            SupporterAreaRow.programme, SupporterAreaRow.municipality)).all())


def test_a_supporter_s_areas_follow_its_registration_change_and_deactivation(uow):
    anna = register(uow, programmes=["home-start", "family-help"],
                    municipalities=[" Utrecht", "utrecht", "Zeist"])
    assert areas(uow) == [("family-help", "utrecht"), ("family-help", "zeist"),
                          ("home-start", "utrecht"), ("home-start", "zeist")]
    update_supporter(uow, anna, {"programmes": ["home-start"], "municipalities": ["Houten"]})
    assert areas(uow) == [("home-start", "houten")]
    update_supporter(uow, anna, {"active": False})
    assert areas(uow) == []


def test_a_family_is_proposed_a_supporter_only_once_it_works_in_its_municipality(uow):
    anna = register(uow, municipalities=["Zeist"])
    assert referred(uow, "r-1")["status"] == "waitlisted"
    update_supporter(uow, anna, {"municipalities": ["Zeist", "UTRECHT"]})  # and re-matched
    assert areas(uow) == [("home-start", "utrecht"), ("home-start", "zeist")]
    assert [(referral_id, made["supporter_id"]) for kind, referral_id, made in
            outbox_tuples(uow) if kind == "proposal_made"] == [("r-1", anna)]
    assert referred(uow, "r-2")["status"] == "waitlisted"  # r-1 took the one place
