"""A stage asks the referral service whose a referral is it has not heard of yet
(kring.kit.unheard): its answer as an Owner, and what safe answer stands for no answer."""
import pytest
from nameko.exceptions import MethodNotFound, RemoteError

from kring.errors import Unavailable
from kring.kit import unheard
from kring.kit.access import Owner

ROUTE = {"referral_id": "r-1", "referring_org": "gp-oost", "coordinating_org": "hs-utrecht"}


def answering(monkeypatch, result=None, raises=None):
    asked = []

    def call(amqp_uri, service, method, *args, timeout, ssl):
        asked.append((service, method, args, timeout))
        if raises is not None:
            raise raises
        return result
    monkeypatch.setattr(unheard, "call", call)
    return asked


def test_the_referral_service_s_route_is_the_owner(monkeypatch):
    asked = answering(monkeypatch, ROUTE)
    assert unheard.owner_of("amqp://", "r-1") == Owner(**ROUTE)
    assert asked == [("referral", "referral_owner", ("r-1",), unheard.TIMEOUT_SECONDS)]


def test_a_referral_it_does_not_know_has_no_owner(monkeypatch):
    answering(monkeypatch, None)
    assert unheard.owner_of("amqp://", "r-x") is None


@pytest.mark.parametrize("failure", [TimeoutError("no answer"), OSError("no broker"),
                                     RemoteError("OperationalError", "database away")])
def test_no_answer_is_unavailable_for_every_id(monkeypatch, failure):
    answering(monkeypatch, raises=failure)
    with pytest.raises(Unavailable):
        unheard.owner_of("amqp://", "r-1")


def test_a_referral_service_from_before_not_ready_leaves_the_404_of_before(monkeypatch):
    answering(monkeypatch, raises=MethodNotFound("referral_owner"))
    assert unheard.owner_of("amqp://", "r-1") is None
