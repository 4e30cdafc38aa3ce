"""The support figures who stay involved after the handover: aftercare keeps what the handover
named (a name and functions, given with consent), records contacts with them, and forgets their
names at erasure (docs/contract.md §7)."""
import json
from datetime import date

import pytest

from kring.errors import Invalid
from kring.kit.db import UnitOfWork, make_engine
from services.aftercare import handlers
from services.aftercare.models import metadata
from services.aftercare.outgoing import outgoing
from tests.support.unit.access import call
from tests.unit.aftercare.test_handlers import NOW, coordinator, handed_over, plan_ids, plan_view

CONTACT_DAY = date(2026, 1, 20)
OPA = {"figure_id": "f-1", "name": "Opa Kees", "functions": ["emotional", "informative"]}


@pytest.fixture
def uow(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/aftercare.db")
    metadata.create_all(engine)
    yield UnitOfWork.on(engine, metadata, outgoing, inbox_key="on_casework")
    engine.dispose()


def staying_plan(uow):
    handlers.react(uow, handed_over(support_figures=[OPA]), NOW)
    [aftercare_id] = plan_ids(uow)
    return aftercare_id


def test_the_plan_shows_the_figures_the_handover_named(uow):
    aftercare_id = staying_plan(uow)
    assert plan_view(uow, aftercare_id)["support_figures"] == [OPA]


def test_a_contact_with_a_figure_names_them_and_an_unknown_figure_is_refused(uow):
    aftercare_id = staying_plan(uow)
    shown = call(uow, handlers.log_contact, coordinator("logAftercareContact"), aftercare_id,
                 CONTACT_DAY, "Opa Kees visits on Sundays", CONTACT_DAY, "f-1")
    assert [c["support_figure_id"] for c in shown["contacts"] if c["done_on"]] == ["f-1"]
    with pytest.raises(Invalid):
        call(uow, handlers.log_contact, coordinator("logAftercareContact"), aftercare_id,
             CONTACT_DAY, "someone else", CONTACT_DAY, "f-9")


def test_a_handover_without_figures_leaves_none(uow):
    handlers.react(uow, handed_over(), NOW)
    [aftercare_id] = plan_ids(uow)
    assert plan_view(uow, aftercare_id)["support_figures"] == []


def test_erasure_forgets_the_figures_names(uow):
    aftercare_id = staying_plan(uow)
    with uow:
        handlers.erase_data(uow, "r-1")
    shown = plan_view(uow, aftercare_id)
    assert "Opa Kees" not in json.dumps(shown)
    assert shown["support_figures"] == [{**OPA, "name": None}]
