"""The intake page while matching has not heard of the referral yet (docs/contract.md §4 "The
portal"): the API's 409 `not_ready` shows the form again as typed, with a note to try again in
a moment. The window is held open by a matching that serves its HTTP side only."""
import pytest
from nameko.testing.services import restrict_entrypoints

from services.matching.service import MatchingService
from services.portal.service import PortalService
from services.portal.words import TEXTS
from services.referral.service import ReferralService
from tests.support.directory import COORDINATING_ORG
from tests.support.portal import Person, portal_engine_of, referral_form, referral_id_of


@pytest.fixture
def portal_engine(container_factory, sqlite_config):
    for service in (ReferralService, PortalService):
        container_factory(service, sqlite_config).start()
    matching = container_factory(MatchingService, sqlite_config)
    restrict_entrypoints(matching, "record_intake")  # hears no event: the referral stays new
    matching.start()
    engine = portal_engine_of(sqlite_config)
    yield engine
    engine.dispose()


def test_the_intake_form_says_try_again_while_matching_has_not_heard(portal_engine,
                                                                     web_config_port):
    anna, carla = Person(web_config_port, portal_engine), Person(web_config_port, portal_engine)
    anna.sign_in("huisarts-oost", "referrer", "anna")
    referred = anna.post("/refer", referral_form("HA-NR"))
    assert referred.status_code == 200, referred.text
    referral_id = referral_id_of(referred)
    carla.sign_in(COORDINATING_ORG, "coordinator", "carla")
    waiting = carla.post(f"/referrals/{referral_id}/intake",
                         {"fits": "yes", "severity": "medium", "reason": "fits well"})
    assert waiting.status_code == 409, waiting.text
    assert TEXTS["not_heard_yet"][0] in waiting.text
    assert ">fits well</textarea>" in waiting.text  # kept as typed
    for person in (anna, carla):
        person.close()
