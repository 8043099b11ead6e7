"""Number phrases in text: digits and words, modifiers, ranges, currencies and units, as ranges.

A phrase is read from the text alone (no parse): "at least two" = [2, None], "about 150" =
[135, 165], "over a dozen" = [13, None], "between 10 and 15" = [10, 15], "$85 billion" =
[85e9, 85e9] USD, "a 34-year-old" = age 34, "100-odd" = [100, 130], "thousands of dollars" =
[2000, None] USD, "a 34-6 win" = a score of 34 against 6, "finished 5-11" = a record of 5 wins
against 11 losses. What the number counts is left to `claims`. Times of day ("5:10 a.m.", "about
5am", "noon") are read by `find_clock_times` as minutes after midnight. Years, dates, phone
numbers, ordinals and labels ("page 12", "F-16") are skipped (dates come from `times`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# "about N" = [N - t, N + t] with t = ABOUT_SHARE * N, rounded and at least ABOUT_MIN for whole
# numbers (so "about 150" = [135, 165], "about 5" = [4, 6]); unrounded for fractions.
ABOUT_SHARE = 0.10
ABOUT_MIN = 1.0
# "nearly/almost N" = [NEARLY_SHARE * N, N]; "just over N" = [N, N / NEARLY_SHARE].
NEARLY_SHARE = 0.9
# Plural vague numbers: a lower bound and no upper one ("dozens" = [24, None]).
VAGUE = {"dozens": 24.0, "scores": 40.0, "hundreds": 200.0, "thousands": 2000.0,
         "tens of thousands": 20000.0, "hundreds of thousands": 200000.0,
         "millions": 2e6, "billions": 2e9}

_SMALL = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
          "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
WORD_VALUES = {w: float(i) for i, w in enumerate(_SMALL)}
WORD_VALUES |= {w: float(20 + 10 * i) for i, w in enumerate(_TENS)}
SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
          "k": 1e3, "mn": 1e6, "m": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12}
_WORD = (rf"(?:{'|'.join(_TENS)})(?:-(?:{'|'.join(_SMALL[1:10])}))?"
         rf"|{'|'.join(sorted(_SMALL, key=len, reverse=True))}")
_SCALE_WORD = r"hundred|thousand|million|billion|trillion"
_AFTER_SCALE = "".join(f"(?<={w})" if not i else f"|(?<={w})"
                       for i, w in enumerate(_SCALE_WORD.split("|")))
_WORDNUM = (rf"(?:(?:an?|one)\s+(?:{_SCALE_WORD}|dozen)|half\s+a\s+dozen|a\s+dozen|(?:{_WORD}))"
            rf"(?:(?:(?:{_AFTER_SCALE})\s+and\s+|[\s-]+)(?:{_WORD}|{_SCALE_WORD}|dozen)\b)*")
# "31, 000" (a space after the comma, as in some scraped text) is one figure when the group
# starts with 0: "000" alone is never a figure; "1, 300" stays a list.
_DIGITS = r"\d{1,3}(?:,\d{3}|, 0\d\d)+(?:\.\d+)?|\d+(?:\.\d+)?"
_VAGUE = r"(?:tens|hundreds)\s+of\s+thousands|dozens|hundreds|thousands|millions|billions"
ATOM = re.compile(
    rf"(?i)(?<![\w#@/.,:])(?<![A-Za-z]-)(?:(?P<d>{_DIGITS})(?:\s*(?P<ds>{_SCALE_WORD}|bn|mn|tn)\b"
    rf"|(?P<dm>[mkb])\b)?|(?P<v>{_VAGUE})\b|(?P<w>{_WORDNUM})\b)"
    r"(?!,\d)(?![.,:]\d)")

MODIFIERS = {
    "at least": "atleast", "no fewer than": "atleast", "no less than": "atleast",
    "not less than": "atleast", "a minimum of": "atleast", "at minimum": "atleast",
    "more than": "more", "over": "more", "upwards of": "more", "in excess of": "more",
    "greater than": "more", "well over": "more", "above": "more", "exceeding": "more",
    "up to": "atmost", "at most": "atmost", "as many as": "atmost", "no more than": "atmost",
    "not more than": "atmost", "a maximum of": "atmost", "as much as": "atmost",
    "fewer than": "less", "less than": "less", "under": "less", "below": "less",
    "about": "about", "around": "about", "roughly": "about", "some": "about",
    "approximately": "about", "an estimated": "about", "estimated": "about",
    "approx.": "about", "circa": "about", "more or less": "about", "an approximate": "about",
    "nearly": "nearly", "almost": "nearly", "close to": "nearly", "just under": "nearly",
    "just shy of": "nearly", "not quite": "nearly", "just over": "justover",
    "slightly more than": "justover", "a little over": "justover", "just above": "justover",
    "a little more than": "justover", "between": "between",
}
_MOD_RE = re.compile(r"(?i)(?<![\w-])(" + "|".join(
    re.escape(m).replace(r"\ ", r"\s+") for m in sorted(MODIFIERS, key=len, reverse=True))
    + r")\s+$")
_POSTFIX = re.compile(r"(?i)^(?:\s+or\s+(?P<more>more|above)|\s+or\s+so\b|\s+and\s+counting\b"
                      r"|(?P<plus>-?plus\b|\+)|(?P<odd>-odd\b))")
# "two more victims", "two extra life sentences": an increment on an earlier figure; the word
# joins the phrase so that compare keeps increments apart from totals. Without a noun after it
# ("killed 27 and wounded dozens more") "more" means others, and the figure is their toll.
INCREMENT_WORDS = ("more", "additional", "further", "extra")
_INCREMENT = re.compile(rf"(?i)^\s+(?:{'|'.join(INCREMENT_WORDS)})(?=\s+[a-z])"
                        r"(?!\s+(?:than|of|and|or|to|in|on|at|from|by|with|as|were|was|are|is|"
                        r"have|had|has|will|would)\b)")
# An earthquake's magnitude, after or before its figure; "measuring 6.1" needs a decimal when no
# magnitude word or Richter scale follows ("measuring 30 feet" has its unit).
_MAGNITUDE_AFTER = re.compile(r"(?i)^(?:-|\s)(?:magnitude|strength|richter)\b"
                              r"|^\s+on\s+the\s+richter")
_MAGNITUDE_BEFORE = re.compile(r"(?i)\bmagnitude(?:\s+(?:of|at|was|is|as|to))?(?:\s+|-)$"
                               r"|\brichter\s+(?:scale\s+)?(?:reading\s+)?(?:of\s+)?$")
_MEASURING_BEFORE = re.compile(r"(?i)\b(?:measuring|measured(?:\s+at)?|registering|registered"
                               r"(?:\s+at)?)\s+$")
# "100-odd": a round figure with some more on top, up to this share above it.
ODD_SHARE = 1.3
CURRENCY_SIGNS = {"us$": "USD", "$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY", "₹": "INR",
                  "rs.": "INR", "rs": "INR", "usd": "USD", "eur": "EUR", "gbp": "GBP",
                  "a$": "AUD", "c$": "CAD", "hk$": "HKD"}
CURRENCY_WORDS = {"dollars": "USD", "dollar": "USD", "euros": "EUR", "euro": "EUR",
                  "pounds sterling": "GBP", "yuan": "CNY", "renminbi": "CNY", "yen": "JPY",
                  "rupees": "INR", "rupee": "INR", "roubles": "RUB", "rubles": "RUB",
                  "shekels": "ILS", "dinars": "IQD", "riyals": "SAR", "lira": "TRY",
                  "naira": "NGN", "rand": "ZAR", "francs": "CHF", "pesos": "MXN"}
_CUR_BEFORE = re.compile(r"(?i)(?<![\w$])(us\$|hk\$|a\$|c\$|\$|£|€|¥|₹|rs\.?|usd|eur|gbp)\s*$")
_MM_AFTER = re.compile(r"(?i)mm\b")
_CUR_AFTER = re.compile(r"(?i)^\s+(?:of\s+)?(" + "|".join(
    sorted(CURRENCY_WORDS, key=len, reverse=True)) + r")\b")
# Unit as written -> (kind, canonical unit). Order matters: longer spellings first.
UNITS = [
    (r"miles?\s+(?:per|an)\s+hour|mph", "speed", "mph"),
    (r"(?:kilomet(?:er|re)s?\s+(?:per|an)\s+hour|km/h|kph|kmh)", "speed", "km/h"),
    (r"knots", "speed", "kn"), (r"nautical\s+miles?", "distance", "nmi"),
    (r"kilomet(?:er|re)s?|km", "distance", "km"), (r"miles?|mi", "distance", "mi"),
    (r"centimet(?:er|re)s?|cm", "distance", "cm"), (r"millimet(?:er|re)s?|mm", "distance", "mm"),
    (r"met(?:er|re)s?|m", "distance", "m"), (r"feet|foot|ft", "distance", "ft"),
    (r"yards?|yds?", "distance", "yd"), (r"inch(?:es)?", "distance", "in"),
    (r"kilo(?:gram)?s?|kg", "weight", "kg"), (r"(?:metric\s+)?tonnes?|tons?", "weight", "t"),
    (r"grams?", "weight", "g"), (r"pounds?|lbs?", "weight", "lb"), (r"ounces?|oz", "weight", "oz"),
    (r"per\s*cent|percent|%", "percentage", "%"),
    (r"seconds?|secs?", "duration", "second"), (r"minutes?|mins?", "duration", "minute"),
    (r"hours?|hrs?", "duration", "hour"), (r"days?", "duration", "day"),
    (r"weeks?", "duration", "week"), (r"months?", "duration", "month"),
    (r"years?", "duration", "year"), (r"decades?", "duration", "decade"),
]
_UNIT_AFTER = re.compile(r"(?i)^(?:(?P<sep>\s*-\s*|\s*)(?P<u>" + "|".join(
    f"(?P<u{i}>{pattern})" for i, (pattern, _, _) in enumerate(UNITS)) + r"))(?![\w])"
    r"(?P<old>-old|\s+old\b)?")
# "three days ago" is a point in time; "four hours into the flight" and "eight hours later" are
# spans between two happenings, which reports state and can disagree on.
_TIME_WORDS = re.compile(r"(?i)^\s+(?:ago|from\s+now|back)\b")
_HEIGHT = re.compile(r"(?i)^\s+(?:tall|high)\b")
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_MONTH_BEFORE = re.compile(rf"(?i)\b{_MONTH}\.?\s+$")
_DATE_AFTER = re.compile(rf"(?i)^(?:\s*(?:st|nd|rd|th)\b|\s+(?:of\s+)?{_MONTH}\b|\.?\d)")
_TIME_AFTER = re.compile(r"(?i)^\s*(?:a\.?m\b|p\.?m\b|gmt\b|utc\b|hrs\b|hours?\s+(?:gmt|local)"
                         r"|o'clock\b|local\s+time\b|[ap]\.m\.)")
_PHONE = re.compile(r"(?<![\w])\+?\(?\d{2,4}\)?(?:[\s.-]\d{2,4}){2,}(?![\w])")
_LABEL_BEFORE = re.compile(
    r"(?i)\b(?:page|pp?\.|no\.|nos\.|number|flight|route|highway|article|section|chapter|"
    r"resolution|room|gate|platform|level|grade|phase|category|version|model|channel|seat|row|"
    r"line|bus|apartment|exit|interstate|paragraph|clause|amendment|item|table|figure|episode|"
    r"season|verse|code|pin|band|bay|squad|battalion|brigade|division|regiment|corps|week|day|"
    r"stage|round|game|match|hole|lap|terminal|pier|block|lot|ward|district|sector|zone|unit|"
    r"number\s+of\s+the|years?\s+of|class|tier|size|series|batch|rule|title|act)\s*$")
_SPELLS = re.compile(r"(?i)^\s+(?:\w+\s+)?(?:innings|games|seasons|starts|matches|races|"
                     r"rounds|laps|holes|quarters|periods|sets|frames|outings)\b")
_AGED = re.compile(r"(?i)\b(?:aged|ages?)\s+(?:\d{1,3},?\s+(?:and\s+)?)*$")  # "ages 16 and 6"
_COMPOUND_AFTER = re.compile(r"^-[A-Za-z]")
# "a 12-point lead", "a three-goal advantage": a count of points, margins read it (positions.py)
MARGINS = frozenset("lead margin gap deficit advantage cushion".split())
MARGIN_UNITS = frozenset("point vote stroke run goal length shot second game".split())
_MARGIN_AFTER = re.compile(rf"(?i)^-(?:{'|'.join(sorted(MARGIN_UNITS))})\s+"
                           rf"(?:\w+\s+)?(?:{'|'.join(sorted(MARGINS))})\b")
# "two-thirds of", "three quarters of": a share, kept as a percentage so it meets "67%"; only
# before "of", because "three quarters" alone is as often a game's periods.
FRACTIONS = {"third": 3, "quarter": 4, "fifth": 5, "sixth": 6, "eighth": 8, "tenth": 10}
_FRACTION_AFTER = re.compile(
    r"(?i)^(?:-|\s+)((?:third|quarter|fifth|sixth|eighth|tenth)s?)(?=\s+of\b)")


@dataclass(frozen=True)
class NumberPhrase:
    """A number phrase: its span, the number's own span, its range, kind and unit."""

    start: int
    end: int
    num_start: int  # the number itself, without modifier or unit (for finding its token)
    num_end: int
    low: float | None
    high: float | None
    base: float
    kind: str  # "count", "money", "percentage", "distance", "height", "weight", ...
    unit: str | None = None
    modifier: str | None = None  # "atleast", "about", ... (None = exact)
    word: bool = False  # written in words ("two"), not digits


