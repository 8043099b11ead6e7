"""A scale run kept in a folder and ingested over several sittings (bench/scale.py --keep DIR).

The folder holds plan.json (the stream's settings, its words and the bare-spaCy sample, written
once the shards are complete), shards/, the SQLite store, one points file per sitting (a line per
written batch, flushed, so a hard kill loses no point) and ledger.jsonl (a record per sitting that
ended normally). A sitting ingests the shards from a few before the newest one written to (see
BACK); the articles already stored are skipped by ingest's idempotency (they show in "repeated
ids skipped"). A sitting that was killed counts up to its last point, its start-up included;
the batch it was writing (at most one batch, stored or not) is done again, and timed, by the
next sitting. The run's figures join the sittings end to end: their wall and CPU times add up,
each with its start-up; the time a sitting spends after its last point (the last repair,
stopping the workers) is in the total but not in the per-tenth figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType, SimpleNamespace
from typing import Any

import newsfuse
from newsfuse.pipeline import PipelineSettings
from newsfuse.store import open_store
from scale import (
    Point,
    Probe,
    Run,
    ingest_stream,
    print_quality,
    print_reference,
    print_run,
    table_sizes,
)
from scale_stream import SHARD, Base, Written, stream, write_shards

STORE = "scale-processes.db"
# Shards to read again on resuming: the reader sorts windows of sort_window articles by time,
# so the unwritten part of an interrupted window starts up to this many shards back.
BACK = 1 + -(-PipelineSettings().sort_window // SHARD)


class Stop:
    """Set by SIGTERM (to this process: the spawned workers must not get it) or by the
    sitting's deadline: no further shard is started."""

    def __init__(self, hours: float | None) -> None:
        self.deadline = time.monotonic() + hours * 3600 if hours is not None else None
        self.asked = False
        signal.signal(signal.SIGTERM, self._ask)

    def _ask(self, number: int, _frame: FrameType | None) -> None:
        self.asked = True
        signal.signal(number, signal.SIG_DFL)  # a second signal stops at once
        # os.write, not print: a handler that prints while the main thread prints can raise
        os.write(2, f"signal {number}: this sitting ends after the shard being read\n".encode())

    def __call__(self) -> bool:
        return self.asked or (self.deadline is not None and time.monotonic() > self.deadline)


def prepare(args: argparse.Namespace, corpus: list[Base], folder: Path) -> dict[str, Any]:
    """The kept run's plan: made with its shards on the first sitting, checked on the others."""
    settings = {"articles": args.articles, "span_days": args.span_days, "seed": args.seed,
                "spacy_sample": args.spacy_sample, "workers": args.workers}
    plan_file = folder / "plan.json"
    if plan_file.exists():
        plan: dict[str, Any] = json.loads(plan_file.read_text())
        if plan["settings"] != settings:
            raise SystemExit(f"{folder} keeps a run with other settings ({plan['settings']}); "
                             "give the same ones or another folder")
        return plan
    shards = folder / "shards"
    shutil.rmtree(shards, ignore_errors=True)  # a first sitting stopped while writing
    shards.mkdir(parents=True)
    written = write_shards(stream(corpus, args.articles, args.span_days, args.seed), shards,
                           args.articles, args.spacy_sample)
    plan = {"settings": settings, "shards": [p.name for p in written.shards],
            "words": written.words, "sample": written.sample, "seconds": written.seconds}
    plan_file.write_text(json.dumps(plan))
    return plan


def resume_point(db: Path) -> tuple[int, int]:
    """Articles in the kept store, and the shard to go on from: a few before the newest one
    written to (see BACK), by the shard numbers of the last articles written."""
    if not db.exists():
        return 0, 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        count = int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
        last = conn.execute("SELECT origin FROM articles ORDER BY seq DESC LIMIT ?",
                            (PipelineSettings().sort_window,)).fetchall()
    finally:
        conn.close()
    shards = [int(m.group(1)) for (origin,) in last
              if (m := re.search(r"stream-(\d+)\.jsonl", origin or ""))]
    return count, max(0, max(shards) - BACK) if shards else 0


