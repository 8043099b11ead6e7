"""Time expressions: spans with TIMEX3-style values, resolved against the publication date."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from newsfuse.model import TimeExpr, normalise_published


@dataclass(frozen=True)
class _Val:
    value: str
    precision: str
    low: date | None = None
    high: date | None = None
    type: str = "DATE"
    relative: bool = False


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    val: _Val
    kind: str
    rank: int = 0
    point: str | None = None


@dataclass(frozen=True)
class _Ctx:
    text: str
    pub: date | None


Handler = Callable[[re.Match[str], _Ctx], _Val | None]

# Vocabulary ------------------------------------------------------------------------------------

_FULL_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October"
               r"|November|December)(?![A-Za-z])")
_MONTH = rf"(?:{_FULL_MONTH}|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?(?![A-Za-z]))"
_MONTHS = {n: i for i, n in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_WEEKDAY = (r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day(?![A-Za-z])"
            r"|(?:Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)\.)")
_WEEKDAYS = {n: i for i, n in enumerate("mon tue wed thu fri sat sun".split())}
_YEAR = r"(?:1[5-9]|20)\d\d(?!\d)"
_UNIT = r"(?i:second|minute|hour|day|week|fortnight|month|year|decade|centur(?:y|ie))s?"
_SMALL = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
          " fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_WORDS = {w: i for i, w in enumerate(_SMALL)} | {w: 20 + 10 * i for i, w in enumerate(_TENS)}
_WORDS |= {"a": 1, "an": 1, "hundred": 100, "a hundred": 100, "a dozen": 12, "a couple of": 2,
           "a couple": 2}
_NUM = (r"(?P<n>\d+(?:\.\d+)?|(?i:a\s+few|few|several|some|many|a\s+number\s+of|dozens\s+of"
        rf"|hundreds\s+of|(?:{'|'.join(_TENS)})(?:-(?:{'|'.join(_SMALL[1:10])}))?"
        rf"|{'|'.join(_SMALL[:0:-1])}|a\s+couple(?:\s+of)?|a\s+dozen|a\s+hundred|hundred|an?))")
_PAST = re.compile(r"(?i)\b(?:was|were|had|did)\b")
_FUTURE = re.compile(r"(?i)(?:\b(?:will|shall|set\s+to|scheduled|slated|due\s+to|plans?\s+to"
                     r"|expected\s+to|going\s+to|upcoming|next|(?:is|are)\s+to|to\s+be)\b|'ll\b)")
_CLAUSE = re.compile(r"(?i)[.;:!?\n,]|\b(?:said|says|told|announced|reported|added)\b")
_UNKNOWN = {"day": "XXXX-XX-XX", "week": "XXXX-WXX", "month": "XXXX-XX", "quarter": "XXXX-QX",
            "year": "XXXX", "decade": "XXX", "interval": "XXXX-XX-XX"}
_PERIODS = {"month": (1, "{y:04d}-{n:02d}", "month"), "quarter": (3, "{y:04d}-Q{n}", "quarter"),
            "half": (6, "{y:04d}-H{n}", "interval"), "year": (12, "{y:04d}", "year")}


# Calendar values ------------------------------------------------------------------------------

def _day(d: date) -> _Val:
    return _Val(d.isoformat(), "day", d, d)


def _months(first: date, count: int, value: str, precision: str) -> _Val:
    return _Val(value, precision, first, first + relativedelta(months=count) - timedelta(days=1))


def _period(kind: str, year: int, n: int = 1) -> _Val:
    """The n-th month, quarter or half of a year, or the year itself."""
    count, form, precision = _PERIODS[kind]
    return _months(date(year, count * (n - 1) + 1, 1), count, form.format(y=year, n=n), precision)


def _week(d: date, weekend: bool = False) -> _Val:
    year, week, weekday = d.isocalendar()
    if weekend:
        saturday = d + timedelta(days=6 - weekday)
        return _Val(f"{year}-W{week:02d}-WE", "week", saturday, saturday + timedelta(days=1))
    monday = d - timedelta(days=weekday - 1)
    return _Val(f"{year}-W{week:02d}", "week", monday, monday + timedelta(days=6))


def _decade(year: int) -> _Val:
    first = year - year % 10
    return _months(date(first, 1, 1), 120, f"{first // 10:03d}", "decade")


def _rel(val: _Val | None) -> _Val | None:
    return replace(val, relative=True) if val else None


def _unknown(precision: str, value: str | None = None) -> _Val:
    return _Val(value or _UNKNOWN[precision], precision)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _g(m: re.Match[str], name: str) -> str:
    """A named group's text, or "" when the group is absent from the pattern or did not match."""
    return m.groupdict().get(name) or ""