def _figure(digits: str) -> float:
    """The value of a figure in digits ("1,200", "31, 000")."""
    return float(digits.replace(",", "").replace(" ", ""))


def parse_number(text: str) -> float | None:
    """The value of a number in digits or words ("1,200", "3m", "twenty-five", "a dozen")."""
    words = re.sub(r"\s+and\s+", " ", text.strip().lower())
    match = re.fullmatch(rf"({_DIGITS})\s*([a-z]*)", words)
    if match:
        value = _figure(match.group(1))
        if not match.group(2):
            return value
        return value * SCALES[match.group(2)] if match.group(2) in SCALES else None
    if words in VAGUE:
        return VAGUE[words]
    return _words_value(re.split(r"[\s-]+", words))


def _words_value(parts: list[str]) -> float | None:
    total, current, last = 0.0, 0.0, ""
    for part in parts:
        if part in ("a", "an") and last in ("", "half"):
            current, last = current or 1.0, "one"  # "a dozen", "half a dozen"
        elif part == "half" and not last:
            current, last = 0.5, "half"
        elif part in WORD_VALUES:
            if last in _SMALL or last == "one" or (last in _TENS and part not in _SMALL[1:10]):
                return None  # "two three": two numbers, not one
            current += WORD_VALUES[part]
            last = part
        elif part == "dozen":
            current = (current or 1.0) * 12
            last = "dozen"
        elif part in ("hundred", "thousand", "million", "billion", "trillion"):
            if part == "hundred":
                current = (current or 1.0) * 100
            else:
                total += (current or 1.0) * SCALES[part]
                current = 0.0
            last = part
        else:
            return None
    return total + current


