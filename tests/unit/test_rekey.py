"""kring.kit.rekey on one service's database: plain values from before encryption and values
under an older key are sealed under the current key, once; afterwards the file holds none of
the plain text."""
from sqlalchemy import text

from kring.kit import crypto
from kring.kit.crypto import Keyring
from kring.kit.db import UnitOfWork, make_engine
from kring.kit.rekey import rekey, rekey_files
from services.casework.models import Cases, metadata

OLD, NEW = ("k1", bytes(range(32))), ("k2", bytes(range(32, 64)))
PLAIN_NOTES = "a plain visit note from before encryption"
PLAIN_PLAN = "a plain plan goal from before encryption"


def stored(uow, sql):
    with uow:
        return uow.session.execute(text(sql)).scalars().all()


def test_rekey_seals_plain_and_older_values_under_the_current_key_once(tmp_path):
    path = tmp_path / "casework.db"
    engine = make_engine(f"sqlite:///{path}")
    metadata.create_all(engine)
    uow = UnitOfWork.on(engine, metadata)
    crypto.install(Keyring([OLD]))
    with uow:  # a database from before encryption, and one value sealed under k1
        uow.session.execute(text(
            "INSERT INTO cases (id, referral_id, supporter_id, supporter_kind, severity, "
            "coordinator_org, opened_at, status, plan, past_rounds, created_at, updated_at) "
            "VALUES ('c-1', 'r-1', 's-1', 'volunteer', 'low', 'org', '2026-01-01', 'open', "
            f"'{{\"goals\": [\"{PLAIN_PLAN}\"]}}', '[]', '2026-01-01', '2026-01-01')"))
        uow.session.execute(text(
            "INSERT INTO case_visits (id, case_id, visited_on, hours, notes, logged_by, "
            f"logged_at) VALUES ('v-1', 'c-1', '2026-01-02', 4, '{PLAIN_NOTES}', "
            "'supporter', '2026-01-02')"))
        uow.session.execute(text(
            "INSERT INTO case_visits (id, case_id, visited_on, hours, notes, logged_by, "
            "logged_at) VALUES ('v-2', 'c-1', '2026-01-03', 2, :notes, 'supporter', "
            "'2026-01-03')"), {"notes": Keyring([OLD]).seal("sealed", "case_visits", "notes")})

    crypto.install(Keyring([NEW, OLD]))
    # plan and past_rounds of the case, both visits' notes
    assert rekey(uow, metadata, batch=1) == {
        "cases": 2, "case_visits": 2, "case_safety_concerns": 0, "outbox": 0,
        "parked": 0}
    assert all(value.startswith(("enc:k2:", '"enc:k2:')) for value in stored(
        uow, "SELECT notes FROM case_visits UNION ALL SELECT plan FROM cases "
             "UNION ALL SELECT past_rounds FROM cases"))
    assert set(rekey(uow, metadata).values()) == {0}  # nothing left to do

    crypto.install(Keyring([NEW]))  # k1 retired: everything reads
    with uow:
        case = Cases(uow).get("c-1")
        assert case.plan == {"goals": [PLAIN_PLAN]} and case.past_rounds == []
        assert [visit.notes for visit in case.visits] == [PLAIN_NOTES, "sealed"]
    # while the database is open, its write-ahead log included
    on_disk = b"".join(file.read_bytes() for file in tmp_path.iterdir())
    assert PLAIN_NOTES.encode() not in on_disk and PLAIN_PLAN.encode() not in on_disk
    engine.dispose()


def test_rekey_files_seals_plain_and_older_files_under_the_current_key_once(tmp_path):
    crypto.install(Keyring([OLD]))
    (tmp_path / "r-1-start.eml").write_bytes(b"Subject: a plain notice from before sealing")
    (tmp_path / "r-2-start.eml").write_bytes(crypto.seal_file(b"sealed under k1", "notices",
                                                              "r-2-start.eml"))
    (tmp_path / "other.txt").write_bytes(b"not ours")
    crypto.install(Keyring([NEW, OLD]))
    assert rekey_files(tmp_path, "notices", "*.eml") == 2
    for name, text in (("r-1-start.eml", b"Subject: a plain notice from before sealing"),
                       ("r-2-start.eml", b"sealed under k1")):
        stored_file = (tmp_path / name).read_bytes()
        assert stored_file.startswith(b"enc:k2:")
        assert crypto.open_file(stored_file, "notices", name) == text
    assert (tmp_path / "other.txt").read_bytes() == b"not ours"
    assert rekey_files(tmp_path, "notices", "*.eml") == 0  # nothing left to do
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.txt", "r-1-start.eml",
                                                          "r-2-start.eml"]
