"""WARC archives: replay a crawl's HTML responses as articles, deterministically.

Each `response` record with a 2xx HTML payload becomes an article: its URL is the record's
WARC-Target-URI (so its id is the one a live fetch of that URL gets), its text comes from
trafilatura, and its publication date is the page's own, else the capture date (WARC-Date),
which is only an upper bound. Requests, metadata, revisits, redirects and images are skipped.
A record that cannot be used is rejected with a reason and the next one is read; an archive
that breaks mid-way (bad gzip member, garbage) ends with one rejection for the rest of it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsfuse.errors import REJECT_BINARY, REJECT_TOO_LARGE, REJECT_UNREADABLE
from newsfuse.ingest.decode import decode_bytes, looks_binary
from newsfuse.ingest.readers import Item, fields_from, html_article, reject
from newsfuse.model import RawArticle, normalise_published

logger = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(path: Path, defaults: dict[str, Any], max_chars: int,
              max_record_bytes: int) -> Iterator[Item]:
    """Articles and rejections from a .warc or .warc.gz file, in record order.

    Args:
        path: the archive.
        defaults: metadata for records that do not carry their own (e.g. `source`).
        max_chars: the longest extracted text accepted.
        max_record_bytes: the largest HTTP payload read from one record.
    """
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:
        yield reject(str(path), REJECT_UNREADABLE, "reading WARC files needs the warcio package")
        return
    try:
        stream = path.open("rb")
    except OSError as exc:
        yield reject(str(path), REJECT_UNREADABLE, f"cannot read file: {exc.strerror or exc}")
        return
    with stream:
        head = stream.read(5)
        stream.seek(0)
        # warcio reads anything as an old-style ARC file; only WARC (plain or gzip) is ours.
        if head[:2] != b"\x1f\x8b" and head != b"WARC/":
            yield reject(str(path), REJECT_UNREADABLE, "not a WARC file (no WARC/ header)")
            return
        records = iter(ArchiveIterator(stream))
        number = 0
        while True:
            try:
                record = next(records)
            except StopIteration:
                return
            except Exception as exc:  # warcio, gzip and zlib raise many types on bad archives
                yield reject(f"{path}:{number + 1}", REJECT_UNREADABLE,
                             f"archive unreadable from record {number + 1} on: "
                             f"{type(exc).__name__}: {exc}")
                return
            number += 1
            if getattr(record, "format", "warc") != "warc":
                yield reject(f"{path}:{number}", REJECT_UNREADABLE,
                             f"record {number} is not a WARC record; ARC files are not read")
                return
            item = _record_item(record, f"{path}:{number}", defaults, max_chars,
                                max_record_bytes)
            if item is not None:
                yield item


def _record_item(record: Any, origin: str, defaults: dict[str, Any], max_chars: int,
                 max_record_bytes: int) -> Item | None:
    """The article (or rejection) of one record; None for records that are not pages."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    uri = (record.rec_headers.get_header("WARC-Target-URI") or "").strip() or None
    status = record.http_headers.get_statuscode() or ""
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    if not status.startswith("2") or not _is_html(content_type):
        logger.debug("%s: skipping %s (%s, %s)", origin, uri, status, content_type or "no type")
        return None
    fields = fields_from({**defaults, "url": uri})
    if record.rec_headers.get_header("WARC-Truncated"):
        return reject(origin, REJECT_TOO_LARGE, f"the crawler truncated the record of {uri}",
                      fields.get("id"))
    try:
        payload = record.content_stream().read(max_record_bytes + 1)
    except Exception as exc:  # a broken chunked or compressed payload, in any of its forms
        return reject(origin, REJECT_UNREADABLE,
                      f"payload of {uri} unreadable: {type(exc).__name__}: {exc}")
    if len(payload) > max_record_bytes:
        return reject(origin, REJECT_TOO_LARGE, f"payload of {uri} is over the limit of "
                      f"{max_record_bytes:,} bytes")
    if looks_binary(payload):
        return reject(origin, REJECT_BINARY, f"payload of {uri} is binary, not HTML")
    captured = normalise_published(record.rec_headers.get_header("WARC-Date"))
    fields["metadata"] = {**fields["metadata"], "warc_record_id":
                          record.rec_headers.get_header("WARC-Record-ID"), "captured": captured}
    item = html_article(origin, _decode(payload, content_type), fields, max_chars)
    if isinstance(item, RawArticle) and item.published is None and captured:
        item = item.model_copy(update={"published": captured})
    return item


def _is_html(content_type: str) -> bool:
    return any(content_type.startswith(kind) for kind in HTML_TYPES)


def _decode(payload: bytes, content_type: str) -> str:
    """Text of the payload: the declared charset when it works, else detection."""
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip() == "charset" and value.strip():
            try:
                return payload.decode(value.strip().strip("\"'"))
            except (LookupError, UnicodeDecodeError):
                break
    return decode_bytes(payload)[0]