def find_numbers(text: str) -> list[NumberPhrase]:
    """Every number phrase of the text in order, with its range; skipped kinds left out."""
    blocked = [(m.start(), m.end()) for m in _PHONE.finditer(text)
               if sum(c.isdigit() for c in m.group()) >= 7]
    atoms = [m for m in ATOM.finditer(text)
             if not any(s <= m.start() < e for s, e in blocked) and _plausible(text, m)]
    phrases: list[NumberPhrase] = []
    used_until = -1
    for i, atom in enumerate(atoms):
        if atom.start() < used_until:
            continue
        phrase, used_until = _phrase(text, atom, atoms[i + 1] if i + 1 < len(atoms) else None)
        if phrase is not None:
            phrases.append(phrase)
    return phrases


def _plausible(text: str, atom: re.Match[str]) -> bool:
    before, after = text[max(0, atom.start() - 30):atom.start()], text[atom.end():atom.end() + 30]
    if _TIME_AFTER.match(after) or _DATE_AFTER.match(after):
        return False
    label = _LABEL_BEFORE.search(before)
    series = label is not None and label.group().lower().rstrip().endswith("series")
    if label and not (series and _SERIES_SCORE.match(after)):
        return False  # "Game 7" is a label; "won the series 4-3" is a score
    if atom.group("d") and _MONTH_BEFORE.search(before):
        return False  # "Oct. 17"
    digits = atom.group("d")
    if digits and not atom.group("ds") and not atom.group("dm") and _year_like(digits):
        return bool(_CUR_BEFORE.search(before))  # "in 2014" is a year; "$2014" is money
    return True


