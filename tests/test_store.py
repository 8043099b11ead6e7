"""The store suite, run on SQLite and on PostgreSQL (when NEWSFUSE_TEST_PG_URL names a server)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from newsfuse.errors import MigrationError, NotFound
from newsfuse.model import Analysis, Article, Assignment, EventChange, Reason, Rejection
from newsfuse.store import Batch, EventRecord, open_store, schema
from newsfuse.store.postgres import engine_url
from newsfuse.store.sqlite import SQLiteStore, migrations, wrap
from tests.conftest import EXAMPLES, run_cli

PG_URL = os.environ.get("NEWSFUSE_TEST_PG_URL")


@contextmanager
def pg_database() -> Iterator[str]:
    """A fresh, empty database on the test server, dropped afterwards."""
    if not PG_URL:
        pytest.skip("NEWSFUSE_TEST_PG_URL is not set (start one with scripts/pg_test_server)")
    name = f"nf_{uuid.uuid4().hex[:12]}"
    admin = create_engine(engine_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield PG_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request, tmp_path) -> Iterator[str]:
    """Where a fresh store lives: a SQLite file or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield str(tmp_path / "store.db")
    else:
        with pg_database() as url:
            yield url


@pytest.fixture
def db(location):
    """A fresh store on either database."""
    opened = open_store(location)
    yield opened
    opened.close()


def article(n: int, text: str | None = None, origin: str | None = None, **extra) -> Article:
    body = text or f"The harbour board of Tolvik met on day {n} and approved a new ferry pier."
    return Article(id=f"a{n}", origin=origin or f"feed.jsonl#{n}", text=body, seq=n,
                   content_hash=f"h{n}", source="Tolvik Courier", title=f"Pier vote {n}",
                   published="2025-02-03", metadata={"k": n}, **extra)


def event(name: str, first: int, last: int, start: str | None = "2025-02-03",
          end: str | None = "2025-02-03", n: int = 1) -> EventRecord:
    return EventRecord(id=name, title=f"Event {name}", start=start, end=end, n_articles=n,
                       first_seq=first, last_seq=last, state={"terms": {"pier": 1.0}, "n": n})


def batch_of(*numbers: int, event_id: str = "e-one", bands: bool = True) -> Batch:
    """A batch of articles that all join one event."""
    out = Batch()
    for n in numbers:
        a = article(n)
        sig = tuple((n * 7919 + i * 104729) % 4_294_967_295 for i in range(8))
        out.articles.append(a)
        out.analyses.append(Analysis(article_id=a.id, signature=sig))
        out.assignments.append(Assignment(article_id=a.id, event_id=event_id, score=0.5,
                                          new_event=n == numbers[0],
                                          reasons=(Reason(kind="terms", value="pier",
                                                          weight=0.5),)))
        out.raw_hashes[a.id] = f"raw{n}"
        out.line_keys.setdefault("Tolvik Courier", []).extend(["menu", f"line{n}"])
        if bands:
            out.bands.append((n % 4, (1 << 62) + n, a.id))
    out.events.append(event(event_id, numbers[0], numbers[-1], n=len(numbers)))
    return out


def test_a_fresh_store_is_at_the_latest_version_and_reopens_unchanged(location):
    first = open_store(location)
    assert first.migrate() == schema.latest() == 2
    first.close()
    again = open_store(location, create=False)
    assert again.migrate() == 2
    assert again.counts() == {"articles": 0, "events": 0, "rejections": 0}
    again.close()


def test_a_missing_store_is_not_created_when_asked_not_to(location):
    if location.startswith("postgresql"):
        with pytest.raises(NotFound):
            open_store(location, create=False)
    else:
        with pytest.raises(NotFound):
            open_store(location, create=False)
        assert not Path(location).exists()


def test_a_store_from_a_newer_newsfuse_is_refused(db, location):
    db.write_batch(Batch())
    with db.atomic():
        db.db.execute(schema.schema_version.insert().values(version=99))
    db.close()
    with pytest.raises(MigrationError):
        open_store(location)


def test_the_schema_on_the_server_is_the_one_defined_once(db):
    found = inspect(db.db)
    for table in schema.metadata.sorted_tables:
        columns = {c["name"]: c for c in found.get_columns(table.name)}
        assert list(columns) == [c.name for c in table.columns], table.name
        for column in table.columns:
            if not column.primary_key:  # SQLite lets a TEXT primary key hold NULL
                assert columns[column.name]["nullable"] == column.nullable, (table.name,
                                                                              column.name)
        pk = found.get_pk_constraint(table.name)["constrained_columns"]
        assert pk == [c.name for c in table.primary_key.columns], table.name
        indexes = {i["name"] for i in found.get_indexes(table.name)}
        assert {i.name for i in table.indexes} <= indexes, table.name


