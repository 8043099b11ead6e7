"""The cluster stage: online grouping of articles into events, in time order, with reasons."""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, ClassVar

from newsfuse.features import ArticleFeatures, rarity
from newsfuse.model import Assignment, EventChange, Reason, event_id_for
from newsfuse.store import EventRecord

MAX_EVENT_TERMS = 300
MAX_CANDIDATES = 40
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MAX_LISTED = 8  # article ids kept in an event's state, so that a merge can name what moved


@dataclass(frozen=True)
class GroupingConfig:
    """Weights of the grouping score, tuned on the tuning part of the ECB+ and news-stream dev
    sets (bench/tune_cluster.py; the held-out fifth was never used). See docs/grouping.md."""

    text: float = 0.8
    people: float = 0.3
    places: float = 0.05
    orgs: float = 0.1
    numbers: float = 0.05
    people_conflict: float = 0.3
    number_conflict: float = 0.05
    date_gap: float = 0.2
    date_gap_days: int = 20  # the date penalty is whole from this many days outside the event
    titles: float = 0.1
    years: float = 0.05
    year_conflict: float = 0.2
    weekday_conflict: float = 0.2
    agent_conflict: float = 0.2
    threshold: float = 0.25
    max_gap_days: int = 90
    max_span_days: int = 90  # an event's dates never spread wider than this; 0: no bound
    merge_threshold: float = 0.2
    merge_max_size: int = 4  # 0 turns repairs off


@dataclass(frozen=True)
class Summary:
    """What scoring reads from an event's whole state, computed once per change of that state:
    scoring an article against an event then costs what the article has, not what the event
    has gathered (large open events made every candidate score slower as a stream went on)."""

    norm: float  # length of the term centroid
    weights: dict[str, float]  # rarity weight of all people, places and orgs keys
    nouns: frozenset[str]  # what the event's numbers count
    leading: frozenset[str]  # people named often enough to be the event's own
    agents: dict[str, frozenset[str]]  # the event's lead doers ("offer|angels") by happening


@dataclass
class Scored:
    """One candidate event's score for an article, with the parts that made it."""

    event_id: str
    score: float
    reasons: list[Reason]


