"""Scale: a long stream of varied real articles ingested end to end, against the bare spaCy rate.

Run: python bench/scale.py [--articles 200000] [--span-days 30] [--spacy-sample 2000] [--db URL]
                           [--keep DIR [--hours H | --status]] [--engine ray]
Builds a stream from the real articles of ../shared/data (gold fields dropped; see
scale_stream.py): replica r of the base corpus follows replica r-1 in time, and from replica 1
on its names, rarer words and counts are varied, so that every replica is a different set of
events. The stream is written shard by shard to JSON Lines (never held in memory), then
`newsfuse.pipeline.ingest` reads it into a fresh SQLite store (or, with --db, an empty
PostgreSQL database) with the default settings.
Stage times come from wrapping the runner's methods with an exclusive clock (read, clean, wait
for the workers, group, write, repair), in wall and main-thread CPU time; the workers' CPU time
from /proc at each progress callback and from getrusage(RUSAGE_CHILDREN) once the pool has been
joined; peak memory from getrusage and the workers' VmHWM. The bare spaCy rate (nlp.pipe, same
number of processes) on a sample of the same texts, in the same run, is the reference. On a
shared machine wall time depends on the neighbours, so CPU-time figures are printed beside it.
A run longer than one sitting: --keep DIR keeps the shards, the store and a ledger of sittings
in DIR; --hours H ends a sitting at the next shard after H hours (as does SIGTERM to the bench),
and the same command later goes on where the store stops (ingest skips the articles it has).
Each sitting's time counts, its start-up included; the figures of the whole run are printed by
the sitting that completes it (see scale_sittings.py).
Nothing here is tuned, so there is no held-out part. Targets: >= 12 articles/s sustained, the
last 10% no slower than 1.3x the first, memory under 4 GB.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import json
import os
import re
import resource
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from scale_stream import (
    DATA,
    SETS,
    Written,
    base_corpus,
    gold_events,
    overlap,
    stream,
    write_shards,
)

TARGET_RATE, TARGET_DRIFT, TARGET_GB = 12.0, 1.3, 4.0
PG_SIZES = """SELECT c.relname, CASE c.relkind WHEN 'r' THEN pg_table_size(c.oid)
  ELSE pg_relation_size(c.oid) END FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i')"""

class Clock:
    """Exclusive stage times (wall and this thread's CPU): time inside a nested stage is not
    counted in the enclosing one."""

    def __init__(self) -> None:
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.cpu: defaultdict[str, float] = defaultdict(float)
        self.stack: list[tuple[str, float, float]] = []

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Count the time spent in the block for `name`, pausing the enclosing stage."""
        self._pause()
        self.stack.append((name, time.perf_counter(), time.thread_time()))
        try:
            yield
        finally:
            self._pause()
            self.stack.pop()
            if self.stack:
                self.stack[-1] = (self.stack[-1][0], time.perf_counter(), time.thread_time())

    def _pause(self) -> None:
        if self.stack:
            name, wall, cpu = self.stack[-1]
            self.seconds[name] += time.perf_counter() - wall
            self.cpu[name] += time.thread_time() - cpu

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        """`function` timed as stage `name`."""
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.stage(name):
                return function(*args, **kwargs)
        return timed

    def wrap_iter(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        """A generator function whose every step (the wait for its next item) is timed."""
        def timed(*args: Any, **kwargs: Any) -> Iterator[Any]:
            items = iter(function(*args, **kwargs))
            while True:
                with self.stage(name):
                    item = next(items, _END)
                if item is _END:
                    return
                yield item
        return timed


_END = object()


@dataclass
class Point:
    """The state after one analysed and written batch."""

    wall: float  # seconds since the ingest started
    count: int  # articles analysed so far
    driver_cpu: float  # CPU seconds of the driver process (all threads) since the start
    worker_cpu: float  # CPU seconds of the live pool workers, from /proc


@dataclass
class Probe:
    """What the progress callback and the pool wrappers saw."""

    points: list[Point] = field(default_factory=list)
    worker_peaks_kb: list[int] = field(default_factory=list)
    runner: Any = None
    start: float = 0.0
    start_cpu: float = 0.0
    sink: IO[str] | None = None  # a kept run's points file: a hard kill loses no point

    def begin(self) -> None:
        """Start the clocks: points are counted from here."""
        self.start = time.perf_counter()
        self.start_cpu = _cpu(resource.getrusage(resource.RUSAGE_SELF))

    def progress(self, stage: str, count: int, _total: int | None) -> None:
        """The pipeline's progress callback: one point per analysed and written batch."""
        if stage == "analyse":
            total = (self.points[-1].count if self.points else 0) + count
            pids = [p.pid for p in self._workers()]
            point = Point(time.perf_counter() - self.start, total,
                          _cpu(resource.getrusage(resource.RUSAGE_SELF)) - self.start_cpu,
                          sum(_proc_cpu(pid) for pid in pids))
            self.points.append(point)
            if self.sink:
                self.sink.write(json.dumps(dataclasses.asdict(point)) + "\n")
                self.sink.flush()

    def _workers(self) -> list[Any]:
        pool = getattr(self.runner, "_pool", None)
        return list(getattr(pool, "_pool", None) or [])

    def mapping(self, map_: Callable[..., Any]) -> Callable[..., Any]:
        """NlpRunner.map, remembering the runner so that its workers can be read."""
        def mapped(runner: Any, *args: Any) -> Any:
            self.runner = runner
            return map_(runner, *args)
        return mapped

    def peaks(self, close: Callable[[Any], None]) -> Callable[[Any], None]:
        """NlpRunner.close, reading each worker's peak RSS (VmHWM) before the pool stops."""
        def closing(runner: Any) -> None:
            self.worker_peaks_kb.extend(_vm_hwm(p.pid) for p in self._workers())
            close(runner)
        return closing


