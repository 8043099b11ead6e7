"""What `newsfuse watch` remembers between polls and restarts, its feed list and its interval.

The state is one small JSON file beside the store (`news.db.watch.json`), replaced atomically
and only after the articles of a poll are in the store. Losing it costs re-fetching, never
duplicates: article ids are derived from the entry link and re-ingesting is skipped by id.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from newsfuse.errors import UsageError

logger = logging.getLogger(__name__)

STATE_VERSION = 1
MAX_SEEN = 5000
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_EVERY = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd]?)")


@dataclass
class Pending:
    """A feed entry whose page is still to be fetched, with its retry schedule."""

    key: str
    url: str
    title: str | None = None
    published: str | None = None
    attempts: int = 0
    next_try: float = 0.0
    error: str | None = None


@dataclass
class FeedState:
    """One feed's conditional-GET validators, seen entries, pending pages and failures."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    seen: list[str] = field(default_factory=list)
    pending: dict[str, Pending] = field(default_factory=dict)
    failures: int = 0
    next_poll: float = 0.0
    last_polled: float | None = None
    last_error: str | None = None

    def mark_seen(self, keys: Iterable[str]) -> None:
        """Remember entries as done, keeping the newest MAX_SEEN keys."""
        known = set(self.seen)
        for key in keys:
            self.pending.pop(key, None)
            if key not in known:
                self.seen.append(key)
                known.add(key)
        del self.seen[:-MAX_SEEN]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeedState:
        """Rebuild from the JSON form; unknown keys are ignored."""
        pending = {k: Pending(**{f: v[f] for f in Pending.__dataclass_fields__ if f in v})
                   for k, v in sorted(data.get("pending", {}).items())}
        fields = {f: data[f] for f in cls.__dataclass_fields__ if f in data and f != "pending"}
        return cls(**{**fields, "pending": pending})


class StateFile:
    """The watch state of all feeds, loaded from and saved to one JSON file (or memory)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.feeds: dict[str, FeedState] = {}
        self._lock: IO[str] | None = None
        if path is not None:
            self._lock = _acquire(path.with_name(path.name + ".lock"))
            self.feeds = _load(path)

    def feed(self, url: str) -> FeedState:
        """The state of a feed, created on first use."""
        if url not in self.feeds:
            self.feeds[url] = FeedState(url)
        return self.feeds[url]

    def save(self) -> None:
        """Write the state atomically (temporary file, fsync, rename)."""
        if self.path is None:
            return
        data = {"version": STATE_VERSION,
                "feeds": {url: asdict(state) for url, state in sorted(self.feeds.items())}}
        folder = self.path.parent
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, delete=False,
                                         prefix=self.path.name + ".", suffix=".tmp") as out:
            json.dump(data, out, ensure_ascii=False, indent=1, sort_keys=True)
            out.flush()
            os.fsync(out.fileno())
        os.replace(out.name, self.path)

    def close(self) -> None:
        """Release the lock that keeps a second watcher off this state."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None


def state_path_for(db: str | None) -> Path | None:
    """The state file beside a SQLite store file; None for in-memory or server stores."""
    if not db or db == ":memory:" or "://" in db:
        return None
    return Path(db + ".watch.json")


def _load(path: Path) -> dict[str, FeedState]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {url: FeedState.from_dict(value) for url, value in data["feeds"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        # Starting afresh only costs re-fetching: ingest skips articles it already has.
        aside = path.with_name(path.name + ".bad")
        logger.warning("watch state %s is unreadable (%s); moved to %s, starting afresh",
                       path, exc, aside)
        with contextlib.suppress(OSError):
            os.replace(path, aside)
        return {}


def _acquire(path: Path) -> IO[str]:
    handle = path.open("a", encoding="utf-8")
    try:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except ImportError:  # no advisory locks on this platform: run one watcher at a time
        pass
    except OSError as exc:
        handle.close()
        raise UsageError(f"another 'newsfuse watch' is using {path.with_suffix('')}.",
                         hint="stop it first, or use another --db") from exc
    return handle


def parse_every(text: str) -> float:
    """Seconds in an interval such as '5m', '90s', '1h30m', '2d' or a bare number of seconds.

    Raises:
        UsageError: when the text is not an interval.
    """
    cleaned = text.strip().lower().replace(" ", "")
    parts = list(_EVERY.finditer(cleaned))
    if not parts or "".join(p.group(0) for p in parts) != cleaned:
        raise UsageError(f"not an interval: {text!r}.", hint="write it like 30s, 5m, 1h or 1h30m")
    seconds = sum(float(p.group(1)) * _UNITS[p.group(2) or "s"] for p in parts)
    if seconds < 1:
        raise UsageError(f"interval {text!r} is shorter than one second.")
    return seconds


def feed_urls(inputs: Iterable[str]) -> list[str]:
    """Feed URLs from plain URLs, OPML files and text files of URLs, in order, without repeats.

    Raises:
        UsageError: for an input that is neither a URL nor a readable feed list.
    """
    urls: list[str] = []
    for item in inputs:
        for url in _expand(item.strip()):
            if url not in urls:
                urls.append(url)
    return urls


def _expand(item: str) -> Iterator[str]:
    if re.match(r"https?://", item, re.IGNORECASE):
        yield item
        return
    path = Path(item)
    if not path.is_file():
        raise UsageError(f"not a feed URL or a file: {item}.",
                         hint="give http(s) URLs or an OPML file")
    data = path.read_bytes()
    if data.lstrip()[:1] == b"<":
        yield from opml_urls(data, str(path))
        return
    for line in data.decode("utf-8", errors="replace").splitlines():
        line = line.strip()
        if re.match(r"https?://", line, re.IGNORECASE):
            yield line


def opml_urls(data: bytes, name: str = "OPML") -> list[str]:
    """The xmlUrl of every outline of an OPML document, in document order.

    Raises:
        UsageError: when the document is not well-formed XML.
    """
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise UsageError(f"{name} is not valid OPML: {exc}.") from exc
    urls = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if url:
            urls.append(url)
    return urls
