"""The broker and the database go away and come back while a service runs.

While the broker is away the API refuses changes with 503 and Retry-After and still answers
reads; once it is back the service takes changes again and its consumers handle events again,
without a restart. A database whose connections were all cut (what a restart does to them) is
reconnected on the next request.
"""
from sqlalchemy import create_engine, text

from kring.contracts.events import make_event
from services.referral.service import ReferralService
from tests.support.api import token
from tests.support.events import publish
from tests.support.processes import broker_stopped
from tests.support.sample import referral_body
from tests.support.waiting import eventually


def answered(api, status, body):
    """The response when it has `status`, else None (a 503 Response is falsy itself)."""
    response = api.post("/referrals", token(), json=body)
    return [response] if response.status_code == status else None


def test_while_the_broker_is_away_changes_get_503_and_reads_still_work(
        container_factory, sqlite_config, api):
    container_factory(ReferralService, sqlite_config).start()
    before = api.post("/referrals", token(), json=referral_body("before"))
    assert before.status_code == 201, before.text
    referral_id = before.json()["referral_id"]

    with broker_stopped():
        refused = eventually(lambda: answered(api, 503, referral_body("during")),
                             what="the API to notice the broker is gone")
        (refused,) = refused
        assert refused.json()["error"] == "unavailable"
        assert int(refused.headers["Retry-After"]) > 0
        assert api.get(f"/referrals/{referral_id}", token()).status_code == 200

    # back: the same request is taken, and nothing of the refused one was stored meanwhile
    accepted = eventually(lambda: answered(api, 201, referral_body("during")),
                          what="the API to take changes again")
    assert accepted[0].json()["referral_id"] != referral_id

    # and its consumers are back too: an event from matching moves the referral on
    event = make_event("matching", "intake_recorded", referral_id, fits=True,
                       coordinator_org="home-start-oost")
    publish(sqlite_config["AMQP_URI"], "matching", event.type, event.to_message(),
            serializer="json")
    eventually(lambda: api.get(f"/referrals/{referral_id}",
                               token()).json()["status"] == "matching",
               what="the referral service to consume events again")


def test_connections_cut_by_a_database_restart_are_made_again(
        container_factory, sqlite_config, postgres_urls, api):
    config = dict(sqlite_config, KRING_DATABASES=postgres_urls)  # SQLite has no server
    container_factory(ReferralService, config).start()
    assert api.post("/referrals", token(), json=referral_body("one")).status_code == 201

    url = postgres_urls["referral"]
    database = url.split("?")[0].rsplit("/", 1)[1]
    admin = create_engine(url.split("?")[0].rsplit("/", 1)[0] + "/postgres",
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as db:
        cut = db.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                              "WHERE datname = :name AND pid <> pg_backend_pid()"),
                         {"name": database}).scalar()
    admin.dispose()
    assert cut > 0  # the service's pooled connections were among them

    second = api.post("/referrals", token(), json=referral_body("two"))
    assert second.status_code == 201, second.text
    assert api.get(f"/referrals/{second.json()['referral_id']}", token()).status_code == 200