# Direction: the most recent occurrence unless the clause speaks of the future ---------------

def _future(c: _Ctx, start: int) -> bool:
    """Whether the words before `start` in its clause mark the future (will, is set to, next)."""
    window = c.text[max(0, start - 80):start]
    cuts = [m.end() for m in _CLAUSE.finditer(window)]
    window = window[cuts[-1]:] if cuts else window
    future = [m.start() for m in _FUTURE.finditer(window)]
    past = [m.start() for m in _PAST.finditer(window)]
    return bool(future) and (not past or future[-1] > past[-1])


def _pick_year(c: _Ctx, start: int, first: Callable[[int], date | None],
               last: Callable[[int], date | None] | None = None) -> date | None:
    """The occurrence in the publication year, or the year before if it starts after publication
    (in a future clause, given the period's `last` day: the next one not over)."""
    assert c.pub is not None
    when = first(c.pub.year)
    if last and _future(c, start):
        end = last(c.pub.year)
        return first(c.pub.year + 1) if end is None or end < c.pub else when
    return first(c.pub.year - 1) if when is None or when > c.pub else when


# Rule handlers ---------------------------------------------------------------------------------

def _iso(m: re.Match[str], _c: _Ctx) -> _Val | None:
    return _day(when) if (when := _safe_date(int(m["y"]), int(m["a"]), int(m["b"]))) else None


def _month_day(c: _Ctx, start: int, month: int, day: int, year: str) -> _Val | None:
    """A month and day of the given year, else of the year the publication date implies."""
    if year:
        return _day(when) if (when := _safe_date(int(year), month, day)) else None
    if _safe_date(2000, month, day) is None:
        return None
    if c.pub is None:
        return _unknown("day", f"XXXX-{month:02d}-{day:02d}")
    make: Callable[[int], date | None] = lambda y: _safe_date(y, month, day)  # noqa: E731
    return _rel(_day(when)) if (when := _pick_year(c, start, make, make)) else None


def _ymd(m: re.Match[str], c: _Ctx) -> _Val | None:
    month, day, year = _MONTHS[m["mon"][:3].lower()], _g(m, "d"), _g(m, "y")
    if not day:
        return _period("month", int(year), month) if year else None
    return _month_day(c, m.start(), month, int(day), year)


def _bare_month(m: re.Match[str], c: _Ctx) -> _Val | None:
    month, rel = _MONTHS[m["mon"][:3].lower()], _g(m, "rel").lower()
    strict = {"in", "since", "until", "till", "during", "early", "late", "mid", "last", "next"}
    if month == 5 and (_g(m, "p") or rel).strip(" -").lower() not in strict | {"this"}:
        return None  # "May" is also a name and a verb
    if c.pub is None:
        return _unknown("month", f"XXXX-{month:02d}")
    year = c.pub.year
    if rel == "last":
        year -= month >= c.pub.month
    elif rel == "next":
        year += month <= c.pub.month
    elif rel != "this":
        when = _pick_year(c, m.start("x"), lambda y: date(y, month, 1),
                          lambda y: _period("month", y, month).high)
        year = when.year if when else year
    return _rel(_period("month", year, month))


def _bare_year(m: re.Match[str], c: _Ctx) -> _Val | None:
    before, after = c.text[max(0, m.start() - 12):m.start()], c.text[m.end():m.end() + 16]
    if re.match(r"\s*(?:GMT|UTC|hours?\b|hrs\b|[A-Za-z]{0,3}(?:m|kg|km|ft|mph|cc)\b)", after):
        return None
    preposition = re.search(r"(?i)\b(?:in|since|by|until|of|from|to|before|after|the|early"
                            r"|late|mid|during|between|and|or)[\s-]*$", before)
    if not preposition and re.match(r"\s+[a-z]+s\b", after):
        return None  # "2000 troops"
    return _period("year", int(m["x"]))


