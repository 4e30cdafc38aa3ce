"""Family data encrypted at rest, field by field, under versioned data keys (docs/security.md
"Keys", "Data keys").

A stored value reads `enc:<key id>:<base64 of nonce + AES-256-GCM ciphertext and tag>`. The key
id says which data key sealed it, so a keyring of several keys reads everything written under
any of them while only the first seals: that is how a data key rotates (`kring rekey` then
re-seals every value under the first). The associated data names the table and column, so a
value copied into another column (or another table) does not open: it is refused, never
misread. A value without the `enc:` form is a plain value stored before encryption existed,
and is read as it is until `kring rekey` seals it.

The keyring comes from KRING_DATA_KEYS ("id:base64key,...", the first seals). Without it, one
key is derived from KRING_SECRET (and one from KRING_SECRET_PREVIOUS during a rotation) with
its own label, kring.kit.keys.DATA_ENCRYPTION, so development and the tests need no set-up;
production sets KRING_DATA_KEYS, because KRING_SECRET rotates and data keys must outlive it.

The keyring is one per process (`install`): SQLAlchemy's column types, which do the sealing,
see no nameko config, and every service of one process runs with the same configuration. The
Database provider installs it when a service sets up (kring.kit.db).
"""
import base64
import binascii
import hashlib
import hmac
import json
import os
import re

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import JSON, Text
from sqlalchemy.types import TypeDecorator

from kring.kit.keys import DATA_ENCRYPTION, derive, listed

MARK = "enc"
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # the size GCM is made for; random, so a key may seal 2^32 values safely
TAG_BYTES = 16
KEY_ID = re.compile(r"[A-Za-z0-9-]{1,32}\Z")
SEALED = re.compile(r"enc:([A-Za-z0-9-]{1,32}):([A-Za-z0-9+/]+={0,2})\Z")




class DataKeyError(Exception):
    """A value that cannot be opened: tampered with, moved from another column, or sealed under
    a data key this process does not hold. Never answered with the value's text."""


