"""Exports of the store: the newsfuse/1 JSON document, JSON Lines and an ACLED-like CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

from newsfuse import __version__
from newsfuse.model import Analysis, Article
from newsfuse.store import EventRecord, Store

SCHEMA = "newsfuse/1"
ACTOR_LABELS = {"PERSON": "person", "ORG": "organisation", "NORP": "group"}
KEY_SENTENCES = 3
LEAD_SENTENCES = 8
_WORD = re.compile(r"[a-z][a-z'-]+")


def article_record(article: Article, store: Store) -> dict[str, Any]:
    """An article in newsfuse/1 shape, with its grouping reasons and its times and places."""
    assignment = store.assignment(article.id)
    analysis = store.analysis(article.id)
    return {
        "id": article.id, "origin": article.origin, "url": article.url, "source": article.source,
        "title": article.title, "published": article.published, "author": article.author,
        "text": article.text, "removed": [r.text for r in article.removed],
        "removed_detail": [r.model_dump() for r in article.removed],
        "metadata": article.metadata, "duplicate_of": article.duplicate_of,
        "event": assignment.event_id if assignment else None,
        "assignment": assignment.model_dump(exclude={"article_id", "event_id"})
        if assignment else None,
        "times": [t.model_dump() for t in analysis.times] if analysis else [],
        "places": [p.model_dump() for p in analysis.places] if analysis else [],
    }


def event_record(record: EventRecord, store: Store) -> dict[str, Any]:
    """An event in newsfuse/1 shape."""
    articles = list(store.articles(record.id))
    analyses = {a.id: store.analysis(a.id) for a in articles}
    return {
        "id": record.id, "title": record.title, "start": record.start, "end": record.end,
        "articles": [a.id for a in articles],
        "sources": sorted({a.source for a in articles if a.source}),
        "places": _places(articles, analyses),
        "actors": _actors(articles, analyses, set(ACTOR_LABELS)),
        "quotes": [], "facts": [],
        "brief": key_sentences(record, articles, analyses),
        "timeline": [],
    }


def build_document(store: Store) -> dict[str, Any]:
    """The whole store as one newsfuse/1 document: events newest first."""
    events = [event_record(record, store) for record in store.events()]
    return {"schema": SCHEMA, "generator": f"newsfuse {__version__}",
            "articles": [article_record(a, store) for a in store.articles()],
            "events": events,
            "rejected": [r.model_dump() for r in store.rejections()]}


def _actors(articles: list[Article], analyses: dict[str, Analysis | None],
            labels: set[str]) -> list[dict[str, Any]]:
    """People, organisations and groups named in the event, most mentioned first."""
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    names: dict[str, Counter[str]] = defaultdict(Counter)
    kinds: dict[str, str] = {}
    for article in articles:
        analysis = analyses.get(article.id)
        for entity in analysis.entities if analysis else ():
            if entity.label not in labels:
                continue
            key = " ".join(entity.text.casefold().removeprefix("the ").split())
            grouped[key].append({"article": article.id, "start": entity.start, "end": entity.end})
            names[key][entity.text.removeprefix("the ").strip()] += 1
            kinds.setdefault(key, ACTOR_LABELS[entity.label])
    ranked = sorted(grouped, key=lambda k: (-len(grouped[k]), k))
    return [{"name": names[k].most_common(1)[0][0], "kind": kinds[k], "mentions": grouped[k]}
            for k in ranked]


def _places(articles: list[Article], analyses: dict[str, Analysis | None]) -> list[dict[str, Any]]:
    """The event's geocoded places, most mentioned first, each mention with its span."""
    grouped: dict[str, dict[str, Any]] = {}
    for article in articles:
        analysis = analyses.get(article.id)
        for place in analysis.places if analysis else ():
            key = f"{place.geonameid or ''}|{place.name}"
            entry = grouped.setdefault(key, {
                "name": place.name, "lat": place.lat, "lon": place.lon,
                "geonameid": place.geonameid, "kind": place.kind, "source": place.source,
                "mentions": []})
            entry["mentions"].append({"article": article.id, "start": place.start,
                                      "end": place.end, "text": place.text})
    return sorted(grouped.values(), key=lambda p: (-len(p["mentions"]), p["name"]))