def test_sqlite_files_made_by_the_sql_scripts_match_the_tables(tmp_path):
    """The shipped .sql scripts and the SQLAlchemy tables describe the same schema."""
    scripts = dict(migrations())
    assert sorted(scripts) == sorted(schema.MIGRATIONS)
    by_script = sqlite3.connect(tmp_path / "scripts.db")
    for version in sorted(scripts):
        by_script.executescript(scripts[version])
    by_script.close()
    by_tables = create_engine(f"sqlite:///{tmp_path / 'tables.db'}")
    with by_tables.begin() as conn:
        for version in sorted(schema.MIGRATIONS):
            schema.MIGRATIONS[version](conn)
    described = []
    for engine in (create_engine(f"sqlite:///{tmp_path / 'scripts.db'}"), by_tables):
        found = inspect(engine)
        described.append({t: ([(c["name"], str(c["type"]).split("(")[0], c["nullable"])
                               for c in found.get_columns(t)],
                              found.get_pk_constraint(t)["constrained_columns"],
                              sorted((i["name"], tuple(i["column_names"]))
                                     for i in found.get_indexes(t)))
                          for t in sorted(found.get_table_names())})
        engine.dispose()
    scripted, tabled = described
    assert sorted(scripted) == sorted(tabled)
    for name in scripted:
        keys = set(scripted[name][1])  # SQLite's TEXT primary keys differ only in NOT NULL
        columns = [(c, n or c in keys) for c, _, n in scripted[name][0]]
        assert columns == [(c, n or c in keys) for c, _, n in tabled[name][0]], name
        assert scripted[name][1:] == tabled[name][1:], name
    affinity = {"TEXT": "TEXT", "INTEGER": "INTEGER", "REAL": "REAL", "BLOB": "BLOB",
                "DOUBLE": "REAL", "BIGINT": "INTEGER", "FLOAT": "REAL", "VARCHAR": "TEXT"}
    for name in scripted:
        assert ([affinity[t] for _, t, _ in scripted[name][0]]
                == [affinity[t] for _, t, _ in tabled[name][0]]), name


