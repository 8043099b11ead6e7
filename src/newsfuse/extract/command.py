"""`newsfuse extract`: one line of extractions per input article, spans into the text as given."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from newsfuse.ingest import InputOptions, read_inputs
from newsfuse.model import RawArticle, Rejection, derive_article_id
from newsfuse.nlp import analysis_of, load_model

BATCH = 16


def extract_records(paths: list[Path], model: str | None = None,
                    options: InputOptions | None = None) -> Iterator[dict[str, Any] | Rejection]:
    """Extraction records (or rejections) for every article in the inputs, in input order."""
    nlp = load_model(model)
    batch: list[RawArticle] = []
    for item in read_inputs(paths, options):
        if isinstance(item, Rejection):
            yield item
            continue
        batch.append(item)
        if len(batch) == BATCH:
            yield from _extract(nlp, batch)
            batch = []
    yield from _extract(nlp, batch)


def _extract(nlp: Any, batch: list[RawArticle]) -> Iterator[dict[str, Any]]:
    texts = [raw.text or "" for raw in batch]
    for raw, text, doc in zip(batch, texts, nlp.pipe(texts), strict=True):
        article_id = derive_article_id(raw, text)
        found = analysis_of(article_id, doc, text, None, raw.published)
        yield {
            "id": article_id,
            "times": [t.model_dump() for t in found.times],
            "places": [p.model_dump() for p in found.places],
            "actors": [a.model_dump() for a in found.actors],
            "quotes": [q.model_dump() for q in found.quotes],
            "claims": [c.model_dump() for c in found.claims],
            "event_type": found.event_type.model_dump() if found.event_type else None,
            "happenings": [h.model_dump() for h in found.happenings],
        }


def write_extractions(paths: list[Path], out: TextIO, model: str | None = None,
                      options: InputOptions | None = None) -> list[Rejection]:
    """Write one JSON line per article to `out`; returns the rejected inputs."""
    rejected = []
    for record in extract_records(paths, model, options):
        if isinstance(record, Rejection):
            rejected.append(record)
        else:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return rejected
