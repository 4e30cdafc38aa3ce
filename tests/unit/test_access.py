"""The rule table applied (kring.kit.access): each kind of reach, and one answer for all that is
out of it."""
import pytest

from kring.contracts.access import REACHES, ROLES, RULES
from kring.contracts.api import OPERATIONS
from kring.errors import NotFound, NotReady
from kring.kit.access import Caller, Owner
from kring.kit.auth import Identity

REFERRAL = Owner(referral_id="r-1", referring_org="gp-oost", coordinating_org="hs-utrecht",
                 supporter_id="s-1", open=True)
MISSING = NotFound("no such thing")


def caller(org, role, operation_id, subject="someone"):
    return Caller(Identity(org, role, subject), operation_id)


def reached(org, role, operation_id, owner=REFERRAL, subject="someone"):
    try:
        caller(org, role, operation_id, subject).reach(owner, MISSING)
        return True
    except NotFound as exc:
        assert exc is MISSING  # exactly what an unknown id answers
        return False


def test_every_operation_has_a_row_and_every_row_an_operation():
    assert set(RULES) == set(OPERATIONS)
    for rule in RULES.values():
        assert set(rule.reach) <= set(ROLES) and set(rule.reach.values()) <= set(REACHES)


def test_the_referring_organisation_reaches_its_referral_and_no_other():
    assert reached("gp-oost", "referrer", "getReferral")
    assert not reached("gp-west", "referrer", "getReferral")


def test_only_the_coordinating_organisation_reaches_what_is_routed_to_it():
    assert reached("hs-utrecht", "coordinator", "getCase")
    assert not reached("hs-zeist", "coordinator", "getCase")
    unrouted = Owner(referral_id="r-2", referring_org="gp-oost", coordinating_org=None)
    assert not reached("hs-utrecht", "coordinator", "getReferral", unrouted)


def test_a_supporter_reaches_its_own_case_only_while_it_is_open():
    assert reached("hs-utrecht", "supporter", "getCase", subject="s-1")
    assert not reached("hs-utrecht", "supporter", "getCase", subject="s-2")
    # the same person id in a token of another organisation is somebody else
    assert not reached("hs-zeist", "supporter", "getCase", subject="s-1")
    handed_over = Owner(referral_id="r-1", coordinating_org="hs-utrecht", supporter_id="s-1")
    assert not reached("hs-utrecht", "supporter", "getCase", handed_over, subject="s-1")


def test_supporters_are_reached_by_their_own_organisation():
    supporter = Owner(org="hs-utrecht")
    assert reached("hs-utrecht", "admin", "getSupporter", supporter)
    assert not reached("hs-zeist", "admin", "getSupporter", supporter)


@pytest.mark.parametrize("role", ROLES)
def test_everyone_signed_in_reads_the_directory(role):
    assert reached("anyone", role, "listProgrammes", Owner())


def test_an_unknown_id_and_a_role_outside_the_row_reach_nothing():
    assert not reached("hs-utrecht", "coordinator", "getCase", owner=None)
    assert not reached("hs-utrecht", "operator", "getCase")  # the entrypoint says 403 first


def test_reaching_a_referral_names_it_for_the_audit_even_when_refused():
    outsider = caller("hs-zeist", "coordinator", "getCase")
    with pytest.raises(NotFound):
        outsider.reach(REFERRAL, MISSING)
    assert outsider.referral_id == "r-1" and outsider.audited


def test_a_municipality_reaches_the_referrals_of_its_own_municipality_only():
    in_utrecht = Owner(referral_id="r-1", coordinating_org="hs-utrecht",
                       municipality_code="GM0344")
    assert reached("GM0344", "municipality", "getCommissionRequest", in_utrecht)
    assert not reached("GM0355", "municipality", "decideCommission", in_utrecht)
    # its name instead of its CBS code, or a referral stored before routing: nothing
    assert not reached("gemeente-utrecht", "municipality", "decideCommission", in_utrecht)
    unrouted = Owner(referral_id="r-2", municipality_code=None)
    assert not reached("GM0344", "municipality", "decideCommission", unrouted)
    # the other roles of the referral do not reach it through this row
    assert not reached("hs-utrecht", "coordinator", "decideCommission", in_utrecht)


def test_each_reach_as_a_query_filter_asks_what_reaching_one_thing_asks():
    """A list filtered by Caller.scope holds exactly the things `reach` lets through: the
    filter names the Owner's fields with the values reaching one of them needs."""
    owners = [REFERRAL, Owner(referral_id="r-2", referring_org="gp-west",
                              coordinating_org="hs-amsterdam", supporter_id="s-2", open=True),
              Owner(referral_id="r-3", coordinating_org="hs-utrecht", supporter_id="s-1",
                    open=False, municipality_code="GM0344")]
    for operation_id, role, org, subject in (
            ("listReferrals", "referrer", "gp-oost", "x"),
            ("listReferrals", "coordinator", "hs-utrecht", "x"),
            ("getReports", "municipality", "GM0344", "x"),
            ("getReports", "operator", "kring", "x"),
            ("getCase", "supporter", "hs-utrecht", "s-1")):
        filters = caller(org, role, operation_id, subject).scope()
        listed = [owner for owner in owners
                  if all(getattr(owner, name) == value for name, value in filters.items())]
        assert listed == [owner for owner in owners
                          if reached(org, role, operation_id, owner, subject)], operation_id


def test_no_filter_for_a_reach_without_an_organisation_to_name():
    with pytest.raises(ValueError):
        caller("", "coordinator", "listReferrals").scope()


def unheard(org, role, operation_id, owner=REFERRAL):
    """What a stage answers for a referral it has not heard of yet, `owner` being whose it is
    as the referral service says: "not_ready" or "not_found"."""
    try:
        caller(org, role, operation_id).reach_unheard(owner, MISSING)
    except NotReady as exc:
        return exc.code
    except NotFound as exc:
        assert exc is MISSING  # word for word what an unknown id answers
        return exc.code
    raise AssertionError("reach_unheard always answers with an error")


def test_not_ready_is_said_only_to_whom_will_reach_the_referral():
    assert unheard("hs-utrecht", "coordinator", "recordIntake") == "not_ready"
    assert unheard("hs-zeist", "coordinator", "recordIntake") == "not_found"
    assert unheard("hs-utrecht", "coordinator", "recordIntake", owner=None) == "not_found"
    unrouted = Owner(referral_id="r-2", referring_org="gp-oost", coordinating_org=None)
    assert unheard("hs-utrecht", "coordinator", "recordIntake", unrouted) == "not_found"
    # the same rule as any reach: a referrer of it reaches getReferral, not someone else's
    assert unheard("gp-oost", "referrer", "getReferral") == "not_ready"
    assert unheard("gp-west", "referrer", "getReferral") == "not_found"


def test_not_ready_asks_to_come_back_in_a_second():
    with pytest.raises(NotReady) as raised:
        caller("hs-utrecht", "coordinator", "recordIntake").reach_unheard(REFERRAL, MISSING)
    assert (raised.value.status, raised.value.retry_after) == (409, 1)