def _weekday(m: re.Match[str], c: _Ctx) -> _Val | None:
    before, after = c.text[max(0, m.start() - 8):m.start()], c.text[m.end():m.end() + 20]
    if re.search(r"(?:Good|Black|Super|Ash|Cyber|Holy|Palm|Maundy|Bloody|Easter)\s+$", before) or \
            re.match(r"\s+(?:Times|Telegraph|Mirror|Express|Herald|Post|Mail|Night\s+Football)",
                     after):
        return None  # a newspaper or a named day
    weekday, rel = _WEEKDAYS[m["wd"][:3].lower()], _g(m, "rel").lower()
    if c.pub is None:
        return _unknown("day", f"XXXX-WXX-{weekday + 1}")
    back = (c.pub.weekday() - weekday) % 7
    if rel in ("last", "past"):
        back = back or 7
    elif rel in ("next", "coming") or _future(c, m.start()):
        ahead = (weekday - c.pub.weekday()) % 7
        back = -(ahead or 7) if rel in ("next", "coming") else -ahead
    return _rel(_day(c.pub - timedelta(days=back)))


_DEICTIC = {"the day before yesterday": -2, "the day after tomorrow": 2, "yesterday": -1,
            "today": 0, "tomorrow": 1, "tonight": 0, "this morning": 0, "this afternoon": 0,
            "this evening": 0, "last night": -1}


def _deictic(m: re.Match[str], c: _Ctx) -> _Val | None:
    if m["x"].isupper() and re.search(r"USA\s+$", c.text[max(0, m.start() - 5):m.start()]):
        return None  # the newspaper
    words = " ".join(m["x"].lower().split())
    shift, kind = _DEICTIC[words], "TIME" if " " in words[:5] or words == "tonight" else "DATE"
    if c.pub is None:
        return _Val("XXXX-XX-XX", "day", type=kind)
    return replace(_day(c.pub + timedelta(days=shift)), type=kind, relative=True)


