"""Family data sealed at rest (kring.kit.crypto): a value opens only in its own column, under a
key of the keyring, and tells which key sealed it; a plain value from before still reads."""
import base64
import json

import pytest
from kring.config import SERVICES, ConfigError, Settings
from kring.kit import crypto
from kring.kit.crypto import DataKeyError, Keyring, keyring, parse

OLD = ("k1", bytes(range(32)))
NEW = ("k2", bytes(range(32, 64)))
SECRET = "unit-test-secret-of-at-least-32-bytes!"
NEXT_SECRET = "the-next-secret-after-a-rotation-0123"


def data_keys(*pairs):
    return ",".join(f"{key_id}:{base64.b64encode(key).decode()}" for key_id, key in pairs)


def test_a_value_round_trips_and_its_text_is_not_in_what_is_stored():
    ring = Keyring([OLD])
    stored = ring.seal("Fam. Yilmaz, +31612345678", "referrals", "details")
    assert stored.startswith("enc:k1:")
    assert "Yilmaz" not in stored and "3161234" not in stored
    assert ring.open(stored, "referrals", "details") == "Fam. Yilmaz, +31612345678"
    # a fresh nonce each time: the same text twice is not the same stored value
    assert ring.seal("same", "t", "c") != ring.seal("same", "t", "c")


def test_a_changed_value_is_refused():
    ring = Keyring([OLD])
    stored = ring.seal("a visit note", "case_visits", "notes")
    raw = bytearray(base64.b64decode(stored.split(":", 2)[2]))
    raw[-1] ^= 1
    tampered = "enc:k1:" + base64.b64encode(bytes(raw)).decode()
    with pytest.raises(DataKeyError, match="case_visits.notes") as refused:
        ring.open(tampered, "case_visits", "notes")
    assert "a visit note" not in str(refused.value)


def test_a_value_moved_to_another_column_or_table_is_refused():
    ring = Keyring([OLD])
    stored = ring.seal("a safety concern", "case_safety_concerns", "description")
    for table, column in (("case_safety_concerns", "resolution"), ("case_visits", "notes")):
        with pytest.raises(DataKeyError, match="moved from another column"):
            ring.open(stored, table, column)


def test_after_a_rotation_new_values_take_the_new_key_and_old_ones_still_open():
    before = Keyring([OLD])
    old_value = before.seal("written last year", "aftercare_contacts", "notes")
    after = keyring(data_keys(NEW, OLD), [SECRET])
    new_value = after.seal("written today", "aftercare_contacts", "notes")
    assert new_value.startswith("enc:k2:")
    assert after.open(old_value, "aftercare_contacts", "notes") == "written last year"
    assert after.is_current(new_value) and not after.is_current(old_value)
    # a key taken out of the ring: what it sealed no longer opens, and says which key it needs
    with pytest.raises(DataKeyError, match="'k1', which is not configured"):
        Keyring([NEW]).open(old_value, "aftercare_contacts", "notes")


def test_a_plain_value_from_before_encryption_reads_as_it_is():
    ring = Keyring([OLD])
    for plain in ("Support with parenting after a move", "enc:", "k1:c2VjcmV0",
                  "enc:k1:not base64!"):
        assert ring.open(plain, "case_visits", "notes") == plain


def test_without_data_keys_the_key_is_derived_from_the_secret_and_follows_its_rotation():
    ring = keyring(None, [SECRET])
    assert ring.current.startswith("s-") and keyring(None, [SECRET]).current == ring.current
    stored = ring.seal("before the rotation", "contacts", "email")
    rotated = keyring(None, [NEXT_SECRET, SECRET])  # KRING_SECRET_PREVIOUS set
    assert rotated.current != ring.current
    assert rotated.open(stored, "contacts", "email") == "before the rotation"
    # data keys set later: what the derived key sealed still opens, the data key seals
    configured = keyring(data_keys(NEW), [SECRET, None])
    assert configured.current == "k2" and configured.open(stored, "contacts", "email")


def test_data_keys_are_read_and_a_malformed_value_stops_kring_without_showing_a_key():
    assert parse(data_keys(NEW, OLD)) == [NEW, OLD]
    settings = Settings.from_env({"KRING_DATA_KEYS": data_keys(NEW, OLD)})
    assert settings.nameko_config(dev=True)["KRING_DATA_KEYS"] == data_keys(NEW, OLD)
    short = base64.b64encode(b"x" * 16).decode()
    for wrong, said in (("k1", "not id:base64key"), ("k 1:" + short, "not id:base64key"),
                        ("k1:" + short, "16 bytes, not 32"), ("k1:%%%", "not base64"),
                        (data_keys(OLD) + "," + data_keys(OLD), "given twice")):
        with pytest.raises(ConfigError, match="KRING_DATA_KEYS") as refused:
            Settings.from_env({"KRING_DATA_KEYS": wrong})
        assert said in str(refused.value) and short not in str(refused.value)


def test_the_column_types_seal_and_open_json_and_text():
    crypto.install(Keyring([OLD]))
    details = crypto.EncryptedJSON("referrals", "details")
    stored = details.process_bind_param({"phone": "+31612345678"}, None)
    assert stored.startswith("enc:k1:")
    assert details.process_result_value(stored, None) == {"phone": "+31612345678"}
    assert details.process_result_value({"plain": "from before"}, None) == {
        "plain": "from before"}
    assert details.process_bind_param(None, None) is None
    notes = crypto.EncryptedText("case_visits", "notes")
    assert notes.process_result_value(notes.process_bind_param("note", None), None) == "note"
    assert json.loads(json.dumps(stored)) == stored  # a JSON string, for a JSON column


def service_metadata():
    from importlib import import_module
    return {service: import_module(f"services.{service}.models").metadata
            for service in SERVICES}


def test_every_sealed_column_is_bound_to_its_own_table_and_column():
    for service, metadata in service_metadata().items():
        for table in metadata.sorted_tables:
            for column in crypto.encrypted_columns(table):
                assert (column.type.table, column.type.column) == (table.name, column.name), \
                    f"{service}: {table.name}.{column.name} is sealed as another column's"


def test_the_family_columns_are_sealed():
    sealed = {(table.name, column.name) for metadata in service_metadata().values()
              for table in metadata.sorted_tables for column in crypto.encrypted_columns(table)}
    assert {("referrals", "details"), ("partner_messages", "errors"), ("cases", "plan"),
            ("cases", "evaluation"), ("cases", "handover"), ("cases", "past_rounds"),
            ("case_visits", "notes"), ("case_safety_concerns", "description"),
            ("case_safety_concerns", "resolution"), ("matching_referrals", "languages"),
            ("proposals", "reasons"), ("aftercare_plans", "end_notes"),
            ("aftercare_contacts", "notes"), ("contacts", "email"), ("notices", "recipient"),
            ("notices", "last_error"), ("outbox", "body")} <= sealed