class Keyring:
    """Data keys by id; the first seals, all open."""

    def __init__(self, keys):
        """`keys`: (id, 32 key bytes) pairs, the sealing key first."""
        if not keys:
            raise ValueError("a keyring needs at least one data key")
        self._keys = {}
        for key_id, key in keys:
            if not KEY_ID.match(key_id):
                raise ValueError(f"a data key id is 1 to 32 letters, digits or '-', "
                                 f"not {key_id!r}")
            if len(key) != KEY_BYTES:
                raise ValueError(f"data key {key_id!r} must be {KEY_BYTES} bytes, "
                                 f"not {len(key)}")
            if self._keys.get(key_id, key) != key:
                raise ValueError(f"data key id {key_id!r} is given twice, with different keys")
            self._keys.setdefault(key_id, AESGCM(key))
        self.current = keys[0][0]

    @property
    def ids(self):
        return tuple(self._keys)

    def seal(self, text, table, column):
        """`text` sealed under the current key, bound to `table`.`column`."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._keys[self.current].encrypt(nonce, text.encode(), _bound(table, column))
        return f"{MARK}:{self.current}:{base64.b64encode(nonce + sealed).decode()}"

    def open(self, stored, table, column):
        """The text of a stored value: opened when sealed, as it is when plain (legacy)."""
        found = SEALED.match(stored)
        if found is None:
            return stored
        key_id, payload = found.groups()
        key = self._keys.get(key_id)
        if key is None:
            raise DataKeyError(f"a value in {table}.{column} is sealed under data key "
                               f"{key_id!r}, which is not configured (KRING_DATA_KEYS)")
        raw = base64.b64decode(payload)
        try:
            return key.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _bound(table, column)) \
                .decode()
        except (InvalidTag, ValueError):
            raise DataKeyError(f"a value in {table}.{column} does not open under data key "
                               f"{key_id!r}: changed, or moved from another column") from None

    def is_current(self, stored):
        """Whether `stored` is sealed under the key that seals now (nothing to re-seal)."""
        return stored.startswith(f"{MARK}:{self.current}:")


def _bound(table, column):
    return f"kring/{table}/{column}".encode()


def parse(text):
    """The (id, key) pairs of KRING_DATA_KEYS: "id:base64key,..."; ValueError saying what is
    wrong (never the key)."""
    keys = []
    for number, part in enumerate(text.split(","), 1):
        key_id, colon, encoded = part.strip().partition(":")
        if not colon or not KEY_ID.match(key_id):
            raise ValueError(f"entry {number} is not id:base64key (an id of 1 to 32 letters, "
                             f"digits or '-')")
        try:
            key = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise ValueError(f"the key of {key_id!r} is not base64") from None
        if len(key) != KEY_BYTES:
            raise ValueError(f"the key of {key_id!r} is {len(key)} bytes, not {KEY_BYTES} "
                             f"(make one with `openssl rand -base64 32`)")
        if key_id in dict(keys):
            raise ValueError(f"the id {key_id!r} is given twice")
        keys.append((key_id, key))
    return keys


def derived_keys(secrets):
    """One data key per secret (KRING_SECRET, then KRING_SECRET_PREVIOUS), its id named after a
    fingerprint of the key, so a rotated secret gives a new id and the old values still open."""
    keys = []
    for secret in listed(secrets):
        key = bytes.fromhex(derive(secret, DATA_ENCRYPTION))
        fingerprint = hmac.new(key, b"kring/data-key-id", hashlib.sha256).hexdigest()[:8]
        keys.append((f"s-{fingerprint}", key))
    return keys


def keyring(data_keys, secrets):
    """The process's keyring: KRING_DATA_KEYS when set (the first seals); after them, still
    opening what they sealed, the keys derived from the secrets. Without KRING_DATA_KEYS the key
    derived from KRING_SECRET seals."""
    configured = parse(data_keys) if data_keys else []
    derived = [pair for pair in derived_keys(secrets) if pair[0] not in dict(configured)]
    return Keyring(configured + derived)


_installed = None


def install(ring):
    """Make `ring` the keyring of this process (kring.kit.db.Database does, on setup)."""
    global _installed
    _installed = ring


def installed():
    if _installed is None:
        raise DataKeyError("no data keys installed: a service installs them when it sets up "
                           "its database (kring.kit.crypto.install)")
    return _installed


# --- column types: what the services' models use for family data -----------------------------

class _Sealed(TypeDecorator):
    """A column type whose values are sealed bound to their table and column."""

    def __init__(self, table, column):
        super().__init__()
        self.table, self.column = table, column


class EncryptedText(_Sealed):
    """Text sealed at rest. Stored as TEXT; a plain value from before encryption still reads."""
    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else installed().seal(value, self.table, self.column)

    def process_result_value(self, value, dialect):
        return None if value is None else installed().open(value, self.table, self.column)


class EncryptedJSON(_Sealed):
    """A JSON value sealed at rest, stored as a JSON string in a JSON column, so a column that
    was created as JSON (PostgreSQL's json type included) takes it unchanged; a plain JSON value
    from before encryption (an object or a list) still reads. No value is SQL NULL, not the
    JSON text `null`: every value an encrypted column holds is sealed (`kring rekey` and its
    test go by that)."""
    impl = JSON(none_as_null=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return installed().seal(json.dumps(value), self.table, self.column)

    def process_result_value(self, value, dialect):
        if not isinstance(value, str):  # None, or a plain object or list stored before
            return value
        return json.loads(installed().open(value, self.table, self.column))


class EncryptedBytes(_Sealed):
    """Bytes sealed at rest (a body as received, which may be no text at all): sealed as their
    base64 text, stored as TEXT."""
    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return installed().seal(base64.b64encode(value).decode("ascii"), self.table,
                                self.column)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return base64.b64decode(installed().open(value, self.table, self.column))


ENCRYPTED_TYPES = (_Sealed,)


def encrypted_columns(table):
    """The sealed columns of a table."""
    return [column for column in table.columns if isinstance(column.type, ENCRYPTED_TYPES)]


# --- files: what a service writes into the data directory (notify's .eml files and marks) ----

def _file_place(folder, name):
    """What a sealed file is bound to: its folder's role and its own name, so a file copied
    under another name or into another folder does not open."""
    return f"files/{folder}", name


def seal_file(data, folder, name):
    """The bytes to write for file `name` of `folder` (a role: "notices", "marks"), holding
    `data` sealed under the current data key: `enc:<key id>:<base64>`, as a sealed value."""
    return installed().seal(base64.b64encode(data).decode("ascii"),
                            *_file_place(folder, name)).encode("ascii")


def is_sealed_file(stored):
    return stored.startswith(f"{MARK}:".encode())


def open_file(stored, folder, name):
    """The data in a file written by `seal_file`; a file from before files were sealed is
    read as it is. DataKeyError if it does not open."""
    if not is_sealed_file(stored):
        return stored
    text = stored.decode("ascii", errors="replace").strip()
    if not SEALED.match(text):
        raise DataKeyError(f"a file of {folder} is not a sealed value: cut off, or changed")
    return base64.b64decode(installed().open(text, *_file_place(folder, name)))


def file_is_current(stored):
    """Whether a file is sealed under the key that seals now (nothing to re-seal)."""
    return installed().is_current(stored[:64].decode("ascii", errors="replace"))


def read_stored(stored, table, column):
    """The text of a value read past SQLAlchemy (raw SQL), sealed or plain: for tools and
    tests."""
    return installed().open(stored, table, column)
