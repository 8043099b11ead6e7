"""The pipeline runner: read, clean, analyse, dedupe and group articles; the only store writer."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from newsfuse import clean, cluster, dedupe, nlp
from newsfuse.cluster import GroupingConfig, OnlineGrouper
from newsfuse.errors import (
    REJECT_EMPTY,
    REJECT_ID_CONFLICT,
    REJECT_LABELS,
    REJECT_NO_TEXT,
    REJECT_STAGE,
    StageError,
)
from newsfuse.features import EVENT_DAY_REACH, features_of
from newsfuse.ingest import InputOptions, read_inputs
from newsfuse.model import Analysis, Article, RawArticle, Rejection, content_hash, derive_article_id
from newsfuse.ray_engine import BatchRunner, make_runner
from newsfuse.store import Batch, Store

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int | None], None]
STAGES = (clean.CleanStage, dedupe.DedupeStage, nlp.NlpStage, cluster.ClusterStage)
MIN_WORDS = 3


@dataclass(frozen=True)
class PipelineSettings:
    """How a run reads, analyses and groups."""

    inputs: InputOptions = field(default_factory=InputOptions)
    grouping: GroupingConfig = field(default_factory=GroupingConfig)
    nlp_model: str | None = None
    workers: int = 0
    engine: str = "processes"  # or "ray" (newsfuse[ray]): where the per-article stages run
    ray_address: str | None = None  # ray://host:port of a running cluster; None = local Ray
    batch_size: int = 16
    sort_window: int = 2000
    min_recurring: int = 3
    parallel_from: int = 48


@dataclass
class IngestReport:
    """What an ingest run did."""

    added: int = 0
    skipped: int = 0
    duplicates: int = 0
    new_events: int = 0
    merges: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the terminal."""
        codes = Counter(r.code for r in self.rejected)
        detail = ", ".join(f"{n} {code} {REJECT_LABELS.get(code, '')}".rstrip()
                           for code, n in sorted(codes.items()))
        return (f"{self.added:,} ingested ({self.duplicates:,} duplicates), "
                f"{self.skipped:,} already stored, {self.new_events - self.merges:,} new events, "
                f"{len(self.rejected):,} rejected" + (f": {detail}" if detail else ""))


@dataclass
class Prepared:
    """A cleaned article waiting for analysis, with what the writer needs besides."""

    article: Article
    raw_hash: str
    line_keys: set[str]


def check_stages(stages: Sequence[type] = STAGES) -> None:
    """Fail at construction when a stage needs something no earlier stage provides."""
    available = {"raw_text"}
    for stage in stages:
        missing = set(getattr(stage, "requires", ())) - available
        if missing:
            name = getattr(stage, "name", stage.__name__)
            raise StageError(f"stage {name} needs {', '.join(sorted(missing))}, which no "
                             "earlier stage provides.")
        available |= set(getattr(stage, "provides", ()))


def ingest(paths: Iterable[str | Path], store: Store, settings: PipelineSettings | None = None,
           progress: Progress | None = None) -> IngestReport:
    """Ingest files and folders into the store; idempotent, one transaction per batch."""
    settings = settings or PipelineSettings()
    check_stages()
    return Runner(store, settings, progress).run(read_inputs(paths, settings.inputs))


def window_start(first_published: str | None, last_day: str | None,
                 config: GroupingConfig) -> str | None:
    """The first day a stored event may end on and still take this run's articles, whose
    earliest publication day is `first_published`, the store having reached `last_day`: events
    that ended earlier left the grouper's window (`OnlineGrouper._expire`), so a resumed run
    loads only the others and its memory follows the active window, not the store's history.
    None: load them all (no dated events, or undated articles, which every event stays open to).
    """
    if not last_day or not first_published:
        return None
    earliest = date.fromisoformat(first_published[:10]) - timedelta(days=EVENT_DAY_REACH)
    reach = min(earliest, date.fromisoformat(last_day[:10]))
    return (reach - timedelta(days=config.max_gap_days)).isoformat()


