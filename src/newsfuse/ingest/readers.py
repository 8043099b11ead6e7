"""Readers that turn one input file into raw articles: text, HTML, JSON Lines, RSS/Atom."""

from __future__ import annotations

import gzip
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsfuse.errors import (
    REJECT_BINARY,
    REJECT_EMPTY,
    REJECT_NO_TEXT,
    REJECT_PARSE,
    REJECT_TOO_LARGE,
    REJECT_UNREADABLE,
)
from newsfuse.ingest.decode import decode_bytes, html_fragment_to_text, looks_binary, strip_controls
from newsfuse.model import RawArticle, Rejection, normalise_published

logger = logging.getLogger(__name__)

Item = RawArticle | Rejection
KNOWN_FIELDS = ("id", "url", "source", "title", "published", "author", "text", "html")
_HEADLINE_END = re.compile(r"[.!?:;,\"”’)]\s*$")


def reject(origin: str, code: str, reason: str, article_id: str | None = None) -> Rejection:
    """A rejection made while reading."""
    return Rejection(origin=origin, stage="ingest", code=code, reason=reason, article_id=article_id)


def read_bytes(path: Path, max_bytes: int) -> bytes | Rejection:
    """The file's bytes, or a rejection when it is unreadable, empty, too large or binary."""
    origin = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return reject(origin, REJECT_TOO_LARGE, f"file is {size:,} bytes, over the limit of "
                          f"{max_bytes:,}")
        data = path.read_bytes()
    except OSError as exc:
        return reject(origin, REJECT_UNREADABLE, f"cannot read file: {exc.strerror or exc}")
    if path.suffix == ".gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            return reject(origin, REJECT_UNREADABLE, f"not a valid gzip file: {exc}")
    if not data.strip():
        return reject(origin, REJECT_EMPTY, "file is empty")
    if looks_binary(data):
        return reject(origin, REJECT_BINARY, "file is binary, not text")
    return data


def fields_from(obj: dict[str, Any]) -> dict[str, Any]:
    """Split an input object into known article fields and metadata (unknown fields)."""
    known = {k: obj[k] for k in KNOWN_FIELDS if obj.get(k) not in (None, "")}
    for key in ("id", "url", "source", "title", "author"):
        if key in known:
            known[key] = str(known[key]).strip()
    published = obj.get("published")
    known["published"] = normalise_published(str(published)) if published else None
    known["metadata"] = {k: v for k, v in obj.items() if k not in KNOWN_FIELDS}
    return known


def read_text_file(path: Path, data: bytes, defaults: dict[str, Any]) -> Item:
    """A .txt/.md article, with metadata from its sidecar NAME.json or the defaults."""
    text, _ = decode_bytes(data)
    text = strip_controls(text)
    meta = dict(defaults)
    sidecar = path.with_suffix(".json")
    if sidecar.is_file():
        try:
            loaded = json.loads(decode_bytes(sidecar.read_bytes())[0])
            if isinstance(loaded, dict):
                meta.update({k: v for k, v in loaded.items() if v not in (None, "")})
        except (OSError, ValueError) as exc:
            logger.warning("ignoring unreadable sidecar %s: %s", sidecar, exc)
    fields = fields_from(meta)
    if not fields.get("title"):
        title, text = split_headline(text, markdown=path.suffix.lower() in (".md", ".markdown"))
        if title:
            fields["title"] = title
    fields.pop("html", None)
    fields["text"] = text
    return RawArticle(origin=str(path), **fields)


def split_headline(text: str, markdown: bool = False) -> tuple[str | None, str]:
    """Take a headline off the top of a plain-text article when the first line is one."""
    lines = text.lstrip("\ufeff\n ").split("\n")
    first = lines[0].strip() if lines else ""
    if markdown and first.startswith("#"):
        return first.lstrip("#").strip() or None, "\n".join(lines[1:])
    words = first.split()
    from newsfuse.clean import classify_line

    if classify_line(first) not in (None, "headline"):
        return None, text
    if 3 <= len(words) <= 30 and not _HEADLINE_END.search(first) and len(lines) > 1:
        return first, "\n".join(lines[1:])
    return None, text


def read_html_file(path: Path, data: bytes, defaults: dict[str, Any], max_chars: int) -> Item:
    """An HTML page, extracted with trafilatura (body, title, date, author)."""
    html, _ = decode_bytes(data)
    return html_article(str(path), html, fields_from(defaults), max_chars)