class OnlineGrouper:
    """Assign articles one at a time to the best-matching open event, or start a new one."""

    name: ClassVar[str] = "cluster.online.v1"
    requires: ClassVar[frozenset[str]] = frozenset({"terms", "entities", "quantities", "times",
                                                    "happenings"})
    provides: ClassVar[frozenset[str]] = frozenset({"event"})

    def __init__(self, config: GroupingConfig | None = None) -> None:
        self.config = config or GroupingConfig()
        self.events_: dict[str, EventRecord] = {}
        self.index_: dict[str, set[str]] = defaultdict(set)
        self.keys_: dict[str, set[str]] = defaultdict(set)
        self.closing_: list[tuple[str, str]] = []
        self.dirty_: set[str] = set()
        self.changes_: list[EventChange] = []
        self.removed_: list[str] = []
        self.touched_: set[str] = set()  # events grown since the last repair
        self.summaries_: dict[str, Summary] = {}
        self.spans_: dict[str, tuple[int, int]] = {}  # event days as ordinals, for _is_open

    def load(self, records: list[EventRecord]) -> OnlineGrouper:
        """Resume from stored events."""
        for record in records:
            self.events_[record.id] = record
            self._index(record)
        return self

    def refresh(self, changed: list[EventRecord], removed: list[str]) -> None:
        """Take in events another process wrote: replace changed ones, drop removed ones."""
        for event_id in [*removed, *(e.id for e in changed)]:
            if event_id in self.events_:
                self._forget(event_id)
        self.load(changed)
        self.touched_.update(e.id for e in changed)

    def partial_fit(self, features: ArticleFeatures, seq: int, title: str | None,
                    duplicate_event: str | None = None) -> Assignment:
        """Place one article; a near-duplicate joins its original's event."""
        if features.date:
            self._expire(features.date, seq)
        if duplicate_event and duplicate_event in self.events_:
            self._add(self.events_[duplicate_event], features, seq, title, count_features=False)
            return Assignment(article_id=features.article_id, event_id=duplicate_event,
                              score=1.0, new_event=False,
                              reasons=(Reason(kind="duplicate", value="copy of an earlier article",
                                              weight=1.0),))
        own = own_weights(features)
        ranked = sorted((self.score(features, self.events_[e], own)
                         for e in self.candidates(features)),
                        key=lambda s: (-s.score, s.event_id))
        best = ranked[0] if ranked else None
        runner = ranked[1] if len(ranked) > 1 else None
        if best is not None and best.score >= self.config.threshold:
            self._add(self.events_[best.event_id], features, seq, title)
            return Assignment(article_id=features.article_id, event_id=best.event_id,
                              score=round(best.score, 4), new_event=False,
                              reasons=tuple(best.reasons),
                              runner_up=runner.event_id if runner else None,
                              runner_up_score=round(runner.score, 4) if runner else None)
        record = self._start(features, seq, title)
        reasons = [Reason(kind="new", value="no open event matched", weight=0.0)]
        if best is not None:
            reasons.append(Reason(kind="closest", value=best.event_id, weight=round(best.score, 4)))
        return Assignment(article_id=features.article_id, event_id=record.id, score=0.0,
                          new_event=True, reasons=tuple(reasons),
                          runner_up=best.event_id if best else None,
                          runner_up_score=round(best.score, 4) if best else None)

    def candidates(self, features: ArticleFeatures) -> list[str]:
        """Open events that share an index key with the article, most shared keys first."""
        hits: dict[str, int] = defaultdict(int)
        for key in features.index_keys():
            for event_id in self.index_.get(key, ()):
                hits[event_id] += 1
        day = _ordinal(features.date) if features.date else None
        open_ids = [e for e in hits if self._is_open(e, day, day)
                    and _same_language(self.events_[e], features.language)]
        open_ids.sort(key=lambda e: (-hits[e], e))
        return open_ids[:MAX_CANDIDATES]

    def _expire(self, day: str, seq: int) -> None:
        """Forget events whose window closed before `day`: memory follows the active window.

        A small event gets a last repair as it leaves, against the events still around it.
        """
        horizon = (date.fromisoformat(day[:10]) - timedelta(days=self.config.max_gap_days))
        cutoff = horizon.isoformat()
        unwritten = []
        while self.closing_ and self.closing_[0][0] < cutoff:
            end, event_id = heapq.heappop(self.closing_)
            record = self.events_.get(event_id)
            if record is None or (record.end or "")[:10] != end:
                continue  # gone already, or it grew since and has a later entry
            if event_id in self.dirty_:
                unwritten.append((end, event_id))  # its new state is not written yet
                continue
            if record.n_articles > self.config.merge_max_size or not self._repair_one(record, seq):
                self._forget(event_id)
        for entry in unwritten:
            heapq.heappush(self.closing_, entry)

    def _is_open(self, event_id: str, first: int | None, last: int | None) -> bool:
        """Whether days `first` to `last` (ordinals) may join the event: they come within its
        open window, and the joined event's dates stay within `max_span_days` (else a topic that
        recurs every few weeks, such as one country's politics, chains into one event for ever)."""
        span = self.spans_.get(event_id)
        if first is None or last is None or span is None:
            return True
        gap = span[0] - last if last < span[0] else max(0, first - span[1])
        if gap > self.config.max_gap_days:
            return False
        limit = self.config.max_span_days
        return not limit or max(last, span[1]) - min(first, span[0]) <= limit

    def score(self, features: ArticleFeatures, record: EventRecord,
              own: dict[str, float] | None = None) -> Scored:
        """The match score of an article against one event, with its reasons; `own` is the
        article's `own_weights`, computed once for all its candidates."""
        state, cfg = record.state, self.config
        summary = self._summary(record)
        own = own if own is not None else own_weights(features)
        reasons: list[Reason] = []
        text, shared_terms = _cosine(features.terms, state["terms"], summary.norm)
        total = cfg.text * text
        reasons.append(Reason(kind="terms", value=", ".join(shared_terms), weight=cfg.text * text))
        for kind, weight, mine in (("people", cfg.people, features.people),
                                   ("places", cfg.places, features.places),
                                   ("orgs", cfg.orgs, features.orgs)):
            overlap, shared = _overlap(mine, state[kind], summary.weights[kind], own[kind])
            total += weight * overlap
            if shared:
                names = [mine[k] for k in shared]
                reasons.append(Reason(kind=kind, value=", ".join(names), weight=weight * overlap))
        total += self._titles(features, state, reasons)
        total += self._numbers(features, state, summary, reasons)
        total += self._years(features, state, reasons)
        total -= self._people_conflict(features, state, summary, reasons)
        total -= self._weekday_conflict(features, state, reasons)
        total -= self._agent_conflict(features, summary, reasons)
        total -= self._date_penalty(features, record, reasons)
        reasons.sort(key=lambda r: -abs(r.weight))
        rounded = [Reason(kind=r.kind, value=r.value, weight=round(r.weight, 4)) for r in reasons]
        return Scored(record.id, total, rounded[:6])

    def _summary(self, record: EventRecord) -> Summary:
        """The event's summary, made again after each change of its state (see `_index`)."""
        found = self.summaries_.get(record.id)
        if found is None:
            state = record.state
            found = Summary(
                norm=math.sqrt(sum(w * w for w in state["terms"].values())),
                weights={kind: _weight(state[kind]) for kind in ("people", "places", "orgs")},
                nouns=frozenset(q.split(":")[0] for q in state["quantities"]),
                leading=frozenset(k for k, c in state["people"].items()
                                  if c >= 2 * max(1, state["n"]) ** 0.5),
                agents=_by_happening(state.get("agents", {})))
            self.summaries_[record.id] = found
        return found

    def _numbers(self, features: ArticleFeatures, state: dict[str, Any], summary: Summary,
                 reasons: list[Reason]) -> float:
        theirs = state["quantities"]
        shared = sorted(q for q in features.quantities if q in theirs)
        nouns = summary.nouns
        conflicts = sorted(q for q in features.quantities
                           if q not in theirs and q.split(":")[0] in nouns)
        value = self.config.numbers * min(1.0, len(shared) / 2)
        penalty = self.config.number_conflict * min(1.0, len(conflicts) / 2)
        if shared:
            reasons.append(Reason(kind="numbers", value=", ".join(shared), weight=value))
        if conflicts:
            reasons.append(Reason(kind="numbers_differ", value=", ".join(conflicts),
                                  weight=-penalty))
        return value - penalty

    def _titles(self, features: ArticleFeatures, state: dict[str, Any],
                reasons: list[Reason]) -> float:
        """Dated news only: the rarity-weighted share of the headline's uncommon words that the
        event's headlines use too (undated sets such as ECB+ carry no headlines)."""
        theirs = state.get("titles", {})
        if not self.config.titles or not features.date or not features.title_terms or not theirs:
            return 0.0
        shared = sorted(w for w in features.title_terms if w in theirs)
        whole = sum(rarity(w) for w in features.title_terms)
        if not shared or not whole:
            return 0.0
        value = self.config.titles * sum(rarity(w) for w in shared) / whole
        reasons.append(Reason(kind="titles", value=", ".join(shared), weight=value))
        return value

    def _years(self, features: ArticleFeatures, state: dict[str, Any],
               reasons: list[Reason]) -> float:
        """Years the text names: shared ones support, wholly different ones oppose."""
        theirs = state.get("years", {})
        if not features.years or not theirs:
            return 0.0
        shared = sorted(features.years & set(theirs))
        if shared:
            reasons.append(Reason(kind="years", value=", ".join(shared), weight=self.config.years))
            return self.config.years
        value = ", ".join(sorted(features.years))
        reasons.append(Reason(kind="years_differ", value=value,
                              weight=-self.config.year_conflict))
        return -self.config.year_conflict

    def _weekday_conflict(self, features: ArticleFeatures, state: dict[str, Any],
                          reasons: list[Reason]) -> float:
        """Both undated sides name weekdays, and none of the article's is among the event's."""
        days = state.get("weekdays", {})
        if not features.weekdays or not days or features.weekdays & set(days):
            return 0.0
        penalty = self.config.weekday_conflict
        names = ", ".join(DAY_NAMES[int(d) - 1] for d in sorted(features.weekdays))
        reasons.append(Reason(kind="weekdays_differ", value=names, weight=-penalty))
        return penalty

    def _agent_conflict(self, features: ArticleFeatures, summary: Summary,
                        reasons: list[Reason]) -> float:
        """Both sides name who did the same lead happening, and no one in common ("the Angels
        offered" against "the Red Sox offered")."""
        theirs = summary.agents
        if not features.agents or not theirs or not self.config.agent_conflict:
            return 0.0
        for trigger, mine in sorted(_by_happening(features.agents).items()):
            named = theirs.get(trigger, frozenset())
            if named and not mine.intersection(named):
                penalty = self.config.agent_conflict
                who = ", ".join(sorted(k.split("|", 1)[1] for k in mine))
                reasons.append(Reason(kind="agents_differ", value=f"{trigger}: {who}",
                                      weight=-penalty))
                return penalty
        return 0.0

    def _people_conflict(self, features: ArticleFeatures, state: dict[str, Any],
                         summary: Summary, reasons: list[Reason]) -> float:
        """Each side's leading people (named twice or more) are absent from the other side."""
        mine = {k for k, c in features.person_counts.items() if c >= 2}
        theirs = summary.leading
        newcomers = {k for k in mine if k not in state["people"]}
        missing = theirs - set(features.people)
        if not newcomers or not missing:
            return 0.0
        share = min(len(newcomers) / len(mine), len(missing) / len(theirs))
        penalty = self.config.people_conflict * share
        names = ", ".join(sorted(features.people[k] for k in newcomers))
        reasons.append(Reason(kind="people_differ", value=names, weight=-penalty))
        return penalty

    def _date_penalty(self, features: ArticleFeatures, record: EventRecord,
                      reasons: list[Reason]) -> float:
        if not features.date or not record.start or not record.end:
            return 0.0
        gap = _gap_days(features.date, record.start, record.end)
        if gap <= 1:
            return 0.0
        penalty = self.config.date_gap * min(1.0, gap / self.config.date_gap_days)
        reasons.append(Reason(kind="date_gap", value=f"{gap} days", weight=-penalty))
        return penalty

    def _start(self, features: ArticleFeatures, seq: int, title: str | None) -> EventRecord:
        state: dict[str, Any] = {"terms": {}, "people": {}, "names": {}, "places": {}, "orgs": {},
                                 "quantities": {}, "n": 0}
        if features.language:  # events are kept apart by language: reports in two are two events
            state["language"] = features.language
        record = EventRecord(id=event_id_for(features.article_id), title=title, start=None,
                             end=None, n_articles=0, first_seq=seq, last_seq=seq, state=state)
        self.events_[record.id] = record
        self._add(record, features, seq, title)
        return record

    def _add(self, record: EventRecord, features: ArticleFeatures, seq: int, title: str | None,
             count_features: bool = True) -> None:
        state = record.state
        record.n_articles += 1
        record.last_seq = max(record.last_seq, seq)
        record.title = record.title or title
        if features.date:
            record.start = min(record.start or features.date, features.date)
            record.end = max(record.end or features.date, features.date)
        fresh: set[str] = set()
        if count_features:
            _merge_features(state, features)
            fresh = {f"p:{k}" for k in features.person_counts} | {
                f"o:{k}" for k in features.orgs} | {f"g:{k}" for k in features.places}
        listed = state.setdefault("articles", [])
        if len(listed) < MAX_LISTED:
            listed.append(features.article_id)
        self._index(record, fresh)
        self.dirty_.add(record.id)
        self.touched_.add(record.id)

    def _index(self, record: EventRecord, fresh: set[str] | None = None) -> None:
        """Index the event's keys; its state changed (or is new), so its summary is stale.
        `fresh` holds the entity keys one article added; None indexes them all (keys are only
        ever added, so the two give one index, and a large event's growth costs little)."""
        self.summaries_.pop(record.id, None)
        if record.start and record.end:
            self.spans_[record.id] = (_ordinal(record.start), _ordinal(record.end))
        state = record.state
        keys = fresh
        if keys is None:
            keys = {f"p:{k}" for k in state["people"]} | {f"o:{k}" for k in state["orgs"]}
            keys |= {f"g:{k}" for k in state["places"]}
        terms = state["terms"]
        keys |= {f"t:{t}" for t in heapq.nlargest(40, terms, key=terms.__getitem__)}
        for key in keys:
            self.index_[key].add(record.id)
        self.keys_[record.id] |= keys
        if record.end:
            heapq.heappush(self.closing_, (record.end[:10], record.id))

    def repair(self, seq: int) -> None:
        """Rescore each small open event against the grown events around it; merge a match.

        The runner calls this after each window of articles, so an article that arrived before
        its event had taken shape does not stay alone (it lowers order sensitivity).
        """
        small = sorted((self.events_[e] for e in self._repair_set()),
                       key=lambda r: (r.n_articles, r.first_seq, r.id))
        for record in small:
            if record.id in self.events_:  # not merged into another earlier in this pass
                self._repair_one(record, seq)

    def _repair_one(self, record: EventRecord, seq: int) -> bool:
        """Merge one small event into the best grown event it matches; True if it was merged."""
        features = as_features(record)
        own = own_weights(features)
        scored = [self.score(features, self.events_[e], own)
                  for e in self._neighbours(features, record)]
        best = max(scored, key=lambda s: (s.score, s.event_id), default=None)
        if best is None or best.score < self.config.merge_threshold:
            return False
        self._merge(self.events_[best.event_id], record, best, seq)
        return True

    def _repair_set(self) -> set[str]:
        """Small events whose match may have changed: grown ones and those near a grown one.

        Scores depend only on the two events' states, so pairs that did not change need no
        second look: the cost follows the window's articles, not the store's size.
        """
        limit = self.config.merge_max_size
        touched = sorted(e for e in self.touched_ if e in self.events_)
        self.touched_.clear()
        found = {e for e in touched if self.events_[e].n_articles <= limit}
        for event_id in touched:
            nearby = self.candidates(as_features(self.events_[event_id]))
            found.update(e for e in nearby if self.events_[e].n_articles <= limit)
        return found

    def _neighbours(self, features: ArticleFeatures, record: EventRecord) -> list[str]:
        """Candidate events at least as large as `record`, for a repair merge."""
        first = _ordinal(record.start) if record.start else None
        last = _ordinal(record.end) if record.end else None
        return [e for e in self.candidates(features) if e != record.id
                and self.events_[e].n_articles >= record.n_articles
                and self._is_open(e, first, last)]

    def _merge(self, record: EventRecord, other: EventRecord, scored: Scored, seq: int) -> None:
        listed = other.state.get("articles", [])
        self.changes_.append(EventChange(
            kind="merge", event_id=record.id, other_id=other.id, score=round(scored.score, 4),
            reasons=tuple(scored.reasons), article_ids=tuple(listed), at_seq=seq))
        _merge_states(record.state, other.state)
        record.n_articles += other.n_articles
        record.first_seq = min(record.first_seq, other.first_seq)
        record.last_seq = max(record.last_seq, other.last_seq)
        for day in (other.start, other.end):
            if day:
                record.start = min(record.start or day, day)
                record.end = max(record.end or day, day)
        self._forget(other.id)
        self.removed_.append(other.id)
        self.dirty_.discard(other.id)
        self._index(record)
        self.dirty_.add(record.id)
        self.touched_.add(record.id)

    def _forget(self, event_id: str) -> None:
        """Drop an event from memory and from the candidate index."""
        self.summaries_.pop(event_id, None)
        self.spans_.pop(event_id, None)
        for key in self.keys_.pop(event_id, ()):
            postings = self.index_.get(key)
            if postings is not None:
                postings.discard(event_id)
                if not postings:
                    del self.index_[key]
        del self.events_[event_id]

    def take_changes(self) -> tuple[list[EventChange], list[str]]:
        """Merges since the last call and the ids of the events they removed, for the runner."""
        changes, removed = self.changes_, self.removed_
        self.changes_, self.removed_ = [], []
        return changes, removed

    def take_dirty(self) -> list[EventRecord]:
        """Events changed since the last call, for the runner to write."""
        changed = [self.events_[e] for e in sorted(self.dirty_)]
        self.dirty_.clear()
        return changed