def _year_like(digits: str) -> bool:
    return bool(re.fullmatch(r"1[89]\d\d|20\d\d", digits))


def _phrase(text: str, atom: re.Match[str],
            nxt: re.Match[str] | None) -> tuple[NumberPhrase | None, int]:
    """The phrase around one number (None if it is skipped) and where the next may start."""
    base = _atom_value(atom)
    if base is None:
        return None, atom.end()
    start, end = atom.start(), atom.end()
    cur = _CUR_BEFORE.search(text[max(0, start - 5):start])
    if cur:
        start -= len(cur.group())
    before = text[max(0, start - 40):start]
    mod_match = _MOD_RE.search(before)
    if mod_match and mod_match.group(1) == "over" and _SPELLS.match(text[atom.end():]):
        mod_match = None  # "over four innings" is across them, not more than four
    modifier = MODIFIERS[" ".join(mod_match.group(1).lower().split())] if mod_match else None
    pair = _pair(text, atom, nxt, base) if modifier is None and not cur else None
    if pair is not None:
        return NumberPhrase(start=start, end=pair[2], num_start=atom.start(),
                            num_end=pair[2], low=base, high=base, base=base, kind=pair[0],
                            unit=pair[1], word=bool(atom.group("w"))), pair[2]
    high_atom = None
    if nxt is not None:
        gap = text[end:nxt.start()]
        joiner = r"\s+and\s+" if modifier == "between" else r"\s*[-–]\s*|\s+to\s+|\s+or\s+"
        if re.fullmatch(rf"(?i)(?:{joiner})(?:[$£€]|us\$)?", gap):
            high_atom = nxt
    if modifier == "between" and high_atom is None:
        modifier, mod_match = None, None
    top = base
    if high_atom is not None:
        top_value = _atom_value(high_atom)
        if top_value is None:
            return None, high_atom.end()
        if high_atom.group("d") and (high_atom.group("ds") or high_atom.group("dm")) and not (
                atom.group("ds") or atom.group("dm")):
            base *= top_value / _figure(high_atom.group("d"))
        top = top_value
        if top <= base:
            return None, high_atom.end()  # a score ("won 3-1") or a date range: not values
        end = high_atom.end()
    if mod_match is not None:
        start -= len(before) - mod_match.start()
    million = _MM_AFTER.match(text, end) if cur and high_atom is None else None
    if million:  # "$27.5MM": the financial shorthand for millions, not millimetres
        base, top, end = base * 1e6, top * 1e6, million.end()
    fraction = _FRACTION_AFTER.match(text[end:end + 12]) if high_atom is None else None
    unit: str | None
    if fraction is not None:
        share = 100.0 / FRACTIONS[fraction.group(1).lower().rstrip("s")]
        base, top, end = base * share, top * share, end + len(fraction.group())
        kind, unit = "percentage", "%"
    else:
        kind, unit, end = _measure(text, end, atom)
    if kind == "count" and _AGED.search(before):
        kind, unit = "age", "year"
    elif kind == "count" and high_atom is None and _magnitude(text, before, end, atom):
        kind = "magnitude"
    if cur and kind in ("count", "money"):
        kind, unit = "money", CURRENCY_SIGNS[cur.group(1).lower()]
    elif cur and mod_match is None:
        start += len(cur.group())  # "$" before a non-money unit: not part of the phrase
    if atom.group("dm") and kind != "money" and high_atom is None:
        if atom.group("dm").lower() != "m":
            return None, end  # "3k", "5b" without a currency: ambiguous
        base = top = _figure(atom.group("d"))  # "the 200m final": metres
        kind, unit = "distance", "m"
    if kind == "skip":
        return None, end
    post = _POSTFIX.match(text[end:])
    if post and kind in ("count", "money"):
        end += len(post.group())
        if post.group("odd") and modifier is None:
            modifier = "odd"
        elif post.group("more") or post.group("plus"):
            modifier = modifier or "atleast"
        else:
            modifier = modifier or "about"
    increment = _INCREMENT.match(text[end:]) if kind == "count" and not post and \
        not atom.group("v") else None
    if increment:
        end += len(increment.group())
    low, high = _bounds(base, top, modifier, atom, kind)
    return NumberPhrase(start=start, end=end, num_start=atom.start(),
                        num_end=(high_atom or atom).end(), low=low, high=high, base=base,
                        kind=kind, unit=unit, modifier=modifier,
                        word=bool(atom.group("w") or atom.group("v"))), end


