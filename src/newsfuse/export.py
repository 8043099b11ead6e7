"""Exports of the store: the newsfuse/1 JSON document, JSON Lines and an ACLED-like CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from newsfuse import __version__
from newsfuse.model import Analysis, Article
from newsfuse.store import EventRecord, Store

SCHEMA = "newsfuse/1"
BRIEF_WORDS = 120


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
        "changes": [c.model_dump(exclude={"article_ids"}) for c in store.changes(article.id)],
        "times": [t.model_dump() for t in analysis.times] if analysis else [],
        "places": [p.model_dump() for p in analysis.places] if analysis else [],
        "actors": [a.model_dump() for a in analysis.actors] if analysis else [],
        "quotes": [q.model_dump() for q in analysis.quotes] if analysis else [],
        "claims": [c.model_dump() for c in analysis.claims] if analysis else [],
        "event_type": analysis.event_type.model_dump()
        if analysis and analysis.event_type else None,
        "happenings": [h.model_dump() for h in analysis.happenings] if analysis else [],
    }


def event_record(record: EventRecord, store: Store, words: int = BRIEF_WORDS) -> dict[str, Any]:
    """An event in newsfuse/1 shape, with its merged extractions, facts, brief and timeline."""
    from newsfuse.digest import digest

    articles = list(store.articles(record.id))
    analyses = {a.id: store.analysis(a.id) for a in articles}
    merged = digest(articles, analyses, words)
    dates = [t["date"] for t in merged["timeline"] if t["main"]]
    return {
        "id": record.id, "title": record.title,
        "start": min(dates)[:10] if dates else record.start,
        "end": max(dates)[:10] if dates else record.end,
        "date": merged["date"], "published_start": record.start, "published_end": record.end,
        "event_type": merged["event_type"],
        "articles": [a.id for a in articles],
        "sources": sorted({a.source for a in articles if a.source}),
        "places": _places(articles, analyses),
        "actors": merged["actors"], "quotes": merged["quotes"], "facts": merged["facts"],
        "disputed": sum(1 for f in merged["facts"] if f["status"] == "disputed"),
        "brief": merged["brief"], "timeline": merged["timeline"],
    }


def build_document(store: Store) -> dict[str, Any]:
    """The whole store as one newsfuse/1 document: events newest first."""
    events = [event_record(record, store) for record in store.events()]
    return {"schema": SCHEMA, "generator": f"newsfuse {__version__}",
            "articles": [article_record(a, store) for a in store.articles()],
            "events": events,
            "rejected": [r.model_dump() for r in store.rejections()]}


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
