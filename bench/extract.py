"""What the extract stage costs per article, beside the spaCy pass it runs after.

Run: .venv/bin/python bench/extract.py [--articles 300]
On the first N news-stream dev articles (texts as stored, publication dates given): the spaCy
pass (`nlp.pipe`, one process) is the reference, then each extractor alone on the parsed docs
(in the order `nlp.analysis_of` runs them, each given what it needs), then `analysis_of` whole
(all extractors plus terms, quantities and the near-duplicate signature). CPU time of this
process, so neighbours on a shared machine move the figures less than wall time would. The
project's budget: everything after spaCy must stay small beside it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "newsstream" / "dev.jsonl.gz"


def load(count: int) -> list[dict[str, Any]]:
    """The first `count` dev articles."""
    with gzip.open(DATA, "rt", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    return rows[:count]


def main() -> None:
    """Time spaCy, each extractor and the whole analysis, per article."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from newsfuse import nlp
    from newsfuse.extract.actors import find_actors
    from newsfuse.extract.claims import find_claims
    from newsfuse.extract.happenings import find_happenings
    from newsfuse.extract.kinds import event_type_from_hits, trigger_hits
    from newsfuse.extract.places import find_places, gazetteer
    from newsfuse.extract.quotes import find_quotes
    from newsfuse.extract.roles import find_roles
    from newsfuse.extract.times import find_times

    rows = load(args.articles)
    model = nlp.load_model(None)
    gazetteer()  # loaded once per worker in the pipeline: not a per-article cost
    texts = [r["text"] for r in rows]
    list(model.pipe(texts[:10]))  # warm-up
    started = time.process_time()
    docs = list(model.pipe(texts, batch_size=16))
    spacy_ms = (time.process_time() - started) / len(rows) * 1000
    spent: dict[str, float] = {}

    def timed(name: str, extract: Callable[..., Any], *args: Any) -> Any:
        begin = time.process_time()
        result = extract(*args)
        spent[name] = spent.get(name, 0.0) + time.process_time() - begin
        return result

    for row, doc, text in zip(rows, docs, texts, strict=True):
        published = row.get("published")
        doc.user_data.clear()  # each run starts from a fresh parse, as in the pipeline
        times = timed("times", find_times, text, published, doc)
        places = timed("places", find_places, text, doc)
        actors = timed("actors", find_actors, text, doc, places)
        hits = timed("event words", trigger_hits, text, doc)
        timed("quotes", find_quotes, text, doc, actors)
        timed("claims", find_claims, text, doc, times, published)
        timed("event type", event_type_from_hits, text, hits)
        timed("happenings", find_happenings, text, doc, times, published, hits)
        timed("roles", find_roles, text, doc)
        doc.user_data.clear()
        timed("analysis_of (all)", nlp.analysis_of, row["id"], doc, text, None, published)
    words = sum(len(t.split()) for t in texts) / len(texts)
    print(f"news-stream dev, {len(rows)} articles, {words:.0f} words each on average; "
          "CPU ms per article")
    print(f"  {'spaCy pass (reference)':24s} {spacy_ms:7.1f}")
    for name, seconds in spent.items():
        per = seconds / len(rows) * 1000
        print(f"  {name:24s} {per:7.1f}   {per / spacy_ms:5.1%} of the spaCy pass")


if __name__ == "__main__":
    main()