def _merge_features(state: dict[str, Any], features: ArticleFeatures) -> None:
    terms = state["terms"]
    for term, weight in features.terms.items():
        terms[term] = terms.get(term, 0.0) + weight
    if len(terms) > MAX_EVENT_TERMS:
        kept = sorted(terms, key=lambda t: (-terms[t], t))[:MAX_EVENT_TERMS]
        state["terms"] = {t: round(terms[t], 5) for t in kept}
    for kind, found in (("people", features.person_counts), ("places", features.places),
                        ("orgs", features.orgs)):
        bucket = state[kind]
        for key, value in found.items():
            bucket[key] = bucket.get(key, 0) + (value if isinstance(value, int) else 1)
    state["names"].update({k: v for k, v in features.people.items() if k not in state["names"]})
    for quantity in features.quantities:
        state["quantities"][quantity] = state["quantities"].get(quantity, 0) + 1
    years = state.setdefault("years", {})
    for year in features.years:
        years[year] = years.get(year, 0) + 1
    for kind, keys in (("weekdays", features.weekdays), ("agents", features.agents),
                       ("titles", features.title_terms)):
        bucket = state.setdefault(kind, {})
        for key in keys:
            bucket[key] = bucket.get(key, 0) + 1
    state["n"] = state.get("n", 0) + 1