class Runner:
    """Drives the stages over windows of raw articles and commits each batch."""

    def __init__(self, store: Store, settings: PipelineSettings,
                 progress: Progress | None = None) -> None:
        self.store = store
        self.settings = settings
        self.progress = progress or _no_progress
        self.report = IngestReport()
        self.grouper = OnlineGrouper(settings.grouping)
        self.loaded = False  # the stored events are loaded with the first window (`_load`)
        self.seq = store.next_seq()
        self.mark = store.change_mark()
        self.runner: BatchRunner | None = None
        self.queued = 0

    def run(self, items: Iterable[RawArticle | Rejection]) -> IngestReport:
        """Process every item; rejections are recorded, never raised."""
        try:
            for window in _windows(items, self.settings.sort_window):
                self._window(window)
        finally:
            if self.runner is not None:
                self.runner.close()
        return self.report

    def _window(self, window: list[RawArticle | Rejection]) -> None:
        raws = [item for item in window if isinstance(item, RawArticle)]
        rejected = [item for item in window if isinstance(item, Rejection)]
        prepared = self._prepare(raws, rejected)
        if rejected:
            self.store.record_rejections(rejected)
            self.report.rejected.extend(rejected)
        self.progress("read", len(window), None)
        if not prepared:
            return
        if not self.loaded:
            self._load(prepared)
        self.queued += len(prepared)
        size = self.settings.batch_size
        batches = [prepared[i:i + size] for i in range(0, len(prepared), size)]
        runner = self._nlp(len(prepared))
        work = ([(p.article.id, p.article.text, p.article.title, p.article.published)
                 for p in batch] for batch in batches)
        for batch, analyses in zip(batches, runner.map(work), strict=True):
            with self.store.group_lock():  # other writers of a shared store wait here
                self._catch_up(batch)
                self.store.write_batch(self._group(batch, analyses))
                self.mark = self.store.change_mark()
            self.progress("analyse", len(batch), self.queued)
        with self.store.group_lock():
            self._catch_up([])
            self._repair()
            self.mark = self.store.change_mark()

    def _load(self, prepared: list[Prepared]) -> None:
        """Give the grouper the stored events the first window's articles may join (a window is
        in time order, so its first dated article is its earliest)."""
        first = next((p.article.published for p in prepared if p.article.published), None)
        dated_only = all(p.article.published for p in prepared)
        open_after = window_start(first if dated_only else None, self.store.last_event_day(),
                                  self.settings.grouping)
        self.grouper.load(list(self.store.event_states(open_after)))
        self.loaded = True

    def _catch_up(self, batch: list[Prepared]) -> None:
        """Take in what other processes wrote since our last write: their events and seqs."""
        mark = self.store.change_mark()
        if mark != self.mark:
            self.grouper.refresh(*self.store.events_changed_since(self.mark))
        shift = mark[0] + 1 - (batch[0].article.seq if batch else self.seq)
        for item in batch if shift > 0 else []:  # seqs others took since we numbered this batch
            item.article = item.article.model_copy(update={"seq": item.article.seq + shift})
        self.seq = max(self.seq, mark[0] + 1, batch[-1].article.seq + 1 if batch else 0)

    def _repair(self) -> None:
        """Merge the small events that the window's articles made match a grown event."""
        self.grouper.repair(self.seq)
        changes, removed = self.grouper.take_changes()
        if changes:
            self.store.write_batch(Batch(events=self.grouper.take_dirty(), changes=changes,
                                         removed_events=removed))
            self.report.merges += len(changes)

    def _nlp(self, count: int) -> BatchRunner:
        if self.runner is None:
            workers = self.settings.workers
            if self.settings.engine != "processes":  # the user asked for it: even for few articles
                self.runner = make_runner(self.settings.engine, self.settings.nlp_model, workers,
                                          self.settings.ray_address)
                return self.runner
            if workers == 0:
                import os

                workers = (os.cpu_count() or 1) if count >= self.settings.parallel_from else 1
            self.runner = nlp.NlpRunner(self.settings.nlp_model, workers)
        return self.runner

    def _prepare(self, raws: list[RawArticle], rejected: list[Rejection]) -> list[Prepared]:
        """Ids, idempotency, cleaning with the sources' recurring lines, and time order."""
        fresh = self._fresh(raws, rejected)
        recurring = self._recurring(fresh)
        prepared = []
        for raw, article_id, raw_hash, keys in fresh:
            source = raw.source or _domain(raw.url)
            result = clean.clean_text(raw.text or "", raw.title, recurring.get(source or "", ()))
            if len(result.text.split()) < MIN_WORDS:
                rejected.append(Rejection(origin=raw.origin, stage="clean", code=REJECT_NO_TEXT,
                                          reason="no article text left after cleaning",
                                          article_id=article_id))
                continue
            article = Article(id=article_id, origin=raw.origin, url=raw.url, source=source,
                              title=raw.title, published=raw.published,
                              author=raw.author or result.author, text=result.text,
                              removed=result.removed, metadata=raw.metadata,
                              content_hash=content_hash(result.text))
            prepared.append(Prepared(article, raw_hash, keys))
        prepared.sort(key=lambda p: (p.article.published is None, p.article.published or ""))
        for item in prepared:
            item.article = item.article.model_copy(update={"seq": self.seq})
            self.seq += 1
        return prepared

    def _fresh(self, raws: list[RawArticle],
               rejected: list[Rejection]) -> list[tuple[RawArticle, str, str, set[str]]]:
        """Articles not stored yet; an id reused for other text is rejected, not overwritten."""
        candidates = []
        for raw in raws:
            text = raw.text or ""
            if not text.strip():
                rejected.append(Rejection(origin=raw.origin, stage="ingest", code=REJECT_EMPTY,
                                          reason="article has no text", article_id=raw.id))
                continue
            candidates.append((raw, derive_article_id(raw, text), content_hash(text)))
        known = self.store.known_articles(c[1] for c in candidates)
        fresh, seen = [], dict(known)
        for raw, article_id, raw_hash in candidates:
            if article_id in seen:
                if seen[article_id] == raw_hash:
                    self.report.skipped += 1
                else:
                    rejected.append(Rejection(
                        origin=raw.origin, stage="ingest", code=REJECT_ID_CONFLICT,
                        reason=f"id {article_id!r} is already used by an article with other text",
                        article_id=article_id))
                continue
            seen[article_id] = raw_hash
            fresh.append((raw, article_id, raw_hash, clean.line_keys(raw.text or "")))
        return fresh

    def _recurring(self, fresh: list[tuple[RawArticle, str, str, set[str]]]) -> dict[str, set[str]]:
        """Per source, the line keys found in at least `min_recurring` of its articles."""
        per_source: dict[str, Counter[str]] = {}
        for raw, _, _, keys in fresh:
            source = raw.source or _domain(raw.url)
            if source:
                per_source.setdefault(source, Counter()).update(keys)
        recurring = {}
        for source, counts in per_source.items():
            stored = self.store.source_line_counts(source, counts)
            total = {k: counts[k] + stored.get(k, 0) for k in counts}
            recurring[source] = {k for k, n in total.items() if n >= self.settings.min_recurring}
        return recurring

    def _group(self, batch: list[Prepared], analyses: list[Analysis | str]) -> Batch:
        """Dedupe and group one analysed batch into what the store must write."""
        out = Batch()
        local_events: dict[str, str] = {}
        local_keys: dict[str, set[tuple[int, int]]] = {}  # band keys of the batch's articles
        for item, analysis in zip(batch, analyses, strict=True):
            article = item.article
            if isinstance(analysis, str):
                out.rejections.append(Rejection(origin=article.origin, stage="nlp",
                                                code=REJECT_STAGE, reason=analysis,
                                                article_id=article.id))
                self.report.rejected.append(out.rejections[-1])
                continue
            keys = dedupe.band_keys(analysis.signature)
            original = self._original(article, analysis, out, set(keys), local_keys)
            if original:
                article = article.model_copy(update={"duplicate_of": original})
                self.report.duplicates += 1
            event_hint = local_events.get(original) if original else None
            if original and event_hint is None:
                stored = self.store.assignment(original)
                event_hint = stored.event_id if stored else None
            assignment = self.grouper.partial_fit(features_of(article, analysis), article.seq,
                                                  _title(article, analysis), event_hint)
            local_events[article.id] = assignment.event_id
            self.report.new_events += int(assignment.new_event)
            self.report.added += 1
            out.articles.append(article)
            out.analyses.append(analysis)
            out.assignments.append(assignment)
            out.bands.extend((b, k, article.id) for b, k in keys)
            local_keys[article.id] = set(keys)
            out.raw_hashes[article.id] = item.raw_hash
            if article.source:
                out.line_keys.setdefault(article.source, []).extend(sorted(item.line_keys))
        out.changes, out.removed_events = self.grouper.take_changes()
        out.events = self.grouper.take_dirty()
        return out

    def _original(self, article: Article, analysis: Analysis, out: Batch,
                  keys: set[tuple[int, int]], local_keys: dict[str, set[tuple[int, int]]],
                  ) -> str | None:
        """The earliest stored or batched article this one copies, if any.

        `keys` are the article's band keys, `local_keys` those of the batch's earlier articles.
        """
        for earlier in out.articles:
            if earlier.content_hash == article.content_hash:
                return earlier.duplicate_of or earlier.id
        exact = self.store.article_by_hash(article.content_hash)
        if exact is not None:
            return exact.duplicate_of or exact.id
        matches = dict(self.store.signatures(self.store.band_matches(keys)))
        matches.update({a.id: n.signature for a, n in zip(out.articles, out.analyses, strict=True)
                        if keys & local_keys[a.id]})
        best = [(dedupe.similarity(analysis.signature, sig), aid) for aid, sig in matches.items()]
        close = sorted(aid for score, aid in best if score >= dedupe.NEAR_DUPLICATE)
        if not close:
            return None
        copies = [self._known(aid, out) for aid in close]
        roots = {c.duplicate_of or c.id for c in copies}
        return min(roots, key=lambda aid: self._known(aid, out).seq)

    def _known(self, article_id: str, out: Batch) -> Article:
        """An article of this batch or of the store."""
        for earlier in out.articles:
            if earlier.id == article_id:
                return earlier
        return self.store.get_article(article_id)