def _shifted(unit: str, pub: date, step: int) -> _Val:
    """The calendar unit containing the publication date, moved `step` units."""
    if unit in ("week", "weekend"):
        return _week(pub + timedelta(weeks=step), unit == "weekend")
    if unit == "month":
        moved = pub + relativedelta(months=step)
        return _period("month", moved.year, moved.month)
    if unit == "quarter":
        index = pub.year * 4 + (pub.month - 1) // 3 + step
        return _period("quarter", index // 4, index % 4 + 1)
    return _decade(pub.year + 10 * step) if unit == "decade" else _period("year", pub.year + step)


_STEPS = {"last": -1, "past": -1, "previous": -1, "this": 0, "current": 0, "the": 0, "next": 1,
          "coming": 1}
_LETTER = {"week": "W", "month": "M", "year": "Y", "day": "D"}


def _relative_unit(m: re.Match[str], c: _Ctx) -> _Val | None:
    unit, rel = m["u"].lower(), (_g(m, "rel") or "the").lower()
    if unit in ("week", "month", "year", "decade") and \
            (rel == "past" or (_g(m, "the") and rel == "last")):  # "the past week": a stretch
        return _Val(_duration_value(1, unit), "duration", type="DURATION")
    if c.pub is None:
        return _Val("XXXX-WXX-WE", "week") if unit == "weekend" else _unknown(unit)
    step = _STEPS[rel]
    if unit == "weekend" and rel == "the":  # "over the weekend": the last one, or the next
        step = (0 if c.pub.weekday() < 5 else 1) if _future(c, m.start()) else \
            (-1 if c.pub.weekday() < 5 else 0)
    return _rel(_shifted(unit, c.pub, step))


def _num(text: str) -> float | None:
    """The number a numeral or number word gives; None for vague ones (several, a few)."""
    words = " ".join(text.lower().split())
    if words[:1].isdigit():
        return float(words)
    if "-" in words:
        tens, ones = words.split("-")
        return float(_WORDS[tens] + _WORDS[ones])
    return float(_WORDS[words]) if words in _WORDS else None


def _unit(name: str) -> str:
    unit = name.lower().rstrip("s")
    return "century" if unit.startswith("centur") else unit


def _ago(m: re.Match[str], c: _Ctx) -> _Val | None:
    unit, n = _unit(m["u"]), _num(m["n"])
    base, mult = {"fortnight": ("week", 2), "decade": ("year", 10),
                  "century": ("year", 100)}.get(unit, (unit, 1))
    precision = base if base in ("week", "month", "year") else "day"
    if c.pub is None:
        return _Val("PAST_REF", "interval") if n is None else _unknown(precision)
    if base in ("second", "minute", "hour"):
        return replace(_day(c.pub), type="TIME", relative=True)
    if n is None:  # "a few days ago": two to nine of them
        return _Val("PAST_REF", "interval", c.pub - relativedelta(**{base + "s": 9 * mult}),
                    c.pub - relativedelta(**{base + "s": 2 * mult}), relative=True)
    when = c.pub - relativedelta(**{base + "s": round(n * mult)})
    if precision in ("month", "year"):
        return _rel(_period(precision, when.year, when.month if precision == "month" else 1))
    return _rel(_week(when) if precision == "week" else _day(when))


def _duration_value(n: float | None, unit: str) -> str:
    mult, letter = {"fortnight": (2, "W"), "decade": (10, "Y"), "century": (100, "Y"),
                    "second": (1, "S"), "minute": (1, "M"),
                    "hour": (1, "H")}.get(unit, (1, _LETTER.get(unit, "D")))
    prefix = "PT" if unit in ("second", "minute", "hour") else "P"
    return f"{prefix}X{letter}" if n is None else f"{prefix}{n * mult:g}{letter}"


def _duration(m: re.Match[str], _c: _Ctx) -> _Val | None:
    if _g(m, "n").lower() in ("a", "an") and m["u"].lower().endswith("s"):
        return None  # "a decades-long feud": the bare-plural rule
    n = _num(m["n"]) if _g(m, "n") else None
    if n is not None and _g(m, "half"):
        n += 0.5
    return _Val(_duration_value(n, _unit(m["u"])), "duration", type="DURATION")


_SET_WORDS = {"daily": "P1D", "nightly": "P1D", "weekly": "P1W", "monthly": "P1M",
              "quarterly": "P3M", "yearly": "P1Y", "annually": "P1Y", "annual": "P1Y",
              "hourly": "PT1H"}


def _set_rule(m: re.Match[str], _c: _Ctx) -> _Val | None:
    if m["w"]:
        return _Val(_SET_WORDS[m["w"]], "duration", type="SET")
    if weekday := m["wd"] or m["wd2"]:
        return _Val(f"XXXX-WXX-{_WEEKDAYS[weekday[:3].lower()] + 1}", "duration", type="SET")
    n = _num(m["n"]) if m["n"] else 1.0
    return _Val(_duration_value(n, _unit(m["u"])), "duration", type="SET")


_REFS = {w: ref for ref, words in (
    ("PRESENT_REF", "now|currently|at present|presently|nowadays|these days|at the moment"
                    "|right now"),
    ("PAST_REF", "more recently|recently|lately|in the past|previously|formerly"),
    ("FUTURE_REF", "soon|in the near future|in the future")) for w in words.split("|")}


def _words(table: dict[str, Any]) -> str:
    """A regex alternation of a table's keys, longest first, any run of spaces between words."""
    return "|".join(k.replace(" ", r"\s+") for k in sorted(table, key=len, reverse=True))


def _ref(m: re.Match[str], c: _Ctx) -> _Val | None:
    if _g(m, "u"):  # "in recent weeks", "in the coming days": a window around publication
        value = "PAST_REF" if m["dir"].lower() == "recent" else "FUTURE_REF"
        if c.pub is None:
            return _Val(value, "interval")
        reach = {"day": 7, "week": 35, "month": 182, "year": 1826}[_unit(m["u"])]
        other = c.pub + timedelta(days=reach if value == "FUTURE_REF" else -reach)
        return _Val(value, "interval", min(c.pub, other), max(c.pub, other), relative=True)
    before = c.text[max(0, m.start() - 12):m.start()]
    if m["x"] == "Now" and re.search(r"\b[A-Z][\w-]*\s+$", before):
        return None  # a product name (PS Now), not the present
    return _Val(_REFS[" ".join(m["x"].lower().split())], "ref")


_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
             "4th": 4, "final": 4, "last": 4}