def _merge_states(state: dict[str, Any], other: dict[str, Any]) -> None:
    """Add another event's feature state into `state`."""
    terms = state["terms"]
    for term, weight in other["terms"].items():
        terms[term] = terms.get(term, 0.0) + weight
    if len(terms) > MAX_EVENT_TERMS:
        kept = sorted(terms, key=lambda t: (-terms[t], t))[:MAX_EVENT_TERMS]
        state["terms"] = {t: round(terms[t], 5) for t in kept}
    for kind in ("people", "places", "orgs", "quantities", "years", "weekdays", "agents",
                 "titles"):
        bucket = state.setdefault(kind, {})
        for key, count in other.get(kind, {}).items():
            bucket[key] = bucket.get(key, 0) + count
    state["names"].update({k: v for k, v in other["names"].items() if k not in state["names"]})
    listed = state.setdefault("articles", [])
    listed.extend(other.get("articles", [])[:max(0, MAX_LISTED - len(listed))])
    state["n"] = state.get("n", 0) + other.get("n", 0)


def as_features(record: EventRecord) -> ArticleFeatures:
    """A small event seen as one article, to score it against another event."""
    state = record.state
    weights = state["terms"]
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    people = {k: state["names"].get(k, k) for k in state["people"]}
    return ArticleFeatures(
        article_id=record.id, terms={t: w / norm for t, w in weights.items()}, people=people,
        orgs={k: k for k in state["orgs"]}, places={k: k for k in state["places"]},
        person_counts=dict(state["people"]), quantities=set(state["quantities"]),
        years=set(state.get("years", {})), date=record.start,
        weekdays=set(state.get("weekdays", {})), agents=set(state.get("agents", {})),
        title_terms=set(state.get("titles", {})), language=state.get("language"))