def _no_progress(stage: str, count: int, total: int | None) -> None:
    """The progress callback used when nobody is watching."""


def _windows(items: Iterable[RawArticle | Rejection],
             size: int) -> Iterator[list[RawArticle | Rejection]]:
    window: list[RawArticle | Rejection] = []
    for item in items:
        window.append(item)
        if len(window) >= size:
            yield window
            window = []
    if window:
        yield window


def _domain(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).netloc.lower()
    return host.removeprefix("www.") or None


def _title(article: Article, analysis: Analysis) -> str:
    if article.title:
        return article.title
    if analysis.sentences:
        first = analysis.sentences[0]
        sentence = " ".join(article.text[first.start:first.end].split())
    else:
        sentence = " ".join(article.text.split()[:25])
    return sentence if len(sentence) <= 140 else sentence[:137].rsplit(" ", 1)[0] + "…"


def analyze(paths: Iterable[str | Path], output: str, settings: PipelineSettings | None = None,
            progress: Progress | None = None) -> IngestReport:
    """Run everything on a temporary store and write the report to `output`."""
    import tempfile

    from newsfuse.export import build_document, format_for, render
    from newsfuse.store import open_store

    fmt = format_for(output)
    with tempfile.TemporaryDirectory(prefix="newsfuse-") as folder:
        store = open_store(str(Path(folder) / "analyze.db"))
        try:
            report = ingest(paths, store, settings, progress)
            Path(output).write_text(render(build_document(store), fmt), encoding="utf-8")
        finally:
            store.close()
    return report
