"""The rules of time-expression finding: vocabulary, calendar values and one handler a pattern."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta


@dataclass(frozen=True)
class Val:
    """A resolved value: TIMEX3 string, precision, covered days, type, whether relative."""

    value: str
    precision: str
    low: date | None = None
    high: date | None = None
    type: str = "DATE"
    relative: bool = False


@dataclass(frozen=True)
class Ctx:
    """What every handler sees: the whole text and the publication date (None if unknown)."""

    text: str
    pub: date | None


Handler = Callable[[re.Match[str], Ctx], Val | None]

# Vocabulary ------------------------------------------------------------------------------------

FULL_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October"
              r"|November|December)(?![A-Za-z])")
_MONTH = rf"(?:{FULL_MONTH}|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?(?![A-Za-z]))"
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

def day_val(d: date) -> Val:
    """The value of one calendar day."""
    return Val(d.isoformat(), "day", d, d)


def _months(first: date, count: int, value: str, precision: str) -> Val:
    return Val(value, precision, first, first + relativedelta(months=count) - timedelta(days=1))


def period_val(kind: str, year: int, n: int = 1) -> Val:
    """The n-th month, quarter or half of a year, or the year itself."""
    count, form, precision = _PERIODS[kind]
    return _months(date(year, count * (n - 1) + 1, 1), count, form.format(y=year, n=n), precision)


def week_val(d: date, weekend: bool = False) -> Val:
    """The ISO week (or its weekend) holding a day."""
    year, week, weekday = d.isocalendar()
    if weekend:
        saturday = d + timedelta(days=6 - weekday)
        return Val(f"{year}-W{week:02d}-WE", "week", saturday, saturday + timedelta(days=1))
    monday = d - timedelta(days=weekday - 1)
    return Val(f"{year}-W{week:02d}", "week", monday, monday + timedelta(days=6))


def _decade(year: int) -> Val:
    first = year - year % 10
    return _months(date(first, 1, 1), 120, f"{first // 10:03d}", "decade")


def _rel(val: Val | None) -> Val | None:
    return replace(val, relative=True) if val else None


def unknown_val(precision: str, value: str | None = None) -> Val:
    """An unresolved value of a precision (XXXX-XX for a month), or the given one."""
    return Val(value or _UNKNOWN[precision], precision)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _g(m: re.Match[str], name: str) -> str:
    """A named group's text, or "" when the group is absent from the pattern or did not match."""
    return m.groupdict().get(name) or ""


# Direction: the most recent occurrence unless the clause speaks of the future ---------------

def _future(c: Ctx, start: int) -> bool:
    """Whether the words before `start` in its clause mark the future (will, is set to, next)."""
    window = c.text[max(0, start - 80):start]
    cuts = [m.end() for m in _CLAUSE.finditer(window)]
    window = window[cuts[-1]:] if cuts else window
    future = [m.start() for m in _FUTURE.finditer(window)]
    past = [m.start() for m in _PAST.finditer(window)]
    return bool(future) and (not past or future[-1] > past[-1])


