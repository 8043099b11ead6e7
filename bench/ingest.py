"""Throughput: the whole pipeline vs the bare spaCy pass on the same real articles, in one run.

Run: python bench/ingest.py [--articles 650] [--workers 2]
Builds a corpus from ../shared/data at run time (gold fields dropped), times
spaCy's nlp.pipe over the raw texts with the same number of processes, then
`newsfuse ingest` of the same articles into a fresh SQLite store, and prints both rates
and their ratio (target: the pipeline at >= 60% of the bare spaCy rate).
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


def pipeline(rows: list[dict], workers: int) -> tuple[float, int]:
    """Seconds for `newsfuse ingest` of the rows into a new store, and articles stored."""
    from newsfuse.pipeline import PipelineSettings, ingest
    from newsfuse.store import open_store

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "corpus.jsonl"
        source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        store = open_store(str(Path(folder) / "bench.db"))
        start = time.perf_counter()
        report = ingest([source], store, PipelineSettings(workers=workers))
        seconds = time.perf_counter() - start
        stored = store.counts()["articles"]
        store.close()
    if report.rejected:
        print(f"  ({len(report.rejected)} rejected)", file=sys.stderr)
    return seconds, stored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=650)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
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
    full, stored = pipeline(rows, args.workers)
    print(f"{'system':22} {'seconds':>8} {'articles/s':>11} {'words/s':>9}")
    print(f"{'bare spaCy (baseline)':22} {bare:8.1f} {len(rows) / bare:11.1f} {words / bare:9.0f}")
    print(f"{'newsfuse ingest':22} {full:8.1f} {len(rows) / full:11.1f} {words / full:9.0f}")
    print(f"ratio: newsfuse runs at {bare / full:.0%} of the bare spaCy rate "
          f"({stored} articles stored; target >= 60%)")


if __name__ == "__main__":
    main()