def _pair(text: str, atom: re.Match[str], nxt: re.Match[str] | None,
          base: float) -> tuple[str, str, int] | None:
    """A figure read with a second one: a score ("a 34-6 win", "won 3-1") or a share out of a
    total ("7 of 16", "seven out of 16"). The value is the first figure; the second goes in the
    unit, so only figures out of the same total (or against the same score) are compared."""
    if nxt is None or base != int(base) or atom.group("ds") or atom.group("dm"):
        return None
    other = _atom_value(nxt)
    gap = text[atom.end():nxt.start()]
    if other is None or other != int(other) or nxt.group("ds") or nxt.group("dm"):
        return None
    if re.fullmatch(r"\s*[-–]\s*", gap) and atom.group("d") and nxt.group("d") and \
            _scored(text, atom, nxt, other < base, other == base):
        return "score", f"score against {other:g}", nxt.end()
    record = _record(text, atom, nxt, gap)
    if record is not None:
        return record
    if re.fullmatch(r"(?i)\s+(?:out\s+)?of\s+", gap) and other > base and \
            not _UNIT_AFTER.match(text[nxt.end():nxt.end() + 12]):
        return "fraction", f"of {other:g}", nxt.end()
    return None


def _scored(text: str, atom: re.Match[str], nxt: re.Match[str], ahead: bool,
            level: bool) -> bool:
    """Whether "N-M" is a score: the winner's figure first with a word of winning or leading
    around it ("won 3-1", "a 34-6 win"), or a tie with a word of drawing ("drew 1-1")."""
    before = text[max(0, atom.start() - 40):atom.start()]
    after = text[nxt.end():nxt.end() + 20]
    if ahead:
        return bool(_SCORE_AFTER.match(after) or _SCORE_BEFORE.search(before))
    return level and bool(_DRAW_AFTER.match(after) or _DRAW_BEFORE.search(before))


