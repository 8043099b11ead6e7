"""Event digest: what an event's articles say, merged: actors, quotes, facts, timeline, brief."""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from newsfuse.brief import BriefDoc, build_brief
from newsfuse.compare import compare_claims, compare_dates
from newsfuse.extract.actors import merge_actors
from newsfuse.extract.happenings import event_date
from newsfuse.extract.kinds import event_type_of
from newsfuse.model import Analysis, Article, Claim, Fact, Happening

BRIEF_WORDS = 120
_DAY = re.compile(r"(?:\d{4}|XXXX)-(?:\d{2}-\d{2}|XX-\d{2}|WXX-\d)")
NUMBER_LINES = 4  # key numbers stated in the brief, disputed first
NEAR_CHARS = 30  # a country this close after a number is what the number is about
_IN_COUNTRY = re.compile(r"(?:\s+[\w-]+){1,2}\s+in\s+(?:the\s+)?")  # "900 troops in Syria"


def digest(articles: Sequence[Article], analyses: Mapping[str, Analysis | None],
           words: int = BRIEF_WORDS) -> dict[str, Any]:
    """The event's merged extractions in newsfuse/1 shape."""
    present = [a for a in articles if analyses.get(a.id) is not None]
    found = {a.id: analyses[a.id] for a in present}
    texts = {a.id: a.text for a in present}
    facts = event_facts(present, found)
    mains = _mains(found)
    date = _majority_date(mains)
    kind = event_type_of([x.event_type for x in found.values() if x and x.event_type])
    return {
        "date": date,
        "event_type": kind.model_dump() if kind else None,
        "actors": merge_actors({aid: x.actors for aid, x in found.items() if x}),
        "quotes": quotes_of(present, found),
        "facts": [fact_record(f, texts, found) for f in facts],
        "timeline": timeline_of(present, found),
        "brief": brief_of(present, found, facts, words),
    }


def _mains(found: Mapping[str, Analysis | None]) -> list[tuple[str, Happening]]:
    mains = []
    for article_id, analysis in found.items():
        main = event_date(analysis.happenings) if analysis else None
        if main is not None:
            mains.append((article_id, main))
    return mains


