"""Time expressions: spans with TIMEX3-style values, resolved against the publication date."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from newsfuse.extract import parses
from newsfuse.extract.times_rules import (
    FULL_MONTH,
    RULES,
    SAME,
    Ctx,
    Val,
    bare_month,
    day_val,
    period_val,
    unknown_val,
    week_val,
)
from newsfuse.model import TimeExpr, normalise_published


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    val: Val
    kind: str
    rank: int = 0
    point: str | None = None


# Candidates and their selection ----------------------------------------------------------------

def _candidates(c: Ctx) -> list[_Hit]:
    hits = []
    for rank, (pattern, handler, kind) in enumerate(RULES):
        for match in pattern.finditer(c.text):
            try:
                val = handler(match, c)
            except (ValueError, OverflowError):  # out of the calendar: "500 centuries ago"
                continue
            if val is not None:
                hits.append(_Hit(match.start("x"), match.end("x"), val, kind, rank))
    return hits


_NUMERIC_LABELS = frozenset({"CARDINAL", "MONEY", "QUANTITY", "PERCENT", "ORDINAL"})
_ENTITY_MONTH = re.compile(rf"(?:(?i:the|this|that|early|late|mid)[\s-]*)?(?P<x>(?P<mon>"
                           rf"{FULL_MONTH}))")


def _from_doc(doc: Any, c: Ctx, hits: list[_Hit]) -> list[_Hit]:
    """Use spaCy's entities: numbers veto bare years, DATE entities add lone month names."""
    if not parses(doc, c.text):
        return hits
    ents = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
    numeric = [(s, e) for s, e, label in ents if label in _NUMERIC_LABELS]
    hits = [h for h in hits if h.kind != "year" or
            not any(s <= h.start and h.end <= e for s, e in numeric)]
    for start, end, label in ents:
        match = _ENTITY_MONTH.fullmatch(c.text, start, end) if label in ("DATE", "TIME") else None
        val = bare_month(match, c) if match else None
        if match and val and not any(h.start < end and start < h.end for h in hits):
            hits.append(_Hit(match.start("x"), match.end("x"), val, "month", len(RULES)))
    return hits


def _select(hits: Iterable[_Hit]) -> list[_Hit]:
    """Longest candidates first (then rule order); drop any that overlap a chosen one."""
    chosen: list[_Hit] = []
    for hit in sorted(hits, key=lambda h: (h.start - h.end, h.rank, h.start)):
        if all(hit.end <= o.start or hit.start >= o.end for o in chosen):
            chosen.append(hit)
    return sorted(chosen, key=lambda h: h.start)


# Composition: early/late/mid, parts of the day, clock times, since/until ---------------------

_PREFIX = re.compile(r"(?i)(?:\b(?P<m>early|late|earlier|later)\s+(?:on\s+|in\s+)?|\b(?P<mid>mid)"
                     r"-?\s*|\b(?:the\s+)?(?:very\s+)?(?P<pos>beginning|start|end|middle|turn|close)\s+of\s+)$")
_SUFFIX = re.compile(r"(?i)\s+(?:morning|afternoon|evening|night)\b")
_PART = {"early": 0, "beginning": 0, "start": 0, "mid": 1, "middle": 1, "late": 2, "end": 2,
         "close": 2, "turn": 2}
_CLOCK_GAP = re.compile(r"[ \t,]*(?:(?i:on\s+the\s+night\s+of|on|at|of)[ \t,]*)?")
_SENTENCE_END = re.compile(r"[.!?][\"”’)]*\s+[\"“]?[A-Z]|\n")
_START = re.compile(r"(?i)\b(?:since|from|starting|beginning|between)\s+(?:on\s+|in\s+|at\s+)?"
                    r"(?:the\s+)?$")
_END = re.compile(r"(?i)\b(?:until|till|til|through|thru|up\s+to)\s+(?:on\s+|in\s+)?(?:the\s+)?$")
_RANGE = re.compile(r"\s*(?:-|–|—|to|until|till|through|and)\s*")


