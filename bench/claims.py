"""Number-claim benchmark on our own labelled sentences: find_claims vs a CARDINAL baseline.

Run: python bench/claims.py [--errors]
Gold: bench/data/claims/gold.jsonl, fiction sentences written for this benchmark (wars,
disasters, crime, economy, sport), each with every claim it states as (predicate, low, high,
subject). Records with split "heldout" were written after the rules were frozen and are scored
separately; --errors lists errors on the "dev" records only.
A claim is correct when (predicate, low, high) equals a gold claim of the same sentence (each
gold claim matched once). Subject agreement (same head word) is printed for matched claims.
Times of day, calendar dates, sports scores ("won 3-1"), shares out of a total ("7 of 16") and
earthquake magnitudes became claims after this gold was written (it states none), so `time`,
`date`, `score`, `fraction` and `magnitude` claims are not scored here; bench/disagree.py
measures them.
Baseline: every spaCy CARDINAL entity -> the predicate of the nearest verb in its sentence (our
casualty verb table, else the verb's lemma), value [n, n] for the first number in the entity.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

from newsfuse.extract.claims import CASUALTY_VERBS, find_claims
from newsfuse.extract.numbers import ATOM, parse_number

GOLD = Path(__file__).resolve().parent / "data" / "claims" / "gold.jsonl"
Key = tuple[str, float | None, float | None]
# outside this gold's scope
UNSCORED = frozenset({"time", "date", "score", "fraction", "magnitude"})


def key(predicate: str, low: float | None, high: float | None) -> Key:
    """The scored part of a claim, with bounds rounded so 8.1 == 8.100000001."""
    return (predicate, None if low is None else round(low, 2),
            None if high is None else round(high, 2))


def ours(text: str, doc: Any) -> list[tuple[Key, str | None]]:
    """Our claims as (key, subject)."""
    return [(key(c.predicate, c.low, c.high), c.subject) for c in find_claims(text, doc)
            if c.predicate not in UNSCORED]


def baseline(doc: Any) -> list[tuple[Key, str | None]]:
    """Every CARDINAL entity as [n, n] under its nearest verb's predicate."""
    found: list[tuple[Key, str | None]] = []
    for ent in doc.ents:
        atom = ATOM.search(ent.text) if ent.label_ == "CARDINAL" else None
        value = parse_number(atom.group()) if atom else None
        if value is None:
            continue
        verbs = [t for t in ent.sent if t.pos_ == "VERB"]
        if not verbs:
            continue
        verb = min(verbs, key=lambda t: abs(t.i - ent.start))
        lemma = verb.lemma_.lower()
        found.append((key(CASUALTY_VERBS.get(lemma, lemma), value, value), None))
    return found


def match(gold: list[tuple[Key, str | None]], found: list[tuple[Key, str | None]],
          ) -> tuple[int, int, list[Key], list[Key]]:
    """(matched, subject agreements, missed gold keys, spurious found keys)."""
    left = list(gold)
    hits = subjects = 0
    spurious = []
    for k, subject in found:
        same = next((g for g in left if g[0] == k), None)
        if same is None:
            spurious.append(k)
            continue
        left.remove(same)
        hits += 1
        subjects += _head(same[1]) == _head(subject)
    return hits, subjects, [g[0] for g in left], spurious


def _head(subject: str | None) -> str | None:
    return subject.split()[-1].lower() if subject else None


def score(records: list[dict[str, Any]], nlp: Any, show_errors: bool) -> None:
    """Print precision/recall/F1 for ours and the baseline, per split."""
    totals: dict[tuple[str, str], Counter[str]] = {}
    for record in records:
        doc = nlp(record["text"])
        gold = [(key(c["predicate"], c["low"], c["high"]), c.get("subject"))
                for c in record["claims"]]
        for system, found in (("ours", ours(record["text"], doc)), ("base", baseline(doc))):
            hits, subjects, missed, spurious = match(gold, found)
            count = totals.setdefault((record["split"], system), Counter())
            count.update(gold=len(gold), found=len(found), hits=hits, subjects=subjects)
            if show_errors and system == "ours" and record["split"] == "dev" and \
                    (missed or spurious):
                print(f"  {record['id']}: missed {missed} spurious {spurious}")
    for split in ("dev", "heldout"):
        for system, name in (("ours", "ours"), ("base", "baseline")):
            c = totals.get((split, system))
            if not c:
                continue
            p = c["hits"] / c["found"] if c["found"] else 0.0
            r = c["hits"] / c["gold"] if c["gold"] else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            extra = f"  subject agrees {c['subjects']}/{c['hits']}" if system == "ours" else ""
            print(f"{split:8s} {name:8s} gold={c['gold']:3d} found={c['found']:3d} "
                  f"P={p:.3f} R={r:.3f} F1={f:.3f}{extra}")


def main() -> None:
    """Score the labelled sentences and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list our errors on dev records")
    args = parser.parse_args()
    from newsfuse.nlp import load_model

    records = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()
               if line.strip()]
    splits = Counter(r["split"] for r in records)
    print(f"claims gold: {len(records)} sentences ({dict(sorted(splits.items()))})")
    score(records, load_model(), args.errors)


if __name__ == "__main__":
    main()
