"""Dated happenings: dates tied to an event word, and which one is the article's own event."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from newsfuse.extract import parses
from newsfuse.extract.kinds import TriggerHit, event_type_from_hits, sentences, trigger_hits
from newsfuse.model import EventType, Happening, TimeExpr, normalise_published

PRECISIONS = frozenset({"day", "week", "month"})
MAX_INTERVAL_DAYS = 31  # "late last week", "earlier this month": still a happening's date
OLD_DAYS = 366  # a dated line this much older than the publication is an old story, never main

# A happening's weight as the article's main one (see _main_score): an event word of the
# article's type in the lead, attached to its date, close before publication, no background cue.
EVENT_WORD, SAME_TYPE, SAME_SUB, ATTACHED = 1.0, 1.0, 0.5, 0.5
LEAD, NEAR_LEAD = 1.0, 0.5
BACKGROUND = 1.5
DISTANCE = 0.15  # per doubling of the days between the happening and publication

_FURNITURE = re.compile(r"(?i)\b(?:published|updated|posted|last\s+modified|copyright)\b|©")
_CAPTION = re.compile(r"(?i)(?:^\W*(?:file\s+)?(?:photo|picture|image)\b|\b(?:reuters|afp|ap|"
                      r"getty\s+images|epa|anadolu)\s*/|\((?:ap\s+)?photo\b|\bphoto\s*:"
                      r"|\b(?:is|are)\s+seen\b|\bpictured\b)")
_DATELINE_BEFORE = re.compile(r"^\W*[A-Z][A-Za-z .'’()-]{1,50},\s*$")
_DATELINE_AFTER = re.compile(r"^[^.\n]{0,60}?(?:--|—|–|\s-\s|\()")
_BACKGROUND = re.compile(
    r"(?i)\b(?:last\s+(?:year|month)|in\s+(?:19|20)\d\d|previous(?:ly)?|earlier|since|the\s+latest"
    r"|the\s+last|follow(?:s|ed|ing)?|after|in\s+response\s+to|retaliation|revenge|before"
    r"|anniversary|recalled|history)\b")
_PAST_TAGS = frozenset({"VBD"})
_ARGUMENTS = frozenset({"dobj", "nsubj", "nsubjpass", "attr", "dative"})
_BACKGROUND_HEADS = frozenset(
    "after following since amid before response retaliation revenge despite follow".split())
_SPEECH = frozenset("say tell announce add report state claim confirm note write".split())


@dataclass(frozen=True)
class _Candidate:
    time: TimeExpr
    sentence: tuple[int, int]
    index: int  # the sentence's position in the text
    trigger: tuple[int, int] | None
    hit: TriggerHit | None
    attached: bool


# Which time expressions can date a happening ---------------------------------------------------

def _usable(time: TimeExpr) -> bool:
    """A resolved calendar date of a day, week or month (or a short stretch), not a duration,
    a repetition or a vague reference."""
    if time.type not in ("DATE", "TIME") or not time.low or not time.high:
        return False
    if "X" in time.value or time.value.endswith("_REF"):
        return False
    if time.precision in PRECISIONS:
        return True
    span = date.fromisoformat(time.high) - date.fromisoformat(time.low)
    return time.precision == "interval" and span.days <= MAX_INTERVAL_DAYS


def _line(text: str, start: int) -> tuple[int, int]:
    begin = text.rfind("\n", 0, start) + 1
    end = text.find("\n", start)
    return begin, len(text) if end < 0 else end


def _furniture(text: str, time: TimeExpr) -> bool:
    """Publication furniture: a dateline, an "Updated ..." line, a line that is only a date."""
    begin, end = _line(text, time.start)
    line = text[begin:end]
    if _FURNITURE.search(line):
        return True
    rest = (text[begin:time.start] + " " + text[time.end:end]).split()
    if len(line) < 60 and len([w for w in rest if re.search(r"[A-Za-z]{3}", w)]) < 3:
        return True
    return begin < 300 and bool(_DATELINE_BEFORE.match(text[begin:time.start])) and \
        bool(_DATELINE_AFTER.match(text[time.end:end]))


def caption_like(text: str, start: int) -> bool:
    """Whether the line at `start` reads as a photo caption or credit."""
    begin, end = _line(text, start)
    return bool(_CAPTION.search(text[begin:end]))


# Triggers ---------------------------------------------------------------------------------------

def _tokens(doc: Any, start: int, end: int) -> list[Any]:
    if doc is None:  # find_happenings drops a doc that is not of this text
        return []
    span = doc.char_span(start, end, alignment_mode="expand")
    return list(span) if span is not None else []


def _past_verbs(doc: Any, sentence: tuple[int, int]) -> list[Any]:
    return [t for t in _tokens(doc, *sentence)
            if t.pos_ in ("VERB", "AUX") and t.tag_ in _PAST_TAGS and t.dep_ != "aux"
            and t.lemma_.lower() not in ("be", "have")]


def _argument_hit(node: Any, by_start: dict[int, TriggerHit]) -> TriggerHit | None:
    """An event word that a verb takes as subject or object ("carried out strikes", "the strikes
    came"); for a speech verb, one in what was said ("... strikes, Austin said Tuesday")."""
    if node.lemma_.lower() in _SPEECH:
        said = [c for c in node.children if c.dep_ in ("ccomp", "parataxis")]
        inside = sorted((t for c in said for t in c.subtree if t.idx in by_start),
                        key=lambda t: t.i)
        return by_start[inside[0].idx] if inside else None
    for child in node.children:
        if child.dep_ in _ARGUMENTS and child.idx in by_start:
            return by_start[child.idx]
    return None


def _attach(time: TimeExpr, hits: list[TriggerHit], verbs: list[Any],
            doc: Any) -> tuple[tuple[int, int] | None, TriggerHit | None, bool]:
    """The trigger a date belongs to: the first event word (or verb taking one) or past verb up
    its parse path, else the nearest event word of its sentence, else the nearest past verb that
    is not speech."""
    by_start = {h.start: h for h in hits}
    verb_starts = {v.idx for v in verbs}
    for token in _tokens(doc, time.start, time.end)[-1:]:
        for node in token.ancestors:
            hit = by_start.get(node.idx) or (_argument_hit(node, by_start)
                                             if node.pos_ in ("VERB", "AUX") else None)
            if hit is not None:
                return (hit.start, hit.end), hit, True
            if node.idx in verb_starts and node.lemma_.lower() not in _SPEECH:
                return (node.idx, node.idx + len(node.text)), None, True
    if hits:
        hit = min(hits, key=lambda h: (abs(h.start - time.start), h.start))
        return (hit.start, hit.end), hit, False
    plain = [v for v in verbs if v.lemma_.lower() not in _SPEECH] or verbs
    if plain:
        verb = min(plain, key=lambda v: (abs(v.idx - time.start), v.idx))
        return (verb.idx, verb.idx + len(verb.text)), None, False
    return None, None, False


def _candidates(text: str, doc: Any, times: Sequence[TimeExpr],
                hits: list[TriggerHit]) -> list[_Candidate]:
    spans = sentences(text, doc)
    found: list[_Candidate] = []
    for time in times:
        if not _usable(time) or _furniture(text, time):
            continue
        index = next((i for i, (s, e) in enumerate(spans) if s <= time.start < e), None)
        if index is None:
            continue
        sentence = spans[index]
        inside = [h for h in hits if sentence[0] <= h.start < sentence[1]]
        verbs = _past_verbs(doc, sentence)
        trigger, hit, attached = _attach(time, inside, verbs, doc)
        if trigger is not None:
            found.append(_Candidate(time, sentence, index, trigger, hit, attached))
    return found


# The main happening ----------------------------------------------------------------------------

def _pub(published: str | None) -> date | None:
    iso = normalise_published(published) if published else None
    return date.fromisoformat(iso[:10]) if iso else None


def _eligible(c: _Candidate, text: str, doc: Any, pub: date | None) -> bool:
    """Never the event's date: a caption, background, a future date, a date of an old story."""
    if caption_like(text, c.time.start) or _background(c, text, doc):
        return False
    if pub is None:
        return True
    low, high = date.fromisoformat(c.time.low or ""), date.fromisoformat(c.time.high or "")
    return low <= pub + timedelta(days=1) and (pub - high).days <= OLD_DAYS


def _pluperfect(c: _Candidate, text: str, doc: Any) -> bool:
    """Whether the trigger's verb is a pluperfect ("had attacked", "had been shelled")."""
    if c.trigger is None:
        return False
    for token in _tokens(doc, c.trigger[0], c.trigger[0] + 1)[:1]:
        verb = token if token.pos_ in ("VERB", "AUX") else token.head
        return any(a.dep_ in ("aux", "auxpass") and a.lower_ == "had" for a in verb.children)
    return bool(re.search(r"(?i)\bhad\s+(?:been\s+)?$", text[max(0, c.trigger[0] - 16):
                                                             c.trigger[0]]))


def _background(c: _Candidate, text: str, doc: Any) -> bool:
    """Background for sure: the trigger or the date hangs on after/following/in response to,
    the verb is pluperfect, the date opens a stretch (since) or says earlier this month."""
    starts = [c.time.start] + ([c.trigger[0]] if c.trigger else [])
    for start in starts:
        for token in _tokens(doc, start, start + 1)[:1]:
            if any(a.lower_ in _BACKGROUND_HEADS for a in token.ancestors):
                return True
    if c.time.precision != "day" and _BACKGROUND.search(text[c.time.start:c.time.end]):
        return True  # "earlier this month" is background; "earlier this evening" is not
    return c.time.point == "start" or _pluperfect(c, text, doc)


def _background_words(c: _Candidate, text: str) -> bool:
    """A background word just before the date or its trigger (a weaker cue than the parse)."""
    starts = [c.time.start] + ([c.trigger[0]] if c.trigger else [])
    return any(_BACKGROUND.search(text, max(c.sentence[0], s - 40), s + 1) for s in starts)


def _main_score(c: _Candidate, text: str, kind: EventType | None, pub: date | None) -> float:
    score = 0.0
    if c.hit is not None:
        score += EVENT_WORD
        if kind is not None and c.hit.event_type == kind.event_type:
            score += SAME_TYPE + (SAME_SUB if c.hit.sub_type == kind.sub_type else 0.0)
    score += ATTACHED if c.attached else 0.0
    score += LEAD if c.index < 3 else NEAR_LEAD if c.index < 6 else 0.0
    score -= BACKGROUND if _background_words(c, text) else 0.0
    if pub is not None and c.time.high:
        days = max(0, (pub - date.fromisoformat(c.time.high)).days)
        score -= DISTANCE * math.log2(1 + days)
    return score


def _happening(c: _Candidate, text: str, main: bool) -> Happening:
    return Happening(date=c.time.value, low=c.time.low, high=c.time.high,
                     time_start=c.time.start, time_end=c.time.end,
                     sentence_start=c.sentence[0], sentence_end=c.sentence[1],
                     trigger=text[c.trigger[0]:c.trigger[1]] if c.trigger else None, main=main)


def find_happenings(text: str, doc: Any, times: Sequence[TimeExpr],
                    published: str | None,
                    hits: Sequence[TriggerHit] | None = None) -> list[Happening]:
    """Every dated happening in text (a DATE/TIME of a day, week or month tied to an event word
    or past-tense verb of its sentence), in text order; the article's own event is `main`.

    `times` come from `find_times(text, published, doc)`, `hits` (if the caller has them) from
    `trigger_hits(text, doc)`. Captions, datelines and "Updated" lines, future dates and dates
    more than a year before publication are never main.
    """
    if doc is not None and not parses(doc, text):
        doc = None  # a parse of other text says nothing here (checked once: doc.text is a join)
    hits = list(trigger_hits(text, doc) if hits is None else hits)
    kind = event_type_from_hits(text, hits)
    found = _candidates(text, doc, times, hits)
    pub = _pub(published)
    eligible = [c for c in found if _eligible(c, text, doc, pub)]
    best = min(eligible, key=lambda c: (-round(_main_score(c, text, kind, pub), 6),
                                        c.time.start), default=None)
    return [_happening(c, text, c is best) for c in found]


def event_date(happenings: Sequence[Happening]) -> Happening | None:
    """The main happening (the article's event date), or None."""
    return next((h for h in happenings if h.main), None)
