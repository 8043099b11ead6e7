"""The store interface: the only place that persists articles, analyses, events and rejections."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from newsfuse.model import Analysis, Article, Assignment, EventChange, Rejection

DEFAULT_DB = "newsfuse.db"


@dataclass
class EventRecord:
    """An event as the grouping stage keeps it: summary columns plus its feature state."""

    id: str
    title: str | None
    start: str | None
    end: str | None
    n_articles: int
    first_seq: int
    last_seq: int
    state: dict[str, Any] = field(default_factory=dict)


@dataclass
class Batch:
    """Everything one committed batch writes, in one transaction."""

    articles: list[Article] = field(default_factory=list)
    analyses: list[Analysis] = field(default_factory=list)
    bands: list[tuple[int, int, str]] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    raw_hashes: dict[str, str] = field(default_factory=dict)
    line_keys: dict[str, list[str]] = field(default_factory=dict)
    changes: list[EventChange] = field(default_factory=list)
    removed_events: list[str] = field(default_factory=list)


class Store(Protocol):
    """What the pipeline, the exports and the web desk need from a store."""

    def migrate(self) -> int: ...
    def close(self) -> None: ...
    def atomic(self) -> AbstractContextManager[None]: ...
    def write_batch(self, batch: Batch) -> None: ...
    def record_rejections(self, rejections: Iterable[Rejection]) -> None: ...
    def known_articles(self, ids: Iterable[str]) -> dict[str, str]: ...
    def next_seq(self) -> int: ...
    def source_line_counts(self, source: str, keys: Iterable[str]) -> dict[str, int]: ...
    def band_matches(self, bands: Iterable[tuple[int, int]]) -> list[str]: ...
    def signatures(self, ids: Iterable[str]) -> dict[str, tuple[int, ...]]: ...
    def article_by_hash(self, content_hash: str) -> Article | None: ...
    def get_article(self, article_id: str) -> Article: ...
    def articles(self, event_id: str | None = None) -> Iterator[Article]: ...
    def analysis(self, article_id: str) -> Analysis | None: ...
    def assignment(self, article_id: str) -> Assignment | None: ...
    def changes(self, article_id: str) -> list[EventChange]: ...
    def event_states(self, open_after: str | None = None) -> Iterator[EventRecord]: ...
    def last_event_day(self) -> str | None: ...
    def get_event(self, event_id: str) -> EventRecord: ...
    def events(self, limit: int | None = None) -> list[EventRecord]: ...
    def rejections(self) -> list[Rejection]: ...
    def counts(self) -> dict[str, int]: ...
    def group_lock(self) -> AbstractContextManager[None]: ...
    def change_mark(self) -> tuple[int, int]: ...
    def events_changed_since(self, mark: tuple[int, int]
                             ) -> tuple[list[EventRecord], list[str]]: ...


def resolve_db(db: str | None) -> str:
    """The store location: the argument, else NEWSFUSE_DB, else ./newsfuse.db."""
    return db or os.environ.get("NEWSFUSE_DB") or DEFAULT_DB


def open_store(db: str | None = None, create: bool = True) -> Store:
    """Open (and migrate) the store at `db`; with create=False a missing store is an error.

    `db` is a SQLite file path (or ':memory:') or a postgresql:// URL.
    """
    from newsfuse.errors import NotFound
    from newsfuse.store.postgres import PostgresStore, is_postgres
    from newsfuse.store.sqlite import SQLiteStore

    location = resolve_db(db)
    missing = NotFound(f"store not found: {location}.",
                       hint="ingest articles into it first, or pass --db")
    store: PostgresStore | SQLiteStore
    if is_postgres(location):
        store = PostgresStore(location)
        if not create and not store.exists():
            store.close()
            raise missing
    else:
        if not create and location != ":memory:" and not Path(location).exists():
            raise missing
        store = SQLiteStore(location)
    store.migrate()
    return store