def _part_of_year(m: re.Match[str], c: _Ctx) -> _Val | None:
    """A quarter or half: of a given year, of a year named relative to publication, or of the
    publication year unless it starts after publication."""
    ordinal, kind, rel = _g(m, "o").lower(), (_g(m, "u") or "quarter").lower(), _g(m, "rel")
    if not (m["y"] or rel) and (ordinal in ("last", "final") or kind == "half"):
        return None  # "the last quarter" is the previous one (relative-unit rule); halves: sport
    n = int(m["q"]) if _g(m, "q") else min(_ORDINALS[ordinal], 4 if kind == "quarter" else 2)
    if m["y"]:
        return _period(kind, int(m["y"]), n)
    if c.pub is None:
        return _unknown("quarter", f"XXXX-{kind[0].upper()}{n}")
    if rel:
        return _rel(_period(kind, c.pub.year + _STEPS[rel.lower()], n))
    when = _pick_year(c, m.start(), lambda y: _period(kind, y, n).low)
    return _rel(_period(kind, when.year, n)) if when else None


_SEASONS = {"spring": ("SP", 3), "summer": ("SU", 6), "autumn": ("FA", 9), "fall": ("FA", 9),
            "winter": ("WI", 12)}


def _season(m: re.Match[str], c: _Ctx) -> _Val | None:
    name, rel, year = m["s"].lower(), _g(m, "rel").lower(), _g(m, "y")
    bare_ok = m["ctx"] and name != "fall" and not re.match(r"\s+of\b", c.text[m.end():])
    if not (rel or year or bare_ok):
        return None  # a bare season word is too often something else (the fall of a city)
    code, month = _SEASONS[name]
    if not year and c.pub is None:
        return _unknown("interval", f"XXXX-{code}")
    if not year and c.pub:
        last = c.pub.year - (date(c.pub.year, month, 1) > c.pub)  # the last one to start
        ongoing = date(last, month, 1) + relativedelta(months=3) > c.pub
        if rel in ("last", "past"):
            last -= ongoing
        elif rel in ("next", "coming") or (not rel and _future(c, m.start())):
            last += 1 if rel else not ongoing
        elif rel == "this" and not ongoing:
            last = c.pub.year  # "this summer" said in January: the coming one
        year = str(last)
    val = _months(date(int(year), month, 1), 3, f"{year}-{code}", "interval")
    return val if m["y"] else _rel(val)


# Rules: (pattern, handler, kind); the span is group x; on equal length the earlier rule wins --

_ORDINAL = r"(?P<o>(?i:first|second|third|fourth|final|last|1st|2nd|3rd|4th))"
_OF_YEAR = (rf"(?:\s+(?i:of\s+)?(?:(?i:fiscal\s+)?(?P<y>{_YEAR})"
            r"|(?P<rel>(?i:this|last|next|the))\s+(?i:year)\b))")
