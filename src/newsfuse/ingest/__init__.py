"""The ingest stage: find input files and turn them into raw articles or rejections."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsfuse.errors import REJECT_UNREADABLE, REJECT_UNSUPPORTED, UsageError
from newsfuse.ingest.decode import looks_binary
from newsfuse.ingest.readers import (
    Item,
    read_bytes,
    read_feed,
    read_html_file,
    read_jsonl,
    read_text_file,
    reject,
)
from newsfuse.model import normalise_published

logger = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
FEED_SUFFIXES = {".xml", ".rss", ".atom"}
WARC_SUFFIXES = {".warc"}
DOC_NAMES = frozenset({"readme", "license", "licence", "changelog", "notice", "contributing"})
ARTICLE_SUFFIXES = (TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | FEED_SUFFIXES | WARC_SUFFIXES
                    | {".json"})


@dataclass(frozen=True)
class InputOptions:
    """Defaults and limits for reading inputs."""

    source: str | None = None
    published: str | None = None
    max_file_bytes: int = 10_000_000
    max_article_chars: int = 300_000

    def defaults(self) -> dict[str, Any]:
        """Metadata applied to articles that do not carry their own."""
        values: dict[str, Any] = {}
        if self.source:
            values["source"] = self.source
        if self.published:
            values["published"] = normalise_published(self.published)
        return values


def read_inputs(paths: Iterable[str | Path], options: InputOptions | None = None) -> Iterator[Item]:
    """Yield raw articles and rejections from files and folders (recursive), in a stable order."""
    options = options or InputOptions()
    for path in paths:
        path = Path(path)
        if not path.exists():
            raise UsageError(f"input not found: {path}.", hint="check the path")
        for file in discover(path):
            yield from read_file(file, options, explicit=file == path)


def discover(path: Path) -> Iterator[Path]:
    """The article files under a path, sorted; sidecar .json files are left to their article."""
    if path.is_file():
        yield path
        return
    files: list[Path] = []
    for root, dirs, names in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        files.extend(Path(root) / n for n in names
                     if not n.startswith(".") and n.split(".")[0].lower() not in DOC_NAMES)
    stems = {f.with_suffix("") for f in files if f.suffix.lower() in ARTICLE_SUFFIXES - {".json"}}
    for file in sorted(files):
        suffix = _suffix(file)
        if suffix == ".json" and file.with_suffix("") in stems:
            continue  # a sidecar: read with its article
        if suffix in ARTICLE_SUFFIXES:
            yield file
        else:
            logger.info("skipping %s: not an article file type", file)


def _suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz" and len(suffixes) > 1:
        return suffixes[-2]
    return path.suffix.lower()


def read_file(path: Path, options: InputOptions, explicit: bool = False) -> Iterator[Item]:
    """Read one file with the reader its type asks for; never raises for bad content."""
    if _suffix(path) in WARC_SUFFIXES:
        from newsfuse.ingest.warc import read_warc

        # Streamed record by record: archives are far larger than the per-file limit.
        yield from read_warc(path, options.defaults(), options.max_article_chars,
                             options.max_file_bytes)
        return
    data = read_bytes(path, options.max_file_bytes)
    if not isinstance(data, bytes):
        yield data
        return
    suffix = _suffix(path) if _suffix(path) in ARTICLE_SUFFIXES else _sniff(data, explicit)
    defaults = options.defaults()
    try:
        if suffix in TEXT_SUFFIXES:
            yield read_text_file(path, data, defaults)
        elif suffix in HTML_SUFFIXES:
            yield read_html_file(path, data, defaults, options.max_article_chars)
        elif suffix in JSONL_SUFFIXES or suffix == ".json":
            yield from read_jsonl(path, data, defaults, options.max_article_chars)
        elif suffix in FEED_SUFFIXES:
            yield from read_feed(path, data, defaults, options.max_article_chars)
        else:
            yield reject(str(path), REJECT_UNSUPPORTED, "not a supported article file type")
    except (ValueError, TypeError, RecursionError, MemoryError) as exc:
        yield reject(str(path), REJECT_UNREADABLE, f"could not read: {type(exc).__name__}: {exc}")


def _sniff(data: bytes, explicit: bool) -> str:
    head = data[:2048].lstrip().lower()
    if looks_binary(data) or not explicit:
        return ""
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return ".html"
    if head.startswith((b"<?xml", b"<rss", b"<feed")):
        return ".xml"
    if head.startswith(b"{"):
        return ".jsonl"
    return ".txt"
