"""`newsfuse summarize`: a brief for each pre-grouped cluster of documents, as plain text."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

from newsfuse.brief import BriefDoc, build_brief, split_sentences
from newsfuse.errors import REJECT_EMPTY, REJECT_PARSE, REJECT_TOO_LARGE, UsageError
from newsfuse.model import Rejection

MAX_DOCUMENTS = 500  # a cluster bigger than this is refused, not summarised slowly
MAX_CHARS = 2_000_000


def cluster_docs(cluster: dict[str, Any]) -> list[BriefDoc]:
    """The cluster's documents as brief inputs; documents without text are skipped."""
    docs = []
    for number, document in enumerate(cluster.get("documents") or []):
        if not isinstance(document, dict):
            continue
        text = str(document.get("text") or "")[:MAX_CHARS]
        if not text.strip():
            continue
        docs.append(BriefDoc(id=str(document.get("id") or f"d{number}"), text=text,
                             sentences=split_sentences(text),
                             published=document.get("published"), title=document.get("title")))
    return docs


def summarize_lines(lines: TextIO, words: int) -> Iterator[dict[str, Any] | Rejection]:
    """For each input line, {"id", "summary"}; a line that cannot be read becomes a rejection."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            cluster = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Rejection(origin=f"line {number}", stage="summarize", code=REJECT_PARSE,
                            reason=f"not JSON: {exc.msg}")
            continue
        if not isinstance(cluster, dict) or not isinstance(cluster.get("documents"), list):
            yield Rejection(origin=f"line {number}", stage="summarize", code=REJECT_PARSE,
                            reason='a cluster needs a "documents" list')
            continue
        if len(cluster["documents"]) > MAX_DOCUMENTS:
            yield Rejection(origin=f"line {number}", stage="summarize", code=REJECT_TOO_LARGE,
                            reason=f"more than {MAX_DOCUMENTS} documents")
            continue
        docs = cluster_docs(cluster)
        if not docs:
            yield Rejection(origin=f"line {number}", stage="summarize", code=REJECT_EMPTY,
                            reason="no document has text")
            continue
        brief = build_brief(docs, words)
        yield {"id": cluster.get("id", f"line-{number}"),
               "summary": " ".join(line.text for line in brief)}


def write_summaries(lines: TextIO, out: TextIO, words: int) -> list[Rejection]:
    """Write one {"id", "summary"} line per cluster; returns the rejected lines."""
    if words < 10:
        raise UsageError("--words must be at least 10.")
    rejected = []
    for record in summarize_lines(lines, words):
        if isinstance(record, Rejection):
            rejected.append(record)
        else:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return rejected
