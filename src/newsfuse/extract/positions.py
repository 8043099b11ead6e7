"""Positions and frequencies: "on lap 48", "the fourth pitch", "finished in 16th place", "twice".

Reports of one happening disagree on where in a sequence something happened (the lap of a crash,
the inning of a home run, the floor a fire started on) and on how often (a safety car "deployed
five times", a race "stopped twice"). These are claims of their own kinds:

- `position`: a numbered slot in a sequence, its unit the slot's noun ("lap", "inning", "place");
  read from "<noun> <number>" ("lap 48", "Round seven") and "<ordinal> <noun>" ("28th lap",
  "the fourth pitch"). A bare ordinal ("the first report") and names ("Game 7", "Apollo 11") are
  not positions; only the nouns of POSITION_NOUNS are, as nouns ("set 10 records" is a verb),
  and "for the first time" is left out (it is everywhere and says little).
- `frequency`: how many times something happened, unit "times": "twice", "five times"; not
  "once" (mostly a conjunction) and not a multiple ("three times as many", "twice the size").

The subject of both is what happened then, as for times and dates (the verb's lemma, "crash";
the noun, "stoppage"), so that two reports' claims align on the same happening.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from newsfuse.extract.attribution import attribution
from newsfuse.extract.claim_dates import occasion, phrase_head, tokens_in
from newsfuse.extract.numbers import WORD_VALUES
from newsfuse.model import Claim

POSITION_NOUNS = frozenset("""lap inning innings pitch round place position spot minute hole stage
quarter period set pick floor storey story day week anniversary birthday time attempt try
""".split())
_ORDINAL_WORDS = {w: float(i + 1) for i, w in enumerate("""first second third fourth fifth
    sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth
    seventeenth eighteenth nineteenth twentieth""".split())}
_ORDINAL = r"(?P<o>\d{1,3}(?:st|nd|rd|th)|" + "|".join(_ORDINAL_WORDS) + r")"
_CARDINAL = r"(?P<c>\d{1,3}|" + "|".join(sorted(WORD_VALUES, key=len, reverse=True)) + r")"
_NOUN = r"(?P<n>" + "|".join(sorted(POSITION_NOUNS, key=len, reverse=True)) + r")"
# "the 28th lap", "its fourth pitch"; "a third time" too, but not "one third" (a share)
ORDINAL_NOUN = re.compile(rf"(?i)(?<![\w-]){_ORDINAL}(?:[\s-]+(?:straight|consecutive))?\s+{_NOUN}"
                          r"\b")
NOUN_NUMBER = re.compile(rf"(?i)(?<![\w-]){_NOUN}\s+{_CARDINAL}(?![\w.,:-]*\d)(?!\w)")
FREQUENCY = re.compile(rf"(?i)(?<![\w-])(?:(?P<twice>twice|thrice)|{_CARDINAL}\s+times)\b")
# "three times as many", "twice the size", "five times more", "twice a day": not how often
_MULTIPLE_AFTER = re.compile(r"(?i)^\s+(?:as|the|that|more|less|fewer|larger|bigger|higher|"
                             r"greater|faster|smaller|lower|over|a|an|per|each|every|daily|"
                             r"weekly|monthly|yearly|annually)\b")
# slot nouns that a cardinal after them names rather than numbers ("Day 3" of a trial is a slot,
# "time 3" is not English); "minute 23" is a slot in sports reports
_CARDINAL_NOUNS = frozenset({"lap", "inning", "round", "minute", "hole", "stage", "quarter",
                             "period", "set", "day", "week", "floor"})


def find_positions(text: str, doc: Any, taken: list[tuple[int, int]]) -> Iterator[Claim]:
    """Position and frequency claims of `text` (parsed as `doc`) outside the `taken` spans."""
    found: list[tuple[int, int, str, float, str, int]] = []
    for match in ORDINAL_NOUN.finditer(text):
        value, unit = _ordinal(match.group("o")), _unit(match.group("n"))
        if unit != "time" or value >= 2:  # "for the first time" is everywhere and says little
            found.append((match.start(), match.end(), "position", value, unit, match.start("n")))
    for match in NOUN_NUMBER.finditer(text):
        unit = _unit(match.group("n"))
        if unit in _CARDINAL_NOUNS:
            found.append((match.start(), match.end(), "position", _cardinal(match.group("c")),
                          unit, match.start("n")))
    for match in FREQUENCY.finditer(text):
        if _MULTIPLE_AFTER.match(text[match.end():match.end() + 12]):
            continue
        value = {"twice": 2.0, "thrice": 3.0}.get(
            (match.group("twice") or "").lower()) or _cardinal(match.group("c"))
        found.append((match.start(), match.end(), "frequency", value, "times", -1))
    for start, end, predicate, value, unit, noun_at in sorted(found):
        if value <= 0 or any(s < end and start < e for s, e in taken):
            continue
        if noun_at >= 0 and not _is_noun(doc, noun_at):
            continue  # "set 10 records", "place 3 bets": a verb, not a slot
        claim = _claim(text, doc, start, end, predicate, value, unit)
        if claim is not None:
            taken.append((start, end))
            yield claim


def _claim(text: str, doc: Any, start: int, end: int, predicate: str, value: float,
           unit: str) -> Claim | None:
    tokens = tokens_in(doc, start, end)
    if not tokens or any(t.ent_type_ in ("WORK_OF_ART", "LAW", "PRODUCT") for t in tokens):
        return None
    head = phrase_head(tokens)
    subject, trigger = occasion(head)
    verb = head.head
    if subject is None and head.dep_ == "advmod" and verb.pos_ in ("VERB", "AUX"):
        particle = next((c.lower_ for c in verb.children if c.dep_ == "prt"), "")
        lemma = verb.lemma_.lower()  # "was stopped twice": what happened twice
        subject, trigger = (f"{lemma}-{particle}" if particle else lemma), str(verb.text)
    if predicate == "position" and unit in ("time", "attempt", "try") and subject is None:
        return None  # "for the first time" says nothing without what happened
    wording = text[start:end]
    return Claim(predicate=predicate, subject=subject, low=value, high=value, unit=unit,
                 value=wording, text=wording, start=start, end=end,
                 attribution=attribution(head.sent, head), trigger=trigger)


def _is_noun(doc: Any, at: int) -> bool:
    tokens = tokens_in(doc, at, at + 1)
    return bool(tokens) and tokens[0].pos_ in ("NOUN", "PROPN")


def _unit(noun: str) -> str:
    noun = noun.lower()
    return {"innings": "inning", "storey": "floor", "story": "floor"}.get(noun, noun)


def _ordinal(word: str) -> float:
    word = word.lower()
    return _ORDINAL_WORDS.get(word) or float(re.sub(r"\D", "", word) or 0)


def _cardinal(word: str | None) -> float:
    word = (word or "").lower()
    return WORD_VALUES.get(word) or float(word if word.isdigit() else 0)
