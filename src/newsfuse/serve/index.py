"""The web desk's event index: a side SQLite file with one summary row per event and FTS5.

The store stays read-only for the desk, so the list's filters (places, actors, event type,
disputed facts) and full-text search live in a file of the desk's own, rebuilt from the store
and brought up to date whenever newer articles or grouping changes arrive. Articles are only
ever appended, so the highest arrival number tells which are new; the grouping may later merge
a small event into a bigger one (a row in the store's `event_changes`), so the index also
remembers the last change it followed, moves the merged event's articles to the survivor,
drops the merged event and rewrites the survivor. Search is SQLite FTS5 over article titles
and texts.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import json
import logging
import re
import shutil
import sqlite3
import tempfile
import threading
import weakref
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from newsfuse.errors import UsageError
from newsfuse.serve.stores import EventView, ReadOnlyStore, StorePool, build_event_view

logger = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS ev (
    id TEXT PRIMARY KEY, sort TEXT NOT NULL, last_seq INTEGER NOT NULL, title TEXT,
    start TEXT, "end" TEXT, date TEXT, n_articles INTEGER NOT NULL, n_sources INTEGER NOT NULL,
    disputed INTEGER NOT NULL, type TEXT, sub_type TEXT, places TEXT NOT NULL,
    sources TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ev_order ON ev (sort DESC, last_seq DESC, id);
CREATE TABLE IF NOT EXISTS ev_place (event TEXT NOT NULL, name TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ev_place_event ON ev_place (event);
CREATE TABLE IF NOT EXISTS ev_actor (event TEXT NOT NULL, name TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ev_actor_event ON ev_actor (event);
CREATE TABLE IF NOT EXISTS ev_point (event TEXT PRIMARY KEY, name TEXT NOT NULL,
                                     lat REAL NOT NULL, lon REAL NOT NULL);
CREATE TABLE IF NOT EXISTS art (seq INTEGER PRIMARY KEY, event TEXT);
CREATE INDEX IF NOT EXISTS art_event ON art (event);
CREATE VIRTUAL TABLE IF NOT EXISTS art_fts USING fts5 (
    title, text, content='', tokenize='unicode61 remove_diacritics 2');
CREATE TABLE IF NOT EXISTS doc (id TEXT PRIMARY KEY, last_seq INTEGER NOT NULL,
                                n_articles INTEGER NOT NULL, data BLOB NOT NULL, page BLOB);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS about (key TEXT PRIMARY KEY, value TEXT);
"""
_COLUMNS = ('id, sort, last_seq, title, start, "end", date, n_articles, n_sources, disputed, '
            "type, sub_type, places, sources")
_WORD = re.compile(r"\w+\*?")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
CHUNK = 1000
MAX_LIMIT = 200


@dataclass(frozen=True)
class EventQuery:
    """What the events list asks for: search, filters and a page."""

    q: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    place: str | None = None
    actor: str | None = None
    type: str | None = None
    disputed: bool = False
    cursor: str | None = None
    limit: int = 50

    def params(self) -> dict[str, str]:
        """The query as URL parameters (without the cursor), for links and the JSON twin."""
        pairs = {"q": self.q, "from": self.date_from, "to": self.date_to, "place": self.place,
                 "actor": self.actor, "type": self.type,
                 "disputed": "1" if self.disputed else None}
        return {k: v for k, v in pairs.items() if v}


def fts_query(text: str) -> str | None:
    """User words as an FTS5 query: every word required, quoted so no operator syntax leaks."""
    terms = []
    for word in _WORD.findall(text):
        prefix = word.endswith("*")
        terms.append('"' + word.rstrip("*") + '"' + ("*" if prefix else ""))
    return " ".join(terms) or None


