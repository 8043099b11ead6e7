"""The web desk's data: one function per page, shared by the HTML page and its JSON twin."""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from newsfuse import __version__
from newsfuse.errors import UsageError
from newsfuse.export import SCHEMA, article_record
from newsfuse.model import Analysis
from newsfuse.serve.charts import buckets
from newsfuse.serve.highlight import Mark, marks_of
from newsfuse.serve.index import EventIndex, EventQuery
from newsfuse.serve.stores import EventView, ReadOnlyStore, StorePool, build_event_view

CACHE_SIZE = 256
T = TypeVar("T")
MAX_POSTED_ARTICLES = 500


@dataclass(frozen=True)
class ArticleView:
    """An article page's data: the JSON twin's document plus what the highlighting needs."""

    document: dict[str, Any]
    marks: list[Mark]
    anchors: list[int]


def code_stamp() -> str:
    """A digest of the installed newsfuse code and templates: a kept index built by other code
    (other pages, other event documents) is not reused."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha1(__version__.encode())
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".html", ".css", ".svg") and path.is_file():
            digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class Recent(Generic[T]):
    """The last `size` values used, by key (thread-safe): an event's view or page, keyed by what
    changes when the event does."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, int, int], T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, int, int]) -> T | None:
        """The value kept under `key`, if any (it becomes the most recent)."""
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: tuple[str, int, int], value: T) -> T:
        """Keep `value` under `key`, dropping the least recent beyond the size; returns it."""
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


class Desk:
    """Everything the pages read, over a read-only store and the event index."""

    def __init__(self, db: str, render: Callable[[EventView], str], allow_writes: bool = False,
                 token: str | None = None, index: str | None = None) -> None:
        self.db = db
        self.allow_writes = allow_writes
        self.token = token
        self.render = render
        self.pool = StorePool(db)
        self.index = EventIndex(self.pool, render, Path(index) if index else None, code_stamp())
        self._cache: Recent[EventView] = Recent(CACHE_SIZE)
        self._pages: Recent[str] = Recent(CACHE_SIZE)
        self._write_lock = threading.Lock()
        self.index.refresh()

    def store(self) -> ReadOnlyStore:
        """This thread's read-only store."""
        return self.pool.get()

    def close(self) -> None:
        """Stop the index and close every connection."""
        self.index.close()
        self.pool.close()

    # -- pages -------------------------------------------------------------------------------------

    def events(self, query: EventQuery) -> dict[str, Any]:
        """The events list page: one page of rows and the next cursor."""
        self.index.poke()
        rows, after = self.index.query(query)
        return {"schema": SCHEMA, "generator": f"newsfuse {__version__}", "events": rows,
                "next": after, "query": query.params(), "limit": query.limit,
                "search": "fts5", "indexed_through": self.index.indexed_seq}

    def timeline(self, query: EventQuery) -> dict[str, Any]:
        """The timeline page: events and their articles per day (per week or month if long)."""
        self.index.poke()
        size, bars = buckets(self.index.days(query))
        rows = [{"from": b.start, "to": b.end, "events": b.events, "articles": b.articles}
                for b in bars]
        return {"schema": SCHEMA, "generator": f"newsfuse {__version__}",
                "query": query.params(), "bucket": size, "bars": rows,
                "events": sum(b.events for b in bars), "articles": sum(b.articles for b in bars),
                "indexed_through": self.index.indexed_seq}

    def map(self, query: EventQuery) -> dict[str, Any]:
        """The map page: every matching event at its most-mentioned place with coordinates."""
        self.index.poke()
        points = self.index.points(query)
        return {"schema": SCHEMA, "generator": f"newsfuse {__version__}",
                "query": query.params(), "points": points, "events": len(points),
                "indexed_through": self.index.indexed_seq}

    def event(self, event_id: str) -> EventView:
        """The event page: the newsfuse/1 event record, its articles and why each belongs."""
        store = self.store()
        record = store.find_event(event_id)
        key = (record.id, record.last_seq, record.n_articles)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        view = (self.index.view(record.id, record.last_seq, record.n_articles)
                or build_event_view(record, store))
        return self._cache.put(key, view)

    def event_html(self, event_id: str) -> str:
        """The event's HTML page: rendered at indexing time, else now (and kept a while)."""
        record = self.store().find_event(event_id)
        key = (record.id, record.last_seq, record.n_articles)
        cached = self._pages.get(key)
        if cached is not None:
            return cached
        page = self.index.page(*key)
        if page is None:
            page = self._pages.put(key, self.render(self.event(record.id)))
        return page

    def successor(self, event_id: str) -> str | None:
        """The event a merged-away event id now lives on in (None if it was never merged)."""
        return self.store().merged_into(event_id)

    def article(self, article_id: str) -> ArticleView:
        """The article page: its newsfuse/1 record, copies, and the marks of its extractions."""
        store = self.store()
        article = store.get_article(article_id)
        analysis: Analysis | None = store.analysis(article.id)
        record = article_record(article, store)
        copies = [{"id": i, "source": s, "title": t} for i, s, t in store.duplicates_of(article.id)]
        event = None
        if record["event"]:
            row = store.conn.execute("SELECT title FROM events WHERE id = ?",
                                     (record["event"],)).fetchone()
            event = {"id": record["event"], "title": row[0] if row else None}
        document = {"schema": SCHEMA, "generator": f"newsfuse {__version__}", "article": record,
                    "duplicates": copies, "event": event}
        anchors = [s.start for s in analysis.sentences] if analysis else []
        return ArticleView(document, marks_of(analysis), anchors)

    # -- writes ------------------------------------------------------------------------------------

    def ingest(self, payload: Any) -> dict[str, Any]:
        """Ingest posted article objects with the CLI's reading and pipeline rules."""
        from newsfuse.ingest.readers import read_jsonl
        from newsfuse.pipeline import PipelineSettings, Runner, check_stages
        from newsfuse.store import open_store

        items = payload if isinstance(payload, list) else [payload]
        if not items:
            raise UsageError("post one article object or a non-empty list of them.")
        if len(items) > MAX_POSTED_ARTICLES:
            raise UsageError(f"post at most {MAX_POSTED_ARTICLES} articles at once.")
        lines = "\n".join(json.dumps(item, ensure_ascii=False) for item in items)
        settings = PipelineSettings(workers=1)
        raws = list(read_jsonl(Path("api"), lines.encode("utf-8"), settings.inputs.defaults(),
                               settings.inputs.max_article_chars))
        check_stages()
        with self._write_lock:
            store = open_store(self.db, create=False)
            try:
                report = Runner(store, settings).run(raws)
            finally:
                store.close()
        self.index.poke()
        return {"ok": True, "added": report.added, "skipped": report.skipped,
                "duplicates": report.duplicates, "new_events": report.new_events,
                "rejected": [r.model_dump() for r in report.rejected],
                "summary": report.summary()}