def key_sentences(record: EventRecord, articles: list[Article],
                  analyses: dict[str, Analysis | None]) -> list[dict[str, Any]]:
    """A few central lead sentences of the event, each citing every article that says it."""
    centroid: dict[str, float] = record.state.get("terms", {})
    pool = []
    for article in articles:
        analysis = analyses.get(article.id)
        if article.duplicate_of or analysis is None:
            continue
        for position, sentence in enumerate(analysis.sentences[:LEAD_SENTENCES]):
            text = " ".join(article.text[sentence.start:sentence.end].split())
            words = set(_WORD.findall(text.lower()))
            if len(words) < 6:
                continue
            weight = sum(centroid.get(w, 0.0) for w in words) / len(words) ** 0.5
            pool.append((weight / (1 + 0.15 * position), article, sentence, text, words))
    pool.sort(key=lambda p: (-p[0], p[1].seq, p[2].start))
    chosen: list[dict[str, Any]] = []
    picked: list[set[str]] = []
    for _, article, sentence, text, words in pool:
        if any(_jaccard(words, other) > 0.5 for other in picked):
            continue
        support = sorted({p[1].id for p in pool if _jaccard(words, p[4]) >= 0.6} | {article.id})
        chosen.append({"text": text, "articles": support, "article": article.id,
                       "start": sentence.start, "end": sentence.end})
        picked.append(words)
        if len(chosen) == KEY_SENTENCES:
            break
    return chosen


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def to_json(document: dict[str, Any]) -> str:
    """The document as pretty JSON."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def to_jsonl(document: dict[str, Any], what: str = "events") -> Iterator[str]:
    """One event (or one article) per line."""
    for item in document["articles" if what == "articles" else "events"]:
        yield json.dumps(item, ensure_ascii=False) + "\n"


CSV_COLUMNS = ("event_id", "start", "end", "title", "articles", "sources", "source_names",
               "places", "actors", "article_ids")


def to_csv(document: dict[str, Any]) -> str:
    """One row per event, ACLED-like."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for event in document["events"]:
        writer.writerow([
            event["id"], event["start"] or "", event["end"] or "", _csv_safe(event["title"] or ""),
            len(event["articles"]), len(event["sources"]),
            _csv_safe("; ".join(event["sources"])),
            _csv_safe("; ".join(p["name"] for p in event["places"][:8])),
            _csv_safe("; ".join(a["name"] for a in event["actors"][:8])),
            " ".join(event["articles"])])
    return buffer.getvalue()


def _csv_safe(value: str) -> str:
    """Defuse spreadsheet formulas in untrusted text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


FORMATS = ("json", "jsonl", "md", "html", "csv")


def render(document: dict[str, Any], fmt: str, what: str = "events") -> str:
    """The document in one of the export formats."""
    from newsfuse.report import render_html, render_markdown

    if fmt == "json":
        return to_json(document)
    if fmt == "jsonl":
        return "".join(to_jsonl(document, what))
    if fmt == "csv":
        return to_csv(document)
    if fmt == "md":
        return render_markdown(document)
    if fmt == "html":
        return render_html(document)
    from newsfuse.errors import UsageError

    raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}.")


def format_for(path: str) -> str:
    """The export format a file name asks for (.html, .md, .json, .jsonl, .csv)."""
    suffix = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    aliases = {"htm": "html", "markdown": "md", "ndjson": "jsonl"}
    fmt = aliases.get(suffix, suffix)
    if fmt not in FORMATS:
        from newsfuse.errors import UsageError

        raise UsageError(f"cannot tell the report format from {path!r}; end it in .html, .md, "
                         ".json, .jsonl or .csv.")
    return fmt


def event_document(store: Store, event_id: str) -> dict[str, Any]:
    """A newsfuse/1 document holding one event and its articles."""
    record = store.get_event(event_id)
    event = event_record(record, store)
    articles = [article_record(store.get_article(a), store) for a in event["articles"]]
    return {"schema": SCHEMA, "generator": f"newsfuse {__version__}", "articles": articles,
            "events": [event], "rejected": []}
