"""Live feeds: poll RSS/Atom, fetch new entries' pages, extract them and ingest incrementally.

One poll of a feed: a conditional GET (ETag/Last-Modified), new entries queued as pending,
pending pages fetched (robots.txt, size and time limits, no private addresses), pages
extracted with trafilatura from the fetched HTML, the articles run through the pipeline, and
only then the feed's state saved. A crash between the last two steps re-fetches on restart and
ingest skips what it already has; it never loses an entry, because an entry leaves `pending`
only once its article (or its rejection) is in the store.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urljoin, urlsplit

from newsfuse.errors import REJECT_BINARY, FetchError, ParseError, UsageError
from newsfuse.ingest.decode import looks_binary
from newsfuse.ingest.fetch import Fetcher, FetchSettings, HttpStatus, is_transient
from newsfuse.ingest.readers import html_article
from newsfuse.ingest.watch_state import (
    FeedState,
    Pending,
    StateFile,
    feed_urls,
    parse_every,
    state_path_for,
)
from newsfuse.model import RawArticle, Rejection, derive_article_id, normalise_published
from newsfuse.pipeline import IngestReport, PipelineSettings, Runner, check_stages
from newsfuse.store import Store

logger = logging.getLogger(__name__)

FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/xml;q=0.9, "
               "text/xml;q=0.9, */*;q=0.5")
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
Item = RawArticle | Rejection


@dataclass(frozen=True)
class WatchOptions:
    """How often and how carefully feeds are polled."""

    every: float = 300.0
    fetch: FetchSettings = field(default_factory=FetchSettings)
    max_feed_bytes: int = 10_000_000
    max_pages_per_poll: int = 200
    max_attempts: int = 5
    max_backoff: float = 6 * 3600.0


@dataclass
class FeedResult:
    """What one poll of one feed did."""

    url: str
    status: str
    new_entries: int = 0
    added: int = 0
    skipped: int = 0
    rejected: int = 0
    retrying: int = 0
    error: str | None = None


@dataclass
class CycleReport:
    """What one pass over all feeds did."""

    feeds: list[FeedResult] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the terminal."""
        statuses = sorted({f.status for f in self.feeds})
        counts = ", ".join(f"{sum(f.status == s for f in self.feeds)} {s}" for s in statuses)
        total = {k: sum(getattr(f, k) for f in self.feeds)
                 for k in ("new_entries", "added", "skipped", "rejected", "retrying")}
        return (f"{len(self.feeds)} feeds ({counts or 'none due'}): {total['new_entries']} new "
                f"entries, {total['added']} ingested, {total['skipped']} already stored, "
                f"{total['rejected']} rejected, {total['retrying']} to retry")


@dataclass(frozen=True)
class Entry:
    """A feed entry reduced to what watching needs."""

    key: str
    url: str
    title: str | None
    published: str | None