def encode_cursor(row: dict[str, Any]) -> str:
    """An opaque cursor after this row in list order."""
    raw = json.dumps([row["sort"], row["last_seq"], row["id"]]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, int, str]:
    """The (sort, last_seq, id) a cursor stands for; a malformed cursor is a usage error."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        sort, seq, event_id = json.loads(raw)
        return str(sort), int(seq), str(event_id)
    except (ValueError, TypeError, binascii.Error) as exc:
        raise UsageError("the cursor is not valid; start again from the first page.") from exc


def summary_row(event: dict[str, Any], last_seq: int) -> dict[str, Any]:
    """The list row of an event record (newsfuse/1 shape), as the index keeps it."""
    kind = event.get("event_type") or {}
    return {
        "id": event["id"], "sort": event["end"] or event["start"] or "", "last_seq": last_seq,
        "title": event["title"], "start": event["start"], "end": event["end"],
        "date": event["date"], "n_articles": len(event["articles"]),
        "n_sources": len(event["sources"]) or len(event["articles"]),
        "disputed": event["disputed"], "type": kind.get("event_type"),
        "sub_type": kind.get("sub_type"),
        "places": json.dumps([p["name"] for p in event["places"][:6]]),
        "sources": json.dumps(event["sources"])}


def map_point(event: dict[str, Any]) -> tuple[str, float, float] | None:
    """The event's most-mentioned place that has coordinates (places come most mentioned first)."""
    for place in event["places"]:
        if place.get("lat") is not None and place.get("lon") is not None:
            return place["name"], float(place["lat"]), float(place["lon"])
    return None


