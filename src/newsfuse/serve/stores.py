"""Read-only access to the store for page requests: one SQLite connection per thread."""

from __future__ import annotations

import bisect
import json
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.request import pathname2url

from newsfuse import __version__
from newsfuse.errors import NotFound, StoreError
from newsfuse.export import SCHEMA, event_record
from newsfuse.model import Article
from newsfuse.serve.sources import sole_reports
from newsfuse.store import EventRecord
from newsfuse.store.sqlite import _ARTICLE_COLUMNS, SQLiteStore, _article, _event


@dataclass(frozen=True)
class EventView:
    """An event page's data: the JSON twin's document plus each article's sentence starts."""

    document: dict[str, Any]
    starts: dict[str, list[int]] = field(default_factory=dict)


def readonly_uri(path: str) -> str:
    """The SQLite URI that opens `path` read-only (writes fail at the SQLite level)."""
    return f"file:{pathname2url(str(Path(path).resolve()))}?mode=ro"


class ReadOnlyStore(SQLiteStore):
    """The SQLite store opened with `mode=ro`, plus the few reads only the web desk needs."""

    def __init__(self, path: str) -> None:  # skips the parent's WAL pragma: no writes here
        try:
            self.conn = sqlite3.connect(readonly_uri(path), uri=True, isolation_level=None,
                                        check_same_thread=False, timeout=30)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open store {path} read-only: {exc}.") from exc
        self.path = path
        self._depth = 0

    def duplicates_of(self, article_id: str) -> list[tuple[str, str | None, str | None]]:
        """(id, source, title) of the stored copies of an article, in arrival order."""
        rows = self.conn.execute("SELECT id, source, title FROM articles WHERE duplicate_of = ? "
                                 "ORDER BY seq", (article_id,)).fetchall()
        return [(r[0], r[1], r[2]) for r in rows]

    def sentence_starts(self, article_ids: list[str]) -> dict[str, list[int]]:
        """Each article's sentence start offsets, read without parsing the whole analysis."""
        found: dict[str, list[int]] = {}
        for article_id in sorted(set(article_ids)):
            row = self.conn.execute("SELECT json_extract(data, '$.sentences') FROM analyses "
                                    "WHERE article_id = ?", (article_id,)).fetchone()
            sentences = json.loads(row[0]) if row and row[0] else []
            found[article_id] = sorted(int(s["start"]) for s in sentences)
        return found

    def find_event(self, event_id: str) -> EventRecord:
        """One event by exact id (an index lookup), else by unique prefix."""
        row = self.conn.execute("SELECT * FROM events WHERE id = ?", (event_id,)).fetchone()
        return _event(row) if row else self.get_event(event_id)

    def max_change(self) -> int:
        """The id of the newest grouping change (0 when none, or the store predates them)."""
        try:
            row = self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM event_changes").fetchone()
        except sqlite3.OperationalError:  # a store from before migration 2
            return 0
        return int(row[0])

    def changes_after(self, change_id: int) -> list[tuple[int, str, str]]:
        """(id, surviving event, merged event) of the grouping changes after `change_id`."""
        try:
            rows = self.conn.execute("SELECT id, event_id, other_id FROM event_changes "
                                     "WHERE id > ? ORDER BY id", (change_id,)).fetchall()
        except sqlite3.OperationalError:  # a store from before migration 2
            return []
        return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]

    def merged_into(self, event_id: str) -> str | None:
        """The event a merged (deleted) event now lives on in, following later merges too."""
        seen = {event_id}
        target = None
        while True:
            try:
                row = self.conn.execute("SELECT event_id FROM event_changes WHERE other_id = ? "
                                        "ORDER BY id DESC LIMIT 1", (event_id,)).fetchone()
            except sqlite3.OperationalError:  # a store from before migration 2
                return None
            if row is None or row[0] in seen:
                return target
            target = event_id = str(row[0])
            seen.add(event_id)

    def max_seq(self) -> int:
        """The arrival number of the newest stored article (0 when empty)."""
        return int(self.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0])

    def min_seq(self) -> int:
        """The arrival number of the oldest stored article (0 when empty)."""
        return int(self.conn.execute("SELECT COALESCE(MIN(seq), 0) FROM articles").fetchone()[0])

    def article_at(self, seq: int) -> str | None:
        """The id of the article that arrived as number `seq` (None if there is none)."""
        row = self.conn.execute("SELECT id FROM articles WHERE seq = ?", (seq,)).fetchone()
        return str(row[0]) if row else None

    def articles_after(self, seq: int) -> list[Article]:
        """Articles that arrived after `seq`, in arrival order."""
        rows = self.conn.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE seq > ? "
                                 "ORDER BY seq", (seq,)).fetchall()
        return [_article(r) for r in rows]

    def event_of(self, article_ids: list[str]) -> dict[str, str]:
        """Article id -> event id for the given articles."""
        rows = self._select_in("SELECT id, event_id FROM articles WHERE id IN ({})", [],
                               sorted(set(article_ids)))
        return {r[0]: r[1] for r in rows if r[1]}


