"""Tune the grouping weights on the tuning part of the dev sets (never the held-out fifth).

Run: python bench/tune_cluster.py [--cache DIR]
Ingests each dev set once (cached), then replays grouping with `cluster.regroup` over the
stored analyses for a grid of configurations and prints the best by mean BCubed F1.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from cluster import GOLD, held_out, load
from newsfuse.cluster import GroupingConfig, regroup
from newsfuse.features import features_of
from newsfuse.pipeline import ingest
from newsfuse.store import open_store
from scoring import bcubed, lookalike_merge_rate


def stored(name: str, cache: Path) -> list:
    """(features, seq, title, duplicate_of) of a dev set, ingesting it once into the cache."""
    db = cache / f"{name}.db"
    if not db.exists():
        rows = load(name)
        path = cache / f"{name}.jsonl"
        path.write_text("".join(json.dumps({k: v for k, v in r.items() if k not in GOLD}) + "\n"
                                for r in rows), encoding="utf-8")
        store = open_store(str(db))
        ingest([path], store)
        store.close()
    store = open_store(str(db))
    items = [(features_of(a, store.analysis(a.id)), a.seq, a.title, a.duplicate_of)
             for a in store.articles()]
    store.close()
    return items


def evaluate(items: list, rows: list[dict], config: GroupingConfig) -> tuple[float, float, float]:
    labels = regroup(items, config)
    gold = {r["id"]: r["event"] for r in rows
            if not held_out(r.get("topic") or r["event"])}
    topic = {r["id"]: r.get("topic") or r["event"] for r in rows}
    p, _r, f = bcubed(gold, labels)
    return f, lookalike_merge_rate(gold, topic, labels), p


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/newsfuse-tune"))
    args = parser.parse_args()
    args.cache.mkdir(exist_ok=True)
    sets = {name: (stored(name, args.cache), load(name)) for name in ("ecbplus", "newsstream")}
    grid = {"threshold": [0.25, 0.3], "merge_threshold": [0.2, 0.25],
            "merge_max_size": [0, 3, 4], "max_gap_days": [30, 90], "date_gap": [0.1, 0.2],
            "weekday_conflict": [0.0, 0.2, 0.3], "agent_conflict": [0.0, 0.2]}
    results = []
    for values in itertools.product(*grid.values()):
        config = replace(GroupingConfig(), **dict(zip(grid, values, strict=True)))
        scores = {n: evaluate(items, rows, config) for n, (items, rows) in sets.items()}
        mean = sum(s[0] for s in scores.values()) / len(scores)
        results.append((mean, config, scores))
    results.sort(key=lambda r: (-r[0], str(r[1])))
    for mean, config, scores in results[:8]:
        _show(mean, config, scores)
    # ablations: the best configuration without repairs, the weekday or the agent feature
    for label, off in (("repairs off", "merge_max_size"), ("weekdays off", "weekday_conflict"),
                       ("agents off", "agent_conflict")):
        print(f"best with {label}:")
        _show(*next(r for r in results if not getattr(r[1], off)))


def _show(mean: float, config: GroupingConfig, scores: dict) -> None:
    detail = "  ".join(f"{n}: F1 {s[0]:.3f} merge {s[1]:.1%} P {s[2]:.3f}"
                       for n, s in scores.items())
    print(f"{mean:.3f}  {config}\n        {detail}")


if __name__ == "__main__":
    main()