def test_an_existing_version_1_sqlite_file_opens_and_is_migrated(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript("CREATE TABLE schema_version (version INTEGER NOT NULL);\n"
                       + dict(migrations())[1] + "\nINSERT INTO schema_version VALUES (1);")
    conn.execute("INSERT INTO events VALUES ('e-old', 'Old', NULL, NULL, 1, 1, 1, '{}')")
    conn.commit()
    conn.close()
    store = open_store(str(path), create=False)
    assert store.migrate() == 2
    assert store.get_event("e-old").title == "Old"
    assert store.changes("nothing") == []
    store.close()
    sql = sqlite3.connect(path).execute("SELECT sql FROM sqlite_master WHERE name = "
                                        "'event_changes'").fetchone()[0]
    assert sql.startswith("CREATE TABLE event_changes (")


def test_a_batch_is_written_whole_and_read_back(db):
    db.write_batch(batch_of(1, 2, 3))
    assert db.counts() == {"articles": 3, "events": 1, "rejections": 0}
    stored = db.get_article("a2")
    assert stored == article(2).model_copy(update={"seq": 2})
    assert [a.id for a in db.articles()] == ["a1", "a2", "a3"]
    assert [a.id for a in db.articles("e-one")] == ["a1", "a2", "a3"]
    assert db.analysis("a1") == Analysis(article_id="a1")
    assert db.assignment("a3").event_id == "e-one" and not db.assignment("a3").new_event
    assert db.assignment("a1").reasons[0].kind == "terms"
    assert db.next_seq() == 4
    assert db.article_by_hash("h3").id == "a3" and db.article_by_hash("none") is None
    with pytest.raises(NotFound):
        db.get_article("a9")


def test_a_failing_batch_leaves_nothing_behind(db):
    db.write_batch(batch_of(1, 2))
    broken = batch_of(3, 4, event_id="e-two")
    broken.articles.append(article(1).model_copy(update={"seq": 9}))  # id already stored
    with pytest.raises(IntegrityError):
        db.write_batch(broken)
    assert db.counts() == {"articles": 2, "events": 1, "rejections": 0}
    assert db.analysis("a3") is None and db.assignment("a3") is None
    assert db.signatures(["a3"]) == {} and db.band_matches([(3, (1 << 62) + 3)]) == []
    assert db.source_line_counts("Tolvik Courier", ["menu"]) == {"menu": 2}
    db.write_batch(batch_of(3, 4, event_id="e-two"))  # the store is still usable
    assert db.counts()["articles"] == 4


def test_nested_atomic_blocks_roll_back_alone(db):
    def inner() -> None:
        with db.atomic():
            db.write_batch(batch_of(2, event_id="e-two"))
            raise RuntimeError("undo the inner block")

    with db.atomic():
        db.write_batch(batch_of(1))
        with pytest.raises(RuntimeError):
            inner()
    assert [a.id for a in db.articles()] == ["a1"]


def test_known_articles_give_raw_hashes_for_idempotent_reingest(db):
    db.write_batch(batch_of(1, 2))
    assert db.known_articles(["a1", "a2", "a7"]) == {"a1": "raw1", "a2": "raw2"}
    assert db.known_articles([]) == {}
    many = [f"x{i}" for i in range(1200)] + ["a2"]  # more than one IN chunk
    assert db.known_articles(many) == {"a2": "raw2"}


def test_rejections_are_kept_once_per_origin_and_code_and_cleared_by_success(db):
    first = Rejection(origin="feed.jsonl#1", stage="ingest", code="R1", reason="empty")
    db.record_rejections([first, first.model_copy(update={"reason": "still empty"})])
    db.record_rejections([Rejection(origin="b.txt", stage="nlp", code="R9", reason="x",
                                    article_id="b")])
    db.record_rejections([first.model_copy(update={"code": "R2"})])
    assert [(r.origin, r.code, r.reason) for r in db.rejections()] == [
        ("b.txt", "R9", "x"), ("feed.jsonl#1", "R1", "still empty"),
        ("feed.jsonl#1", "R2", "empty")]
    db.write_batch(batch_of(1))  # article 1 comes from feed.jsonl#1 and now made it in
    assert [r.origin for r in db.rejections()] == ["b.txt"]
    assert db.counts()["rejections"] == 1


def test_source_line_counts_add_up_across_batches(db):
    db.write_batch(batch_of(1, 2))
    db.write_batch(batch_of(3, event_id="e-two"))
    counts = db.source_line_counts("Tolvik Courier", ["menu", "line1", "line3", "unseen"])
    assert counts == {"menu": 3, "line1": 1, "line3": 1}
    assert db.source_line_counts("Other", ["menu"]) == {}


def test_band_lookups_and_signatures_round_trip(db):
    db.write_batch(batch_of(1, 2, 3))
    assert db.band_matches([(1, (1 << 62) + 1), (3, (1 << 62) + 3)]) == ["a1", "a3"]
    assert db.band_matches([(2, (1 << 62) + 1)]) == []  # the key of another band
    assert db.band_matches([]) == []
    sigs = db.signatures(["a3", "a1", "zz"])
    assert list(sigs) == ["a3", "a1"]
    assert sigs["a1"] == tuple((7919 + i * 104729) % 4_294_967_295 for i in range(8))


def test_band_lookups_take_more_pairs_than_one_query_holds(db):
    db.write_batch(batch_of(*range(1, 41)))
    # Every stored pair twice, unsorted, with pairs that match nothing: 80 (band, key) pairs.
    pairs = [(n % 4, (1 << 62) + n) for n in range(40, 0, -1)]
    pairs += [((n + 1) % 4, (1 << 62) + n) for n in range(1, 41)] + pairs
    assert db.band_matches(pairs) == sorted(f"a{n}" for n in range(1, 41))
    assert db.band_matches([(0, (1 << 62) + 40), (0, (1 << 62) + 40)]) == ["a40"]


def test_a_merge_in_the_batch_that_writes_the_moved_articles_moves_them_too(db):
    db.write_batch(batch_of(1, event_id="e-big"))
    late = batch_of(2, 3, event_id="e-small")
    late.events.append(event("e-big", 1, 3, n=3))
    late.changes = [EventChange(kind="merge", event_id="e-big", other_id="e-small", score=0.5,
                                reasons=(), article_ids=("a2", "a3"), at_seq=4)]
    late.removed_events = ["e-small"]
    db.write_batch(late)
    assert [a.id for a in db.articles("e-big")] == ["a1", "a2", "a3"]
    assert {db.assignment(f"a{n}").event_id for n in (1, 2, 3)} == {"e-big"}
    assert [e.id for e in db.events()] == ["e-big"]


def test_a_merge_moves_articles_deletes_the_event_and_is_recorded(db):
    db.write_batch(batch_of(1, 2, event_id="e-big"))
    db.write_batch(batch_of(3, event_id="e-small"))
    merge = EventChange(kind="merge", event_id="e-big", other_id="e-small", score=0.61,
                        reasons=(Reason(kind="places", value="Tolvik", weight=0.3),),
                        article_ids=("a3",), at_seq=4)
    db.write_batch(Batch(events=[event("e-big", 1, 3, n=3)], changes=[merge],
                         removed_events=["e-small"]))
    assert [e.id for e in db.events()] == ["e-big"]
    assert [a.id for a in db.articles("e-big")] == ["a1", "a2", "a3"]
    assert db.assignment("a3").event_id == "e-big"
    assert db.changes("a3") == [merge]
    assert db.changes("a1") == []


def test_events_come_newest_first_by_date_then_arrival(db):
    records = [event("e-b", 1, 5, "2025-01-01", "2025-01-04"),
               event("e-a", 2, 5, "2025-01-01", "2025-01-04"),
               event("e-c", 3, 9, "2025-01-02", None),
               event("e-d", 4, 8, None, None),
               event("e-e", 6, 7, "2025-03-01", "2025-03-01"),
               event("e-Z", 7, 5, "2025-01-01", "2025-01-04")]
    db.write_batch(Batch(events=records))
    assert [e.id for e in db.events()] == ["e-e", "e-Z", "e-a", "e-b", "e-c", "e-d"]
    assert [e.id for e in db.events(limit=2)] == ["e-e", "e-Z"]
    assert [e.id for e in db.event_states()] == ["e-b", "e-a", "e-c", "e-d", "e-e", "e-Z"]
    assert db.get_event("e-c").state == {"terms": {"pier": 1.0}, "n": 1}


def test_a_resumed_run_loads_only_the_events_still_in_the_grouping_window(db):
    """Memory follows the active window: a run loads the stored events that its articles (a
    happening up to 30 days before publication, and 90 days of window) may still join."""
    from newsfuse.cluster import GroupingConfig
    from newsfuse.pipeline import window_start

    def grouped(name: str, seq: int, start: str | None, end: str | None) -> EventRecord:
        state = {"terms": {"pier": 1.0}, "people": {}, "orgs": {}, "places": {},
                 "quantities": {}, "n": 1}
        return EventRecord(id=name, title=name, start=start, end=end, n_articles=1,
                           first_seq=seq, last_seq=seq, state=state)

    assert db.last_event_day() is None
    db.write_batch(Batch(events=[grouped("e-old", 1, "2025-01-02", "2025-01-05"),
                                 grouped("e-edge", 2, "2025-01-10", "2025-02-01"),
                                 grouped("e-undated", 3, None, None),
                                 grouped("e-new", 4, "2025-06-01", "2025-06-01")]))
    last, config = db.last_event_day(), GroupingConfig()
    assert last == "2025-06-01"
    going_on = window_start("2025-06-01", last, config)  # 2025-06-01 - 30 - 90 days
    assert going_on == "2025-02-01"
    assert [e.id for e in db.event_states(going_on)] == ["e-edge", "e-undated", "e-new"]
    back_dated = window_start("2025-02-20", last, config)  # older articles reach older events
    assert back_dated == "2024-10-23"
    assert [e.id for e in db.event_states(back_dated)] == ["e-old", "e-edge", "e-undated",
                                                           "e-new"]
    assert window_start(None, last, config) is None  # undated articles: every event is open
    assert window_start("2025-06-01", None, config) is None


def test_get_event_takes_a_unique_prefix_and_no_wildcards(db):
    db.write_batch(Batch(events=[event("e-ab12", 1, 1), event("e-ab34", 2, 2),
                                 event("e-ab", 3, 3), event("e-x_1", 4, 4)]))
    assert db.get_event("e-ab12").id == "e-ab12"
    assert db.get_event("e-ab3").id == "e-ab34"
    assert db.get_event("e-ab").id == "e-ab"  # exact beats prefix
    assert db.get_event("e-x_").id == "e-x_1"
    for missing in ("e-a", "e-zz", "e-%", "e-a_12", "%"):
        with pytest.raises(NotFound):
            db.get_event(missing)


def test_changes_since_a_mark_name_grown_merged_and_removed_events(db):
    db.write_batch(batch_of(1, 2, event_id="e-big"))
    db.write_batch(batch_of(3, event_id="e-small"))
    mark = db.change_mark()
    assert mark == (3, 0)
    assert db.events_changed_since(mark) == ([], [])
    db.write_batch(batch_of(4, event_id="e-new"))
    merge = EventChange(kind="merge", event_id="e-big", other_id="e-small", score=0.7,
                        article_ids=("a3",), at_seq=5)
    db.write_batch(Batch(events=[event("e-big", 1, 3, n=3)], changes=[merge],
                         removed_events=["e-small"]))
    changed, removed = db.events_changed_since(mark)
    assert [e.id for e in changed] == ["e-big", "e-new"] and removed == ["e-small"]
    assert db.change_mark() == (4, 1)


def test_group_lock_serialises_writers_across_connections(location):
    """A second writer waits for the first one's grouping step, on both databases."""
    first, second = open_store(location), open_store(location)
    entered = []

    def other() -> None:
        with second.group_lock():
            entered.append(time.monotonic())
            second.write_batch(batch_of(2, event_id="e-two"))

    try:
        with first.group_lock():
            first.write_batch(batch_of(1))
            worker = threading.Thread(target=other)
            worker.start()
            time.sleep(0.5)
            released = time.monotonic()
            assert not entered
        worker.join(20)
        assert entered and entered[0] >= released
        assert first.counts()["articles"] == 2
    finally:
        first.close()
        second.close()


def test_a_read_snapshot_on_the_sqlite_connection_survives_the_first_query(tmp_path):
    """The web desk opens `BEGIN` on the raw connection before its first store read."""
    store = open_store(str(tmp_path / "desk.db"))
    store.write_batch(batch_of(1))
    store.close()
    reader = sqlite3.connect(tmp_path / "desk.db", isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM articles").fetchone()
    conn = wrap(reader)
    assert conn.exec_driver_sql("SELECT id FROM articles").all() == [("a1",)]
    assert reader.in_transaction
    reader.execute("COMMIT")
    conn.close()


def test_sqlite_store_keeps_its_wal_journal(tmp_path):
    store = SQLiteStore(str(tmp_path / "wal.db"))
    store.migrate()
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()


def _events_as_sets(location: str) -> set[frozenset[str]]:
    store = open_store(location, create=False)
    try:
        return {frozenset(a.id for a in store.articles(e.id)) for e in store.events()}
    finally:
        store.close()


@pytest.mark.slow
def test_examples_give_the_same_events_and_ids_on_both_databases(tmp_path):
    with pg_database() as url:
        on_sqlite = str(tmp_path / "examples.db")
        for where in (on_sqlite, url):
            result = run_cli("ingest", str(EXAMPLES), "--db", where)
            assert result.returncode == 0, result.stderr[-2000:]
        stores = [open_store(w, create=False) for w in (on_sqlite, url)]
        try:
            ids = [[e.id for e in s.events()] for s in stores]
            assert ids[0] == ids[1] and len(ids[0]) >= 5
            for one in ids[0]:
                assert ([a.id for a in stores[0].articles(one)]
                        == [a.id for a in stores[1].articles(one)])
            exported = [run_cli("export", "--db", w, "--format", "json").stdout
                        for w in (on_sqlite, url)]
            assert exported[0] == exported[1] and exported[0]
        finally:
            for store in stores:
                store.close()


@pytest.mark.slow
def test_two_processes_ingesting_at_once_give_the_events_of_one():
    files = sorted(p for p in EXAMPLES.rglob("*") if p.is_file()
                   and p.suffix in (".txt", ".jsonl", ".xml", ".html"))
    halves = [[str(p) for p in files[0::2]], [str(p) for p in files[1::2]]]
    with pg_database() as alone, pg_database() as shared:
        assert run_cli("ingest", str(EXAMPLES), "--db", alone).returncode == 0
        procs = [subprocess.Popen([sys.executable, "-m", "newsfuse", "ingest", *half,
                                   "--db", shared], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for half in halves]
        for proc in procs:
            _, err = proc.communicate(timeout=600)
            assert proc.returncode == 0, err[-2000:]
        assert _events_as_sets(shared) == _events_as_sets(alone)
        store = open_store(shared, create=False)
        seqs = [a.seq for a in store.articles()]
        store.close()
        assert len(seqs) == len(set(seqs))
