"""Text-pair agreement: do two short passages give the same answer, does one weaken the other.

Offline and model-free, so it can run on every pair of an event: words are lower-cased and
folded to a crude stem, weighted by rarity (`wordfreq` Zipf frequency: rare words carry the
answer, common ones the grammar), and compared by weighted overlap. Numbers are read as values
(digits, number words, "$5 billion", "three per cent") and compared as values; negation, denial,
hedging and a few antonym pairs move the score. Weights and the NAnCo threshold were tuned on the
NAnCo and ClaimDiff dev sets outside their held-out parts (see bench/disagree.py).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable

from wordfreq import zipf_frequency

SAME_ANSWER_THRESHOLD = 0.13  # answer_similarity >= this: the same answer (tuned on NAnCo dev)

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d,]*(?:\.\d+)?")
_SCALE = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9,
          "bn": 1e9, "b": 1e9, "trillion": 1e12}
_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * (i + 2) for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split())}
_NUMBER = re.compile(
    r"(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<scale>thousand|million|billion|trillion|bn|mn|k|m|b)?\b"
    r"|\b(?P<word>(?:" + "|".join([*_UNITS, *_TENS]) + r")(?:[- ](?:"
    + "|".join([*_UNITS, *_TENS]) + r"))*)\b"
    r"(?:\s+(?P<wscale>hundred|thousand|million|billion))?", re.IGNORECASE)
_STOP = frozenset("""a an the of to in on at by for with from as and or but if than then that
this these those it its is are was were be been being has have had do does did will would can
could should may might must shall he she they we you i his her their our your my me him them us
who whom which what when where why how there here so such not no also just about into over
after before up down out off more most very much many some any all each other only own same too
s""".split())
_NEGATIONS = frozenset("not no never none nothing nobody neither nor without n't cannot "
                       "denied deny denies denying refused refuses rejected rejects".split())
_HEDGES = frozenset("""alleged allegedly reportedly unconfirmed unverified claimed claims claim
purported purportedly supposedly rumored rumoured rumor rumour speculation speculated unclear
uncertain disputed dispute disputes contested questioned doubt doubts doubted skeptical
sceptical false falsely misleading baseless unfounded debunked""".split())
_CONTRAST = frozenset("however but although though despite yet nevertheless nonetheless "
                      "whereas instead contrary contrast while".split())
_SAYING = frozenset("said says say according told argued argues insisted insists countered "
                     "responded".split())
_ANTONYMS = (("increase", "decrease"), ("rise", "fall"), ("raise", "cut"), ("gain", "loss"),
             ("win", "lose"), ("accept", "reject"), ("support", "oppose"), ("permanent",
             "temporary"), ("up", "down"), ("more", "less"), ("approve", "block"),
             ("guilty", "innocent"), ("legal", "illegal"), ("higher", "lower"),
             ("open", "close"), ("allow", "ban"), ("confirm", "deny"), ("true", "false"))
_ANTONYM = {s: o for a, b in _ANTONYMS for s, o in ((a, b), (b, a))}


@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """A crude stem: enough to fold plurals and verb endings of news English."""
    w = word.lower().replace("’", "'").removesuffix("'s").strip("'-")
    for suffix, keep in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""),
                         ("s", ""), ("ly", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 4 and not w.endswith("ss"):
            return w[: len(w) - len(suffix)] + keep
    return w


@functools.lru_cache(maxsize=65536)
def _weight(word: str) -> float:
    """Rarity weight: about 1 for everyday words, up to about 6 for rare names and terms."""
    return max(0.3, 7.0 - zipf_frequency(word.lower(), "en"))


def _words(text: str) -> list[str]:
    return [m.group().lower().replace("’", "'") for m in _WORD.finditer(text)]


def _content(text: str) -> dict[str, float]:
    """Content stems with the weight of their rarest surface form."""
    out: dict[str, float] = {}
    for word in _words(text):
        if word in _STOP or word[0].isdigit() or word in _UNITS or word in _TENS:
            continue
        stem = _stem(word)
        out[stem] = max(out.get(stem, 0.0), _weight(word))
    return out


def numbers(text: str) -> list[float]:
    """The values of the numbers a passage states ("$5 billion" -> 5e9, "three" -> 3)."""
    values = []
    for m in _NUMBER.finditer(text):
        if m.group("num"):
            try:
                value = float(m.group("num").replace(",", ""))
            except ValueError:
                continue
            scale = (m.group("scale") or "").lower()
            values.append(value * _SCALE.get(scale, 1.0))
        else:
            spelled = _word_value(m.group("word"))
            if spelled is not None:
                scale = (m.group("wscale") or "").lower()
                values.append(spelled * (100.0 if scale == "hundred" else _SCALE.get(scale, 1.0)))
    return values


def _word_value(phrase: str) -> float | None:
    total = 0.0
    for part in re.split(r"[- ]+", phrase.lower().strip()):
        if part in _UNITS:
            total += _UNITS[part]
        elif part in _TENS:
            total += _TENS[part]
        elif part:
            return None
    return total


def _close(a: float, b: float, tolerance: float = 0.02) -> bool:
    return abs(a - b) <= tolerance * max(abs(a), abs(b), 1e-9)


def number_relation(a: str, b: str) -> int:
    """+1 if the passages share a number, -1 if both state numbers and none match, else 0."""
    na, nb = numbers(a), numbers(b)
    if not na or not nb:
        return 0
    return 1 if any(_close(x, y) for x in na for y in nb) else -1


def _overlap(a: dict[str, float], b: dict[str, float]) -> tuple[float, float]:
    """Weighted Dice and weighted overlap-over-the-smaller of two stem sets."""
    if not a or not b:
        return 0.0, 0.0
    common = sum(min(a[s], b[s]) for s in a.keys() & b.keys())
    wa, wb = sum(a.values()), sum(b.values())
    return 2 * common / (wa + wb), common / min(wa, wb)


def _cue_words(text: str) -> set[str]:
    """The passage's words, with "not" added for any "n't" contraction."""
    words = set(_words(text))
    return words | {"not"} if any(w.endswith("n't") for w in words) else words