def _vm_hwm(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = re.search(r"VmHWM:\s+(\d+)", status)
    return int(found.group(1)) if found else 0


def _proc_cpu(pid: int) -> float:
    """User + system CPU seconds of a live process (fields 14 and 15 of /proc/PID/stat)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def patched(target: Any, name: str, replacement: Any) -> Iterator[None]:
    """Replace an attribute for the block, restoring it after."""
    original = getattr(target, name)
    setattr(target, name, replacement)
    try:
        yield
    finally:
        setattr(target, name, original)


@dataclass
class Run:
    """The measured figures of one ingest."""

    seconds: float
    stored: int
    events: int
    report: Any
    stages: dict[str, float]
    stage_cpu: dict[str, float]
    probe: Probe
    driver_cpu: float
    worker_cpu: float
    driver_peak_kb: int
    children_peak_kb: int
    store_bytes: int
    backend: str
    tables: list[tuple[str, int]]


def ingest_stream(shards: Iterable[Path], folder: Path, workers: int | None,
                  url: str | None = None, engine: str = "processes",
                  sink: IO[str] | None = None) -> Run:
    """Ingest the shards into the store (SQLite in the folder, or the empty PostgreSQL
    database at `url`) with stage clocks and memory probes; points also go to `sink`."""
    from newsfuse import nlp, pipeline
    from newsfuse.ingest import read_inputs
    from newsfuse.pipeline import PipelineSettings, Runner
    from newsfuse.store import open_store

    clock, probe = Clock(), Probe(sink=sink)
    store = open_store(url or str(folder / f"scale-{engine}.db"))
    settings = PipelineSettings(engine=engine) if workers is None else PipelineSettings(
        workers=workers, engine=engine)
    store.write_batch = clock.wrap("write", store.write_batch)  # type: ignore[method-assign]
    patches = [(pipeline, "read_inputs", clock.wrap_iter("read", read_inputs)),
               (Runner, "_prepare", clock.wrap("clean", Runner._prepare)),
               (Runner, "_group", clock.wrap("group", Runner._group)),
               (Runner, "_repair", clock.wrap("repair", Runner._repair)),
               (nlp.NlpRunner, "map",
                probe.mapping(clock.wrap_iter("wait for workers", nlp.NlpRunner.map))),
               (Runner, "__init__", clock.wrap("start (load events)", Runner.__init__)),
               (nlp.NlpRunner, "close",
                clock.wrap("stop workers", probe.peaks(nlp.NlpRunner.close)))]
    self_before = resource.getrusage(resource.RUSAGE_SELF)
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with contextlib.ExitStack() as stack:
        for target, name, replacement in patches:
            stack.enter_context(patched(target, name, replacement))
        probe.begin()
        report = pipeline.ingest(shards, store, settings, probe.progress)
        seconds = time.perf_counter() - probe.start
    self_after = resource.getrusage(resource.RUSAGE_SELF)
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    counts = store.counts()
    tables = table_sizes(store, bool(url))
    if sink is None:  # a kept run prints it in its report, once the sittings are joined
        print_quality(store)
    store.close()
    return Run(seconds=seconds, stored=counts["articles"], events=counts.get("events", 0),
               report=report, stages=clock.seconds, stage_cpu=clock.cpu, probe=probe,
               driver_cpu=_cpu(self_after) - _cpu(self_before),
               worker_cpu=_cpu(children_after) - _cpu(children_before),
               driver_peak_kb=self_after.ru_maxrss, children_peak_kb=children_after.ru_maxrss,
               store_bytes=(sum(size for _, size in tables) if url else
                            sum(p.stat().st_size for p in folder.glob(f"scale-{engine}.db*"))),
               tables=tables, backend="PostgreSQL (tables + indexes)" if url else "SQLite")


def _cpu(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


def table_sizes(store: Any, postgres: bool) -> list[tuple[str, int]]:
    """Bytes per table (with its TOAST data) and per index, largest first (empty if unknown)."""
    query = PG_SIZES if postgres else "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"
    try:
        rows = store.db.exec_driver_sql(query).fetchall()
    except Exception:  # SQLite's dbstat is a compile-time option
        return []
    return sorted(((str(n), int(s)) for n, s in rows), key=lambda r: -r[1])


def bare_spacy(texts: list[str], workers: int) -> tuple[float, float]:
    """Seconds to load the model in the driver, and to run nlp.pipe over the texts."""
    from newsfuse.nlp import load_model

    start = time.perf_counter()
    nlp = load_model()
    loaded = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=16, n_process=workers):
        pass
    return loaded - start, time.perf_counter() - loaded


def tenths(points: list[Point], cost: Callable[[Point], float]) -> list[float]:
    """Seconds of `cost` per article in each tenth of the articles after the first batch
    (the first batch also pays for starting the pool and loading the model)."""
    first, total = points[0], points[-1].count
    edges = [first.count + (total - first.count) * i / 10 for i in range(11)]
    marks = [first] + [next(p for p in points if p.count >= e) for e in edges[1:]]
    return [(cost(marks[i + 1]) - cost(marks[i])) / max(1, marks[i + 1].count - marks[i].count)
            for i in range(10)]


def _gb(kb: int) -> float:
    return kb / 1024 / 1024


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def print_run(run: Run, written: Written, workers: int) -> float:
    """The ingest figures (rate, stages, drift, memory, store size); returns the CPU-time rate."""
    n, points = run.stored, run.probe.points
    rate = n / run.seconds
    print(f"ingest: {n:,} articles stored in {run.seconds:,.1f} s wall = {rate:.2f} articles/s "
          f"(target >= {TARGET_RATE:.0f}: {_met(rate >= TARGET_RATE)}); {run.events:,} events, "
          f"{run.report.duplicates:,} near/exact duplicates, {run.report.skipped:,} repeated ids "
          f"skipped, {len(run.report.rejected):,} rejected")
    print("driver stages (exclusive; wrapped runner methods; wall and main-thread CPU):")
    accounted = sum(run.stages.values())
    for name, seconds in [*sorted(run.stages.items(), key=lambda kv: -kv[1]),
                          ("other driver work", run.seconds - accounted)]:
        used = run.stage_cpu.get(name)
        print(f"  {name:18} {seconds:8.1f} s wall {1000 * seconds / n:7.2f} ms/article "
              f"{seconds / run.seconds:6.1%}" + (f"   CPU {1000 * used / n:7.2f} ms/article"
                                                  if used is not None else ""))
    last, first = points[-1], points[0]
    steady = (last.worker_cpu - first.worker_cpu) / max(1, last.count - first.count)
    print(f"CPU: driver {run.driver_cpu:,.1f} s = {1000 * run.driver_cpu / n:.1f} ms/article "
          f"(all threads); workers {run.worker_cpu:,.1f} s (getrusage children, with start-up) "
          f"= {1000 * run.worker_cpu / n:.1f} ms/article; after the first batch "
          f"{1000 * steady:.1f} ms/article of one core for NLP + extract "
          f"({written.words / n / max(steady, 1e-9):,.0f} words per core-second)")
    cpu_rate = n / ((run.worker_cpu + run.driver_cpu) / workers)
    print(f"CPU-time rate (an estimate, not a wall-clock measurement): {cpu_rate:.2f} articles/s "
          f"if the {workers} cores were ours alone")
    wall = tenths(points, lambda p: p.wall)
    cpu = tenths(points, lambda p: p.driver_cpu + p.worker_cpu)
    driver = tenths(points, lambda p: p.driver_cpu)
    for label, row in (("wall", wall), ("CPU (driver + workers)", cpu), ("driver CPU", driver)):
        drift = row[-1] / row[0]
        print(f"time per article, {label}: first 10% {1000 * row[0]:.1f} ms, last 10% "
              f"{1000 * row[-1]:.1f} ms, ratio {drift:.2f}x (target <= {TARGET_DRIFT}x: "
              f"{_met(drift <= TARGET_DRIFT)}); per tenth: "
              + " ".join(f"{1000 * t:.0f}" for t in row))
    print(f"  start-up: first batch of {first.count} written after {first.wall:.1f} s")
    peaks = run.probe.worker_peaks_kb or [run.children_peak_kb]
    total_gb = _gb(run.driver_peak_kb + sum(peaks))
    print(f"peak RSS: driver {_gb(run.driver_peak_kb):.2f} GB, workers "
          + ", ".join(f"{_gb(k):.2f}" for k in peaks)
          + f" GB (VmHWM; getrusage children max {_gb(run.children_peak_kb):.2f} GB); "
          f"sum {total_gb:.2f} GB (target < {TARGET_GB:.0f}: {_met(total_gb < TARGET_GB)})")
    print(f"store: {run.store_bytes / 1e6:,.1f} MB {run.backend} = "
          f"{run.store_bytes / n / 1024:.1f} KB per article; largest tables and indexes: "
          + ", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in run.tables[:8]))
    return cpu_rate


def print_quality(store: Any) -> None:
    """Grouping quality over the stream: BCubed against the base article's event within its
    replica, for the whole stream and for its first and last tenth, and the largest event."""
    from sqlalchemy import select

    from newsfuse.store import schema
    from scoring import bcubed

    a = schema.articles
    rows = store.db.execute(select(a.c.id, a.c.event_id, a.c.published).order_by(a.c.seq)).all()
    base = gold_events()
    gold = {}
    for article_id, _, _ in rows:
        stem, replica = article_id.rsplit("-r", 1)
        gold[article_id] = f"{base[stem]}#{replica}"
    labels = {article_id: event for article_id, event, _ in rows if event}
    members: dict[str, list[str]] = {}
    for _, event, published in rows:
        if event and published:
            members.setdefault(event, []).append(published[:10])
    widest = max((date.fromisoformat(max(d)) - date.fromisoformat(min(d))).days
                 for d in members.values())
    p, r, f = bcubed(gold, labels)
    tenth = max(1, len(rows) // 10)
    parts = [bcubed({i: gold[i] for i, _, _ in part}, labels)[2]
             for part in (rows[:tenth], rows[-tenth:])]
    print(f"grouping quality (gold: the base article's event within its replica): BCubed P "
          f"{p:.3f} R {r:.3f} F1 {f:.3f}; first tenth F1 {parts[0]:.3f}, last tenth "
          f"{parts[1]:.3f}; largest event {max(map(len, members.values())):,} articles, widest "
          f"{widest} days")


def print_reference(sample: list[str], workers: int, rate: float, cpu_rate: float) -> None:
    """The bare spaCy pass on the sample, the ratio to it, and the labelled extrapolation."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    loaded, piped = bare_spacy(sample, workers)
    bare_cpu = _cpu(resource.getrusage(resource.RUSAGE_CHILDREN)) - _cpu(children)
    words = sum(len(t.split()) for t in sample)
    bare, bare_cpu_rate = len(sample) / piped, len(sample) / (bare_cpu / workers)
    print(f"bare spaCy (baseline): nlp.pipe over {len(sample):,} of the same texts, {workers} "
          f"processes: {bare:.2f} articles/s, {words / piped:,.0f} words/s wall (driver model "
          f"load {loaded:.1f} s not counted); CPU {1000 * bare_cpu / len(sample):.1f} ms/article "
          f"in the processes, with their model load = {bare_cpu_rate:.2f} articles/s by CPU time")
    print(f"ratio: newsfuse ingest runs at {rate / bare:.0%} of the bare spaCy rate by wall "
          f"time, {cpu_rate / bare_cpu_rate:.0%} by CPU time")
    for name, per_s in (("measured wall", rate), ("CPU-time", cpu_rate)):
        print(f"EXTRAPOLATION (not measured): 200,000 articles at the {name} rate would take "
              f"{200_000 / per_s / 3600:.1f} h ({per_s * 86400:,.0f} articles/day)")


# What must be equal between two engines' stores: articles and their events, analyses,
# assignments with their reasons, events and merges (ordered rows, hashed as they stream).
FINGERPRINT = (
    "SELECT id, seq, content_hash, duplicate_of, event_id FROM articles ORDER BY seq",
    "SELECT article_id, data FROM analyses ORDER BY article_id",
    "SELECT article_id, event_id, score, reasons, runner_up FROM assignments ORDER BY article_id",
    'SELECT id, title, start, "end", n_articles, state FROM events ORDER BY id',
    "SELECT kind, event_id, other_id, score, article_ids FROM event_changes ORDER BY id",
)


def fingerprint(db: Path) -> str:
    """A digest of a store's results, read row by row (a 200,000-article store would not fit
    in memory as an export)."""
    digest = hashlib.sha1()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        for query in FINGERPRINT:
            for row in conn.execute(query):
                digest.update(repr(row).encode())
    finally:
        conn.close()
    return digest.hexdigest()


def print_ray(pool: Run, ray: Run, folder: Path) -> None:
    """Ray against the process pool on the same stream: rates, overhead, and equal results."""
    same = fingerprint(folder / "scale-processes.db") == fingerprint(folder / "scale-ray.db")
    pool_rate, ray_rate = pool.stored / pool.seconds, ray.stored / ray.seconds
    print(f"--engine ray (local Ray, actors holding the model): {ray.stored:,} articles in "
          f"{ray.seconds:.1f} s wall = {ray_rate:.2f} articles/s; process pool {pool_rate:.2f}/s "
          f"on the same stream; overhead {ray.seconds / pool.seconds - 1:+.1%} of wall time "
          f"(Ray start-up included); stores identical (articles, analyses, assignments, events, "
          f"merges): {'yes' if same else 'NO'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--span-days", type=float, default=30.0,
                        help="days one replica of the base corpus covers")
    parser.add_argument("--spacy-sample", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=None,
                        help="worker processes (default: the pipeline's default, the CPU count)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", default=None,
                        help="an EMPTY PostgreSQL database URL to ingest into instead of SQLite")
    parser.add_argument("--engine", choices=("processes", "ray"), default="processes",
                        help="ray: the same stream also through `--engine ray` (local Ray, the "
                             "same number of workers), and its overhead against the pool")
    parser.add_argument("--keep", type=Path, default=None,
                        help="a folder that keeps the run (shards, store, ledger) so that the "
                             "same command goes on with it in a later sitting")
    parser.add_argument("--status", action="store_true",
                        help="with --keep: print the kept run's figures so far and stop")
    parser.add_argument("--hours", type=float, default=None,
                        help="with --keep: end this sitting at the next shard after H hours")
    args = parser.parse_args()
    if not DATA.is_dir():
        sys.exit(f"evaluation data not found at {DATA}")
    if args.engine == "ray" and args.db:
        parser.error("--engine ray compares two SQLite stores; leave out --db")
    if args.keep and (args.db or args.engine == "ray"):
        parser.error("--keep runs the default engine into SQLite; leave out --db and --engine")
    if (args.hours is not None or args.status) and not args.keep:
        parser.error("--hours and --status are for a kept run; give --keep DIR too")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    workers = args.workers or os.cpu_count() or 1
    corpus = base_corpus(args.span_days)
    mean, top = overlap(corpus, args.seed)
    replicas = -(-args.articles // len(corpus))
    print(f"stream: {args.articles:,} articles = {replicas} replicas of {len(corpus):,} real "
          f"articles from {', '.join(SETS)}, {args.span_days:g} days each; replica text vs its "
          f"base: MinHash similarity mean {mean:.2f}, max {top:.2f} (near-duplicate at 0.7)")
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} cores (shared machine)")
    if args.keep:
        from scale_sittings import run_kept

        run_kept(args, corpus, workers)
        return
    with tempfile.TemporaryDirectory(prefix="newsfuse-scale-") as name:
        folder = Path(name)
        written = write_shards(stream(corpus, args.articles, args.span_days, args.seed), folder,
                               args.articles, args.spacy_sample)
        print(f"written: {len(written.shards)} shards, {written.words:,} words "
              f"({written.words / args.articles:.0f} per article) in {written.seconds:.1f} s "
              "(bench overhead, not timed below)")
        run = ingest_stream(written.shards, folder, args.workers, args.db)
        if args.engine == "ray":
            ray_run = ingest_stream(written.shards, folder, args.workers, engine="ray")
            print_ray(run, ray_run, folder)
    cpu_rate = print_run(run, written, workers)
    print_reference(written.sample, workers, run.stored / run.seconds, cpu_rate)
    print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
