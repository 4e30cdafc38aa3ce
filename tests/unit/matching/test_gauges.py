"""matching's figures for /metrics: the waiting list and free capacity, by programme code."""
from services.matching import handlers
from tests.support.unit.matching import referred, register


def figures(uow):
    return {(name, labels["programme"]): value for name, labels, value in handlers.gauges(uow)}


def test_free_capacity_counts_open_proposals_and_matches_and_skips_inactive_supporters(uow):
    register(uow, "Anna", capacity=2, programmes=["home-start", "family-help"])
    register(uow, "Bram", capacity=3, active=False)
    assert figures(uow) == {("kring_supporter_free_capacity", "home-start"): 2,
                            ("kring_supporter_free_capacity", "family-help"): 2}
    referred(uow, "r-1")  # Anna is proposed: the proposal holds one of her places
    assert figures(uow)[("kring_supporter_free_capacity", "home-start")] == 1


def test_the_waiting_list_is_counted_by_programme(uow):
    register(uow, "Anna", capacity=1)
    referred(uow, "r-1")  # takes Anna's one place
    referred(uow, "r-2")
    referred(uow, "r-3")
    assert figures(uow) == {("kring_waiting_list_length", "home-start"): 2,
                            ("kring_supporter_free_capacity", "home-start"): 0}