class Watcher:
    """Polls a fixed list of feeds into one store, keeping state in a StateFile."""

    def __init__(self, feeds: Sequence[str], store: Store, state: StateFile,
                 options: WatchOptions | None = None, settings: PipelineSettings | None = None,
                 fetcher: Fetcher | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.feeds = list(feeds)
        self.store = store
        self.state = state
        self.options = options or WatchOptions()
        self.settings = settings or PipelineSettings()
        self.fetcher = fetcher or Fetcher(self.options.fetch)
        self.clock = clock
        self._runner: Runner | None = None
        check_stages()

    def cycle(self) -> CycleReport:
        """Poll every feed that is due; a failing feed is recorded and the others go on."""
        report = CycleReport()
        self._runner = None  # re-read the grouping state each cycle: others may have written
        for url in self.feeds:
            feed = self.state.feed(url)
            if feed.next_poll > self.clock() and not self._due_pending(feed):
                continue
            report.feeds.append(self.poll(feed))
        return report

    def _ingest(self, items: list[Item]) -> IngestReport:
        """Run items through the pipeline: cleaned, deduplicated, analysed, grouped, stored."""
        if self._runner is None:
            self._runner = Runner(self.store, self.settings)
        self._runner.report = IngestReport()
        return self._runner.run(items)

    def poll(self, feed: FeedState) -> FeedResult:
        """Poll one feed, ingest its new pages, then save its state."""
        now = self.clock()
        result = FeedResult(feed.url, "backoff")
        fetched = None
        if feed.next_poll <= now:
            try:
                fetched = self.fetcher.get(feed.url, feed.etag, feed.last_modified, FEED_ACCEPT,
                                           self.options.max_feed_bytes)
                entries = [] if fetched.not_modified else parse_entries(fetched.content,
                                                                        fetched.url)
            except (FetchError, ParseError) as exc:
                self._failed(feed, exc, now, result)
                fetched = None
            else:
                result.status = "not_modified" if fetched.not_modified else "ok"
                result.new_entries = self._queue(feed, entries)
        items, done = self._fetch_pending(feed, now, result)
        if items:
            ingested = self._ingest(items)
            result.added += ingested.added
            result.skipped += ingested.skipped
            result.rejected += len(ingested.rejected)
        # The state is written only now that the articles are in the store.
        feed.mark_seen(done)
        if fetched is not None:
            feed.etag = fetched.etag or feed.etag
            feed.last_modified = fetched.last_modified or feed.last_modified
            feed.failures, feed.last_error = 0, None
            feed.next_poll = now + self.options.every
            feed.last_polled = now
        self.state.save()
        return result

    def _failed(self, feed: FeedState, error: Exception, now: float,
                result: FeedResult) -> None:
        """Record a feed failure and schedule the next poll with exponential backoff."""
        feed.failures += 1
        feed.last_error = f"{getattr(error, 'code', 'NF300')}: {error}"
        feed.last_polled = now
        wait = self._backoff(feed.failures, error)
        feed.next_poll = now + wait
        result.status, result.error = "failed", feed.last_error
        logger.warning("feed %s failed (%d in a row, next try in %.0f s): %s", feed.url,
                       feed.failures, wait, error)

    def _backoff(self, failures: int, error: Exception | None = None) -> float:
        wait = self.options.every * 2 ** min(failures - 1, 20)
        if isinstance(error, HttpStatus) and error.retry_after:
            wait = max(wait, error.retry_after)
        return float(min(wait, self.options.max_backoff))

    def _queue(self, feed: FeedState, entries: list[Entry]) -> int:
        """Add entries not seen before to the feed's pending pages; returns how many."""
        seen = set(feed.seen)
        new = 0
        for entry in entries:
            if entry.key in seen or entry.key in feed.pending:
                continue
            feed.pending[entry.key] = Pending(entry.key, entry.url, entry.title, entry.published)
            new += 1
        return new

    def _due_pending(self, feed: FeedState) -> bool:
        now = self.clock()
        return any(p.next_try <= now for p in feed.pending.values())

    def _fetch_pending(self, feed: FeedState, now: float,
                       result: FeedResult) -> tuple[list[Item], list[str]]:
        """Fetch the due pending pages: the items to ingest and the entry keys they settle."""
        due = [p for p in feed.pending.values() if p.next_try <= now]
        due = due[:self.options.max_pages_per_poll]
        ids = {p.key: entry_article_id(p.url) for p in due}
        known = self.store.known_articles(sorted(set(ids.values())))
        items: list[Item] = []
        done: list[str] = []
        for pending in due:
            if ids[pending.key] in known:
                result.skipped += 1
                done.append(pending.key)
                continue
            item = self._page(feed.url, pending, ids[pending.key], now)
            if item is None:
                result.retrying += 1
                continue
            items.append(item)
            done.append(pending.key)
        return items, done

    def _page(self, feed_url: str, pending: Pending, article_id: str, now: float) -> Item | None:
        """The article of one entry, a rejection, or None when it should be tried again."""
        try:
            page = self.fetcher.get(pending.url, accept=PAGE_ACCEPT)
        except FetchError as exc:
            if is_transient(exc) and pending.attempts + 1 < self.options.max_attempts:
                pending.attempts += 1
                pending.error = f"{exc.code}: {exc}"
                pending.next_try = now + self._backoff(pending.attempts, exc)
                logger.info("page %s failed (attempt %d), will retry: %s", pending.url,
                            pending.attempts, exc)
                return None
            logger.warning("page %s refused: %s", pending.url, exc)
            return Rejection(origin=pending.url, stage="fetch", code=exc.code,
                             reason=exc.message, article_id=article_id)
        if looks_binary(page.content):
            return Rejection(origin=page.url, stage="fetch", code=REJECT_BINARY,
                             reason="the page is binary, not HTML", article_id=article_id)
        fields: dict[str, Any] = {
            "id": article_id, "url": page.url, "title": pending.title,
            "published": pending.published, "source": host_source(page.url),
            "metadata": {"feed": feed_url, "entry": pending.key, "link": pending.url}}
        return html_article(page.url, page.text(), fields,
                            self.settings.inputs.max_article_chars)

    def next_due(self) -> float:
        """The earliest time at which a feed or a pending page is due."""
        times = [self.state.feed(u).next_poll for u in self.feeds]
        times += [p.next_try for u in self.feeds for p in self.state.feed(u).pending.values()]
        return min(times, default=self.clock() + self.options.every)


def watch(feeds: Sequence[str], store: Store, every: float = 300.0, allow_private: bool = False,
          once: bool = False, *, state: StateFile | None = None,
          settings: PipelineSettings | None = None, options: WatchOptions | None = None,
          fetcher: Fetcher | None = None, on_cycle: Callable[[CycleReport], None] | None = None,
          sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.time,
          max_cycles: int | None = None) -> CycleReport:
    """Poll feeds into the store every `every` seconds (once with `once`); returns the last cycle.

    Args:
        feeds: feed URLs (see `watch_state.feed_urls` for OPML files).
        store: the store the articles go into.
        every: seconds between polls of a feed.
        allow_private: allow private, loopback and link-local addresses (tests, intranets).
        once: poll every feed once and return.
        state: the state file; an in-memory state when None.
        settings: pipeline settings for the ingest.
        options: fetch limits and retry policy (`every` and `allow_private` override it).
        fetcher: a ready fetcher (tests); built from the options when None.
        on_cycle: called with each cycle's report.
        sleep: how to wait between cycles.
        clock: wall-clock seconds, for the schedule kept in the state.
        max_cycles: stop after this many cycles even without `once`.
    """
    options = options or WatchOptions()
    options = replace(options, every=every,
                      fetch=replace(options.fetch, allow_private=allow_private))
    state = state or StateFile(None)
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher(options.fetch)
    watcher = Watcher(feeds, store, state, options, settings, fetcher, clock)
    cycles = 0
    report = CycleReport()
    try:
        while True:
            report = watcher.cycle()
            cycles += 1
            if on_cycle is not None:
                on_cycle(report)
            if once or (max_cycles is not None and cycles >= max_cycles):
                return report
            sleep(min(max(watcher.next_due() - clock(), 1.0), every))
    finally:
        if own_fetcher:
            fetcher.close()


def run_watch(inputs: Sequence[str], db: str | None, every: str = "5m", once: bool = False,
              allow_private: bool = False, settings: PipelineSettings | None = None,
              on_cycle: Callable[[CycleReport], None] | None = None) -> CycleReport:
    """What `newsfuse watch` does: feeds from URLs/OPML, the store and its state file, the loop.

    Raises:
        UsageError: for a bad interval or feed list, or a second watcher on the same store.
    """
    from newsfuse.store import open_store, resolve_db

    urls, seconds = feed_urls(inputs), parse_every(every)
    if not urls:
        raise UsageError("no feed URLs given.", hint="pass feed URLs or an OPML file")
    store = open_store(db)
    state: StateFile | None = None
    try:
        state = StateFile(state_path_for(resolve_db(db)))
        return watch(urls, store, seconds, allow_private, once, state=state, settings=settings,
                     on_cycle=on_cycle)
    finally:
        if state is not None:
            state.close()
        store.close()


def parse_entries(content: bytes, base_url: str) -> list[Entry]:
    """The entries of an RSS/Atom document, links made absolute.

    Raises:
        ParseError: when the bytes are not a feed feedparser can read.
    """
    import feedparser

    # A stream, never bytes or str: feedparser treats those as a file name or a URL to open.
    parsed = feedparser.parse(io.BytesIO(content))
    if not parsed.entries and (parsed.get("bozo") or not parsed.get("version")):
        problem = parsed.get("bozo_exception")
        detail = f": {type(problem).__name__}" if problem is not None else ""
        raise ParseError(f"{base_url} is not a readable RSS or Atom feed{detail}.")
    entries = []
    for raw in parsed.entries:
        entry = _entry(raw, base_url)
        if entry is not None:
            entries.append(entry)
    return entries


def _entry(raw: Any, base_url: str) -> Entry | None:
    link = str(raw.get("link") or "").strip()
    url = urljoin(base_url, link) if link else ""
    if urlsplit(url).scheme not in ("http", "https"):
        logger.info("feed %s: skipping an entry without an http(s) link", base_url)
        return None
    key = str(raw.get("id") or "").strip() or url
    title = str(raw.get("title") or "").strip() or None
    return Entry(key, url, title, _published(raw))


def _published(raw: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed"):
        value = raw.get(key)
        if value:
            return normalise_published(time.strftime("%Y-%m-%dT%H:%M:%SZ", value))
    return normalise_published(raw.get("published") or raw.get("updated"))


def entry_article_id(url: str) -> str:
    """The article id an entry's page gets: derived from the entry's link, stable across runs."""
    return derive_article_id(RawArticle(origin=url, url=url), "")


def host_source(url: str) -> str | None:
    """The outlet name watch gives a page: its host without 'www.'."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.") or None

