"""Which service containers watch the broker for their API: those with an operation that
changes something. A process that runs the portal alone (the about service's reads beside it)
holds no connection to a broker it never needs, and logs no outage of it."""
from nameko.containers import ServiceContainer

from kring.about import AboutService
from services.casework.service import CaseworkService
from services.portal.service import PortalService
from services.referral.service import ReferralService


def watches(service):
    """Whether the container of `service` would watch the broker (not started: nothing
    connects)."""
    container = ServiceContainer(service, {"AMQP_URI": "memory://"})
    (watch,) = {entrypoint.broker for entrypoint in container.entrypoints
                if hasattr(entrypoint, "broker")}
    return watch._changes_anything()


def test_a_service_that_takes_changes_watches_the_broker():
    assert watches(ReferralService) and watches(CaseworkService)


def test_the_about_service_only_reads_and_the_portal_has_no_api_entrypoint():
    assert not watches(AboutService)
    container = ServiceContainer(PortalService, {"AMQP_URI": "memory://"})
    assert not any(hasattr(entrypoint, "broker") for entrypoint in container.entrypoints)