class Shards:
    """The shards from the resume point on, until the sitting is asked to end."""

    def __init__(self, paths: list[Path], stop: Stop) -> None:
        self.paths, self.stop = paths, stop
        self.finished = False  # the reader asked past the last shard: the stream is done

    def __iter__(self) -> Iterator[Path]:
        for path in self.paths:
            if self.stop():
                return
            yield path
        self.finished = True


def sittings(folder: Path) -> list[dict[str, Any]]:
    """Every sitting so far, in order: its ledger record, or what its points file shows."""
    ledger = folder / "ledger.jsonl"
    records = {r["sitting"]: r for r in map(json.loads, ledger.read_text().splitlines())} \
        if ledger.exists() else {}
    out = []
    for number in range(1, 1 + len(list(folder.glob("points-*.jsonl")))):
        lines = (folder / f"points-{number:03d}.jsonl").read_text().splitlines()
        points = [Point(**json.loads(line)) for line in lines if line.endswith("}")]
        record = records.get(number) or {"sitting": number, "killed": True,
                                         "seconds": points[-1].wall if points else 0.0}
        out.append({**record, "points": points})
    return out


def joined(done: list[dict[str, Any]]) -> list[Point]:
    """The sittings' points end to end: each sitting's clocks go on from the last one's."""
    out: list[Point] = []
    for record in done:
        base = out[-1] if out else Point(0.0, 0, 0.0, 0.0)
        out.extend(Point(base.wall + p.wall, base.count + p.count, base.driver_cpu + p.driver_cpu,
                         base.worker_cpu + p.worker_cpu) for p in record["points"])
    return out


