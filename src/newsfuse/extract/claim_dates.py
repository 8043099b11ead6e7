"""Date and time-of-day claims: calendar dates, holidays and tense; the token helpers they share.

Dates are the `times` extractor's calendar dates ("on May 4", "Jan. 1, 2018", "a 2015 sting"),
held as YYYYMMDD numbers, plus fixed-date holidays ("New Year's Eve" = 31 December, in the year
nearest the publication date). `times` gives a yearless month-day the publication year unless
that lands after publication; a claim judges with tense too: a yearless day before publication in
a clause that speaks of the future ("will be in theaters May 4", "is set for") is next year's.
A report with no publication date still states days ("sank on November 19"): those become
`month_day` claims (MMDD numbers), comparable with each other and never with full dates.
The subject of a date or time is what happened then (the verb's lemma, "land", "take-off", or the
noun, "sting operation"), none for speech verbs ("said on May 4").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from newsfuse.extract.attribution import SPEECH_VERBS, attribution
from newsfuse.model import Claim, TimeExpr

_STARTS = "newsfuse.token_starts"

PRONOUNS = frozenset("he she it they we i you this that who".split())
DROPPED_MODIFIERS = frozenset("other more additional further least most some many few several "
                              "his her their its our my your "
                              "such total estimated another only just all".split())
PLACEHOLDER_NOUNS = frozenset({"other", "one", "those", "them"})
FUTURE_AUX = frozenset({"will", "'ll", "shall", "wo"})
SCHEDULED = frozenset({"schedule", "set", "slate", "due", "plan", "expect"})
HOLIDAYS = {"new year's day": "01-01", "new year's eve": "12-31", "christmas eve": "12-24",
            "christmas day": "12-25", "boxing day": "12-26", "valentine's day": "02-14",
            "halloween": "10-31", "fourth of july": "07-04"}
_HOLIDAY = re.compile(r"(?i)\b(?:new\s+year[’']s\s+(?:day|eve)|christmas\s+(?:eve|day)|"
                      r"boxing\s+day|valentine[’']s\s+day|halloween|fourth\s+of\s+july)\b")


def occasion(token: Any, wording: range | None = None) -> tuple[str | None, str | None]:
    """(subject, trigger) of a time or date: the verb or noun it dates ("landed at 10 p.m." ->
    "land"; "a 2015 sting operation" -> "sting operation"); no subject for speech verbs. The
    characters of `wording` (the whole date) never enter the subject ("the November 18
    sinking" -> "sinking")."""
    skip = wording or range(token.idx, token.idx + len(token.text))
    slot = token.head if token.lower_ == "ago" else token  # "met 25 years ago": the meeting
    while slot.dep_ in ("nummod", "compound", "npadvmod", "appos", "quantmod", "nmod", "pobj",
                        "prep", "conj") and slot.head.i != slot.i and \
            slot.pos_ not in ("VERB", "AUX"):
        if slot.dep_ in ("compound", "nummod", "amod") and slot.head.pos_ == "NOUN" and \
                slot.head.i > slot.i:
            return subject_of(slot.head, skip), str(slot.head.text)
        slot = slot.head
    if slot.pos_ in ("VERB", "AUX") and slot.i != token.i:
        lemma = slot.lemma_.lower()
        if lemma in SPEECH_VERBS or lemma == "be":
            return None, str(slot.text)
        particle = next((c.lower_ for c in slot.children if c.dep_ == "prt"), "")
        return (f"{lemma}-{particle}" if particle else lemma), str(slot.text)
    if slot.pos_ == "NOUN" and slot.i != token.i:
        return str(slot.lemma_.lower()), str(slot.text)
    return None, None


_MONTH_WORD = re.compile(r"(?i)\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|"
                         r"july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|"
                         r"dec(?:ember)?)\b\.?")
_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
_YEARS_AGO = re.compile(r"(?i)\b(?:years?|decades?)\s+ago$")  # "25 years ago": a year, resolved
_YEARLESS_DAY = re.compile(r"XXXX-([01]\d)-([0-3]\d)")


def date_claims(text: str, doc: Any, times: Sequence[TimeExpr],
                published: str | None = None) -> Iterator[Claim]:
    """Calendar dates the report states ("on May 4", "Jan. 1, 2018", "a 2015 sting", "on New
    Year's Eve"): weekdays and words like "yesterday" are left to the happening's date
    (`compare_dates`). A yearless day that `times` put before publication moves on a year when
    its clause speaks of the future ("will be in theaters on May 4")."""
    for time in times:
        month_day = _yearless_day(time, published)
        if month_day is not None:
            yield from _month_day_claim(text, doc, time, month_day)
            continue
        if not time.low or not time.high or not time.value[:4].isdigit():
            continue  # "since 2010" and "until November 2018" state their dates too
        month = _MONTH_WORD.search(time.text)
        if time.type == "TIME":  # "11:36 a.m. on Jan. 1, 2018": the date part only
            if month is None:
                continue
            start = time.start + month.start()
        elif month is None and not _YEAR.search(time.text) and not _YEARS_AGO.search(time.text):
            continue
        else:
            start = time.start
        end = time.end
        tokens = tokens_in(doc, start, end)
        if not tokens or text[start:end] != text[start:end].strip():
            continue
        low, high = time.low, time.high
        if published and low == high and low[:10] < published[:10] and \
                not _YEAR.search(time.text) and _future(phrase_head(tokens)):
            low = high = _next_year(low[:10])
        yield _date_claim(text, tokens, start, end, _day_number(low), _day_number(high))
    yield from _holidays(text, doc, published)


def _yearless_day(time: TimeExpr, published: str | None) -> float | None:
    """A month and day that no year pins down, in a report without a publication date: MMDD."""
    found = _YEARLESS_DAY.fullmatch(time.value) if not published and time.type == "DATE" \
        else None
    return float(found.group(1) + found.group(2)) if found else None


def _month_day_claim(text: str, doc: Any, time: TimeExpr, month_day: float) -> Iterator[Claim]:
    tokens = tokens_in(doc, time.start, time.end)
    wording = text[time.start:time.end]
    if tokens and wording == wording.strip() and _MONTH_WORD.search(wording):
        yield _date_claim(text, tokens, time.start, time.end, month_day, month_day, "month_day")


def _date_claim(text: str, tokens: list[Any], start: int, end: int, low: float, high: float,
                unit: str = "date") -> Claim:
    subject, trigger = occasion(phrase_head(tokens), range(start, end))
    wording = text[start:end]
    return Claim(predicate="date", subject=subject, low=low, high=high,
                 unit=unit, value=wording, text=wording, start=start, end=end,
                 attribution=attribution(tokens[0].sent, tokens[0]), trigger=trigger)


def _future(token: Any) -> bool:
    """Whether the clauses above a token speak of the future ("will open", "is set to")."""
    for verb in [token, *token.ancestors]:
        if verb.lemma_.lower() in SPEECH_VERBS and verb.i != token.i:
            return False  # "said on May 4 that it will": the saying is past
        for child in verb.children:
            if child.dep_ == "aux" and child.lower_ in FUTURE_AUX:
                return True
        if verb.lemma_.lower() in SCHEDULED and verb.tag_ in ("VBN", "JJ"):
            return True
    return False


def _next_year(day: str) -> str:
    """The same month and day a year later (29 February becomes 28)."""
    year, rest = int(day[:4]) + 1, day[4:]
    return f"{year}{rest}" if rest != "-02-29" else f"{year}-02-28"


def _holidays(text: str, doc: Any, published: str | None) -> Iterator[Claim]:
    """Fixed-date holidays ("on New Year's Eve"), in the year that puts them nearest to the
    publication date: a report names a holiday just past or coming. Unknown date: none."""
    if not published or not published[:4].isdigit():
        return
    day = published[:10]
    for match in _HOLIDAY.finditer(text):
        month_day = HOLIDAYS[re.sub(r"[’']", "'", re.sub(r"\s+", " ", match.group().lower()))]
        year = int(day[:4])
        dates = [f"{y}-{month_day}" for y in (year - 1, year, year + 1)]
        when = min(dates, key=lambda d: abs(_days(d) - _days(day)))
        tokens = tokens_in(doc, match.start(), match.end())
        if tokens:
            yield _date_claim(text, tokens, match.start(), match.end(), _day_number(when),
                              _day_number(when))


def _days(day: str) -> int:
    return date.fromisoformat(day).toordinal()


def _day_number(day: str) -> float:
    """"2018-05-04" -> 20180504.0: dates compare as numbers."""
    return float(day[:10].replace("-", ""))


def tokens_in(doc: Any, start: int, end: int) -> list[Any]:
    """The tokens overlapping the characters [start, end)."""
    first = max(0, bisect.bisect_right(token_starts(doc), start) - 1)
    found = []
    for token in doc[first:]:
        if token.idx >= end:
            break
        if token.idx + len(token.text) > start:
            found.append(token)
    return found


def token_starts(doc: Any) -> list[int]:
    """Each token's first character, kept on the doc: a scan per number cost more than the rest
    of the claims."""
    starts: list[int] | None = doc.user_data.get(_STARTS)
    if starts is None or len(starts) != len(doc):
        starts = [t.idx for t in doc]
        doc.user_data[_STARTS] = starts
    return starts


def phrase_head(tokens: list[Any]) -> Any:
    """The token of the phrase that attaches it to the rest of the sentence."""
    inside = {t.i for t in tokens}
    outer = [t for t in tokens if t.head.i not in inside or t.head.i == t.i]
    numeric = [t for t in outer if t.like_num or t.pos_ == "NUM"]
    return (numeric or outer or tokens)[-1]


def subject_of(noun: Any, skip: range = range(0)) -> str | None:
    """The counted noun with its compound/adjective modifiers, the head lemmatised.

    Tokens starting at a character offset in `skip` (the number phrase) are left out.
    """
    if noun.lemma_.lower() in PLACEHOLDER_NOUNS or noun.lower_ in PRONOUNS:
        return None
    keep: list[Any] = []
    for child in noun.lefts:
        if child.dep_ in ("compound", "amod", "nmod", "poss") and child.lower_ not in \
                DROPPED_MODIFIERS and child.lower_ not in PRONOUNS and \
                not any(t.like_num for t in child.subtree):
            keep.extend(t for t in child.subtree if not t.like_num and t.idx not in skip
                        and t.lower_ not in DROPPED_MODIFIERS and t.dep_ != "nummod")
    head = noun.lemma_ if noun.pos_ == "NOUN" else noun.text
    kept = sorted(keep, key=lambda t: t.i)
    nexts = [t.i for t in kept[1:]] + [noun.i] if kept else []
    # a left-out token between two kept ones ("unsolicited, $103 billion offer") leaves a space
    words = "".join(t.text + (t.whitespace_ if after == t.i + 1 else " ")
                    for t, after in zip(kept, nexts, strict=True))
    return (words + head).strip() or None