class EventIndex:
    """The side index of one store: in a temporary folder of its own, or kept at `path`.

    With `render`, each event's HTML page is rendered when the event is indexed, so a cold
    event page costs a lookup and a decompression instead of a template run. An index kept at
    `path` is reused by the next desk over the same store (it then only catches up), unless
    `stamp` (the code that built it) or the store's articles differ: then it is built anew.
    """

    def __init__(self, pool: StorePool, render: Callable[[EventView], str] | None = None,
                 path: Path | None = None, stamp: str = "") -> None:
        self.pool = pool
        self.render = render
        self.stamp = stamp
        self._owned = path is None
        if path is None:
            self.folder = Path(tempfile.mkdtemp(prefix="newsfuse-serve-"))
            self.path = self.folder / "index.db"
            weakref.finalize(self, shutil.rmtree, str(self.folder), True)  # also without close()
        else:
            self.folder, self.path = path.parent, path
        self._lock_file = claim(self.path) if path is not None else None
        self._local = threading.local()
        self._refresh_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stopped = False
        self.indexed_seq = 0
        self.indexed_change = 0
        self.reused = path is not None and self._resume()
        if not self.reused:
            _remove_database(self.path)
            conn = sqlite3.connect(self.path)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(SCHEMA)
            conn.executemany("INSERT INTO about VALUES (?, ?)", [("stamp", stamp)])
            conn.commit()
            conn.close()

    def _resume(self) -> bool:
        """Take up a kept index where it stopped, if it was built by this code from this store."""
        if not self.path.is_file():
            return False
        try:
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            try:
                about = dict(conn.execute("SELECT key, value FROM about").fetchall())
                meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            finally:
                conn.close()
        except sqlite3.Error:
            return False
        seq, change = int(meta.get("seq", 0)), int(meta.get("change", 0))
        store = self.pool.get()
        if about.get("stamp") != self.stamp or seq > store.max_seq() or \
                change > store.max_change() or about.get("last") != store.article_at(seq) or \
                about.get("first") != store.article_at(store.min_seq()):
            logger.info("event index at %s was built from other data or code: rebuilding",
                        self.path)
            return False
        self.indexed_seq, self.indexed_change = seq, change
        return True

    def _reader(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True,
                                   check_same_thread=False)
            conn.row_factory = sqlite3.Row
            self._local.conn = conn
        return conn

    # -- keeping up with the store -----------------------------------------------------------------

    def refresh(self) -> int:
        """Index what arrived since the last refresh; returns the number of events updated."""
        with self._refresh_lock:
            if self._stopped:
                return 0
            store = ReadOnlyStore(self.pool.path)
            try:
                store.conn.execute("BEGIN")  # one snapshot of the store for the whole refresh
                changed = self._refresh_from(store)
                store.conn.execute("COMMIT")
            finally:
                store.close()
            return changed

    def poke(self) -> None:
        """Start a background refresh when the store has news (articles, merges), none running."""
        if self._stopped:
            return
        store = self.pool.get()
        if store.max_seq() <= self.indexed_seq and store.max_change() <= self.indexed_change:
            return
        if self._thread is not None and self._thread.is_alive():
            return
        self._thread = threading.Thread(target=self._refresh_quietly, daemon=True,
                                        name="newsfuse-index")
        self._thread.start()

    def _refresh_quietly(self) -> None:
        try:
            self.refresh()
        except Exception:  # a failed background refresh is retried at the next poke
            logger.exception("the event index could not be refreshed")

    def _refresh_from(self, store: ReadOnlyStore) -> int:
        writer = sqlite3.connect(self.path, isolation_level=None)
        try:
            writer.execute("BEGIN IMMEDIATE")
            seq, events = self._add_articles(store, writer)
            change = self._follow_changes(store, writer, events)
            for event_id in sorted(events):
                if self._stopped:
                    writer.execute("ROLLBACK")
                    return 0
                self._put_event(store, writer, event_id, events[event_id])
            writer.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                               [("seq", seq), ("change", change)])
            writer.executemany("INSERT OR REPLACE INTO about VALUES (?, ?)",
                               [("last", store.article_at(seq)),
                                ("first", store.article_at(store.min_seq()))])
            writer.execute("COMMIT")
        finally:
            writer.close()
        self.indexed_seq, self.indexed_change = seq, change
        logger.info("event index: %d events updated up to article %d and change %d",
                    len(events), seq, change)
        return len(events)

    def _follow_changes(self, store: ReadOnlyStore, writer: sqlite3.Connection,
                        events: dict[str, int]) -> int:
        """Apply the store's merges since the last refresh; returns the last change id.

        A merged event's articles move to the survivor, which joins `events` to be rewritten;
        the merged event leaves the index (and `events`, if its articles were new).
        """
        last = self.indexed_change
        for change_id, survivor, merged in store.changes_after(last):
            writer.execute("UPDATE art SET event = ? WHERE event = ?", (survivor, merged))
            self._drop_event(writer, merged)
            seen = max(events.pop(merged, 0), events.get(survivor, 0))
            row = writer.execute("SELECT MAX(seq) FROM art WHERE event = ?",
                                 (survivor,)).fetchone()
            events[survivor] = max(seen, int(row[0] or 0))
            last = change_id
        return last

    @staticmethod
    def _drop_event(writer: sqlite3.Connection, event_id: str) -> None:
        """Remove an event from every table of the index but the article rows."""
        for table, column in (("ev", "id"), ("doc", "id"), ("ev_place", "event"),
                              ("ev_actor", "event"), ("ev_point", "event")):
            writer.execute(f"DELETE FROM {table} WHERE {column} = ?", (event_id,))

    def _add_articles(self, store: ReadOnlyStore,
                      writer: sqlite3.Connection) -> tuple[int, dict[str, int]]:
        """Put the new articles into the search index; returns the last seq and touched events."""
        seq, events = self.indexed_seq, dict[str, int]()
        while True:
            rows = store.conn.execute(
                "SELECT seq, title, text, event_id FROM articles WHERE seq > ? ORDER BY seq "
                "LIMIT ?", (seq, CHUNK)).fetchall()
            if not rows:
                return seq, events
            writer.executemany("INSERT OR REPLACE INTO art VALUES (?, ?)",
                               [(r[0], r[3]) for r in rows])
            writer.executemany("INSERT INTO art_fts (rowid, title, text) VALUES (?, ?, ?)",
                               [(r[0], r[1] or "", r[2]) for r in rows])
            events.update({r[3]: r[0] for r in rows if r[3]})
            seq = rows[-1][0]

    def _put_event(self, store: ReadOnlyStore, writer: sqlite3.Connection, event_id: str,
                   seen_seq: int) -> None:
        """(Re)write one event's list row and its place and actor names."""
        record = store.conn.execute("SELECT last_seq, n_articles FROM events WHERE id = ?",
                                    (event_id,)).fetchone()
        if record is None:  # gone from the store (merged away): gone from the index
            self._drop_event(writer, event_id)
            return
        view = build_event_view(store.find_event(event_id), store)
        event = view.document["event"]
        row = summary_row(event, max(int(record[0]), seen_seq))
        # the event page needs the same data: keeping it here makes cold pages cheap
        blob = json.dumps({"document": view.document, "starts": view.starts})
        page = zlib.compress(self.render(view).encode("utf-8"), 1) if self.render else None
        writer.execute("INSERT OR REPLACE INTO doc VALUES (?, ?, ?, ?, ?)",
                       (event_id, int(record[0]), int(record[1]),
                        zlib.compress(blob.encode("utf-8"), 1), page))
        writer.execute(f"INSERT OR REPLACE INTO ev ({_COLUMNS}) VALUES "
                       f"({', '.join('?' * 14)})", tuple(row.values()))
        writer.execute("DELETE FROM ev_place WHERE event = ?", (event_id,))
        writer.execute("DELETE FROM ev_actor WHERE event = ?", (event_id,))
        writer.execute("DELETE FROM ev_point WHERE event = ?", (event_id,))
        point = map_point(event)
        if point is not None:
            writer.execute("INSERT INTO ev_point VALUES (?, ?, ?, ?)", (event_id, *point))
        writer.executemany("INSERT INTO ev_place VALUES (?, ?)",
                           [(event_id, p["name"]) for p in event["places"]])
        names = {n for a in event["actors"] for n in (a["name"], *a.get("variants", ()))}
        writer.executemany("INSERT INTO ev_actor VALUES (?, ?)",
                           [(event_id, n) for n in sorted(names)])

    def close(self) -> None:
        """Stop refreshing; delete the index folder unless the index is kept at a path."""
        self._stopped = True
        if self._thread is not None:
            self._thread.join(timeout=30)
        with self._refresh_lock:
            conn = getattr(self._local, "conn", None)
            if conn is not None:
                conn.close()
            if self._owned:
                shutil.rmtree(self.folder, ignore_errors=True)
            if self._lock_file is not None:
                self._lock_file.close()  # closing the file releases the lock
                self._lock_file = None

    # -- the list ----------------------------------------------------------------------------------

    def query(self, query: EventQuery) -> tuple[list[dict[str, Any]], str | None]:
        """One page of events, newest first, and the cursor of the next page (None at the end)."""
        where, args = _conditions(query)
        limit = max(1, min(query.limit, MAX_LIMIT))
        sql = (f"SELECT {_COLUMNS} FROM ev WHERE {' AND '.join(where) or '1'} "
               "ORDER BY sort DESC, last_seq DESC, id LIMIT ?")
        rows = [dict(r) for r in self._reader().execute(sql, [*args, limit + 1]).fetchall()]
        after = encode_cursor(rows[limit - 1]) if len(rows) > limit else None
        return [_public(r) for r in rows[:limit]], after

    def days(self, query: EventQuery) -> list[tuple[str, int, int]]:
        """(day, events, articles) for the matching events, by the day each event is dated."""
        where, args = _conditions(replace(query, cursor=None))
        sql = ('SELECT substr(COALESCE(date, start, "end"), 1, 10) AS day, COUNT(*), '
               f"SUM(n_articles) FROM ev WHERE {' AND '.join(where) or '1'} "
               'AND COALESCE(date, start, "end") IS NOT NULL GROUP BY day ORDER BY day')
        rows = self._reader().execute(sql, args).fetchall()
        return [(str(r[0]), int(r[1]), int(r[2])) for r in rows if _DAY.fullmatch(str(r[0]))]

    def points(self, query: EventQuery) -> list[dict[str, Any]]:
        """The matching events that have a placed place, each with that place's coordinates."""
        where, args = _conditions(replace(query, cursor=None))
        sql = ("SELECT id, title, date, start, n_articles, name, lat, lon FROM ev "
               f"JOIN ev_point ON ev_point.event = ev.id WHERE {' AND '.join(where) or '1'} "
               "ORDER BY sort DESC, last_seq DESC, id")
        return [{"id": r["id"], "title": r["title"], "date": r["date"] or r["start"],
                 "n_articles": r["n_articles"], "place": r["name"], "lat": r["lat"],
                 "lon": r["lon"]} for r in self._reader().execute(sql, args).fetchall()]

    def view(self, event_id: str, last_seq: int, n_articles: int) -> EventView | None:
        """The event page's data built at indexing time, if the event has not changed since.

        A merge can grow an event without a newer article (the merged ones may be older), so
        the article count is part of what "not changed" means.
        """
        row = self._reader().execute(
            "SELECT data FROM doc WHERE id = ? AND last_seq = ? AND n_articles = ?",
            (event_id, last_seq, n_articles)).fetchone()
        if row is None:
            return None
        data = json.loads(zlib.decompress(row[0]))
        return EventView(data["document"], data["starts"])

    def page(self, event_id: str, last_seq: int, n_articles: int) -> str | None:
        """The event's HTML page rendered at indexing time, if the event has not changed since."""
        row = self._reader().execute(
            "SELECT page FROM doc WHERE id = ? AND last_seq = ? AND n_articles = ?",
            (event_id, last_seq, n_articles)).fetchone()
        if row is None or row[0] is None:
            return None
        return zlib.decompress(row[0]).decode("utf-8")

    def types(self) -> list[str]:
        """The event types present, for the filter's choices."""
        rows = self._reader().execute("SELECT DISTINCT type FROM ev WHERE type IS NOT NULL "
                                      "ORDER BY type").fetchall()
        return [r[0] for r in rows]

    def count(self) -> int:
        """How many events are indexed."""
        return int(self._reader().execute("SELECT COUNT(*) FROM ev").fetchone()[0])