def _part(val: Val, word: str, pub: date | None) -> Val:
    """The early, middle or late third of a period, or its part before or after publication."""
    low, high = val.low, val.high
    if low is None or high is None:
        return replace(val, precision="interval")
    if word in ("earlier", "later"):
        if pub and low <= pub <= high:
            low, high = (low, pub) if word == "earlier" else (pub, high)
    else:
        third, days = _PART[word], (high - low).days + 1
        low, high = (low + timedelta(days=days * third // 3),
                     low + timedelta(days=days * (third + 1) // 3 - 1))
    return replace(val, precision="interval", low=low, high=high)

_FIXED = frozenset({"duration", "ref", "clock", "anaphor"})  # no early/late, no "morning"


def _with_modifier(hit: _Hit, c: Ctx, floor: int, ceiling: int) -> _Hit:
    if hit.val.precision in _FIXED or hit.val.value.endswith("_REF"):
        return hit
    day_like = hit.val.precision == "day"
    if found := _PREFIX.search(c.text, max(floor, hit.start - 30), hit.start):
        word = (found["m"] or found["mid"] or found["pos"]).lower()
        val = replace(hit.val, type="TIME") if day_like else _part(hit.val, word, c.pub)
        hit = replace(hit, start=found.start(), val=val)
    suffix = _SUFFIX.match(c.text, hit.end, ceiling) if day_like else None
    return replace(hit, end=suffix.end(), val=replace(hit.val, type="TIME")) if suffix else hit


def _modify(hits: list[_Hit], c: Ctx) -> list[_Hit]:
    """Early/mid/late and the beginning or end of a period make an interval; a day keeps its
    value through "late on" and "morning" and becomes a TIME."""
    out: list[_Hit] = []
    for i, hit in enumerate(hits):
        ceiling = hits[i + 1].start if i + 1 < len(hits) else len(c.text)
        out.append(_with_modifier(hit, c, out[-1].end if out else 0, ceiling))
    return out


def _anchor_clocks(hits: list[_Hit], c: Ctx) -> list[_Hit]:
    """A clock time joins the day beside it, else takes the nearest day in its sentence, else
    the publication day."""
    out: list[_Hit] = []
    for hit in hits:
        pair = {out[-1].val.precision, hit.val.precision} if out else set()
        if pair == {"clock", "day"} and "clocked" not in (out[-1].kind, hit.kind) and \
                _CLOCK_GAP.fullmatch(c.text, out[-1].end, hit.start):
            day = hit if hit.val.precision == "day" else out[-1]
            out[-1] = replace(day, start=out[-1].start, end=hit.end, kind="clocked",
                              val=replace(day.val, type="TIME"))
        else:
            out.append(hit)
    fallback = replace(day_val(c.pub), relative=True) if c.pub else Val("XXXX-XX-XX", "day")

    def anchored(clock: _Hit) -> _Hit:
        near = [h for h in out if h.val.precision == "day" and not _SENTENCE_END.search(
            c.text, min(h.end, clock.end), max(h.start, clock.start))]
        best = min(near, key=lambda h: abs(h.start - clock.start), default=None)
        return replace(clock, val=replace(best.val if best else fallback, type="TIME"))

    return [anchored(h) if h.val.precision == "clock" else h for h in out]


def _points(hits: list[_Hit], c: Ctx) -> list[_Hit]:
    """Mark dates that open (since, from) or close (until, through) a stretch of time."""
    out: list[_Hit] = []
    for hit in hits:
        floor = max(out[-1].end if out else 0, hit.start - 25)
        point = ("start" if _START.search(c.text, floor, hit.start) else
                 "end" if _END.search(c.text, floor, hit.start) else None)
        if out and out[-1].point == "start" and _RANGE.fullmatch(c.text, out[-1].end, hit.start):
            point = "end"
        calendar_like = hit.val.type in ("DATE", "TIME") and not hit.val.value.endswith("_REF")
        out.append(replace(hit, point=point) if point and calendar_like else hit)
    return out


# Anaphora: "the same period last year" is the period named before it, a year earlier --------

_DATED = re.compile(r"(?P<fy>FY)?(?P<y>\d{4})(?P<rest>(?:-[\dA-Z-]+)?)")
_WEEK_VALUE = re.compile(r"\d{4}-W(?P<w>\d\d)(?P<we>-WE)?")


def _unit_of(unit: str, day: date) -> Val:
    """The calendar quarter, month, week, day or year that holds a day."""
    if unit == "quarter":
        return period_val("quarter", day.year, (day.month - 1) // 3 + 1)
    if unit in ("month", "year"):
        return period_val(unit, day.year, day.month if unit == "month" else 1)
    return week_val(day) if unit == "week" else day_val(day)


def _year_shift(val: Val, years: int) -> Val | None:
    """The same calendar period `years` later (earlier when negative); None off the calendar."""
    found = _DATED.fullmatch(val.value)
    if found is None:
        return None
    year = int(found["y"]) + years
    low = val.low + relativedelta(years=years) if val.low else None
    high = val.high + relativedelta(years=years) if val.high else None
    if week := _WEEK_VALUE.fullmatch(val.value):  # ISO weeks: same number, own days
        monday = date.fromisocalendar(year, int(week["w"]), 1)
        return replace(week_val(monday + timedelta(days=5 if week["we"] else 0), bool(week["we"])),
                       precision=val.precision, relative=val.relative)
    value = low.isoformat() if val.precision == "day" and low else \
        f"{found['fy'] or ''}{year:04d}{found['rest']}"
    return replace(val, value=value, low=low, high=high)


def _calendar(hit: _Hit) -> bool:
    v = hit.val
    return v.type in ("DATE", "TIME") and v.precision not in _FIXED and \
        _DATED.fullmatch(v.value) is not None


def _antecedent(before: list[_Hit], after: list[_Hit], c: Ctx, end: int) -> Val | None:
    """The latest calendar date or period before, else the first one later in the sentence
    ("against the year-earlier quarter, sales fell in the second quarter")."""
    if found := next((h for h in reversed(before) if _calendar(h)), None):
        return found.val
    later = next((h for h in after if _calendar(h)), None)
    return later.val if later and not _SENTENCE_END.search(c.text, end, later.start) else None


_UNITS = ("quarter", "month", "week", "day")


def _same_value(hit: _Hit, c: Ctx, base: Val | None) -> Val:
    """The antecedent (coerced to the unit named, if any) moved to last year or the year named."""
    m = SAME.fullmatch(c.text, hit.start, hit.end)
    assert m is not None
    unit, year = (m["u"] or m["u2"]).lower(), m["y"]
    if base and unit in _UNITS and base.precision != unit:
        base = replace(_unit_of(unit, base.low), relative=base.relative) if base.low else None
    if base is None:  # nothing named near: the unit holding the publication date
        if c.pub is None:
            return period_val("year", int(year)) if year else unknown_val("year")
        base = replace(_unit_of(unit if unit in _UNITS else "year", c.pub), relative=True)
    named = _DATED.fullmatch(base.value)
    years = int(year) - int(named["y"]) if year and named else -1
    return _year_shift(base, years) or unknown_val("year")


def _same(hits: list[_Hit], c: Ctx) -> list[_Hit]:
    """Give "the same quarter a year earlier" its value from the expression it refers to."""
    out: list[_Hit] = []
    for i, hit in enumerate(hits):
        if hit.val.precision == "anaphor":
            base = _antecedent(out, hits[i + 1:], c, hit.end)
            try:
                hit = replace(hit, val=replace(_same_value(hit, c, base), type="DATE"))
            except (ValueError, OverflowError):  # off the calendar
                hit = replace(hit, val=unknown_val("year"))
        out.append(hit)
    return out


_WHICH = re.compile(r"\s*,\s*(?P<x>which)\s+(?:(?:has|had)\s+)?(?:ended|ends|began|begins|started"
                    r"|starts|ran|runs|closed|closes|finished|finishes)\s+(?:on\s+|in\s+)?")
_PERIOD_NOUN = re.compile(r"(?i)\b(?:quarter|half|year|month|week|period|season)$")


def _which(hits: list[_Hit], c: Ctx) -> list[_Hit]:
    """A relative pronoun after a period and before the period's own dates ("the quarter, which
    ended March 31") is that period: a time expression with the same value."""
    out: list[_Hit] = []
    for i, hit in enumerate(hits):
        out.append(hit)
        after = hits[i + 1] if i + 1 < len(hits) else None
        found = _WHICH.match(c.text, hit.end)
        if found and after and after.start == found.end() and hit.val.precision != "day" and \
                _DATED.fullmatch(hit.val.value) and _PERIOD_NOUN.search(c.text, hit.start, hit.end):
            out.append(replace(hit, start=found.start("x"), end=found.end("x"), kind="which"))
    return out


# Public API ------------------------------------------------------------------------------------

def _publication_date(published: str | None) -> date | None:
    if not published or not published.strip():
        return None
    try:
        return date.fromisoformat(published.strip()[:10])
    except ValueError:
        iso = normalise_published(published)
        return date.fromisoformat(iso[:10]) if iso else None


def _expr(hit: _Hit, text: str) -> TimeExpr:
    v = hit.val
    return TimeExpr(text=text[hit.start:hit.end], start=hit.start, end=hit.end, value=v.value,
                    type=v.type, precision=v.precision, low=v.low.isoformat() if v.low else None,
                    high=v.high.isoformat() if v.high else None, relative=v.relative,
                    point=hit.point)


def find_times(text: str, published: str | None, doc: Any = None) -> list[TimeExpr]:
    """Every time expression in text, resolved against `published` (ISO; None resolves nothing)."""
    c = Ctx(text, _publication_date(published))
    hits = _select(_from_doc(doc, c, _candidates(c)))
    for step in (_modify, _same, _which, _anchor_clocks, _points):
        hits = step(hits, c)
    return [_expr(hit, text) for hit in hits]