def _majority_date(mains: list[tuple[str, Happening]]) -> str | None:
    days = Counter(h.date[:10] for _, h in mains if len(h.date) >= 10 and h.date[:4].isdigit())
    if not days:
        return None
    return sorted(days.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def event_facts(articles: Sequence[Article], found: Mapping[str, Analysis | None]) -> list[Fact]:
    """The event's claims aligned into facts, the happening's date among them."""
    independent = {a.id: a.duplicate_of for a in articles if a.duplicate_of}
    sources = {a.id: a.source for a in articles}
    published = {a.id: a.published for a in articles}
    pairs: list[tuple[str, Claim]] = []
    dates: dict[tuple[str, int], str] = {}
    countries: dict[tuple[str, int], frozenset[str]] = {}
    for article in articles:
        analysis = found.get(article.id)
        if analysis is None:
            continue
        for claim in analysis.claims:
            pairs.append((article.id, claim))
            span = sentence_at(analysis, claim.start)
            day = _claim_day(claim, analysis, span)
            if day:
                dates[(article.id, claim.start)] = day
            if span:
                where = _claim_countries(article.text, claim, analysis, span)
                countries[(article.id, claim.start)] = where
    facts = compare_claims(pairs, independent, dates, sources, published, countries)
    texts = {a.id: a.text for a in articles}
    date_fact = compare_dates(_mains(found), independent, sources, texts)
    if date_fact is not None:
        facts = [f for f in facts if not _restates(f, date_fact)]
    if date_fact is not None and date_fact.status == "disputed":
        facts.insert(0, date_fact)
    elif date_fact is not None:
        facts.append(date_fact)
    return facts


def _restates(fact: Fact, date_fact: Fact) -> bool:
    """A stated-date fact made of the same date wordings as the happening's date fact."""
    if fact.predicate != "date":
        return False
    spans = {(s.article, s.claim.start) for s in date_fact.claims}
    return any((s.article, s.claim.start) in spans for s in fact.claims)


def _claim_countries(text: str, claim: Claim, analysis: Analysis,
                     span: tuple[int, int]) -> frozenset[str]:
    """The countries a claim is about: those named right after it ("900 troops in Syria"),
    else those its sentence names."""
    named = [p for p in analysis.places if p.kind == "country" and span[0] <= p.start < span[1]]
    near = [p for p in named if 0 <= p.start - claim.end <= NEAR_CHARS
            and _IN_COUNTRY.fullmatch(text[claim.end:p.start])]
    return frozenset(p.name for p in (near[:1] or named))


def _claim_day(claim: Claim, analysis: Analysis, span: tuple[int, int] | None) -> str | None:
    """The day of the happening in the claim's sentence: a dated happening, else a day named there.

    An unresolved weekday ("XXXX-WXX-6", undated article) still tells Saturday from Tuesday.
    """
    for happening in analysis.happenings:
        if happening.sentence_start <= claim.start < happening.sentence_end:
            return happening.date[:10]
    if span is None:
        return None
    for time in analysis.times:
        if span[0] <= time.start < span[1] and _DAY.fullmatch(time.value):
            return time.value
    return None


def sentence_at(analysis: Analysis | None, offset: int) -> tuple[int, int] | None:
    """The span of the sentence holding a character offset."""
    if analysis is None or not analysis.sentences:
        return None
    starts = [s.start for s in analysis.sentences]
    index = bisect.bisect_right(starts, offset) - 1
    if index < 0:
        return None
    sentence = analysis.sentences[index]
    return (sentence.start, sentence.end) if offset < sentence.end else None


def fact_record(fact: Fact, texts: Mapping[str, str],
                found: Mapping[str, Analysis | None]) -> dict[str, Any]:
    """A fact in newsfuse/1 shape: each claim with its wording, span and source sentence."""
    claims = []
    for stated in fact.claims:
        claim = stated.claim
        span = sentence_at(found.get(stated.article), claim.start)
        text = texts.get(stated.article, "")
        claims.append({
            "article": stated.article, "source": stated.source, "value": claim.value,
            "low": claim.low, "high": claim.high, "unit": claim.unit, "subject": claim.subject,
            "text": claim.text, "start": claim.start, "end": claim.end,
            "attribution": claim.attribution, "root": stated.root,
            "sentence": " ".join(text[span[0]:span[1]].split()) if span else None,
            "sentence_start": span[0] if span else None, "sentence_end": span[1] if span else None,
        })
    return {"subject": fact.subject, "predicate": fact.predicate, "status": fact.status,
            "note": fact.note, "sources": len({s.root for s in fact.claims}), "claims": claims}


def quotes_of(articles: Sequence[Article],
              found: Mapping[str, Analysis | None]) -> list[dict[str, Any]]:
    """Every quote of the event, grouped by speaker (most quoted first), each with its span."""
    items = []
    for article in articles:
        analysis = found.get(article.id)
        for quote in analysis.quotes if analysis else ():
            items.append({"speaker": quote.speaker, "speaker_id": quote.speaker_key,
                          "text": quote.text, "article": article.id, "start": quote.start,
                          "end": quote.end, "cue": quote.cue, "direct": quote.direct})
    counts = Counter(q["speaker_id"] or q["speaker"] or "" for q in items)
    return sorted(items, key=lambda q: (-counts[q["speaker_id"] or q["speaker"] or ""],
                                        q["speaker_id"] or q["speaker"] or "~", q["article"],
                                        q["start"]))


def timeline_of(articles: Sequence[Article],
                found: Mapping[str, Analysis | None]) -> list[dict[str, Any]]:
    """The dated happenings the event's articles mention, by day, each citing its articles."""
    by_day: dict[str, list[tuple[Article, Happening]]] = defaultdict(list)
    for article in articles:
        analysis = found.get(article.id)
        for happening in analysis.happenings if analysis else ():
            if len(happening.date) >= 7 and happening.date[:4].isdigit():
                by_day[happening.date].append((article, happening))
    entries = []
    for day in sorted(by_day):
        cited = by_day[day]
        main = [pair for pair in cited if pair[1].main]
        article, happening = sorted(main or cited, key=lambda p: (p[0].seq, p[1].time_start))[0]
        text = article.text[happening.sentence_start:happening.sentence_end]
        entries.append({
            "date": day, "text": " ".join(text.split()), "trigger": happening.trigger,
            "main": bool(main), "articles": sorted({a.id for a, _ in cited}),
            "article": article.id, "start": happening.sentence_start,
            "end": happening.sentence_end})
    return entries


def brief_of(articles: Sequence[Article], found: Mapping[str, Analysis | None],
             facts: Sequence[Fact], words: int) -> list[dict[str, Any]]:
    """Key numbers with their status, then the extractive brief; every line cites articles."""
    docs = [BriefDoc(id=a.id, text=a.text, published=a.published, title=a.title,
                     duplicate_of=a.duplicate_of,
                     sentences=tuple((s.start, s.end) for s in found[a.id].sentences))  # type: ignore[union-attr]
            for a in articles if found.get(a.id) is not None]
    lines = [{"text": line.text, "articles": list(line.articles),
              "spans": [{"article": a, "start": s, "end": e} for a, s, e in line.spans]}
             for line in build_brief(docs, words)]
    return lines + number_lines(facts)


def number_lines(facts: Sequence[Fact]) -> list[dict[str, Any]]:
    """The key numbers as brief lines: "killed: at least one (the PMF, via a) vs ... (disputed)"."""
    lines = []
    shown = [f for f in facts if f.status in ("disputed", "agreed", "update")]
    for fact in shown[:NUMBER_LINES]:
        parts = []
        for stated in _one_per_root(fact):
            who = stated.claim.attribution or stated.source or "unattributed"
            value = stated.claim.value or stated.claim.text
            parts.append(f"{value} ({who}, via {stated.article})")
        subject = f" ({fact.subject})" if fact.subject else ""
        joiner = " vs " if fact.status == "disputed" else "; "
        lines.append({"text": f"{fact.predicate}{subject}: {joiner.join(parts)} [{fact.status}]",
                      "articles": sorted({s.article for s in fact.claims}),
                      "spans": [{"article": s.article, "start": s.claim.start, "end": s.claim.end}
                                for s in fact.claims], "fact": fact.predicate})
    return lines


def _one_per_root(fact: Fact) -> list[Any]:
    seen: dict[str, Any] = {}
    for stated in fact.claims:
        seen.setdefault(stated.root, stated)
    return list(seen.values())