def _same_language(record: EventRecord, language: str | None) -> bool:
    """An article of a known language meets only events of that language (or of none known)."""
    theirs = record.state.get("language")
    return not language or not theirs or theirs == language


def _cosine(terms: dict[str, float], centroid: dict[str, float],
            norm: float) -> tuple[float, list[str]]:
    if not norm:
        return 0.0, []
    products = {t: w * centroid[t] for t, w in terms.items() if t in centroid}
    top = sorted(products, key=lambda t: (-products[t], t))[:5]
    return sum(products.values()) / norm, top


def _overlap(mine: dict[str, str], theirs: dict[str, int], their_weight: float,
             my_weight: float) -> tuple[float, list[str]]:
    """Rarity-weighted share of the smaller side's keys found on the other side."""
    if not mine or not theirs:
        return 0.0, []
    shared = sorted(k for k in mine if k in theirs)
    smaller = min(my_weight, their_weight)
    return (_weight(shared) / smaller if smaller else 0.0), shared


def _weight(keys: Iterable[str]) -> float:
    return sum(map(_key_rarity, keys))


@lru_cache(maxsize=400_000)
def _key_rarity(key: str) -> float:
    """An entity key's weight: the rarity of its last word ("lloyd austin" -> "austin")."""
    return rarity(key.split()[-1])