def _antonym_clash(a: Iterable[str], b: Iterable[str]) -> bool:
    sb = set(b)
    return any(_ANTONYM.get(s) in sb for s in a)


def answer_similarity(a: str, b: str) -> float:
    """How likely two short answers say the same thing, in [0, 1] (>= SAME_ANSWER_THRESHOLD: same).

    Args:
        a: one answer span or short passage.
        b: the other.

    Returns:
        A score: rarity-weighted word overlap, raised by a shared number and lowered by
        different numbers, a negation on one side only or an antonym pair.
    """
    ca, cb = _content(a), _content(b)
    dice, contained = _overlap(ca, cb)
    score = 0.5 * dice + 0.5 * contained
    relation = number_relation(a, b)
    if relation > 0:
        score = max(score, 0.5) + 0.2
    elif relation < 0:
        score *= 0.1  # "12 killed" and "15 killed" share every word but not the answer
    if bool(_cue_words(a) & _NEGATIONS) != bool(_cue_words(b) & _NEGATIONS):
        score -= 0.15
    if _antonym_clash(ca, cb):
        score -= 0.15
    return min(1.0, max(0.0, score))


def weakens_score(a: str, b: str) -> float:
    """How much passage b weakens or contradicts claim a, in [0, 1] (a ranking score).

    Args:
        a: the claim.
        b: the passage from another outlet.

    Returns:
        A score from b's denial/negation, hedging, contrast and attribution words, numbers that
        differ from a's, and antonym pairs; content shared with a makes those cues count more.
    """
    ca, cb = _content(a), _content(b)
    dice, _ = _overlap(ca, cb)
    words_a, words_b = _cue_words(a), _cue_words(b)
    cue = 0.35 * bool((words_b & _NEGATIONS) - words_a)
    cue += 0.3 * bool((words_b & _HEDGES) - words_a)
    cue += 0.15 * bool(words_b & _CONTRAST)
    # A rebuttal is usually someone's word against the claim: "X said", "according to".
    cue += 0.2 * bool(words_b & _SAYING)
    cue += 0.1 * (number_relation(a, b) < 0) + 0.1 * _antonym_clash(ca, cb)
    # The same cues weigh more when b is about what a is about.
    return 1.0 - math.exp(-cue * (1.0 + 2.0 * dice))
