"""The store on SQLAlchemy Core: one implementation over one schema, for SQLite and PostgreSQL."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from sqlalchemy import (
    Connection,
    Executable,
    and_,
    bindparam,
    delete,
    func,
    insert,
    inspect,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from newsfuse.errors import MigrationError, NotFound
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
from newsfuse.store import schema as s
from newsfuse.store.upsert import add_counts, replace

CHUNK = 500  # values per IN list: well under SQLite's and PostgreSQL's parameter limits
ARTICLE_COLUMNS = tuple(s.articles.c[name] for name in (
    "id", "seq", "origin", "url", "source", "title", "published", "author", "text", "removed",
    "metadata", "content_hash", "duplicate_of", "event_id"))
Mark = tuple[int, int]

# The per-article reads, built once: SQLAlchemy then only binds values (a third of the cost).
_A, _B = s.articles.c, s.dedupe_bands.c
_KNOWN = select(_A.id, _A.raw_hash).where(_A.id.in_(bindparam("ids", expanding=True)))
_MAX_SEQ = select(func.coalesce(func.max(_A.seq), 0))
_MAX_CHANGE = select(func.coalesce(func.max(s.event_changes.c.id), 0))
_BY_ID = select(*ARTICLE_COLUMNS).where(_A.id == bindparam("id"))
_BY_HASH = (select(*ARTICLE_COLUMNS).where(_A.content_hash == bindparam("hash"))
            .order_by(_A.seq).limit(1))
_LINES = select(s.source_lines.c.key, s.source_lines.c.count).where(
    s.source_lines.c.source == bindparam("source"),
    s.source_lines.c.key.in_(bindparam("keys", expanding=True)))
BAND_PAIRS = 32  # (band, key) pairs per lookup: one signature's bands, 64 parameters
_SIGNATURES = select(s.signatures.c.article_id, s.signatures.c.sig).where(
    s.signatures.c.article_id.in_(bindparam("ids", expanding=True)))
_ANALYSIS = select(s.analyses.c.data).where(s.analyses.c.article_id == bindparam("id"))
_ASSIGNMENT = select(s.assignments).where(s.assignments.c.article_id == bindparam("id"))
_EVENTS_IN = select(s.events).where(s.events.c.id.in_(bindparam("ids", expanding=True)))
# A merge moves assignments through the articles' event index (they carry the same event id):
# assignments has no index on event_id, and a scan per merge grew with the store.
_MOVE_ASSIGNMENTS = (update(s.assignments).values(event_id=bindparam("to")).where(
    s.assignments.c.article_id.in_(select(_A.id).where(_A.event_id == bindparam("other")))))
_MOVE_ARTICLES = (update(s.articles).values(event_id=bindparam("to"))
                  .where(_A.event_id == bindparam("other")))


@functools.cache
def _band_query(pairs: int) -> Executable:
    """Article ids matching any of `pairs` (band, key) pairs, as an OR of equalities.

    Both databases walk the (band, key) index once per pair; the former `band IN (..) AND key IN
    (..)` made SQLite probe every band x key combination (1,024 per article, 1.6 ms at 5,000
    stored articles and growing), and a row-value IN scans the table.
    """
    return select(_B.article_id).where(or_(*(
        and_(_B.band == bindparam(f"b{i}"), _B.key == bindparam(f"k{i}"))
        for i in range(pairs))))


class SqlStore:
    """The store over one SQLAlchemy connection; subclasses open it and say how to begin."""

    path: str
    _depth: int
    _db: Connection | None = None

    # -- connection and transactions ------------------------------------------------------------

    @property
    def db(self) -> Connection:
        """The SQLAlchemy connection, opened on first use."""
        if self._db is None:
            self._db = self._connect()
        return self._db

    def _connect(self) -> Connection:
        raise NotImplementedError

    def _begin_sql(self) -> str:
        return "BEGIN"

    def close(self) -> None:
        """Close the connection."""
        if self._db is not None:
            self._db.close()
            self._db = None

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """A transaction; nested calls become savepoints."""
        name = f"sp{self._depth}"
        self.db.exec_driver_sql(self._begin_sql() if self._depth == 0 else f"SAVEPOINT {name}")
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            self.db.exec_driver_sql("ROLLBACK" if self._depth == 0 else f"ROLLBACK TO {name}")
            raise
        self._depth -= 1
        self.db.exec_driver_sql("COMMIT" if self._depth == 0 else f"RELEASE {name}")

    @contextmanager
    def group_lock(self) -> Iterator[None]:
        """One transaction that no other writer's group_lock overlaps (grouping + its write)."""
        with self.atomic():
            yield

    # -- schema -----------------------------------------------------------------------------------

    def schema_version(self) -> int:
        """The store's schema version (0 for an empty database)."""
        if not inspect(self.db).has_table("schema_version"):
            return 0
        return int(self.db.execute(select(func.max(s.schema_version.c.version))).scalar() or 0)

    def migrate(self) -> int:
        """Apply the migrations not yet applied; returns the schema version."""
        with self.atomic():
            self._create_version_table()
            current = self.schema_version()
        if current > s.latest():
            raise MigrationError(f"store schema version {current} is newer than this "
                                 f"newsfuse ({s.latest()}).", hint="upgrade newsfuse")
        for version in sorted(v for v in s.MIGRATIONS if v > current):
            try:
                self._migrate_to(version)
            except SQLAlchemyError as exc:
                raise MigrationError(f"migration {version} failed: {exc}.") from exc
            current = version
        return current

    def _create_version_table(self) -> None:
        s.schema_version.create(self.db, checkfirst=True)

    def _migrate_to(self, version: int) -> None:
        """Run one migration and record it, in one transaction (DDL is transactional)."""
        with self.atomic():
            s.MIGRATIONS[version](self.db)
            self.db.execute(insert(s.schema_version).values(version=version))

    # -- writes -----------------------------------------------------------------------------------

    def write_batch(self, batch: Batch) -> None:
        """Write one batch in one transaction: all of it or nothing."""
        with self.atomic():
            self._write_articles(batch)
            replace(self.db, s.analyses, [
                {"article_id": a.article_id, "data": a.model_dump_json(exclude={"signature"})}
                for a in batch.analyses])
            replace(self.db, s.signatures, [
                {"article_id": a.article_id,
                 "sig": np.asarray(a.signature, dtype=np.uint32).tobytes()}
                for a in batch.analyses if a.signature])
            if batch.bands:
                self.db.execute(insert(s.dedupe_bands), [
                    {"band": b, "key": k, "article_id": a} for b, k, a in batch.bands])
            replace(self.db, s.assignments, [
                {"article_id": a.article_id, "event_id": a.event_id, "score": a.score,
                 "new_event": int(a.new_event),
                 "reasons": json.dumps([r.model_dump() for r in a.reasons]),
                 "runner_up": a.runner_up, "runner_up_score": a.runner_up_score}
                for a in batch.assignments])
            replace(self.db, s.events, [
                {"id": e.id, "title": e.title, "start": e.start, "end": e.end,
                 "n_articles": e.n_articles, "first_seq": e.first_seq, "last_seq": e.last_seq,
                 "state": json.dumps(e.state, sort_keys=True)} for e in batch.events])
            add_counts(self.db, s.source_lines, [
                {"source": source, "key": key, "count": 1}
                for source, keys in batch.line_keys.items() for key in keys], "count")
            self._write_rejections(batch.rejections)
            self._apply_changes(batch)

    def _write_articles(self, batch: Batch) -> None:
        if not batch.articles:
            return
        event_of = {a.article_id: a.event_id for a in batch.assignments}
        self.db.execute(insert(s.articles), [
            {"id": a.id, "seq": a.seq, "origin": a.origin, "url": a.url, "source": a.source,
             "title": a.title, "published": a.published, "author": a.author, "text": a.text,
             "removed": json.dumps([r.model_dump() for r in a.removed]),
             "metadata": json.dumps(a.metadata, sort_keys=True, default=str),
             "raw_hash": batch.raw_hashes.get(a.id, a.content_hash),
             "content_hash": a.content_hash, "duplicate_of": a.duplicate_of,
             "event_id": event_of.get(a.id)} for a in batch.articles])
        origins = sorted({a.origin for a in batch.articles})
        for chunk in _chunks(origins):
            self.db.execute(delete(s.rejections).where(s.rejections.c.origin.in_(chunk)))

    def _apply_changes(self, batch: Batch) -> None:
        """Move the articles of merged events and record each merge."""
        for change in batch.changes:
            self.db.execute(_MOVE_ASSIGNMENTS, {"to": change.event_id, "other": change.other_id})
            self.db.execute(_MOVE_ARTICLES, {"to": change.event_id, "other": change.other_id})
            result = self.db.execute(insert(s.event_changes).values(
                kind=change.kind, event_id=change.event_id, other_id=change.other_id,
                score=change.score, reasons=json.dumps([r.model_dump() for r in change.reasons]),
                article_ids=json.dumps(list(change.article_ids)), at_seq=change.at_seq)
                .returning(s.event_changes.c.id))
            change_id = result.scalar_one()
            if change.article_ids:
                self.db.execute(insert(s.event_change_articles), [
                    {"change_id": change_id, "article_id": a} for a in change.article_ids])
        if batch.removed_events:
            self.db.execute(delete(s.events).where(s.events.c.id.in_(batch.removed_events)))

    def _write_rejections(self, rejections: Iterable[Rejection]) -> None:
        replace(self.db, s.rejections, [
            {"origin": r.origin, "code": r.code, "stage": r.stage, "reason": r.reason,
             "article_id": r.article_id} for r in rejections])

    def record_rejections(self, rejections: Iterable[Rejection]) -> None:
        """Record refused inputs (idempotent per origin and code)."""
        with self.atomic():
            self._write_rejections(rejections)

    # -- reads used by the pipeline ---------------------------------------------------------------

    def _rows_in(self, query: Executable, name: str, values: Sequence[Any],
                 **fixed: Any) -> list[Any]:
        """Rows of `query` with its expanding parameter `name` filled in chunks."""
        rows: list[Any] = []
        for chunk in _chunks(values):
            rows.extend(self.db.execute(query, {**fixed, name: list(chunk)}).all())
        return rows

    def known_articles(self, ids: Iterable[str]) -> dict[str, str]:
        """For the ids already stored: id -> hash of the raw text they were stored with."""
        return {r[0]: r[1] for r in self._rows_in(_KNOWN, "ids", list(ids))}

    def next_seq(self) -> int:
        """The arrival number the next article gets."""
        return int(self.db.execute(_MAX_SEQ).scalar_one()) + 1

    def source_line_counts(self, source: str, keys: Iterable[str]) -> dict[str, int]:
        """How many stored articles of `source` contain each line key."""
        rows = self._rows_in(_LINES, "keys", sorted(set(keys)), source=source)
        return {r[0]: int(r[1]) for r in rows}

    def band_matches(self, bands: Iterable[tuple[int, int]]) -> list[str]:
        """Ids of stored articles that share any (band, key) with the given signature bands."""
        wanted = sorted(set(bands))
        found: set[str] = set()
        for start in range(0, len(wanted), BAND_PAIRS):
            pairs = wanted[start:start + BAND_PAIRS]
            values = {f"b{i}": b for i, (b, _) in enumerate(pairs)}
            values.update({f"k{i}": k for i, (_, k) in enumerate(pairs)})
            found.update(r[0] for r in self.db.execute(_band_query(len(pairs)), values))
        return sorted(found)

    def signatures(self, ids: Iterable[str]) -> dict[str, tuple[int, ...]]:
        """MinHash signatures of stored articles."""
        wanted = list(ids)
        rows = {r[0]: r[1] for r in self._rows_in(_SIGNATURES, "ids", sorted(set(wanted)))}
        return {aid: tuple(int(v) for v in np.frombuffer(rows[aid], dtype=np.uint32))
                for aid in wanted if aid in rows}

    def article_by_hash(self, content_hash: str) -> Article | None:
        """The earliest stored article with exactly this cleaned text."""
        row = self.db.execute(_BY_HASH, {"hash": content_hash}).first()
        return _article(row) if row else None

    # -- shared-store support: what other writers changed -----------------------------------------

    def change_mark(self) -> Mark:
        """Where the store's history stands: (newest article seq, newest event change id)."""
        seq = self.db.execute(_MAX_SEQ).scalar_one()
        change = self.db.execute(_MAX_CHANGE).scalar_one()
        return int(seq), int(change)

    def events_changed_since(self, mark: Mark) -> tuple[list[EventRecord], list[str]]:
        """Events that gained articles or merges after `mark`, and the ids of events removed."""
        a, c = s.articles.c, s.event_changes.c
        touched = {r[0] for r in self.db.execute(
            select(a.event_id).where(a.seq > mark[0], a.event_id.is_not(None)).distinct())}
        merges = self.db.execute(select(c.event_id, c.other_id).where(c.id > mark[1])).all()
        touched.update(r[0] for r in merges)
        found = [_event(r) for r in self._rows_in(_EVENTS_IN, "ids", sorted(touched))]
        present = {e.id for e in found}
        removed = sorted({r[1] for r in merges} - present)
        return sorted(found, key=lambda e: (e.first_seq, e.id)), removed

    # -- reads for reports ------------------------------------------------------------------------

    def get_article(self, article_id: str) -> Article:
        """One article by id."""
        row = self.db.execute(_BY_ID, {"id": article_id}).first()
        if row is None:
            raise NotFound(f"no article with id {article_id!r}.",
                           hint="list them with 'newsfuse export --what articles'")
        return _article(row)

    def articles(self, event_id: str | None = None) -> Iterator[Article]:
        """All articles in arrival order, or those of one event."""
        query = select(*ARTICLE_COLUMNS).order_by(s.articles.c.seq)
        if event_id is not None:
            query = query.where(s.articles.c.event_id == event_id)
        for row in self.db.execute(query).all():
            yield _article(row)

    def analysis(self, article_id: str) -> Analysis | None:
        """The NLP analysis of one article."""
        data = self.db.execute(_ANALYSIS, {"id": article_id}).scalar()
        return Analysis.model_validate_json(data) if data else None

    def assignment(self, article_id: str) -> Assignment | None:
        """Why an article is in its event."""
        row = self.db.execute(_ASSIGNMENT, {"id": article_id}).first()
        if row is None:
            return None
        return Assignment(article_id=row[0], event_id=row[1], score=row[2], new_event=bool(row[3]),
                          reasons=tuple(json.loads(row[4])), runner_up=row[5],
                          runner_up_score=row[6])

    def changes(self, article_id: str) -> list[EventChange]:
        """The merges that moved an article, oldest first."""
        c, m = s.event_changes.c, s.event_change_articles.c
        query = (select(c.kind, c.event_id, c.other_id, c.score, c.reasons, c.article_ids,
                        c.at_seq).join_from(s.event_changes, s.event_change_articles,
                                            m.change_id == c.id)
                 .where(m.article_id == article_id).order_by(c.id))
        try:
            rows = self.db.execute(query).all()
        except OperationalError:
            return []  # a read-only store from before migration 2 has no merges to show
        return [EventChange(kind=r[0], event_id=r[1], other_id=r[2], score=r[3],
                            reasons=tuple(Reason(**x) for x in json.loads(r[4])),
                            article_ids=tuple(json.loads(r[5])), at_seq=r[6]) for r in rows]

    def event_states(self, open_after: str | None = None) -> Iterator[EventRecord]:
        """Every event with its grouping state, oldest first; with `open_after` (a day), only
        the events that end on or after it or have no dates: those a grouper may still join."""
        e = s.events.c
        query = select(s.events).order_by(e.first_seq, e.id)
        if open_after is not None:
            query = query.where(or_(e.end.is_(None), e.end >= open_after))
        for row in self.db.execute(query).all():
            yield _event(row)

    def last_event_day(self) -> str | None:
        """The latest day any event reaches (None: no event has dates)."""
        day = self.db.execute(select(func.max(s.events.c.end))).scalar_one()
        return str(day) if day else None

    def get_event(self, event_id: str) -> EventRecord:
        """One event by id (a unique prefix is enough)."""
        e = s.events.c
        row = self.db.execute(select(s.events).where(e.id == event_id)).first()
        if row is not None:
            return _event(row)
        rows = self.db.execute(select(s.events).where(e.id.startswith(event_id, autoescape=True))
                               .limit(2)).all()
        if len(rows) == 1:
            return _event(rows[0])
        raise NotFound(f"no event with id {event_id!r}.", hint="list them with 'newsfuse events'")

    def events(self, limit: int | None = None) -> list[EventRecord]:
        """Events, newest first (by date, then by arrival)."""
        e = s.events.c
        query = select(s.events).order_by(func.coalesce(e.end, e.start, literal("")).desc(),
                                          e.last_seq.desc(), e.id)
        if limit:
            query = query.limit(int(limit))
        return [_event(r) for r in self.db.execute(query).all()]

    def rejections(self) -> list[Rejection]:
        """Every recorded rejection."""
        r = s.rejections.c
        rows = self.db.execute(select(r.origin, r.code, r.stage, r.reason, r.article_id)
                               .order_by(r.origin, r.code)).all()
        return [Rejection(origin=x[0], code=x[1], stage=x[2], reason=x[3], article_id=x[4])
                for x in rows]

    def counts(self) -> dict[str, int]:
        """Numbers of articles, events and rejections."""
        return {t.name: int(self.db.execute(select(func.count()).select_from(t)).scalar_one())
                for t in (s.articles, s.events, s.rejections)}


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def _article(row: Any) -> Article:
    return Article(id=row[0], seq=row[1], origin=row[2], url=row[3], source=row[4], title=row[5],
                   published=row[6], author=row[7], text=row[8],
                   removed=tuple(RemovedLine(**r) for r in json.loads(row[9])),
                   metadata=json.loads(row[10]), content_hash=row[11], duplicate_of=row[12])


def _event(row: Any) -> EventRecord:
    return EventRecord(id=row[0], title=row[1], start=row[2], end=row[3], n_articles=row[4],
                       first_seq=row[5], last_seq=row[6], state=json.loads(row[7]))
