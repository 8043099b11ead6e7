"""Time-expression benchmark on MEANTIME dev (English, apple): our extractor vs dateparser.

Run: python bench/dates.py [--errors] [--no-spacy]
Every gold timex of type DATE or TIME that is not the document date counts. Ours is correct when
an expression we return overlaps the gold span and its `value` equals the gold value exactly.
The baseline is `dateparser` on the gold span text (an oracle span, which flatters it) with the
document date as RELATIVE_BASE, formatted at the gold value's granularity (YYYY-MM-DD, YYYY-MM or
YYYY; other gold shapes, such as weeks, quarters and PRESENT_REF, it cannot express).
Figures are printed for all documents and for the held-out part (sha1(id) mod 4 == 0), which
the rules were not tuned on: --errors lists our errors on the other documents only.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import warnings
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from common import held_out
from newsfuse.extract.times import find_times

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "meantime" / "dev.jsonl.gz"
FORMATS = {r"\d{4}-\d\d-\d\d": "%Y-%m-%d", r"\d{4}-\d\d": "%Y-%m", r"\d{4}": "%Y"}
SHAPES = [("day", r"\d{4}-\d\d-\d\d"), ("month", r"\d{4}-\d\d"), ("year", r"\d{4}"),
          ("decade", r"\d{3}"), ("week", r"\d{4}-W\d\d"), ("quarter", r"\d{4}-Q\d"),
          ("ref", r"[A-Z]+_REF"), ("time of day", r".+T.+"), ("unknown", r"X[X-]*")]



def shape(value: str) -> str:
    """A coarse name for the form of a TIMEX3 value."""
    return next((name for name, pattern in SHAPES if re.fullmatch(pattern, value)), "other")


def baseline(text: str, dct: str, gold_value: str) -> str | None:
    """dateparser's reading of the gold span, at the gold value's granularity."""
    import dateparser

    form = next((f for pattern, f in FORMATS.items() if re.fullmatch(pattern, gold_value)), None)
    if form is None:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = dateparser.parse(text, settings={"RELATIVE_BASE": datetime.fromisoformat(dct)})
    return parsed.strftime(form) if parsed else None


def score(docs: list[dict[str, Any]], nlp: Any) -> list[dict[str, Any]]:
    """One row per gold DATE/TIME timex: ours and the baseline's correctness."""
    rows = []
    for doc in docs:
        found = find_times(doc["text"], doc["dct"], nlp(doc["text"]) if nlp else None)
        for gold in doc["timexes"]:
            if gold["type"] not in ("DATE", "TIME") or gold["is_dct"]:
                continue
            near = [e for e in found if e.start < gold["end"] and gold["start"] < e.end]
            rows.append({"doc": doc["id"], "held_out": held_out(doc["id"]), "gold": gold,
                         "ours": any(e.value == gold["value"] for e in near),
                         "found": [(e.text, e.value) for e in near],
                         "base": baseline(gold["text"], doc["dct"], gold["value"])
                         == gold["value"]})
    return rows


def report(rows: list[dict[str, Any]], show_errors: bool) -> None:
    """Print accuracy for all and held-out documents, the error breakdown and the errors."""
    for name, part in (("all", rows), ("held-out", [r for r in rows if r["held_out"]])):
        n = len(part)
        ours, base = sum(r["ours"] for r in part), sum(r["base"] for r in part)
        print(f"{name:9s} n={n:3d}  ours {ours / n:.3f} ({ours})  "
              f"dateparser {base / n:.3f} ({base})")
    totals = Counter(shape(r["gold"]["value"]) for r in rows)
    misses = Counter(shape(r["gold"]["value"]) for r in rows if not r["ours"])
    print("our errors by gold value shape (all documents):")
    for name, count in totals.most_common():
        print(f"  {name:12s} {misses[name]:2d} wrong of {count:2d}")
    if show_errors:
        print("our errors on the tuning documents (held-out ones are not shown):")
        for r in rows:
            if not r["ours"] and not r["held_out"]:
                g = r["gold"]
                print(f"  {r['doc']}: {g['text']!r} gold {g['value']} ours {r['found']}")


def main() -> None:
    """Score the MEANTIME dev set and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list errors on tuning documents")
    parser.add_argument("--no-spacy", action="store_true", help="rules only, no spaCy entities")
    args = parser.parse_args()
    with gzip.open(DATA, "rt", encoding="utf-8") as lines:
        docs = [json.loads(line) for line in lines]
    nlp = None
    if not args.no_spacy:
        from newsfuse.nlp import load_model

        nlp = load_model()
    how = "rules only" if nlp is None else "with spaCy entities"
    print(f"MEANTIME dev: {len(docs)} documents, ours {how}")
    report(score(docs, nlp), args.errors)


if __name__ == "__main__":
    main()
