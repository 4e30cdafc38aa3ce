"""The published API documents are what the contracts build (regenerate with `make docs`)."""
from pathlib import Path

from kring.contracts.asyncapi import build_asyncapi
from kring.contracts.documents import rendered
from kring.contracts.openapi import build_openapi

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_docs_are_up_to_date():
    for name, text in rendered().items():
        assert (DOCS / name).read_text(encoding="utf-8") == text, \
            f"docs/{name} is stale: run `make docs`"


def test_asyncapi_names_both_partner_exchanges_and_every_update_event():
    document = build_asyncapi()
    channels = " ".join(document["channels"])
    assert "kring.partner.in/referral.submit" in channels
    assert "kring.partner.out/{partner}.referral.{event}" in channels
    events = document["channels"]["kring.partner.out/{partner}.referral.{event}"][
        "parameters"]["event"]["schema"]["enum"]
    assert {"accepted", "rejected", "started", "closed"} <= set(events)
    update = document["components"]["schemas"]["PartnerUpdate"]["properties"]
    assert {"message_id", "type", "occurred_at", "referral_id", "external_ref", "status",
            "outcome", "errors"} <= set(update)
    assert "family" in document["components"]["schemas"]["SubmitReferral"]["properties"]


def test_openapi_says_which_bodies_may_be_left_out_and_that_changes_may_get_503():
    operations = {operation["operationId"]: operation
                  for path in build_openapi()["paths"].values()
                  for operation in path.values()}
    assert operations["submitReferral"]["requestBody"]["required"] is True
    assert operations["withdrawReferral"]["requestBody"]["required"] is False  # {} is fine
    assert "503" in operations["withdrawReferral"]["responses"]
    assert "503" not in operations["getReferral"]["responses"]  # reads work without a broker