def own_weights(features: ArticleFeatures) -> dict[str, float]:
    """The rarity weight of an article's people, places and orgs keys, once per article."""
    return {"people": _weight(features.people), "places": _weight(features.places),
            "orgs": _weight(features.orgs)}


def _by_happening(agents: Iterable[str]) -> dict[str, frozenset[str]]:
    """Doer keys ("offer|angels") grouped by their happening ("offer")."""
    grouped: dict[str, set[str]] = defaultdict(set)
    for key in agents:
        grouped[key.split("|")[0]].add(key)
    return {trigger: frozenset(keys) for trigger, keys in grouped.items()}


def _ordinal(day: str) -> int:
    return date.fromisoformat(day[:10]).toordinal()


def _gap_days(day: str, start: str, end: str) -> int:
    """Days from `day` to the interval [start, end] (0 inside it)."""
    when, first, last = (date.fromisoformat(x[:10]) for x in (day, start, end))
    if when < first:
        return (first - when).days
    return max(0, (when - last).days)


ClusterStage = OnlineGrouper


def regroup(items: Iterable[tuple[ArticleFeatures, int, str | None, str | None]],
            config: GroupingConfig | None = None, window: int = 2000) -> dict[str, str]:
    """Replay online grouping over (features, seq, title, duplicate_of) in arrival order, with a
    repair after every `window` articles and at the end, as the pipeline runner does.

    Pure: used to tune and compare configurations on stored analyses without a spaCy pass.
    """
    grouper = OnlineGrouper(config)
    labels: dict[str, str] = {}
    merged_into: dict[str, str] = {}
    for features, seq, title, original in items:
        hint = final_event(merged_into, labels[original]) if original in labels else None
        labels[features.article_id] = grouper.partial_fit(features, seq, title, hint).event_id
        grouper.take_dirty()  # as if written, so that events can leave the window
        if len(labels) % window == 0:
            grouper.repair(seq)
        for change in grouper.take_changes()[0]:
            merged_into[change.other_id] = change.event_id
    grouper.repair(len(labels))
    for change in grouper.take_changes()[0]:
        merged_into[change.other_id] = change.event_id
    return {article: final_event(merged_into, event) for article, event in labels.items()}


def final_event(merged_into: dict[str, str], event_id: str) -> str:
    """The event an event id ended up in after merges."""
    while event_id in merged_into:
        event_id = merged_into[event_id]
    return event_id
