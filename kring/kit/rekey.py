"""`kring rekey`: every sealed value of a service re-sealed under the data key that seals now
(kring.kit.crypto), and every plain value from before encryption sealed.

Each running service does it for its own database when asked over RPC, so the command needs
neither the databases' addresses nor the keys. It walks each table in primary-key order, a batch
of rows at a time, each batch in its own transaction with its rows locked (SELECT … FOR UPDATE):
a replica changing one of those rows at the same moment waits, then writes its own value, so
nothing is lost, and the other replicas (holding the same keys) read both the old and the new
form meanwhile. A value already under the current key is left alone: run it again and it counts
nothing.
"""
import os
import uuid
from pathlib import Path

from sqlalchemy import JSON, Text, select, tuple_, type_coerce, update

from kring.kit import crypto

BATCH = 200


def rekey(uow, metadata, batch=BATCH):
    """{table: values re-sealed} for every table of `metadata` with sealed columns."""
    ring = crypto.installed()
    counts = {}
    for table in metadata.sorted_tables:
        columns = crypto.encrypted_columns(table)
        if columns:
            counts[table.name] = _rekey_table(uow, table, columns, ring, batch)
    _checkpoint(uow)
    return counts


def _checkpoint(uow):
    """SQLite: empty the write-ahead log, which still holds the pages as they were, into the
    database file, where secure_delete (kring.kit.db) has zeroed what was replaced."""
    with uow:
        engine = uow.session.get_bind()
    if engine.dialect.name != "sqlite":
        return
    connection = engine.raw_connection()  # outside a transaction: a checkpoint needs that
    try:
        connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


def _rekey_table(uow, table, columns, ring, batch):
    keys = list(table.primary_key.columns)
    # each sealed column twice: as stored (to see under which key) and opened
    stored = [type_coerce(column, JSON() if isinstance(column.type, crypto.EncryptedJSON)
                          else Text()).label(f"stored_{n}") for n, column in enumerate(columns)]
    resealed, last = 0, None
    while True:
        query = select(*keys, *columns, *stored).order_by(*keys).limit(batch).with_for_update()
        if last is not None:
            query = query.where(tuple_(*keys) > tuple_(*last))
        with uow:
            rows = uow.session.execute(query).all()
            for row in rows:
                opened = row[len(keys):len(keys) + len(columns)]
                raw = row[len(keys) + len(columns):]
                stale = {column.key: value for column, value, as_stored
                         in zip(columns, opened, raw) if _stale(as_stored, ring)}
                if stale:
                    uow.session.execute(update(table).where(
                        *(key == value for key, value in zip(keys, row[:len(keys)])))
                        .values(stale))
                    resealed += len(stale)
        if len(rows) < batch:
            return resealed
        last = tuple(rows[-1][:len(keys)])


def _stale(as_stored, ring):
    """A value to seal again: plain (from before encryption), or under another key."""
    if as_stored is None:
        return False
    return not (isinstance(as_stored, str) and ring.is_current(as_stored))


def rekey_files(folder, role, pattern):
    """Files a service wrote sealed (kring.kit.crypto.seal_file) under `folder`, matching
    `pattern`, sealed again under the current data key, and plain ones from before files were
    sealed sealed now; how many. Each is replaced whole (written aside, then renamed over),
    and only while it is still there: a file its owner removed meanwhile stays removed."""
    folder, count = Path(folder), 0
    try:
        paths = sorted(folder.glob(pattern))
    except OSError:
        return 0
    for path in paths:
        try:
            stored = path.read_bytes()
        except OSError:  # removed meanwhile
            continue
        if crypto.is_sealed_file(stored) and crypto.file_is_current(stored):
            continue
        sealed = crypto.seal_file(crypto.open_file(stored, role, path.name), role, path.name)
        aside = folder / f".{path.name}.{uuid.uuid4().hex}.tmp"
        try:
            handle = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(handle, "wb") as written:
                written.write(sealed)
                written.flush()
                os.fsync(written.fileno())
            if path.exists():
                os.replace(aside, path)
                count += 1
        finally:
            aside.unlink(missing_ok=True)
    return count