def claim(path: Path) -> IO[bytes]:
    """An exclusive lock on a kept index (`PATH.lock`), held while the desk runs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path.with_name(path.name + ".lock"), "wb")  # noqa: SIM115 (held until close)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise UsageError(f"the event index {path} is in use by another desk.",
                         hint="give this desk another --index, or none") from None
    return handle


def _remove_database(path: Path) -> None:
    """An SQLite file and its journals, gone."""
    for name in (path.name, path.name + "-wal", path.name + "-shm"):
        (path.parent / name).unlink(missing_ok=True)


def _like(value: str) -> str:
    escaped = value.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(query: EventQuery) -> tuple[list[str], list[Any]]:
    """SQL conditions and their arguments for the query's search, filters and cursor."""
    where: list[str] = []
    args: list[Any] = []
    match = fts_query(query.q) if query.q else None
    if match:
        where.append("id IN (SELECT art.event FROM art_fts JOIN art ON art.seq = art_fts.rowid "
                     "WHERE art_fts MATCH ?)")
        args.append(match)
    for value, sql in ((query.date_from, 'COALESCE("end", start) >= ?'),
                       (query.date_to, 'COALESCE(start, "end") <= ?')):
        if value:
            if not _DAY.fullmatch(value):
                raise UsageError(f"dates must be YYYY-MM-DD, not {value!r}.")
            where.append(sql)
            args.append(value)
    for value, table in ((query.place, "ev_place"), (query.actor, "ev_actor")):
        if value and value.strip():
            where.append(f"id IN (SELECT event FROM {table} WHERE name LIKE ? ESCAPE '\\')")
            args.append(_like(value))
    if query.type:
        where.append("(type = ? COLLATE NOCASE OR sub_type = ? COLLATE NOCASE)")
        args.extend([query.type.strip(), query.type.strip()])
    if query.disputed:
        where.append("disputed > 0")
    if query.cursor:
        sort, seq, event_id = decode_cursor(query.cursor)
        where.append("(sort < ? OR (sort = ? AND (last_seq < ? OR (last_seq = ? AND id > ?))))")
        args.extend([sort, sort, seq, seq, event_id])
    return where, args


def _public(row: dict[str, Any]) -> dict[str, Any]:
    """A list row as pages and the JSON twin show it."""
    out = {k: v for k, v in row.items() if k not in ("sort", "last_seq")}
    out["places"] = json.loads(row["places"])
    out["sources"] = json.loads(row["sources"])
    return out
