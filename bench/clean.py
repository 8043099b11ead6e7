"""Cleaning benchmark: removal precision and recall on our labelled fiction sets, vs a shape rule.

Run: python bench/clean.py [--show-errors]
articles.jsonl is the tuning set (its held-out quarter: ids divisible by 4); heldout.jsonl was
written separately and its errors inspected once; unseen.jsonl was written separately and is
never inspected, so its figure is the honest one for text the rules were not fitted to.
The baseline removes every short line without a full stop (the naive rule DESIGN.md warns of).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from newsfuse.clean import clean_text, line_key, line_keys

DATA = Path(__file__).parent / "data" / "clean" / "articles.jsonl"
SECOND = DATA.with_name("heldout.jsonl")  # written separately; its errors were inspected once
UNSEEN = DATA.with_name("unseen.jsonl")  # written separately and never inspected while tuning
MIN_RECURRING = 3


def load(held_out: bool | None, path: Path = DATA) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    if held_out is None:
        return rows
    return [r for r in rows if (int(r["id"].lstrip("c")) % 4 == 0) == held_out]


def recurring_by_source(rows: list[dict]) -> dict[str, set[str]]:
    counts: dict[str, Counter[str]] = {}
    for row in rows:
        text = "\n".join(line["text"] for line in row["lines"])
        counts.setdefault(row["source"], Counter()).update(line_keys(text))
    return {s: {k for k, n in c.items() if n >= MIN_RECURRING} for s, c in counts.items()}


def newsfuse_removed(row: dict, recurring: dict[str, set[str]]) -> set[int]:
    text = "\n".join(line["text"] for line in row["lines"])
    result = clean_text(text, row.get("title"), recurring.get(row["source"], set()))
    return {r.line for r in result.removed}


def baseline_removed(row: dict) -> set[int]:
    return {i for i, line in enumerate(row["lines"])
            if line["text"].strip() and len(line["text"].split()) < 12
            and not line["text"].rstrip().endswith((".", "!", "?", '"', "”"))}


def score(rows: list[dict], removed_of) -> tuple[float, float, list, list]:
    tp = fp = fn = 0
    false_pos, false_neg = [], []
    for row in rows:
        removed = removed_of(row)
        for i, line in enumerate(row["lines"]):
            if not line["text"].strip():
                continue
            if i in removed and line["debris"]:
                tp += 1
            elif i in removed:
                fp += 1
                false_pos.append((row["id"], line["kind"], line["text"]))
            elif line["debris"]:
                fn += 1
                false_neg.append((row["id"], line["kind"], line["text"]))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, false_pos, false_neg


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    every = load(None)
    recurring = recurring_by_source(every)
    debris = sum(line["debris"] for r in every for line in r["lines"])
    print(f"labelled set: {len(every)} articles, {debris} debris lines ({DATA.name})")
    print(f"{'part':10} {'system':10} {'precision':>9} {'recall':>7}")
    for part, held in (("tuning", False), ("held-out", True), ("all", None)):
        rows = load(held)
        p, r, fps, fns = score(rows, lambda row: newsfuse_removed(row, recurring))
        bp, br, _, _ = score(rows, baseline_removed)
        print(f"{part:10} {'newsfuse':10} {p:9.3f} {r:7.3f}")
        print(f"{part:10} {'baseline':10} {bp:9.3f} {br:7.3f}")
        if args.show_errors and held is None:
            for label, errors in (("removed body", fps), ("kept debris", fns)):
                for row_id, kind, text in errors:
                    print(f"  {label}: {row_id} {kind}: {text[:110]}")
    for label, path in (("second", SECOND), ("unseen", UNSEEN)):
        if not path.exists():
            continue
        rows = load(None, path)
        own_recurring = recurring_by_source(rows)
        p, r, _, _ = score(rows, lambda row, rec=own_recurring: newsfuse_removed(row, rec))
        bp, br, _, _ = score(rows, baseline_removed)
        debris = sum(line["debris"] for row in rows for line in row["lines"])
        print(f"{label} set: {len(rows)} articles, {debris} debris lines ({path.name})")
        print(f"{label:10} {'newsfuse':10} {p:9.3f} {r:7.3f}")
        print(f"{label:10} {'baseline':10} {bp:9.3f} {br:7.3f}")
    _ = line_key  # the key function the store uses; imported to keep one definition


if __name__ == "__main__":
    main()