def code_version() -> str:
    """The commit of the newsfuse package this sitting ran, "-dirty" if its sources differ from
    it (a run should keep to one version; see docs/scale.md for a pinned worktree)."""
    folder = Path(newsfuse.__file__).resolve().parent
    try:
        head = subprocess.run(["git", "-C", str(folder), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=10, check=False)
        dirty = subprocess.run(["git", "-C", str(folder), "status", "--porcelain", "--", "."],
                               capture_output=True, text=True, timeout=10, check=False)
    except OSError:
        return "unknown"
    return (head.stdout.strip() or "unknown") + ("-dirty" if dirty.stdout.strip() else "")


def run_kept(args: argparse.Namespace, corpus: list[Base], workers: int) -> None:
    """One sitting of a kept run; the whole run's figures when this sitting completes it."""
    folder = args.keep.resolve()  # origins hold the path: one spelling of it per run
    folder.mkdir(parents=True, exist_ok=True)
    plan = prepare(args, corpus, folder)
    db = folder / STORE
    before, first = resume_point(db)
    number = len(list(folder.glob("points-*.jsonl"))) + 1
    if args.status:  # the figures so far, without a sitting or the reference pass
        print(f"kept run in {folder}: {before:,} of {args.articles:,} articles stored so far")
        report(folder, plan, workers, reference=False)
        return
    if any(r.get("complete") for r in sittings(folder)):
        print(f"kept run in {folder}: complete, {before:,} articles stored")
        report(folder, plan, workers)
        return
    print(f"sitting {number}: {before:,} articles stored; reading from shard {first + 1} of "
          f"{len(plan['shards'])}", flush=True)
    shards = Shards([folder / "shards" / name for name in plan["shards"][first:]],
                    Stop(args.hours))
    started = datetime.now(UTC).isoformat(timespec="seconds")
    load = os.getloadavg()[0]
    with (folder / f"points-{number:03d}.jsonl").open("a", encoding="utf-8") as sink:
        run = ingest_stream(shards, folder, args.workers, sink=sink)
    record = {"sitting": number, "started": started, "seconds": run.seconds,
              "stored_before": before, "stored_after": run.stored, "events": run.events,
              "stages": dict(run.stages), "stage_cpu": dict(run.stage_cpu),
              "driver_cpu": run.driver_cpu, "worker_cpu": run.worker_cpu,
              "driver_peak_kb": run.driver_peak_kb, "worker_peaks_kb": run.probe.worker_peaks_kb,
              "children_peak_kb": run.children_peak_kb, "duplicates": run.report.duplicates,
              "skipped": run.report.skipped, "rejected": len(run.report.rejected),
              "load": [load, os.getloadavg()[0]], "complete": shards.finished,
              "code": code_version(), "package": str(Path(newsfuse.__file__).parent)}
    with (folder / "ledger.jsonl").open("a", encoding="utf-8") as ledger:
        ledger.write(json.dumps(record) + "\n")
    new = run.stored - before
    print(f"sitting {number}: {new:,} articles in {run.seconds:,.1f} s wall = "
          f"{new / max(run.seconds, 1e-9):.2f} articles/s; {run.stored:,} stored; load average "
          f"{record['load'][0]:.1f} at start, {record['load'][1]:.1f} at end")
    if shards.finished:
        report(folder, plan, workers)
    else:
        print(f"the run goes on with the same command (--keep {folder})")


def report(folder: Path, plan: dict[str, Any], workers: int, reference: bool = True) -> None:
    """The whole run's figures from its sittings, printed as one run, then the reference."""
    done = sittings(folder)
    for record in done:
        how = "killed; counted to its last point" if record.get("killed") else \
            f"{record['stored_after'] - record['stored_before']:,} articles"
        print(f"  sitting {record['sitting']}: {record['seconds']:,.1f} s wall, {how}, "
              f"started {record.get('started', '?')}, load {record.get('load', '?')}, "
              f"code {record.get('code', '?')}")
    codes = {r["code"].split()[0] for r in done if r.get("code")}
    if len(codes) > 1:
        print(f"NOTE: the sittings ran {len(codes)} versions of the code")
    ended = [r for r in done if not r.get("killed")]
    stages: dict[str, float] = {}
    stage_cpu: dict[str, float] = {}
    for record in ended:
        for name, value in record["stages"].items():
            stages[name] = stages.get(name, 0.0) + value
        for name, value in record["stage_cpu"].items():
            stage_cpu[name] = stage_cpu.get(name, 0.0) + value
    none = {"driver_peak_kb": 0, "worker_peaks_kb": [], "children_peak_kb": 0}
    peak = max(ended, key=lambda r: r["driver_peak_kb"] + sum(r["worker_peaks_kb"]),
               default=none)
    store = open_store(str(folder / STORE))
    counts, tables = store.counts(), table_sizes(store, False)
    print_quality(store)
    store.close()
    run = Run(seconds=sum(r["seconds"] for r in done), stored=counts["articles"],
              events=counts.get("events", 0),
              report=SimpleNamespace(duplicates=sum(r["duplicates"] for r in ended),
                                     skipped=sum(r["skipped"] for r in ended),
                                     rejected=range(sum(r["rejected"] for r in ended))),
              stages=stages, stage_cpu=stage_cpu,
              probe=Probe(points=joined(done), worker_peaks_kb=peak["worker_peaks_kb"]),
              driver_cpu=sum(r["driver_cpu"] for r in ended) + sum(
                  r["points"][-1].driver_cpu for r in done if r.get("killed") and r["points"]),
              worker_cpu=sum(r["worker_cpu"] for r in ended) + sum(
                  r["points"][-1].worker_cpu for r in done if r.get("killed") and r["points"]),
              driver_peak_kb=peak["driver_peak_kb"], children_peak_kb=peak["children_peak_kb"],
              store_bytes=sum(p.stat().st_size for p in folder.glob(f"{STORE}*")),
              tables=tables, backend="SQLite")
    print(f"the whole run, {len(done)} sittings joined end to end "
          "(stage times from the sittings that ended normally):")
    # the plan counts the whole stream's words; a run in progress has read its share of them
    share = min(1.0, run.stored / plan["settings"]["articles"])
    written = Written(words=round(plan["words"] * share))
    cpu_rate = print_run(run, written, workers)
    if reference:
        print_reference(plan["sample"], workers, run.stored / run.seconds, cpu_rate)

