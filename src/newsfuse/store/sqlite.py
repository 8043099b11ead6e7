"""The SQLite store: one file, WAL journal, numbered migrations, one transaction per batch."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any

import numpy as np

from newsfuse.errors import MigrationError, NotFound, StoreError
from newsfuse.model import (
    Analysis,
    Article,
    Assignment,
    EventChange,
    Reason,
    Rejection,
    RemovedLine,
)
from newsfuse.store import Batch, EventRecord

_ARTICLE_COLUMNS = ("id, seq, origin, url, source, title, published, author, text, removed, "
                    "metadata, content_hash, duplicate_of, event_id")
_INSERT_COLUMNS = ("id, seq, origin, url, source, title, published, author, text, removed, "
                   "metadata, raw_hash, content_hash, duplicate_of, event_id")


def migrations() -> list[tuple[int, str]]:
    """The numbered migration scripts shipped with the package, in order."""
    folder = resources.files("newsfuse.store") / "migrations"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text("utf-8")))
    return sorted(found)


class SQLiteStore:
    """A store in one SQLite file (or ':memory:')."""

    def __init__(self, path: str) -> None:
        try:
            self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False,
                                        timeout=30)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open store {path}: {exc}.") from exc
        self.path = path
        self._depth = 0
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA foreign_keys=OFF")

    def migrate(self) -> int:
        """Apply the migrations not yet applied; returns the schema version."""
        self.conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = self.conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
        current = row[0] or 0
        known = migrations()
        if known and current > known[-1][0]:
            raise MigrationError(f"store schema version {current} is newer than this newsfuse "
                                 f"({known[-1][0]}).", hint="upgrade newsfuse")
        for version, script in known:
            if version <= current:
                continue
            try:
                self.conn.executescript(f"BEGIN;\n{script}\nINSERT INTO schema_version VALUES "
                                        f"({version});\nCOMMIT;")
            except sqlite3.Error as exc:
                self.conn.execute("ROLLBACK") if self.conn.in_transaction else None
                raise MigrationError(f"migration {version} failed: {exc}.") from exc
            current = version
        return int(current)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """A transaction; nested calls become savepoints."""
        name = f"sp{self._depth}"
        self.conn.execute("BEGIN IMMEDIATE" if self._depth == 0 else f"SAVEPOINT {name}")
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            self.conn.execute("ROLLBACK" if self._depth == 0 else f"ROLLBACK TO {name}")
            raise
        self._depth -= 1
        self.conn.execute("COMMIT" if self._depth == 0 else f"RELEASE {name}")

    # -- writes ---------------------------------------------------------------------------------

    def write_batch(self, batch: Batch) -> None:
        """Write one batch in one transaction: all of it or nothing."""
        with self.atomic():
            self._write_articles(batch)
            self.conn.executemany(
                "INSERT OR REPLACE INTO analyses VALUES (?, ?)",
                [(a.article_id, a.model_dump_json(exclude={"signature"})) for a in batch.analyses])
            self.conn.executemany(
                "INSERT OR REPLACE INTO signatures VALUES (?, ?)",
                [(a.article_id, np.asarray(a.signature, dtype=np.uint32).tobytes())
                 for a in batch.analyses if a.signature])
            self.conn.executemany("INSERT INTO dedupe_bands VALUES (?, ?, ?)", batch.bands)
            self.conn.executemany(
                "INSERT OR REPLACE INTO assignments VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(a.article_id, a.event_id, a.score, int(a.new_event),
                  json.dumps([r.model_dump() for r in a.reasons]), a.runner_up, a.runner_up_score)
                 for a in batch.assignments])
            self.conn.executemany(
                "INSERT OR REPLACE INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(e.id, e.title, e.start, e.end, e.n_articles, e.first_seq, e.last_seq,
                  json.dumps(e.state, sort_keys=True)) for e in batch.events])
            self._count_lines(batch)
            self._write_rejections(batch.rejections)
            self._apply_changes(batch)

    def _apply_changes(self, batch: Batch) -> None:
        """Move the articles of merged events and record each merge."""
        for change in batch.changes:
            for table in ("articles", "assignments"):
                self.conn.execute(f"UPDATE {table} SET event_id = ? WHERE event_id = ?",
                                  (change.event_id, change.other_id))
            cursor = self.conn.execute(
                "INSERT INTO event_changes (kind, event_id, other_id, score, reasons, "
                "article_ids, at_seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (change.kind, change.event_id, change.other_id, change.score,
                 json.dumps([r.model_dump() for r in change.reasons]),
                 json.dumps(list(change.article_ids)), change.at_seq))
            self.conn.executemany("INSERT INTO event_change_articles VALUES (?, ?)",
                                  [(cursor.lastrowid, a) for a in change.article_ids])
        self.conn.executemany("DELETE FROM events WHERE id = ?",
                              [(e,) for e in batch.removed_events])

    def _write_articles(self, batch: Batch) -> None:
        event_of = {a.article_id: a.event_id for a in batch.assignments}
        rows = [(a.id, a.seq, a.origin, a.url, a.source, a.title, a.published, a.author, a.text,
                 json.dumps([r.model_dump() for r in a.removed]),
                 json.dumps(a.metadata, sort_keys=True, default=str),
                 batch.raw_hashes.get(a.id, a.content_hash), a.content_hash, a.duplicate_of,
                 event_of.get(a.id)) for a in batch.articles]
        self.conn.executemany(f"INSERT INTO articles ({_INSERT_COLUMNS}) "
                              f"VALUES ({', '.join('?' * 15)})", rows)
        self.conn.executemany("DELETE FROM rejections WHERE origin = ?",
                              [(a.origin,) for a in batch.articles])

    def _count_lines(self, batch: Batch) -> None:
        rows = [(source, key) for source, keys in batch.line_keys.items() for key in keys]
        self.conn.executemany(
            "INSERT INTO source_lines VALUES (?, ?, 1) "
            "ON CONFLICT (source, key) DO UPDATE SET count = count + 1", rows)

    def _write_rejections(self, rejections: Iterable[Rejection]) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO rejections VALUES (?, ?, ?, ?, ?)",
            [(r.origin, r.code, r.stage, r.reason, r.article_id) for r in rejections])

    def record_rejections(self, rejections: Iterable[Rejection]) -> None:
        """Record refused inputs (idempotent per origin and code)."""
        with self.atomic():
            self._write_rejections(rejections)

    # -- reads used by the pipeline -------------------------------------------------------------

    def known_articles(self, ids: Iterable[str]) -> dict[str, str]:
        """For the ids already stored: id -> hash of the raw text they were stored with."""
        return dict(self._select_in("SELECT id, raw_hash FROM articles WHERE id IN ({})", [],
                                    list(ids)))

    def next_seq(self) -> int:
        """The arrival number the next article gets."""
        row = self.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()
        return int(row[0]) + 1

    def source_line_counts(self, source: str, keys: Iterable[str]) -> dict[str, int]:
        """How many stored articles of `source` contain each line key."""
        sql = "SELECT key, count FROM source_lines WHERE source = ? AND key IN ({})"
        return dict(self._select_in(sql, [source], sorted(set(keys))))

    def _select_in(self, sql: str, fixed: list[Any], values: list[str]) -> list[Any]:
        """Rows of `sql` with its IN list filled in chunks (SQLite limits bound parameters)."""
        rows: list[Any] = []
        for start in range(0, len(values), 500):
            chunk = values[start:start + 500]
            rows.extend(self.conn.execute(sql.format(",".join("?" * len(chunk))),
                                          [*fixed, *chunk]).fetchall())
        return rows

    def band_matches(self, bands: Iterable[tuple[int, int]]) -> list[str]:
        """Ids of stored articles that share any (band, key) with the given signature bands."""
        ids: set[str] = set()
        for band, key in bands:
            ids.update(r[0] for r in self.conn.execute(
                "SELECT article_id FROM dedupe_bands WHERE band = ? AND key = ?", (band, key)))
        return sorted(ids)

    def signatures(self, ids: Iterable[str]) -> dict[str, tuple[int, ...]]:
        """MinHash signatures of stored articles."""
        found = {}
        for article_id in ids:
            row = self.conn.execute("SELECT sig FROM signatures WHERE article_id = ?",
                                    (article_id,)).fetchone()
            if row:
                found[article_id] = tuple(int(v) for v in np.frombuffer(row[0], dtype=np.uint32))
        return found

    def article_by_hash(self, content_hash: str) -> Article | None:
        """The earliest stored article with exactly this cleaned text."""
        row = self.conn.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE content_hash = ? "
                                "ORDER BY seq LIMIT 1", (content_hash,)).fetchone()
        return _article(row) if row else None

    # -- reads for reports ----------------------------------------------------------------------

    def get_article(self, article_id: str) -> Article:
        """One article by id."""
        row = self.conn.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?",
                                (article_id,)).fetchone()
        if row is None:
            raise NotFound(f"no article with id {article_id!r}.",
                           hint="list them with 'newsfuse export --what articles'")
        return _article(row)

    def articles(self, event_id: str | None = None) -> Iterator[Article]:
        """All articles in arrival order, or those of one event."""
        if event_id is None:
            cursor = self.conn.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles ORDER BY seq")
        else:
            cursor = self.conn.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles "
                                       "WHERE event_id = ? ORDER BY seq", (event_id,))
        for row in cursor.fetchall():
            yield _article(row)

    def analysis(self, article_id: str) -> Analysis | None:
        """The NLP analysis of one article."""
        row = self.conn.execute("SELECT data FROM analyses WHERE article_id = ?",
                                (article_id,)).fetchone()
        return Analysis.model_validate_json(row[0]) if row else None

    def assignment(self, article_id: str) -> Assignment | None:
        """Why an article is in its event."""
        row = self.conn.execute("SELECT * FROM assignments WHERE article_id = ?",
                                (article_id,)).fetchone()
        if row is None:
            return None
        return Assignment(article_id=row[0], event_id=row[1], score=row[2], new_event=bool(row[3]),
                          reasons=tuple(json.loads(row[4])), runner_up=row[5],
                          runner_up_score=row[6])

    def changes(self, article_id: str) -> list[EventChange]:
        """The merges that moved an article, oldest first."""
        try:
            rows = self.conn.execute(
                "SELECT c.kind, c.event_id, c.other_id, c.score, c.reasons, c.article_ids, "
                "c.at_seq FROM event_changes c JOIN event_change_articles a ON a.change_id = c.id "
                "WHERE a.article_id = ? ORDER BY c.id", (article_id,)).fetchall()
        except sqlite3.OperationalError:
            return []  # a read-only store from before migration 2 has no merges to show
        return [EventChange(kind=r[0], event_id=r[1], other_id=r[2], score=r[3],
                            reasons=tuple(Reason(**x) for x in json.loads(r[4])),
                            article_ids=tuple(json.loads(r[5])), at_seq=r[6]) for r in rows]

    def event_states(self) -> Iterator[EventRecord]:
        """Every event with its grouping state, oldest first."""
        for row in self.conn.execute("SELECT * FROM events ORDER BY first_seq").fetchall():
            yield _event(row)

    def get_event(self, event_id: str) -> EventRecord:
        """One event by id (a unique prefix is enough)."""
        rows = self.conn.execute("SELECT * FROM events WHERE id = ? OR id LIKE ? LIMIT 2",
                                 (event_id, event_id.replace("%", "") + "%")).fetchall()
        exact = [r for r in rows if r[0] == event_id]
        if exact or len(rows) == 1:
            return _event((exact or rows)[0])
        raise NotFound(f"no event with id {event_id!r}.", hint="list them with 'newsfuse events'")

    def events(self, limit: int | None = None) -> list[EventRecord]:
        """Events, newest first (by date, then by arrival)."""
        sql = ("SELECT * FROM events ORDER BY COALESCE(\"end\", start, '') DESC, last_seq DESC, id")
        rows = self.conn.execute(sql + (f" LIMIT {int(limit)}" if limit else "")).fetchall()
        return [_event(r) for r in rows]

    def rejections(self) -> list[Rejection]:
        """Every recorded rejection."""
        rows = self.conn.execute("SELECT origin, code, stage, reason, article_id FROM rejections "
                                 "ORDER BY origin, code").fetchall()
        return [Rejection(origin=r[0], code=r[1], stage=r[2], reason=r[3], article_id=r[4])
                for r in rows]

    def counts(self) -> dict[str, int]:
        """Numbers of articles, events and rejections."""
        return {table: int(self.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
                for table in ("articles", "events", "rejections")}


def _article(row: Any) -> Article:
    return Article(id=row[0], seq=row[1], origin=row[2], url=row[3], source=row[4], title=row[5],
                   published=row[6], author=row[7], text=row[8],
                   removed=tuple(RemovedLine(**r) for r in json.loads(row[9])),
                   metadata=json.loads(row[10]), content_hash=row[11], duplicate_of=row[12])


def _event(row: Any) -> EventRecord:
    return EventRecord(id=row[0], title=row[1], start=row[2], end=row[3], n_articles=row[4],
                       first_seq=row[5], last_seq=row[6], state=json.loads(row[7]))