_ON_DAY = rf"(?:{_WEEKDAY},?\s+(?:the\s+)?)?"  # "Tuesday, January 23": one expression
_TZ = r"(?:GMT|UTC|BST|CET|CEST|EST|EDT|PST|PDT|ET|local\s+time)"
_RULE_SPECS: list[tuple[str, Handler, str]] = [
    (rf"\b(?P<x>(?P<y>{_YEAR})-(?P<a>[01]\d)-(?P<b>[0-3]\d))(?!\d)", _iso, "date"),
    (rf"\b(?P<x>{_ON_DAY}(?P<mon>{_MONTH})(?:\s*(?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?!\d)(?!:))?"
     rf"(?:\s*,?\s*(?i:of\s+)?(?P<y>{_YEAR}))?)", _ymd, "date"),
    (rf"(?<![\d.,])(?P<x>{_ON_DAY}(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+(?i:of\s+)?(?P<mon>{_MONTH})"
     rf"(?:\s*,?\s*(?P<y>{_YEAR}))?)", _ymd, "date"),
    (rf"(?:(?P<p>\b(?i:in|since|by|until|till|of|from|through|to|during|before|after|early|late"
     rf"|between|and|or|mid|as\s+of)\s+|\b(?i:mid)-)|(?=\b(?i:last|next|this)\s))"
     rf"(?P<x>(?:(?P<rel>(?i:last|next|this))\s+)?(?P<mon>{_FULL_MONTH}))", _bare_month, "month"),
    (r"(?<![\w'’])(?P<x>(?:(?P<c>1[5-9]|20)(?P<d>\d)0|['’](?P<d2>\d)0)['’]?s)\b",
     lambda m, _c: _decade(int(m["c"] + m["d"] + "0") if m["c"] else  # '90s: 1990s, '10s: 2010s
                           (2000 if int(m["d2"]) < 3 else 1900) + 10 * int(m["d2"])), "decade"),
    (rf"\b(?P<x>(?i:the\s+)?{_ORDINAL}[\s-]+(?i:(?:fiscal|financial|calendar)\s+)?"
     rf"(?P<u>(?i:quarter|half)){_OF_YEAR}?)\b", _part_of_year, "quarter"),
    (rf"\b(?P<x>Q(?P<q>[1-4])(?:\s+(?P<y>{_YEAR}))?)\b", _part_of_year, "quarter"),
    (rf"\b(?P<x>(?:(?P<rel>(?i:last|next|this|coming|past))\s+)?(?P<wd>{_WEEKDAY}))", _weekday,
     "weekday"),
    (rf"\b(?P<x>(?i:{_words(_DEICTIC)}))\b", _deictic, "deictic"),
    (r"\b(?P<x>(?P<the>(?i:the)\s+)?(?P<rel>(?i:last|past|previous|this|current|next|coming))\s+"
     r"(?P<u>(?i:week|weekend|month|quarter|year|decade)))\b", _relative_unit, "relunit"),
    (r"\b(?i:(?:the\s+)?(?:beginning|start|end|middle|turn|close)\s+of\s+)(?P<x>(?i:the)\s+"
     r"(?P<u>(?i:year|month|week)))\b", _relative_unit, "relunit"),
    (r"\b(?i:over|at|during|on|for)\s+(?P<x>(?i:the)\s+(?P<u>(?i:weekend)))\b", _relative_unit,
     "relunit"),
    (rf"\b(?P<x>{_NUM}\s+(?P<u>{_UNIT})\s+(?i:ago|back)\b)", _ago, "ago"),
    (rf"\b(?P<x>(?:(?i:the\s+)?(?i:past|last|next|coming|previous|first|final|following|initial)"
     rf"\s+)?{_NUM}[\s-]+(?P<u>{_UNIT})(?P<half>[\s-]+(?i:and\s+a\s+half))?(?:-long)?)"
     r"(?![\w-]|[\s-]old\b)", _duration, "duration"),
    (r"(?:\b(?i:for|over|after|within)\s+|(?=\w+-long\b))(?P<x>(?P<u>(?i:years|decades|months"
     r"|weeks|days|hours))(?:-long)?)\b", _duration, "duration"),
    (rf"\b(?P<x>(?:(?i:every|each|per)\s+(?:{_NUM}\s+)?(?P<u>{_UNIT})|(?i:every|each)\s+"
     rf"(?P<wd>{_WEEKDAY})|(?P<wd2>(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)days)"
     rf"|(?P<w>{_words(_SET_WORDS)})))\b", _set_rule, "set"),
    (r"\b(?P<x>(?i:in\s+(?:the\s+)?(?P<dir>recent|coming)\s+(?P<u>days|weeks|months|years)))\b",
     _ref, "ref"),
    (rf"\b(?P<x>(?i:{_words(_REFS)}))\b(?!-)", _ref, "ref"),
    (rf"\b(?:(?P<ctx>(?i:in|during|over|by|until|since)\s+the)\s+)?(?P<x>(?:(?P<rel>(?i:last|next"
     rf"|this|coming|past))\s+)?(?P<s>(?i:spring|summer|autumn|fall|winter))"
     rf"(?:\s+(?i:of\s+)?(?P<y>{_YEAR}))?)\b", _season, "season"),
    (rf"(?<![\w$€£¥#.,/])(?P<x>{_YEAR})(?![\w%]|[.,]\d)", _bare_year, "year"),
    (rf"\b(?P<x>(?:(?:1[0-2]|0?[1-9])(?:[:.][0-5]\d)?\s*(?:[ap]\.\s?m\.|[ap]m\b)|(?:[01]?\d|2[0-3])"
     rf":[0-5]\d(?=\s*{_TZ})|(?i:noon|midday|midnight))(?:\s+{_TZ}\b)?)",
     lambda _m, _c: _Val("", "clock", type="TIME"), "clock"),  # its day: see _anchor_clocks
]
_RULES = [(re.compile(p), h, k) for p, h, k in _RULE_SPECS]


# Candidates and their selection ----------------------------------------------------------------

def _candidates(c: _Ctx) -> list[_Hit]:
    hits = []
    for rank, (pattern, handler, kind) in enumerate(_RULES):
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
                           rf"{_FULL_MONTH}))")