def _record(text: str, atom: re.Match[str], nxt: re.Match[str],
            gap: str) -> tuple[str, str, int] | None:
    """A win-loss(-tie) record ("finished 5-11", "a 42-38 record", "went 50-32-1"): the wins,
    with the losses (and ties) in the unit; not a date ("2016-11-02") or a range of years."""
    if not (re.fullmatch(r"[-–]", gap) and atom.group("d") and nxt.group("d")) or \
            len(atom.group("d")) > 3 or len(nxt.group("d")) > 3 or \
            re.search(r"\d[-–/.]$", text[max(0, atom.start() - 2):atom.start()]):
        return None
    tie = _TIE.match(text, nxt.end())
    end = tie.end() if tie else nxt.end()
    if not (tie or _RECORD_AFTER.match(text[end:end + 24])
            or _RECORD_BEFORE.search(text[max(0, atom.start() - 30):atom.start()])):
        return None
    return "record", f"record against {nxt.group('d')}" + (f"-{tie.group(1)}" if tie else ""), end


_TIE = re.compile(r"[-–](\d{1,3})(?![\d.,:/-])")
_RECORD_AFTER = re.compile(r"(?i)^\s+(?:\w+\s+)?(?:record|season|seasons|mark|campaign|start|"
                           r"finish|run|deficit)\b")
_RECORD_BEFORE = re.compile(r"(?i)\b(?:went|finished|finish|finishes|posted|improved\s+to|"
                            r"fell\s+to|dropped\s+to|record\s+(?:of|to|at))\s+(?:\S+\s+){0,2}$")
_SCORE_AFTER = re.compile(r"(?i)^\s+(?:\w+\s+)?(?:win|victory|defeat|loss|lead|rout|triumph|"
                          r"drubbing|thrashing|scoreline|score|decision)\b")
_SCORE_BEFORE = re.compile(r"(?i)\b(?:won|win|wins|beat|beats|lost|loses|defeated|edged|"
                           r"routed|trounced|downed|lead|led|leads|leading|score|scored)"
                           r"\s+(?:\S+\s+){0,3}$")
_DRAW_AFTER = re.compile(r"(?i)^\s+(?:\w+\s+)?(?:draw|tie|stalemate)\b")
_DRAW_BEFORE = re.compile(r"(?i)\b(?:drew|draw|draws|tied|ties|tie|level|deadlocked)"
                          r"\s+(?:\S+\s+){0,3}$")
_SERIES_SCORE = re.compile(r"^\s*[-–]\s*\d{1,2}(?!\d|[.,:/–-]\d)")


def _atom_value(atom: re.Match[str]) -> float | None:
    if atom.group("d"):
        value = _figure(atom.group("d"))
        scale = (atom.group("ds") or atom.group("dm") or "").lower()
        return value * SCALES[scale] if scale else value
    return parse_number(atom.group())


