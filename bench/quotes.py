"""Quote speakers on the seeds and the fiction examples: a sanity report, not a gold benchmark.

Usage: .venv/bin/python bench/quotes.py [--list]

No gold speakers exist for these texts, so this only counts: how many quotes `find_quotes`
returns (direct and reported) and which share has a named speaker (resolved to an actor),
an unnamed one ("unnamed U.S. defense official"), another description ("the mayor") or none.
Next to it, the baseline "nearest PERSON entity in the same sentence" is applied to the same
quote spans. A named share says nothing about correctness: read `--list` to judge that. The
held-out part (sha1(article id) mod 4 == 0) is printed separately; tune only on the rest.
"""

from __future__ import annotations

import argparse
import os
from collections import Counter
from pathlib import Path
from typing import Any

from common import held_out
from newsfuse.clean import clean_text
from newsfuse.extract.actors import find_actors
from newsfuse.extract.places import find_places
from newsfuse.extract.quotes import find_quotes
from newsfuse.ingest import read_inputs
from newsfuse.model import Quote, RawArticle, derive_article_id
from newsfuse.nlp import load_model

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
EXAMPLES = ROOT / "examples"
BUCKETS = ("named", "unnamed", "described", "none")



def articles() -> list[tuple[str, str]]:
    """(id, cleaned text) of the seeds and the example corpus."""
    found = [(path.stem, path.read_text(encoding="utf-8"))
             for path in sorted(SEEDS.glob("*.txt"))] if SEEDS.is_dir() else []
    for item in read_inputs([EXAMPLES]):
        if isinstance(item, RawArticle) and item.text:
            cleaned = clean_text(item.text, item.title).text
            found.append((derive_article_id(item, cleaned), cleaned))
    return found


def bucket(quote: Quote) -> str:
    """Which kind of speaker a quote has."""
    if quote.speaker is None:
        return "none"
    if quote.speaker_key is not None:
        return "named"
    return "unnamed" if quote.speaker.startswith("unnamed ") else "described"


def baseline(doc: Any, quote: Quote) -> str:
    """The nearest PERSON entity in the quote's sentence (outside the quote), as a bucket."""
    span = doc.char_span(quote.start, quote.end, alignment_mode="expand")
    if span is None:
        return "none"
    sent = span[0].sent
    people = [e for e in doc.ents if e.label_ == "PERSON" and sent.start <= e.start < sent.end
              and not (quote.start <= e.start_char < quote.end)]
    return "named" if people else "none"


def run(show: bool) -> dict[str, Counter[str]]:
    """Counts per part ("tuning", "held-out") and system ("ours", "base")."""
    nlp = load_model()
    counts: dict[str, Counter[str]] = {}
    for article_id, text in articles():
        doc = nlp(text)
        actors = find_actors(text, doc, find_places(text, doc))
        quotes = find_quotes(text, doc, actors)
        part = "held-out" if held_out(article_id) else "tuning"
        for quote in quotes:
            assert text[quote.start:quote.end] == quote.text
            for system, name in (("ours", bucket(quote)), ("base", baseline(doc, quote))):
                counts.setdefault(f"{part}/{system}", Counter())[name] += 1
            counts.setdefault(f"{part}/kind", Counter())[
                "direct" if quote.direct else "reported"] += 1
            if show and part == "tuning":
                print(f"{article_id[:24]:24s} {'D' if quote.direct else 'R'} "
                      f"{quote.speaker!s:32.32s} {quote.cue!s:12s} {quote.text[:60]!r}")
    return counts


def report(counts: dict[str, Counter[str]]) -> None:
    """Print the shares per part and system."""
    for part in ("tuning", "held-out"):
        kinds = counts.get(f"{part}/kind", Counter())
        total = sum(kinds.values())
        print(f"{part}: {total} quotes ({kinds['direct']} direct, {kinds['reported']} reported)")
        for system in ("ours", "base"):
            found = counts.get(f"{part}/{system}", Counter())
            shares = "  ".join(f"{b} {found[b] / max(1, total):.2f}" for b in BUCKETS)
            label = "ours" if system == "ours" else "nearest PERSON in sentence"
            print(f"  {label:27s} {shares}")


def main() -> None:
    """Run find_quotes over the seeds and examples and print the speaker shares."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="list the tuning part's quotes")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    report(run(args.list))


if __name__ == "__main__":
    main()
