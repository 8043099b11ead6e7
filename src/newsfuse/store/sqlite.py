"""The SQLite store: one file, WAL journal, numbered .sql migrations, one transaction per batch."""

from __future__ import annotations

import itertools
import sqlite3
from typing import Any

from sqlalchemy import Connection, create_engine
from sqlalchemy.pool import NullPool

from newsfuse.errors import MigrationError, StoreError
from newsfuse.store import schema
from newsfuse.store.sql import SqlStore, _article, _event

CACHE_KIB = 64 * 1024  # page cache per connection, in KiB

__all__ = ["_ARTICLE_COLUMNS", "SQLiteStore", "_article", "_event", "migrations"]

# Raw-SQL column list for readers that query the sqlite3 connection directly (the web desk).
_ARTICLE_COLUMNS = ("id, seq, origin, url, source, title, published, author, text, removed, "
                    "metadata, content_hash, duplicate_of, event_id")


def migrations() -> list[tuple[int, str]]:
    """The numbered migration scripts shipped with the package, in order."""
    return sorted(schema.sqlite_scripts().items())


def wrap(conn: sqlite3.Connection) -> Connection:
    """A SQLAlchemy connection over an open sqlite3 connection, leaving its transaction alone.

    SQLAlchemy initialises a dialect on an engine's first connection and rolls that connection
    back afterwards; a scratch in-memory connection takes that first turn, so a caller's open
    read snapshot on `conn` survives.
    """
    handed = itertools.chain([sqlite3.connect(":memory:", check_same_thread=False)],
                             itertools.repeat(conn))
    engine = create_engine("sqlite://", creator=lambda: next(handed), poolclass=NullPool)
    engine.connect().close()
    return engine.connect()


class SQLiteStore(SqlStore):
    """A store in one SQLite file (or ':memory:')."""

    def __init__(self, path: str) -> None:
        try:
            # isolation_level=None: transactions are begun and ended by `atomic` alone.
            self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False,
                                        timeout=30)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open store {path}: {exc}.") from exc
        self.path = path
        self._depth = 0
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA foreign_keys=OFF")
        # The default 2 MB page cache stops holding the dedupe band and source-line indexes after
        # a few thousand articles; every batch's random-key inserts and lookups then re-read pages.
        self.conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")

    def _connect(self) -> Connection:
        return wrap(self.conn)

    def _begin_sql(self) -> str:
        return "BEGIN IMMEDIATE"  # take the write lock up front: no deadlock on upgrade

    def close(self) -> None:
        """Close the connection."""
        super().close()
        self.conn.close()

    def _create_version_table(self) -> None:
        self.conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")

    def _migrate_to(self, version: int) -> None:
        """Run the shipped .sql script when there is one, so files keep their exact schema."""
        script = schema.sqlite_scripts().get(version)
        if script is None:
            super()._migrate_to(version)
            return
        try:
            self.conn.executescript(f"BEGIN;\n{script}\nINSERT INTO schema_version VALUES "
                                    f"({version});\nCOMMIT;")
        except sqlite3.Error as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise MigrationError(f"migration {version} failed: {exc}.") from exc

    def _select_in(self, sql: str, fixed: list[Any], values: list[str]) -> list[Any]:
        """Rows of a raw `sql` with its IN list filled in chunks (for the desk's own queries)."""
        rows: list[Any] = []
        for start in range(0, len(values), 500):
            chunk = values[start:start + 500]
            rows.extend(self.conn.execute(sql.format(",".join("?" * len(chunk))),
                                          [*fixed, *chunk]).fetchall())
        return rows