def _pick_year(c: Ctx, start: int, first: Callable[[int], date | None],
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

def _iso(m: re.Match[str], _c: Ctx) -> Val | None:
    return day_val(when) if (when := _safe_date(int(m["y"]), int(m["a"]), int(m["b"]))) else None


def _month_day(c: Ctx, start: int, month: int, day: int, year: str) -> Val | None:
    """A month and day of the given year, else of the year the publication date implies."""
    if year:
        return day_val(when) if (when := _safe_date(int(year), month, day)) else None
    if _safe_date(2000, month, day) is None:
        return None
    if c.pub is None:
        return unknown_val("day", f"XXXX-{month:02d}-{day:02d}")
    make: Callable[[int], date | None] = lambda y: _safe_date(y, month, day)  # noqa: E731
    return _rel(day_val(when)) if (when := _pick_year(c, start, make, make)) else None


def _ymd(m: re.Match[str], c: Ctx) -> Val | None:
    month, day, year = _MONTHS[m["mon"][:3].lower()], _g(m, "d"), _g(m, "y")
    if not day:
        return period_val("month", int(year), month) if year else None
    return _month_day(c, m.start(), month, int(day), year)


def bare_month(m: re.Match[str], c: Ctx) -> Val | None:
    """A month name without a day: this, last or next one, else the most recent (or coming)."""
    month, rel = _MONTHS[m["mon"][:3].lower()], _g(m, "rel").lower()
    strict = {"in", "since", "until", "till", "during", "early", "late", "mid", "last", "next"}
    if month == 5 and (_g(m, "p") or rel).strip(" -").lower() not in strict | {"this"}:
        return None  # "May" is also a name and a verb
    if c.pub is None:
        return unknown_val("month", f"XXXX-{month:02d}")
    year = c.pub.year
    if rel == "last":
        year -= month >= c.pub.month
    elif rel == "next":
        year += month <= c.pub.month
    elif rel != "this":
        when = _pick_year(c, m.start("x"), lambda y: date(y, month, 1),
                          lambda y: period_val("month", y, month).high)
        year = when.year if when else year
    return _rel(period_val("month", year, month))


def _bare_year(m: re.Match[str], c: Ctx) -> Val | None:
    before, after = c.text[max(0, m.start() - 12):m.start()], c.text[m.end():m.end() + 16]
    if re.match(r"\s*(?:GMT|UTC|hours?\b|hrs\b|[A-Za-z]{0,3}(?:m|kg|km|ft|mph|cc)\b)", after):
        return None
    preposition = re.search(r"(?i)\b(?:in|since|by|until|of|from|to|before|after|the|early"
                            r"|late|mid|during|between|and|or)[\s-]*$", before)
    if not preposition and re.match(r"\s+[a-z]+s\b", after):
        return None  # "2000 troops"
    return period_val("year", int(m["x"]))


def _weekday(m: re.Match[str], c: Ctx) -> Val | None:
    before, after = c.text[max(0, m.start() - 8):m.start()], c.text[m.end():m.end() + 20]
    if re.search(r"(?:Good|Black|Super|Ash|Cyber|Holy|Palm|Maundy|Bloody|Easter)\s+$", before) or \
            re.match(r"\s+(?:Times|Telegraph|Mirror|Express|Herald|Post|Mail|Night\s+Football)",
                     after):
        return None  # a newspaper or a named day
    weekday, rel = _WEEKDAYS[m["wd"][:3].lower()], _g(m, "rel").lower()
    if c.pub is None:
        return unknown_val("day", f"XXXX-WXX-{weekday + 1}")
    back = (c.pub.weekday() - weekday) % 7
    if rel in ("last", "past"):
        back = back or 7
    elif rel in ("next", "coming") or _future(c, m.start()):
        ahead = (weekday - c.pub.weekday()) % 7
        back = -(ahead or 7) if rel in ("next", "coming") else -ahead
    return _rel(day_val(c.pub - timedelta(days=back)))


_DEICTIC = {"the day before yesterday": -2, "the day after tomorrow": 2, "yesterday": -1,
            "today": 0, "tomorrow": 1, "tonight": 0, "this morning": 0, "this afternoon": 0,
            "this evening": 0, "last night": -1}


def _deictic(m: re.Match[str], c: Ctx) -> Val | None:
    if m["x"].isupper() and re.search(r"USA\s+$", c.text[max(0, m.start() - 5):m.start()]):
        return None  # the newspaper
    words = " ".join(m["x"].lower().split())
    shift, kind = _DEICTIC[words], "TIME" if " " in words[:5] or words == "tonight" else "DATE"
    if c.pub is None:
        return Val("XXXX-XX-XX", "day", type=kind)
    return replace(day_val(c.pub + timedelta(days=shift)), type=kind, relative=True)


def _shifted(unit: str, pub: date, step: int) -> Val:
    """The calendar unit containing the publication date, moved `step` units."""
    if unit in ("week", "weekend"):
        return week_val(pub + timedelta(weeks=step), unit == "weekend")
    if unit == "month":
        moved = pub + relativedelta(months=step)
        return period_val("month", moved.year, moved.month)
    if unit == "quarter":
        index = pub.year * 4 + (pub.month - 1) // 3 + step
        return period_val("quarter", index // 4, index % 4 + 1)
    if unit == "decade":
        return _decade(pub.year + 10 * step)
    return period_val("year", pub.year + step)


_STEPS = {"last": -1, "past": -1, "previous": -1, "this": 0, "current": 0, "the": 0, "next": 1,
          "coming": 1}
_LETTER = {"week": "W", "month": "M", "year": "Y", "day": "D"}


def _relative_unit(m: re.Match[str], c: Ctx) -> Val | None:
    unit, rel = m["u"].lower(), (_g(m, "rel") or "the").lower()
    if unit in ("week", "month", "year", "decade") and \
            (rel == "past" or (_g(m, "the") and rel == "last")):  # "the past week": a stretch
        return Val(_duration_value(1, unit), "duration", type="DURATION")
    if c.pub is None:
        return Val("XXXX-WXX-WE", "week") if unit == "weekend" else unknown_val(unit)
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


def _ago(m: re.Match[str], c: Ctx) -> Val | None:
    unit, n = _unit(m["u"]), _num(m["n"])
    base, mult = {"fortnight": ("week", 2), "decade": ("year", 10),
                  "century": ("year", 100)}.get(unit, (unit, 1))
    precision = base if base in ("week", "month", "year") else "day"
    if c.pub is None:
        return Val("PAST_REF", "interval") if n is None else unknown_val(precision)
    if base in ("second", "minute", "hour"):
        return replace(day_val(c.pub), type="TIME", relative=True)
    if n is None:  # "a few days ago": two to nine of them
        return Val("PAST_REF", "interval", c.pub - relativedelta(**{base + "s": 9 * mult}),
                    c.pub - relativedelta(**{base + "s": 2 * mult}), relative=True)
    when = c.pub - relativedelta(**{base + "s": round(n * mult)})
    if precision in ("month", "year"):
        return _rel(period_val(precision, when.year, when.month if precision == "month" else 1))
    return _rel(week_val(when) if precision == "week" else day_val(when))


def _duration_value(n: float | None, unit: str) -> str:
    mult, letter = {"fortnight": (2, "W"), "decade": (10, "Y"), "century": (100, "Y"),
                    "second": (1, "S"), "minute": (1, "M"),
                    "hour": (1, "H")}.get(unit, (1, _LETTER.get(unit, "D")))
    prefix = "PT" if unit in ("second", "minute", "hour") else "P"
    return f"{prefix}X{letter}" if n is None else f"{prefix}{n * mult:g}{letter}"


def _duration(m: re.Match[str], _c: Ctx) -> Val | None:
    if _g(m, "n").lower() in ("a", "an") and m["u"].lower().endswith("s"):
        return None  # "a decades-long feud": the bare-plural rule
    n = _num(m["n"]) if _g(m, "n") else None
    if n is not None and _g(m, "half"):
        n += 0.5
    return Val(_duration_value(n, _unit(m["u"])), "duration", type="DURATION")


_SET_WORDS = {"daily": "P1D", "nightly": "P1D", "weekly": "P1W", "monthly": "P1M",
              "quarterly": "P3M", "yearly": "P1Y", "annually": "P1Y", "annual": "P1Y",
              "hourly": "PT1H"}


def _set_rule(m: re.Match[str], _c: Ctx) -> Val | None:
    if m["w"]:
        return Val(_SET_WORDS[m["w"]], "duration", type="SET")
    if weekday := m["wd"] or m["wd2"]:
        return Val(f"XXXX-WXX-{_WEEKDAYS[weekday[:3].lower()] + 1}", "duration", type="SET")
    n = _num(m["n"]) if m["n"] else 1.0
    return Val(_duration_value(n, _unit(m["u"])), "duration", type="SET")


_REFS = {w: ref for ref, words in (
    ("PRESENT_REF", "now|currently|at present|presently|nowadays|these days|at the moment"
                    "|right now"),
    ("PAST_REF", "more recently|recently|lately|in the past|previously|formerly"),
    ("FUTURE_REF", "soon|in the near future|in the future")) for w in words.split("|")}


def _words(table: dict[str, Any]) -> str:
    """A regex alternation of a table's keys, longest first, any run of spaces between words."""
    return "|".join(k.replace(" ", r"\s+") for k in sorted(table, key=len, reverse=True))


def _ref(m: re.Match[str], c: Ctx) -> Val | None:
    if _g(m, "u"):  # "in recent weeks", "in the coming days": a window around publication
        value = "PAST_REF" if m["dir"].lower() == "recent" else "FUTURE_REF"
        if c.pub is None:
            return Val(value, "interval")
        reach = {"day": 7, "week": 35, "month": 182, "year": 1826}[_unit(m["u"])]
        other = c.pub + timedelta(days=reach if value == "FUTURE_REF" else -reach)
        return Val(value, "interval", min(c.pub, other), max(c.pub, other), relative=True)
    before = c.text[max(0, m.start() - 12):m.start()]
    if m["x"] == "Now" and re.search(r"\b[A-Z][\w-]*\s+$", before):
        return None  # a product name (PS Now), not the present
    return Val(_REFS[" ".join(m["x"].lower().split())], "ref")


_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
             "4th": 4, "final": 4, "last": 4}


def _part_of_year(m: re.Match[str], c: Ctx) -> Val | None:
    """A quarter or half: of a given year, of a year named relative to publication, or of the
    publication year unless it starts after publication."""
    ordinal, kind, rel = _g(m, "o").lower(), (_g(m, "u") or "quarter").lower(), _g(m, "rel")
    if not (m["y"] or rel) and (ordinal in ("last", "final") or kind == "half"):
        return None  # "the last quarter" is the previous one (relative-unit rule); halves: sport
    n = int(m["q"]) if _g(m, "q") else min(_ORDINALS[ordinal], 4 if kind == "quarter" else 2)
    if m["y"]:
        return period_val(kind, int(m["y"]), n)
    if c.pub is None:
        return unknown_val("quarter", f"XXXX-{kind[0].upper()}{n}")
    if rel:
        return _rel(period_val(kind, c.pub.year + _STEPS[rel.lower()], n))
    when = _pick_year(c, m.start(), lambda y: period_val(kind, y, n).low)
    return _rel(period_val(kind, when.year, n)) if when else None


def _fiscal_year(m: re.Match[str], c: Ctx) -> Val | None:
    """A fiscal year, named by the calendar year it ends in (FY2024). Organisations' fiscal
    calendars differ, so it claims no days; "the fiscal year" is the publication year's."""
    if _g(m, "y") or _g(m, "yy"):
        year = int(m["y"]) if _g(m, "y") else 2000 + int(m["yy"])
        if end := _g(m, "y2"):  # "2023-24", "2023/2024": the year it ends in names it
            year_end = int(end) if len(end) == 4 else year // 100 * 100 + int(end)
            if year_end != year + 1:
                return None
            year = year_end
        return Val(f"FY{year:04d}", "year")
    if c.pub is None:
        return Val("FYXXXX", "year")
    return Val(f"FY{c.pub.year + _STEPS[m['rel'].lower()]:04d}", "year", relative=True)


_SEASONS = {"spring": ("SP", 3), "summer": ("SU", 6), "autumn": ("FA", 9), "fall": ("FA", 9),
            "winter": ("WI", 12)}


def _season(m: re.Match[str], c: Ctx) -> Val | None:
    name, rel, year = m["s"].lower(), _g(m, "rel").lower(), _g(m, "y")
    bare_ok = m["ctx"] and name != "fall" and not re.match(r"\s+of\b", c.text[m.end():])
    if not (rel or year or bare_ok):
        return None  # a bare season word is too often something else (the fall of a city)
    code, month = _SEASONS[name]
    if not year and c.pub is None:
        return unknown_val("interval", f"XXXX-{code}")
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
_FISCAL = r"(?i:fiscal|financial)"
_VAGUE = (r"(?:undetermined|indefinite|unspecified|undisclosed|unknown|uncertain|undefined"
          r"|extended|prolonged|lengthy|long|short|brief|limited)")
# "the same quarter last year": its value is the one before it, a year earlier (or in that year)
SAME = re.compile(
    rf"\b(?P<x>(?i:the\s+(?:same|corresponding|comparable)\s+(?P<u>period|time|quarter|month|week"
    rf"|day|season)(?:\s+(?:of|in))?\s+(?:(?P<y>{_YEAR})|(?:the\s+)?(?:last|previous|prior"
    r"|preceding)\s+year|a\s+year\s+(?:earlier|ago|before))|the\s+(?:year[-\s](?:earlier|ago)"
    r"|prior[-\s]year)\s+(?P<u2>period|quarter|month|week)))\b")
_RULE_SPECS: list[tuple[str, Handler, str]] = [
    (rf"\b(?P<x>(?P<y>{_YEAR})-(?P<a>[01]\d)-(?P<b>[0-3]\d))(?!\d)", _iso, "date"),
    (rf"\b(?P<x>{_ON_DAY}(?P<mon>{_MONTH})(?:\s*(?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?!\d)(?!:))?"
     rf"(?:\s*,?\s*(?i:of\s+)?(?P<y>{_YEAR}))?)", _ymd, "date"),
    (rf"(?<![\d.,])(?P<x>{_ON_DAY}(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+(?i:of\s+)?(?P<mon>{_MONTH})"
     rf"(?:\s*,?\s*(?P<y>{_YEAR}))?)", _ymd, "date"),
    (rf"(?:(?P<p>\b(?i:in|since|by|until|till|of|from|through|to|during|before|after|early|late"
     rf"|between|and|or|mid|as\s+of)\s+|\b(?i:mid)-)|(?=\b(?i:last|next|this)\s))"
     rf"(?P<x>(?:(?P<rel>(?i:last|next|this))\s+)?(?P<mon>{FULL_MONTH}))", bare_month, "month"),
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
    (rf"\b(?P<x>FY\s?(?:(?P<y>{_YEAR})|(?P<yy>\d\d))(?:[-/–](?P<y2>\d\d(?:\d\d)?))?)(?![\w-])",
     _fiscal_year, "fiscal"),
    (rf"\b(?P<x>{_FISCAL}\s+(?i:year\s+)?(?P<y>{_YEAR})(?:[-/–](?P<y2>\d\d(?:\d\d)?))?)(?![\w-])",
     _fiscal_year, "fiscal"),
    (rf"\b(?P<x>(?P<rel>(?i:the|this|last|next|current|previous|coming))\s+{_FISCAL}[\s-]+"
     r"(?i:year))\b", _fiscal_year, "fiscal"),
    (rf"\b(?P<x>(?i:an?\s+(?:{_VAGUE}\s+)?period\s+of\s+time|an?\s+{_VAGUE}\s+period))\b",
     lambda _m, _c: Val("PXD", "duration", type="DURATION"), "duration"),  # no unit: days
    (SAME.pattern, lambda _m, _c: Val("", "anaphor"), "same"),  # its value: see times._same
    (rf"(?<![\w$€£¥#.,/])(?P<x>{_YEAR})(?![\w%]|[.,]\d)", _bare_year, "year"),
    (rf"\b(?P<x>(?:(?:1[0-2]|0?[1-9])(?:[:.][0-5]\d)?\s*(?:[ap]\.\s?m\.|[ap]m\b)|(?:[01]?\d|2[0-3])"
     rf":[0-5]\d(?=\s*{_TZ})|(?i:noon|midday|midnight))(?:\s+{_TZ}\b)?)",
     lambda _m, _c: Val("", "clock", type="TIME"), "clock"),  # its day: see _anchor_clocks
]
RULES = [(re.compile(p), h, k) for p, h, k in _RULE_SPECS]
