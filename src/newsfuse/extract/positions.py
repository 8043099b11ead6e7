"""Positions and frequencies: "on lap 48", "the fourth pitch", "finished in 16th place", "twice".

Reports of one happening disagree on where in a sequence something happened (the lap of a crash,
the inning of a home run, the floor a fire started on) and on how often (a safety car "deployed
five times", a race "stopped twice"). These are claims of their own kinds:

- `position`: a numbered slot in a sequence, its unit the slot's noun ("lap", "inning", "place");
  read from "<noun> <number>" ("lap 48", "Round seven"), the number attached to the noun in the
  parse ("last week 300 workers" is not week 300), and from "<ordinal> <noun>" ("28th lap", "the
  fourth pitch"). Only the nouns of POSITION_NOUNS count, as nouns, and not "a second round of
  sanctions", "the first place of worship", "in the first place" or
  "for the first time": bare ordinals ("the first report") and names ("Game 7") are not slots.
  Quarters and periods are left out: in business news they are reporting periods, not slots.
- `frequency`: how many times something happened, unit "times": "twice", "five times", and a
  title held that often ("a two-time champion", subject "champion"); not
  "once" (mostly a conjunction), "think twice", or a multiple ("three times as many", "twice
  the size", "five times their level", "twice-weekly").

The subject of both is what happened then, as for times and dates (the verb's lemma, "crash";
the noun, "stoppage"), led by the named doer when the verb has one ("Brandt finish" and "Kell
finish" are two facts, not a dispute), so that two reports' claims align on the same happening.
`owner_of` gives counts the same lead: "Hamilton has 19 points" counts Hamilton's points, and
`margin_of` tells a margin ("a 12-point lead") from a tally.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from newsfuse.extract.attribution import attribution
from newsfuse.extract.claim_dates import occasion, phrase_head, subject_of, tokens_in
from newsfuse.extract.numbers import MARGIN_UNITS, MARGINS, WORD_VALUES
from newsfuse.model import Claim

POSITION_NOUNS = frozenset("""lap inning innings pitch round place position spot minute hole stage
pick floor storey day week anniversary birthday time attempt try""".split())
_ORDINAL_WORDS = {w: float(i + 1) for i, w in enumerate("""first second third fourth fifth
    sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth
    seventeenth eighteenth nineteenth twentieth""".split())}
_ORDINAL = r"(?P<o>\d{1,3}(?:st|nd|rd|th)|" + "|".join(_ORDINAL_WORDS) + r")"
_CARDINAL = r"(?P<c>\d{1,3}|" + "|".join(sorted(WORD_VALUES, key=len, reverse=True)) + r")"
_NOUN = r"(?P<n>" + "|".join(sorted(POSITION_NOUNS, key=len, reverse=True)) + r")"
ORDINAL_NOUN = re.compile(rf"(?i)(?<![\w-]){_ORDINAL}(?:[\s-]+(?:straight|consecutive))?\s+{_NOUN}"
                          r"\b")
_OF_AFTER = re.compile(r"(?i)\s+of\b")
_NOT_SLOTS_BEFORE_OF = frozenset({"round", "place"})  # "a round of talks", "a place of worship"
NOUN_NUMBER = re.compile(rf"(?i)(?<![\w-]){_NOUN}\s+{_CARDINAL}(?![\w.,:-]*\d)(?!\w)")
FREQUENCY = re.compile(rf"(?i)(?<![\w.,-])(?:(?P<twice>twice|thrice)|{_CARDINAL}\s+times)\b"
                       r"(?!-)")
TIMES_TITLE = re.compile(rf"(?i)(?<![\w.,-]){_CARDINAL}-times?(?=\s+[A-Za-z])")  # "two-time"
_MULTIPLE_AFTER = re.compile(r"(?i)^\s+(?:as|the|that|this|what|more|less|fewer|larger|bigger|"
                             r"higher|greater|faster|smaller|lower|over|a|an|per|each|every|"
                             r"daily|weekly|monthly|yearly|annually|his|her|its|their|our|my|"
                             r"your|normal|usual)\b")
_IDIOMS = re.compile(r"(?i)\bin\s+the\s+first\s+place\b")
_NOT_HAPPENINGS = frozenset({"think"})  # "think twice"
# Slot nouns whose number follows them ("lap 48", "Day 3" of a trial, "minute 23"); "time 3"
# and "place 3" are not English.
_CARDINAL_NOUNS = frozenset({"lap", "inning", "round", "minute", "hole", "stage", "day", "week",
                             "floor"})
_UNITS = {"innings": "inning", "storey": "floor"}
# Verbs whose subject owns the counted thing: points, seats, votes, medals, employees.
OWNING_VERBS = frozenset("""have lead score win take earn gain get hold secure collect receive
claim capture total amass tally own employ""".split())
OWNER_ENTS = frozenset({"PERSON", "ORG", "NORP", "GPE"})
_THE = re.compile(r"(?i)^the\s+")


def find_positions(text: str, doc: Any, taken: Sequence[tuple[int, int]]) -> list[Claim]:
    """Position and frequency claims of `text`.

    Args:
        text: the cleaned article text; every claim's span slices it.
        doc: the spaCy Doc of `text`.
        taken: spans of claims already found; a position overlapping one is left out.

    Returns:
        The claims, in text order.
    """
    found: list[tuple[int, int, str, float, str, tuple[int, int] | None]] = []
    for match in ORDINAL_NOUN.finditer(text):
        value, unit = _ordinal(match.group("o")), _unit(match.group("n"))
        idiom = _IDIOMS.search(text, max(0, match.start() - 10), match.end())
        of_after = unit in _NOT_SLOTS_BEFORE_OF and _OF_AFTER.match(text, match.end())
        if (unit != "time" or value >= 2) and idiom is None and not of_after:
            found.append((match.start(), match.end(), "position", value, unit, None))
    for match in NOUN_NUMBER.finditer(text):
        unit = _unit(match.group("n"))
        if unit in _CARDINAL_NOUNS:
            found.append((match.start(), match.end(), "position", _cardinal(match.group("c")),
                          unit, (match.start("n"), match.start("c"))))
    for match in FREQUENCY.finditer(text):
        if not _MULTIPLE_AFTER.match(text[match.end():match.end() + 12]):
            times = {"twice": 2.0, "thrice": 3.0}.get((match.group("twice") or "").lower())
            found.append((match.start(), match.end(), "frequency",
                          times or _cardinal(match.group("c")), "times", None))
    for match in TIMES_TITLE.finditer(text):
        found.append((match.start(), match.end(), "frequency", _cardinal(match.group("c")),
                      "times", None))
    claims: list[Claim] = []
    spans = list(taken)
    for start, end, predicate, value, unit, pair in sorted(found):
        if value <= 0 or any(s < end and start < e for s, e in spans):
            continue
        if pair is not None and not _attached(doc, *pair):
            continue  # "set 10 records", "last week 300 workers": not a slot and its number
        claim = _claim(text, doc, start, end, predicate, value, unit)
        if claim is not None:
            spans.append((start, end))
            claims.append(claim)
    return claims


def _attached(doc: Any, noun_at: int, number_at: int) -> bool:
    """The slot word is a noun and the number hangs on it (or it on the number)."""
    nouns, numbers = tokens_in(doc, noun_at, noun_at + 1), tokens_in(doc, number_at, number_at + 1)
    if not nouns or not numbers or nouns[0].pos_ not in ("NOUN", "PROPN"):
        return False
    noun, number = nouns[0], numbers[0]
    return bool(number.head.i == noun.i or noun.head.i == number.i)


def _claim(text: str, doc: Any, start: int, end: int, predicate: str, value: float,
           unit: str) -> Claim | None:
    tokens = tokens_in(doc, start, end)
    if not tokens or any(t.ent_type_ in ("WORK_OF_ART", "LAW", "PRODUCT") for t in tokens):
        return None
    nouns = [t for t in tokens if t.lower_.rstrip("s") in POSITION_NOUNS or t.lower_ in _UNITS]
    if predicate == "position" and (not nouns or nouns[-1].pos_ not in ("NOUN", "PROPN")):
        return None  # "placed", "timed": the slot word is not a noun here
    head = phrase_head(tokens)
    subject, trigger, verb = _happening(head)
    if predicate == "frequency" and _is_title(text[start:end]):
        title = head.head if head.head.pos_ in ("NOUN", "PROPN") else None
        subject = subject_of(title) if title is not None else None  # "two-time champion"
        trigger, verb = (str(title.text) if title is not None else None), None
    if subject is None and unit in ("time", "attempt", "try"):
        return None  # "for the fifth time" says nothing without what happened
    if verb is not None and verb.lemma_.lower() in _NOT_HAPPENINGS:
        return None
    doer = _doer(verb) if verb is not None else None
    if doer and subject:
        subject = f"{doer} {subject}"
    wording = text[start:end]
    return Claim(predicate=predicate, subject=subject, low=value, high=value, unit=unit,
                 value=wording, text=wording, start=start, end=end,
                 attribution=attribution(head.sent, head), trigger=trigger)


def _is_title(wording: str) -> bool:
    """ "two-time", "three-times": how often someone has been what the noun says."""
    return bool(TIMES_TITLE.fullmatch(wording))


def _happening(head: Any) -> tuple[str | None, str | None, Any | None]:
    """(subject, trigger, verb) of what happened at the slot or that often."""
    subject, trigger = occasion(head)
    verb = head.head
    if subject is None and head.dep_ == "advmod" and verb.pos_ in ("VERB", "AUX"):
        particle = next((c.lower_ for c in verb.children if c.dep_ == "prt"), "")
        lemma = verb.lemma_.lower()  # "was stopped twice": what happened twice
        return (f"{lemma}-{particle}" if particle else lemma), str(verb.text), verb
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    return subject, trigger, verb if verb.pos_ in ("VERB", "AUX") else None


def _doer(verb: Any) -> str | None:
    """The named subject of the verb ("Brandt finished"), as the name it is."""
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass") and child.pos_ == "PROPN":
            ent = next((e for e in child.doc.ents if e.start <= child.i < e.end), None)
            name = ent.text if ent is not None and ent.label_ in OWNER_ENTS else child.text
            return _THE.sub("", str(name))
    return None


def owner_of(token: Any) -> str | None:
    """Whose a counted thing is, when a verb of having names them: "Rosberg leads by 12
    points", "the Social Democrats won 52 seats" (Rosberg's points, the Social Democrats'
    seats); None for other verbs ("the army killed 12 militants": not the army's)."""
    verb = token
    for _ in range(3):
        if verb.pos_ in ("VERB", "AUX") or verb.head.i == verb.i:
            break
        verb = verb.head
    if verb.pos_ not in ("VERB", "AUX") or verb.lemma_.lower() not in OWNING_VERBS:
        return None
    return _doer(verb)


def margin_of(token: Any) -> str | None:
    """The margin a count of points measures, if it is one: "a 12-point lead", "his lead was
    cut to 12 points", "the gap narrowed to three votes" (the lead, the gap): a lead after a
    race is another figure than the same lead before it, or than a driver's points."""
    noun = token.head if token.dep_ in ("nummod", "compound", "amod") else token
    if noun.lemma_.lower() not in MARGIN_UNITS:
        return None
    if noun.dep_ in ("compound", "amod", "nmod") and noun.head.lemma_.lower() in MARGINS:
        return str(noun.head.lemma_.lower())
    if noun.dep_ != "pobj" or noun.head.lower_ not in ("to", "at") or \
            noun.head.head.pos_ not in ("VERB", "AUX"):
        return None
    verb = noun.head.head
    held = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "dobj")
            and c.lemma_.lower() in MARGINS]
    return str(held[0].lemma_.lower()) if held else None


def _unit(noun: str) -> str:
    noun = noun.lower()
    return _UNITS.get(noun, noun)


def _ordinal(word: str) -> float:
    word = word.lower()
    return _ORDINAL_WORDS.get(word) or float(re.sub(r"\D", "", word) or 0)


def _cardinal(word: str | None) -> float:
    word = (word or "").lower()
    return WORD_VALUES.get(word) or float(word if word.isdigit() else 0)