def _from_doc(doc: Any, c: _Ctx, hits: list[_Hit]) -> list[_Hit]:
    """Use spaCy's entities: numbers veto bare years, DATE entities add lone month names."""
    if doc is None or getattr(doc, "text", None) != c.text:
        return hits
    ents = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
    numeric = [(s, e) for s, e, label in ents if label in _NUMERIC_LABELS]
    hits = [h for h in hits if h.kind != "year" or
            not any(s <= h.start and h.end <= e for s, e in numeric)]
    for start, end, label in ents:
        match = _ENTITY_MONTH.fullmatch(c.text, start, end) if label in ("DATE", "TIME") else None
        val = _bare_month(match, c) if match else None
        if match and val and not any(h.start < end and start < h.end for h in hits):
            hits.append(_Hit(match.start("x"), match.end("x"), val, "month", len(_RULES)))
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
                     r"-?\s*|\b(?:the\s+)?(?P<pos>beginning|start|end|middle|turn|close)\s+of\s+)$")
_SUFFIX = re.compile(r"(?i)\s+(?:morning|afternoon|evening|night)\b")
_PART = {"early": 0, "beginning": 0, "start": 0, "mid": 1, "middle": 1, "late": 2, "end": 2,
         "close": 2, "turn": 2}
_CLOCK_GAP = re.compile(r"[ \t,]*(?:(?i:on\s+the\s+night\s+of|on|at|of)[ \t,]*)?")
_SENTENCE_END = re.compile(r"[.!?][\"”’)]*\s+[\"“]?[A-Z]|\n")
_START = re.compile(r"(?i)\b(?:since|from|starting|beginning|between)\s+(?:on\s+|in\s+|at\s+)?"
                    r"(?:the\s+)?$")
_END = re.compile(r"(?i)\b(?:until|till|til|through|thru|up\s+to)\s+(?:on\s+|in\s+)?(?:the\s+)?$")
_RANGE = re.compile(r"\s*(?:-|–|—|to|until|till|through|and)\s*")


def _part(val: _Val, word: str, pub: date | None) -> _Val:
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


def _with_modifier(hit: _Hit, c: _Ctx, floor: int, ceiling: int) -> _Hit:
    if hit.val.precision in ("duration", "ref", "clock") or hit.val.value.endswith("_REF"):
        return hit
    day_like = hit.val.precision == "day"
    if found := _PREFIX.search(c.text, max(floor, hit.start - 30), hit.start):
        word = (found["m"] or found["mid"] or found["pos"]).lower()
        val = replace(hit.val, type="TIME") if day_like else _part(hit.val, word, c.pub)
        hit = replace(hit, start=found.start(), val=val)
    suffix = _SUFFIX.match(c.text, hit.end, ceiling) if day_like else None
    return replace(hit, end=suffix.end(), val=replace(hit.val, type="TIME")) if suffix else hit


def _modify(hits: list[_Hit], c: _Ctx) -> list[_Hit]:
    """Early/mid/late and the beginning or end of a period make an interval; a day keeps its
    value through "late on" and "morning" and becomes a TIME."""
    out: list[_Hit] = []
    for i, hit in enumerate(hits):
        ceiling = hits[i + 1].start if i + 1 < len(hits) else len(c.text)
        out.append(_with_modifier(hit, c, out[-1].end if out else 0, ceiling))
    return out


def _anchor_clocks(hits: list[_Hit], c: _Ctx) -> list[_Hit]:
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
    fallback = replace(_day(c.pub), relative=True) if c.pub else _Val("XXXX-XX-XX", "day")

    def anchored(clock: _Hit) -> _Hit:
        near = [h for h in out if h.val.precision == "day" and not _SENTENCE_END.search(
            c.text, min(h.end, clock.end), max(h.start, clock.start))]
        best = min(near, key=lambda h: abs(h.start - clock.start), default=None)
        return replace(clock, val=replace(best.val if best else fallback, type="TIME"))

    return [anchored(h) if h.val.precision == "clock" else h for h in out]


def _points(hits: list[_Hit], c: _Ctx) -> list[_Hit]:
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
    c = _Ctx(text, _publication_date(published))
    hits = _select(_from_doc(doc, c, _candidates(c)))
    for step in (_modify, _anchor_clocks, _points):
        hits = step(hits, c)
    return [_expr(hit, text) for hit in hits]
