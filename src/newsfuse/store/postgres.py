"""The PostgreSQL store: the shared server option, with writers serialised by advisory locks."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from newsfuse.errors import StoreError
from newsfuse.store.sql import SqlStore


def is_postgres(location: str) -> bool:
    """Whether a --db value names a PostgreSQL database rather than a SQLite file."""
    return location.startswith(("postgresql:", "postgres:", "postgresql+"))


def engine_url(location: str) -> str:
    """The SQLAlchemy URL for a postgresql:// location, on the psycopg 3 driver."""
    scheme, rest = location.split("://", 1)
    if scheme in ("postgres", "postgresql"):
        scheme = "postgresql+psycopg"
    return f"{scheme}://{rest}"


def _lock_key(name: str) -> int:
    """A stable signed 64-bit advisory lock key for a name."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big",
                          signed=True)


GROUP_LOCK = _lock_key("newsfuse.group")
MIGRATE_LOCK = _lock_key("newsfuse.migrate")


class PostgresStore(SqlStore):
    """A store in a PostgreSQL database; several processes may write to it at once."""

    def __init__(self, location: str) -> None:
        url = make_url(engine_url(location))
        self.path = url.render_as_string(hide_password=True)
        self._depth = 0
        # One connection per store, in autocommit: `atomic` alone begins and ends transactions,
        # so no read leaves a transaction idle between batches.
        try:
            self.engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        except ImportError as exc:
            raise StoreError("PostgreSQL stores need the psycopg driver, which is not installed.",
                             hint="pip install 'newsfuse[postgresql]'") from exc
        try:
            self._db = self.engine.connect()
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open store {self.path}: {exc.__class__.__name__}: "
                             f"{str(exc.orig if hasattr(exc, 'orig') else exc).strip()}.",
                             hint="check the URL and that the server is running") from exc

    def _connect(self) -> Connection:
        raise StoreError(f"store {self.path} is closed.")

    def close(self) -> None:
        """Close the connection."""
        super().close()
        self.engine.dispose()

    def exists(self) -> bool:
        """Whether the database holds a newsfuse store already."""
        return inspect(self.db).has_table("schema_version")

    def migrate(self) -> int:
        """Apply the migrations not yet applied; two processes starting at once take turns."""
        self.db.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATE_LOCK})
        try:
            return super().migrate()
        finally:
            self.db.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATE_LOCK})

    @contextmanager
    def group_lock(self) -> Iterator[None]:
        """A transaction holding the store-wide grouping lock until it commits or rolls back."""
        with self.atomic():
            if self._depth == 1:
                self.db.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": GROUP_LOCK})
            yield