def html_article(origin: str, html: str, fields: dict[str, Any], max_chars: int) -> Item:
    """Extract an article from HTML; fields already known win over what the page says."""
    extracted = extract_html(html)
    if isinstance(extracted, str):
        return reject(origin, REJECT_PARSE, extracted, fields.get("id"))
    text = strip_controls(extracted.get("text") or "")
    if not text.strip():
        return reject(origin, REJECT_NO_TEXT, "no article text found in the HTML", fields.get("id"))
    if len(text) > max_chars:
        return reject(origin, REJECT_TOO_LARGE, f"extracted text is {len(text):,} characters, "
                      f"over the limit of {max_chars:,}", fields.get("id"))
    merged = {k: v for k, v in fields.items() if k != "html"}
    for key, page_key in (("title", "title"), ("author", "author"), ("source", "sitename"),
                          ("url", "url")):
        if not merged.get(key) and extracted.get(page_key):
            merged[key] = str(extracted[page_key])
    if not merged.get("published") and extracted.get("date"):
        merged["published"] = normalise_published(str(extracted["date"]))
    merged["text"] = text
    return RawArticle(origin=origin, **merged)


def extract_html(html: str) -> dict[str, Any] | str:
    """Run trafilatura on a page; a string result is the reason it failed."""
    import trafilatura

    try:
        document = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=True,
            deduplicate=False, favor_precision=False)
    except RecursionError:
        return "HTML is nested too deeply to parse"
    except Exception as exc:  # trafilatura and lxml raise many types on hostile markup
        return f"HTML could not be parsed: {type(exc).__name__}"
    if document is None:
        return "no article text found in the HTML"
    result = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    wanted = ("title", "author", "date", "text", "sitename", "url")
    return {k: result[k] for k in wanted if isinstance(result.get(k), str) and result[k]}


def read_jsonl(path: Path, data: bytes, defaults: dict[str, Any], max_chars: int) -> Iterator[Item]:
    """Articles from JSON Lines (or a .json array); a bad line is rejected, the rest go on."""
    text, _ = decode_bytes(data)
    stripped = text.lstrip()
    if path.suffix.lower() == ".json" and stripped.startswith("["):
        try:
            rows = json.loads(stripped)
        except ValueError as exc:
            yield reject(str(path), REJECT_PARSE, f"invalid JSON: {exc}")
            return
        for number, obj in enumerate(rows, 1):
            yield from _json_item(f"{path}:{number}", obj, defaults, max_chars)
        return
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        origin = f"{path}:{number}"
        try:
            obj = json.loads(line)
        except ValueError as exc:
            yield reject(origin, REJECT_PARSE, f"line {number} is not valid JSON: {exc.args[0]}")
            continue
        yield from _json_item(origin, obj, defaults, max_chars)


def _json_item(origin: str, obj: Any, defaults: dict[str, Any], max_chars: int) -> Iterator[Item]:
    if not isinstance(obj, dict):
        yield reject(origin, REJECT_PARSE, "a JSON line must be an object with 'text' or 'html'")
        return
    fields = fields_from({**defaults, **obj})
    article_id = fields.get("id")
    if fields.get("text"):
        body = strip_controls(str(fields["text"]))
        if len(body) > max_chars:
            yield reject(origin, REJECT_TOO_LARGE, f"text is {len(body):,} characters, over the "
                         f"limit of {max_chars:,}", article_id)
            return
        fields.pop("html", None)
        yield RawArticle(origin=origin, **{**fields, "text": body})
    elif fields.get("html"):
        yield html_article(origin, str(fields["html"]), fields, max_chars)
    else:
        yield reject(origin, REJECT_NO_TEXT, "the object has neither 'text' nor 'html'", article_id)


def read_feed(path: Path, data: bytes, defaults: dict[str, Any], max_chars: int) -> Iterator[Item]:
    """Articles from an RSS/Atom file: entries with full content; summaries alone are refused."""
    import feedparser

    parsed = feedparser.parse(data)
    if not parsed.entries:
        reason = "no feed entries found"
        if parsed.get("bozo"):
            reason += f" ({type(parsed.get('bozo_exception')).__name__})"
        yield reject(str(path), REJECT_PARSE, reason)
        return
    site = parsed.feed.get("title")
    for number, entry in enumerate(parsed.entries, 1):
        source = defaults.get("source") or site
        yield _feed_item(path, number, entry, {**defaults, "source": source}, max_chars)


def _feed_item(path: Path, number: int, entry: Any, defaults: dict[str, Any],
               max_chars: int) -> Item:
    link = entry.get("link")
    origin = link or f"{path}:{number}"
    contents = [c.get("value", "") for c in entry.get("content", [])]
    body = html_fragment_to_text(max(contents, key=len)) if contents else ""
    summary = html_fragment_to_text(entry.get("summary", "")) if not body else ""
    text = body or summary
    if len(text.split()) < 60:
        return reject(origin, REJECT_NO_TEXT, "feed entry carries no full article text")
    if len(text) > max_chars:
        return reject(origin, REJECT_TOO_LARGE, f"entry text is {len(text):,} characters")
    obj = {**defaults, "url": link, "title": entry.get("title"),
           "published": entry.get("published") or entry.get("updated"),
           "author": entry.get("author"), "id": None}
    fields = fields_from(obj)
    fields.pop("html", None)
    guid = entry.get("id")
    if guid:
        fields["metadata"] = {**fields["metadata"], "guid": guid}
    return RawArticle(origin=origin, **{**fields, "text": strip_controls(text)})