def _measure(text: str, end: int, atom: re.Match[str]) -> tuple[str, str | None, int]:
    """The kind and unit that follow the number, and the phrase's new end."""
    after = text[end:end + 40]
    cur = _CUR_AFTER.match(after)
    if cur:
        return "money", CURRENCY_WORDS[cur.group(1).lower()], end + len(cur.group())
    unit = _UNIT_AFTER.match(after)
    if unit is None:
        if _COMPOUND_AFTER.match(after) and not after.lower().startswith("-odd") and \
                not _MARGIN_AFTER.match(after) and not _MAGNITUDE_AFTER.match(after):
            return "skip", None, end  # "one-way", "two-state": an adjective, not a count
        return "count", None, end
    index = next(i for i in range(len(UNITS)) if unit.group(f"u{i}") is not None)
    _, kind, canonical = UNITS[index]
    glued = not unit.group("sep")
    short = unit.group("u").lower() in ("m", "mi", "t", "in")
    if (glued and kind == "duration") or (short and not glued and (
            not atom.group("d") or unit.group("u").lower() != "m")):
        return "count", None, end  # "killed 12 in the attack": "in" is no inch here
    if canonical == "lb" and re.match(r"(?i)^\s*(?:million|billion)", text[atom.start():end]):
        return "money", "GBP", end + unit.end()
    new_end = end + unit.end()
    if kind == "duration":
        if unit.group("old"):
            return "age", "year", new_end
        if _TIME_WORDS.match(text[new_end:new_end + 20]):
            return "skip", None, end
    if kind == "distance" and _HEIGHT.match(text[new_end:new_end + 10]):
        kind = "height"
    if unit.group("sep") and "-" in unit.group("sep") and kind == "duration":
        return kind, canonical, new_end  # "a three-hour siege"
    return kind, canonical, new_end


def _magnitude(text: str, before: str, end: int, atom: re.Match[str]) -> bool:
    """An earthquake's magnitude: "a 5.9-magnitude quake", "magnitude 6.1", "measuring 6.1
    on the Richter scale" (a figure under 10 in digits)."""
    figure = atom.group("d")
    if not figure or atom.group("ds") or atom.group("dm") or _figure(figure) >= 10:
        return False
    if _MAGNITUDE_AFTER.match(text[end:end + 30]) or _MAGNITUDE_BEFORE.search(before):
        return True
    return "." in figure and bool(_MEASURING_BEFORE.search(before))


def _bounds(base: float, top: float, modifier: str | None, atom: re.Match[str],
            kind: str) -> tuple[float | None, float | None]:
    vague = atom.group("v")
    if vague:
        return (base + 1 if modifier in ("more", "justover") else base), None
    whole = base == int(base) and kind == "count"
    step = 1.0 if whole else 0.0
    if modifier == "atleast":
        return base, None
    if modifier == "odd":
        return base, float(round(base * ODD_SHARE)) if whole else base * ODD_SHARE
    if modifier == "more":
        return base + step, None
    if modifier == "atmost":
        return 0.0, top
    if modifier == "less":
        return 0.0, top - step
    if modifier == "about":
        low, high = base - _tolerance(base), top + _tolerance(top)
        return max(low, 0.0), high
    if modifier == "nearly":
        return (float(round(NEARLY_SHARE * base)) if whole else NEARLY_SHARE * base), top
    if modifier == "justover":
        high = top / NEARLY_SHARE
        return base + step, (float(round(high)) if whole else high)
    return base, top


def _tolerance(value: float) -> float:
    if value == int(value):
        return max(ABOUT_MIN, float(round(ABOUT_SHARE * value)))
    return ABOUT_SHARE * value



# --- times of day -------------------------------------------------------------------------

# "8.40pm" (British) as "8:40pm"; "2045 GMT" and "1100 hrs IST" (military, four digits and a zone)
_CLOCK = re.compile(
    r"(?i)(?<![\w:.])(?:(?P<h>\d{1,2})(?:[:.](?P<m>[0-5]\d))?\s*(?P<ap>[ap]\.\s?m\.|[ap]m\b|"
    r"[ap]\.m\b)|(?P<mil>(?:[01]\d|2[0-3])[0-5]\d)\s*"
    r"(?:GMT|UTC|hrs|hours\s+(?:GMT|UTC|local(?:\s+time)?))\b"
    r"|(?P<h24>[01]?\d|2[0-3]):(?P<m24>[0-5]\d)(?![\d:])(?P<tail>\s*(?:[A-Z]{2,4}\b|local\s+time\b|"
    r"hrs\b|h\b)|(?:\s+\w+day)?\s+(?:morning|afternoon|evening|night|tonight)\b)?"
    r"|(?P<word>noon|midday|midnight)\b|(?P<oc>\d{1,2}|" + "|".join(_SMALL[1:13]) +
    r")\s+o'clock\b)")
