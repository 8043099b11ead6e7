"""Throughput: the whole pipeline vs the bare spaCy pass on the same real articles, in one run.

Run: python bench/ingest.py [--articles 650] [--workers 2] [--engine processes|ray]
Builds a corpus from ../shared/data at run time (gold fields dropped), times
spaCy's nlp.pipe over the raw texts with the same number of processes, then
`newsfuse ingest` of the same articles into a fresh SQLite store, and prints both rates
and their ratio (target: the pipeline at >= 60% of the bare spaCy rate).
With --engine ray the same ingest also runs through the Ray engine (a local Ray with as many
workers), and the run prints its overhead against the process pool and whether both stores
export the same JSON.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SETS = ("newsstream", "ecbplus", "duc2004")
KEEP = ("id", "title", "text", "source", "published", "url")


def corpus(limit: int) -> list[dict]:
    """Real articles from the dev sets, without their gold labels."""
    rows: list[dict] = []
    for name in SETS:
        with gzip.open(DATA / name / "dev.jsonl.gz", "rt", encoding="utf-8") as lines:
            for line in lines:
                item = json.loads(line)
                for doc in item.get("documents") or [item]:
                    rows.append({k: doc.get(k) for k in KEEP if doc.get(k)})
                    if len(rows) >= limit:
                        return rows
    return rows


def bare_spacy(texts: list[str], workers: int) -> float:
    """Seconds for loading the model and running nlp.pipe over the texts."""
    from newsfuse.nlp import load_model

    start = time.perf_counter()
    nlp = load_model()
    for _ in nlp.pipe(texts, batch_size=16, n_process=workers):
        pass
    return time.perf_counter() - start


def pipeline(rows: list[dict], workers: int,
             engine: str = "processes") -> tuple[float, int, str]:
    """Seconds for `newsfuse ingest` of the rows into a new store through `engine`, articles
    stored, and the store's JSON export (to check that engines agree)."""
    from newsfuse.export import build_document, render
    from newsfuse.ingest import read_inputs
    from newsfuse.pipeline import PipelineSettings, Runner, check_stages
    from newsfuse.ray_engine import make_runner
    from newsfuse.store import open_store

    settings = PipelineSettings(workers=workers)
    with tempfile.TemporaryDirectory() as folder:
        # the same path for every engine: article origins, and so the exports, must match
        source = Path(tempfile.gettempdir()) / "newsfuse-bench-ingest.jsonl"
        source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        store = open_store(str(Path(folder) / "bench.db"))
        start = time.perf_counter()
        check_stages()
        runner = Runner(store, settings)  # what ingest() does, with the engine chosen here
        runner.runner = make_runner(engine, None, workers)
        report = runner.run(read_inputs([source], settings.inputs))
        seconds = time.perf_counter() - start
        stored = store.counts()["articles"]
        export = render(build_document(store), "json")
        store.close()
        source.unlink()
    if report.rejected:
        print(f"  ({len(report.rejected)} rejected)", file=sys.stderr)
    return seconds, stored, export


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=650)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--engine", choices=("processes", "ray"), default="processes",
                        help="ray: also run the Ray engine and print its overhead")
    args = parser.parse_args()
    if not DATA.is_dir():
        sys.exit(f"evaluation data not found at {DATA}")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    rows = corpus(args.articles)
    texts = [r["text"] for r in rows]
    words = sum(len(t.split()) for t in texts)
    print(f"corpus: {len(rows)} real articles, {words:,} words, from {', '.join(SETS)}; "
          f"{args.workers} worker processes")
    bare = bare_spacy(texts, args.workers)
    full, stored, export = pipeline(rows, args.workers)
    print(f"{'system':22} {'seconds':>8} {'articles/s':>11} {'words/s':>9}")
    print(f"{'bare spaCy (baseline)':22} {bare:8.1f} {len(rows) / bare:11.1f} {words / bare:9.0f}")
    print(f"{'newsfuse ingest':22} {full:8.1f} {len(rows) / full:11.1f} {words / full:9.0f}")
    if args.engine == "ray":
        ray, _, ray_export = pipeline(rows, args.workers, "ray")
        print(f"{'ingest --engine ray':22} {ray:8.1f} {len(rows) / ray:11.1f} {words / ray:9.0f}")
        print(f"ray overhead: {ray / full - 1:+.0%} time against the process pool "
              f"({ray - full:+.1f} s); same export JSON: {ray_export == export}")
    print(f"ratio: newsfuse runs at {bare / full:.0%} of the bare spaCy rate "
          f"({stored} articles stored; target >= 60%)")


if __name__ == "__main__":
    main()