def build_event_view(record: EventRecord, store: ReadOnlyStore) -> EventView:
    """The event page's data built from the store: the slow path, done once per event change."""
    event = event_record(record, store)
    articles = [source_row(a, store) for a in store.articles(record.id)]
    alone = sole_reports(event, articles)
    articles = [{**a, "alone": alone[a["id"]]} for a in articles]
    document = {"schema": SCHEMA, "generator": f"newsfuse {__version__}", "event": event,
                "articles": articles}
    return EventView(document, store.sentence_starts(event["articles"]))


def source_row(article: Article, store: ReadOnlyStore) -> dict[str, Any]:
    """One article of an event, for the sources side by side: outlet, date, title and reasons.

    `assignment` is why the article joined an event when it arrived; `changes` are the later
    merges that moved it (oldest first), so the two together explain where it is now.
    """
    assignment = store.assignment(article.id)
    return {"id": article.id, "source": article.source, "published": article.published,
            "title": article.title, "lead": None if article.title else lead(article.text),
            "url": article.url, "author": article.author,
            "duplicate_of": article.duplicate_of,
            "assignment": assignment.model_dump(exclude={"article_id", "event_id"})
            if assignment else None,
            "changes": [c.model_dump(exclude={"article_ids"}) for c in store.changes(article.id)]}


def lead(text: str, limit: int = 90) -> str:
    """The opening words of a text, cut at a word boundary (stands in for a missing title)."""
    words = " ".join(text[:limit * 2].split())
    if len(words) <= limit:
        return words
    return words[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def anchor(starts: dict[str, list[int]], article_id: str, offset: int) -> int:
    """The start of the sentence holding `offset` (the article page's `#s-N` anchor)."""
    found = starts.get(article_id) or []
    index = bisect.bisect_right(found, offset) - 1
    return found[index] if index >= 0 else 0


class StorePool:
    """One read-only store per thread, opened on first use and all closed together."""

    def __init__(self, path: str) -> None:
        if path == ":memory:" or not Path(path).is_file():
            raise NotFound(f"store not found: {path}.",
                           hint="ingest articles into it first, or pass --db")
        self.path = path
        self._local = threading.local()
        self._opened: list[ReadOnlyStore] = []
        self._lock = threading.Lock()
        try:
            self.get().max_seq()  # fail at start-up, not at the first page, if it is no store
        except sqlite3.Error as exc:
            self.close()
            raise StoreError(f"{path} is not a newsfuse store: {exc}.",
                             hint="create it with 'newsfuse ingest'") from exc

    def get(self) -> ReadOnlyStore:
        """This thread's connection."""
        store: ReadOnlyStore | None = getattr(self._local, "store", None)
        if store is None:
            store = ReadOnlyStore(self.path)
            self._local.store = store
            with self._lock:
                self._opened.append(store)
        return store

    def close(self) -> None:
        """Close every connection the pool opened."""
        with self._lock:
            for store in self._opened:
                store.close()
            self._opened.clear()
        self._local = threading.local()