_DAYPART = re.compile(r"(?i)(?:\s+\w+day)?\s+(?P<part>morning|afternoon|evening|night|tonight)\b")
# A clock figure without am/pm or a zone is a time only after one of these ("at 11:36").
_CLOCK_CUE = re.compile(r"(?i)\b(?:at|by|around|about|until|till|from|since|before|after|to|"
                        r"approximately|roughly|circa)\s+$")
_CLOCK_MODS = {"about": "about", "around": "about", "approximately": "about", "roughly": "about",
               "circa": "about", "shortly after": "soonafter", "just after": "soonafter",
               "shortly before": "soonbefore", "just before": "soonbefore", "after": "after",
               "since": "after", "before": "before", "by": "before", "until": "before"}
_CLOCK_MOD_RE = re.compile(r"(?i)(?<![\w-])(" + "|".join(
    m.replace(" ", r"\s+") for m in sorted(_CLOCK_MODS, key=len, reverse=True)) + r")\s+$")
CLOCK_ABOUT_HOUR = 30.0  # "about 5am" = 4:30 to 5:30
CLOCK_ABOUT_MINUTE = 10.0  # "around 5:10 a.m." = 5:00 to 5:20
CLOCK_SOON = 30.0  # "shortly after 5 p.m." = 5 to 5:30 p.m.


def find_clock_times(text: str) -> list[NumberPhrase]:
    """Times of day as minutes after midnight ("around 5:10 a.m." = [300, 320]), in order."""
    found = []
    for match in _CLOCK.finditer(text):
        minute, end = _clock_minute(text, match)
        if minute is None:
            continue
        before = text[max(0, match.start() - 20):match.start()]
        mod = _CLOCK_MOD_RE.search(before)
        modifier = _CLOCK_MODS[" ".join(mod.group(1).lower().split())] if mod else None
        low, high = _clock_bounds(minute, modifier, match)
        start = match.start() - (len(before) - mod.start() if mod else 0)
        found.append(NumberPhrase(start=start, end=end, num_start=match.start(),
                                  num_end=end, low=low, high=high, base=minute, kind="time",
                                  unit="minute_of_day", modifier=modifier, word=False))
    return found


def _clock_minute(text: str, match: re.Match[str]) -> tuple[float | None, int]:
    """The minute of the day a clock match names, and where its wording ends (None: no time)."""
    if match.group("word"):
        return (0.0 if match.group("word").lower() == "midnight" else 720.0), match.end()
    if match.group("oc"):
        hour = parse_number(match.group("oc"))
        part = _DAYPART.match(text[match.end():match.end() + 25])
        end = match.end() + (part.end() if part else 0)
        return (_twelve(hour, part.group("part")) if hour and part else hour and hour * 60), end
    if match.group("mil"):
        digits = match.group("mil")
        return float(int(digits[:2]) * 60 + int(digits[2:])), match.end()
    if match.group("h"):
        hour, minutes = int(match.group("h")), int(match.group("m") or 0)
        if not 1 <= hour <= 12:
            return None, match.end()
        pm = match.group("ap").lower().startswith("p")
        return float((hour % 12 + (12 if pm else 0)) * 60 + minutes), match.end()
    hour, minutes = int(match.group("h24")), int(match.group("m24"))
    tail = match.group("tail")
    if not tail and not _CLOCK_CUE.search(text[max(0, match.start() - 15):match.start()]):
        return None, match.end()
    part = _DAYPART.fullmatch(tail or "")
    if part and hour <= 12:
        return _twelve(float(hour), part.group("part")) + minutes, match.end()
    return float(hour * 60 + minutes), match.end()


def _twelve(hour: float, part: str) -> float:
    """Minutes at a 12-hour clock hour said with a part of the day ("11 Tuesday morning")."""
    later = part.lower() in ("afternoon", "evening", "tonight") or (
        part.lower() == "night" and hour >= 6)
    return (hour % 12 + (12 if later else 0)) * 60


def _clock_bounds(minute: float, modifier: str | None,
                  match: re.Match[str]) -> tuple[float | None, float | None]:
    whole = not (match.group("m") or match.group("m24") or match.group("mil"))
    if modifier == "about":
        reach = CLOCK_ABOUT_HOUR if whole else CLOCK_ABOUT_MINUTE
        return max(0.0, minute - reach), minute + reach
    if modifier == "soonafter":
        return minute, minute + CLOCK_SOON
    if modifier == "soonbefore":
        return max(0.0, minute - CLOCK_SOON), minute
    if modifier == "after":
        return minute, None
    if modifier == "before":
        return None, minute
    return minute, minute
