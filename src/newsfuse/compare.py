"""Compare: align the claims of an event's reports about the same thing and say whether they agree.

Two claims speak of the same thing when they share the predicate (killed, wounded, facilities...),
their subjects are compatible (same head, or one is generic like "people"; "U.S. troops" and
"militants" are not), and their happenings fall on the same day when both are dated. A claim
joins the first group it can belong to, preferring one whose figures it agrees with ("18
individuals" arrested goes with "17 men and one woman", not with "17 men"). Date claims compare
their own days (not their sentence's), only at the same precision ("2017" is not "Dec. 31,
2017") and at most a year apart ("won in 1908" and "won in 2016" are two wins), and one report
restating a day keeps it in one fact.

Each independent origin contributes its most specific claim. Independence: a reprint counts as
its original, and claims attributed to the same source ("according to the PMF") count once.

How ranges compare: every claim has a *best estimate*: the value itself for an exact count, the
stated bound for "at least N"/"more than N"/"up to N" (a reporter writes the figure they have),
and the tolerance interval for "about N" (half of it for "an estimated N"). Two lower bounds
agree only when they are within 5% of each other, so "at least one" and "at least two" killed
are disputed (the best figures differ); a lower bound agrees with an exact figure at or somewhat
above it ("more than 200" and "226"); a vague bound ("dozens") agrees with any figure above it;
other estimates agree when they overlap, so "about 150" and "151" agree. A report published
hours later with a larger figure than an earlier one is an `update`, not a dispute, and so are
market figures ("shares fell 4.3% to $63.20") that differ: each report saw the market at its own
moment. Ages align only on one named person ("Lenk" and "Tarvo Lenk"): "the 35-year-old driver"
and "the 37-year-old Finnish driver" may be two people, and are not a dispute. The same date
span ("in 2016" twice) confirms itself whatever the subjects. Positions ("lap 48") and
frequencies ("twice") compare as measures, on what happened then; a later report's other
position is a dispute, not an update. A count of a kind of person ("two women") aligns with a
count of others or of everyone only on the same figure: "two women and a man" are parts of
"three people", not a dispute of the toll; an increment ("two more victims") aligns only with
increments.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from newsfuse.extract.numbers import INCREMENT_WORDS, MARGINS
from newsfuse.model import Claim, Fact, Happening, Stated

TOLLS = frozenset({"killed", "wounded", "missing", "arrested", "kidnapped", "displaced"})
GENERIC_HEADS = frozenset({"people", "person", "other", "others", "individual", "victim",
                           "one", "casualty", "body", "dead", "death", "injury", "toll"})
# Heads that name the same kind of people, so "fighters" and "militants" are one subject.
HEAD_CLASSES = (
    frozenset({"fighter", "militant", "member", "gunman", "insurgent", "rebel", "militia",
               "militiaman", "jihadist", "combatant", "operative"}),
    frozenset({"soldier", "troop", "servicemember", "serviceman", "personnel", "marine",
               "sailor", "airman", "officer", "force", "guard"}),
    frozenset({"civilian", "resident", "child", "woman", "man", "villager", "bystander",
               "worker", "student", "passenger"}),
)
# Heads that name a part of the people counted: "two women and a man" died of "three people".
PART_HEADS = frozenset({"woman", "man", "child", "girl", "boy"})
VAGUE_WORDS = frozenset({"dozens", "scores", "hundreds", "thousands", "millions", "billions"})
BOUND_SHARE = 0.05  # bounds this close are one figure ("more than 200,000" and "over 205,000")
BOUND_REACH = 1.5  # an exact figure this far above "more than N" is another figure, not N's
# Figures of these kinds say little by themselves: "56%" or "$110" dispute each other only when
# both claims name the same thing ("the offer per share").
MEASURES = frozenset({"money", "percentage", "distance", "height", "weight", "speed", "age",
                      "duration", "count", "time", "date", "score", "fraction", "position",
                      "frequency", "record", "magnitude"})
# Measure subjects that name one thing in other words: the time a plane "landed" and the time it
# "arrived"; a bank's "charge" and its "hit". Times and dates take the verb's lemma as subject.
MEASURE_CLASSES = (
    frozenset({"land", "arrive", "touch-down", "landing", "arrival"}),
    frozenset({"leave", "depart", "take-off", "departure", "takeoff", "lift-off", "launch"}),
    frozenset({"charge", "hit", "write-down", "writedown"}),
    frozenset({"profit", "earning", "income"}),
    MARGINS,  # "a 12-point lead" and "the gap to 12 points" (extract/numbers.py)
)
DATE_SPREAD_DAYS = 3  # reports dating the happening further apart than this speak of others
MAGNITUDE = 10.0  # figures this many times apart are about different things, not a dispute
# Event words of one kind: "strikes killed two" and "the attack killed three" are two happenings.
TRIGGER_CLASSES = (
    frozenset({"strike", "strikes", "airstrike", "airstrikes", "raid", "raids", "bombing",
               "bombardment", "shelling", "bombed", "struck", "shelled"}),
    frozenset({"attack", "attacks", "attacked", "ambush", "assault", "attacking"}),
    frozenset({"crash", "collision", "derailment", "crashed"}),
    frozenset({"earthquake", "quake", "flood", "floods", "storm", "hurricane", "fire", "blaze"}),
)
_INCREMENT_WORD = re.compile(rf"(?i)\s(?:{'|'.join(INCREMENT_WORDS)})$")  # ends the wording
_PREPOSITIONS = frozenset({"on", "of", "against", "in", "at", "for", "from", "with", "by"})
UPDATE_HOURS = 6.0  # a larger toll reported this much later is an update, not a dispute
# A price or index that "fell 4.3% to $63.20" is quoted at the moment of writing: two reports
# quoting other figures saw the market at other times, which is an update, not a dispute.
MARKET_HEADS = frozenset("""share stock price index yield bond currency dollar euro yen pound
oil crude gold bitcoin future market""".split())
MARKET_MOVES = frozenset("""fell fall falls falling rose rise rises rising climbed climb climbs
dropped drop drops dipped dip slipped slip edged edge gained gain gains jumped jump surged surge
tumbled tumble plunged plunge slid slide soared soar sank sink traded trade trades trading closed
close closing opened open rallied rally""".split())
DATE_SLACK_DAYS = 1
DATE_CLAIM_SLACK_YEARS = 1  # dates further apart are other happenings ("2002" vs "2003" is one)
DATE_UNITS = frozenset({"date", "month_day"})  # month_day: a day without a year, undated reports
# "an estimated N" reads as "about N" (a range), but its best estimate is the estimate's own
# figure: half as wide, so "an estimated $1.9 billion" and "$2.07 billion" are two figures while
# "an estimated 150" and "151" are one.
ESTIMATED_SHARE = 0.5
_ESTIMATED = re.compile(r"(?i)\bestimated\b")
_WORD = re.compile(r"[A-Za-z][A-Za-z.'-]*")
_PLURAL = re.compile(r"(?<=[a-z]{3})s$")


@dataclass(frozen=True)
class _Item:
    article: str
    claim: Claim
    root: str
    date: str | None
    source: str | None
    published: str | None
    places: frozenset[str] = frozenset()


def compare_claims(claims: Sequence[tuple[str, Claim]],
                   independent: Mapping[str, str] | None = None,
                   dates: Mapping[tuple[str, int], str] | None = None,
                   sources: Mapping[str, str | None] | None = None,
                   published: Mapping[str, str | None] | None = None,
                   places: Mapping[tuple[str, int], frozenset[str]] | None = None) -> list[Fact]:
    """Facts from (article id, claim) pairs: aligned across articles, each with a status.

    `independent` maps an article to the article it copies (its root); `dates` maps
    (article, claim start) to the time of the happening the claim's sentence reports (a day, or
    an unresolved value like "XXXX-WXX-2"), `places` to the countries that sentence names.
    """
    items = [_Item(article, claim, _root(article, claim, independent or {}),
                   (dates or {}).get((article, claim.start)),
                   (sources or {}).get(article), (published or {}).get(article),
                   (places or {}).get((article, claim.start), frozenset()))
             for article, claim in claims]
    by_predicate: dict[str, list[_Item]] = defaultdict(list)
    for item in items:
        by_predicate[item.claim.predicate].append(item)
    facts = []
    for predicate in sorted(by_predicate):
        for group in _align(by_predicate[predicate]):
            facts.append(_fact(predicate, group))
    return sorted(facts, key=_fact_order)


def compare_dates(mains: Sequence[tuple[str, Happening]],
                  independent: Mapping[str, str] | None = None,
                  sources: Mapping[str, str | None] | None = None,
                  texts: Mapping[str, str] | None = None) -> Fact | None:
    """The day of the happening as a fact: agreed, or disputed ("Tuesday", the 23rd, vs "24th").

    Each claim quotes the report's own wording when `texts` holds the article's text.
    """
    mains = [(a, h) for a, h in mains if len(h.date) == 10 and h.date[:4].isdigit()]
    if not mains:
        return None
    stated = []
    roots = set()
    for article, happening in mains:
        root = (independent or {}).get(article) or article
        roots.add(root)
        text = (texts or {}).get(article)
        wording = text[happening.time_start:happening.time_end] if text else happening.date
        claim = Claim(predicate="date", value=happening.date, text=wording,
                      start=happening.time_start, end=happening.time_end,
                      trigger=happening.trigger)
        stated.append(Stated(article=article, claim=claim, root=root,
                             source=(sources or {}).get(article)))
    days = {s.claim.value for s in stated}
    if _spread_days(days) > DATE_SPREAD_DAYS:
        return None  # the reports' main happenings are days apart: not one date in dispute
    status = "single_source" if len(roots) < 2 else "agreed" if len(days) == 1 else "disputed"
    note = "" if len(days) == 1 else "dates stated: " + ", ".join(sorted(days))
    return Fact(predicate="date", subject="the happening", status=status, claims=tuple(stated),
                note=note)


def _spread_days(days: set[str]) -> int:
    """How many days apart the earliest and latest of some ISO dates are (0 if fewer than 2)."""
    parsed = []
    for day in days:
        try:
            parsed.append(datetime.fromisoformat(day[:10]))
        except ValueError:
            continue
    return (max(parsed) - min(parsed)).days if len(parsed) > 1 else 0


def _root(article: str, claim: Claim, independent: Mapping[str, str]) -> str:
    """The independent origin of a claim: the quoted source if any, else the original article."""
    if claim.attribution:
        words = [w.lower().strip(".") for w in _WORD.findall(claim.attribution)]
        key = " ".join(w for w in words if w not in {"the", "a", "an"})
        if key and not _generic_source(key):
            return "source:" + key
    return independent.get(article) or article


def _generic_source(key: str) -> bool:
    """"a medical source" or "officials" name no one in particular: they stay per article."""
    return key.split()[-1] in {"source", "sources", "official", "officials", "witness",
                               "witnesses", "report", "reports", "media", "residents"}


def head_of(subject: str | None) -> str | None:
    """The subject's head noun, singular and lower case ("U.S. service members" -> member)."""
    if not subject:
        return None
    words = _noun_phrase(subject)
    if not words:
        return None
    head = words[-1].lower().strip(".")
    if head in {"member", "members"} and len(words) > 1 and words[-2].lower() == "service":
        return "servicemember"
    return head if head in {"others", "people"} else _PLURAL.sub("", head)


def _noun_phrase(subject: str) -> list[str]:
    """The subject's words up to its first preposition ("attack on U.S. forces" -> attack)."""
    words = _WORD.findall(subject)
    for index, word in enumerate(words):
        if index and word.lower() in _PREPOSITIONS:
            return words[:index]
    return words


def _modifiers(subject: str | None) -> set[str]:
    """Proper-noun modifiers of a subject ("U.S.", "Iraqi", "Kataib"): who the counted belong to."""
    if not subject:
        return set()
    words = _noun_phrase(subject)[:-1]
    return {w.lower().strip(".") for w in words if w[0].isupper()}


def subjects_compatible(a: str | None, b: str | None) -> bool:
    """Whether two counted subjects can be the same people or things."""
    head_a, head_b = head_of(a), head_of(b)
    if head_a is None or head_b is None or head_a in GENERIC_HEADS or head_b in GENERIC_HEADS:
        return not _owners_differ(a, b)
    if head_a != head_b and not any(head_a in c and head_b in c
                                    for c in HEAD_CLASSES + MEASURE_CLASSES):
        return False
    return not _owners_differ(a, b)


def _owners_differ(a: str | None, b: str | None) -> bool:
    """Both subjects name whose people they are, and the names share nothing."""
    mods_a, mods_b = _modifiers(a), _modifiers(b)
    return bool(mods_a and mods_b and not mods_a & mods_b)


def _dates_compatible(a: str | None, b: str | None) -> bool:
    """Days of two happenings can be one: within a day, or the same unresolved weekday."""
    if not a or not b:
        return True
    resolved_a, resolved_b = a[:4].isdigit(), b[:4].isdigit()
    if not resolved_a and not resolved_b:  # "Saturday" is not "Tuesday", whatever the week
        return a == b or ("W" in a) != ("W" in b)
    if resolved_a != resolved_b or len(a) < 10 or len(b) < 10:
        return True
    try:
        gap = abs((datetime.fromisoformat(a[:10]) - datetime.fromisoformat(b[:10])).days)
    except ValueError:
        return True
    return gap <= DATE_SLACK_DAYS


def _individual(claim: Claim) -> bool:
    """A claim about one unnamed individual ("a militia leader", "an officer")."""
    return claim.value.strip().lower() in {"a", "an"}


def _same_measure(a: Claim, b: Claim) -> bool:
    """Measures align on a named subject with the same head ("offer" and "bid" do not); without
    one, only equal figures align (they confirm each other; they could not dispute anything).
    The same exact figure in the same unit ("$5 billion" hit, "$5 billion" estimate) aligns
    whatever the subjects: reports word one figure many ways, and equal figures cannot clash."""
    if _same_figure(a, b):
        return True
    head_a, head_b = head_of(a.subject), head_of(b.subject)
    if head_a and head_a == head_b and head_a not in GENERIC_HEADS:
        return True
    if any(head_a in c and head_b in c for c in MEASURE_CLASSES):
        return True
    unnamed = not head_a or not head_b or head_a in GENERIC_HEADS or head_b in GENERIC_HEADS
    return unnamed and compatible(a, b)


def _same_figure(a: Claim, b: Claim) -> bool:
    """One exact figure in one unit; for dates one span ("in 2016" twice is one year)."""
    if a.unit == "date" and b.unit == "date":
        return a.low is not None and (a.low, a.high) == (b.low, b.high)
    return bool(a.unit and a.unit == b.unit and a.low is not None and a.low == a.high
                and a.low == b.low and b.low == b.high)


def _trigger_class(trigger: str | None) -> int | None:
    word = (trigger or "").lower()
    return next((n for n, words in enumerate(TRIGGER_CLASSES) if word in words), None)


def _far_apart(a: Claim, b: Claim) -> bool:
    """Figures an order of magnitude apart ("two" and "25,500" killed) count different things."""
    low_a, low_b = estimate(a)[0], estimate(b)[0]
    if a.unit in DATE_UNITS or low_a is None or low_b is None or min(low_a, low_b) <= 0:
        return False
    return max(low_a, low_b) / min(low_a, low_b) >= MAGNITUDE and max(low_a, low_b) >= 20


def _same_thing(a: _Item, b: _Item) -> bool:
    """Whether two claims can be about the same thing (module docstring)."""
    if a.claim.unit != b.claim.unit and a.claim.unit and b.claim.unit:
        return False
    if a.claim.unit == "date" and _grain(a.claim) != _grain(b.claim):
        return False  # "in 2017" says less than "on Dec. 31, 2017": not the same statement
    if a.claim.unit == "date" and _years_apart(a.claim, b.claim) > DATE_CLAIM_SLACK_YEARS:
        return False  # "won in 1908" and "won in 2016" are two wins, not a dispute
    if a.article == b.article and (a.claim.start, a.claim.end) != (b.claim.start, b.claim.end) and (
            (a.claim.subject or "") != (b.claim.subject or "") or not compatible(a.claim, b.claim)
    ) and not (a.claim.unit == "date" and _same_figure(a.claim, b.claim)):
        return False  # one report giving two figures, or two subjects: two things
    if a.claim.predicate in MEASURES and not _same_measure(a.claim, b.claim):
        return False
    if _individual(a.claim) != _individual(b.claim):
        return False  # "a man was killed" is one person's death, not the toll
    if _increment(a.claim) != _increment(b.claim):
        return False  # "two more victims" adds to a toll; it is not the toll
    if _part_and_other(a.claim, b.claim):
        return False  # "two women" of the "three people" killed: a part, not the toll
    if a.claim.predicate == "age" and not _same_figure(a.claim, b.claim) and \
            not _same_person(a.claim.subject, b.claim.subject):
        return False  # "the 35-year-old driver" and "the 37-year-old Finnish driver": two men
    class_a, class_b = _trigger_class(a.claim.trigger), _trigger_class(b.claim.trigger)
    if class_a is not None and class_b is not None and class_a != class_b:
        return False
    if a.places and b.places and not a.places & b.places:
        return False
    subjects_ok = (_same_figure(a.claim, b.claim) and not _owners_differ(
        a.claim.subject, b.claim.subject)) or subjects_compatible(a.claim.subject, b.claim.subject)
    dated = a.claim.unit in DATE_UNITS and b.claim.unit in DATE_UNITS  # their figures say when
    return subjects_ok and (dated or _dates_compatible(a.date, b.date)) and \
        not _far_apart(a.claim, b.claim)


def _increment(claim: Claim) -> bool:
    """A figure added to an earlier one ("two more", "three additional")."""
    return bool(_INCREMENT_WORD.search(claim.value or ""))


def _part_and_other(a: Claim, b: Claim) -> bool:
    """One side counts a kind of person (women, children) and the other someone else or
    everyone, with other figures: a part of a toll is not the toll ("three people" and "three
    children" may be the same dead; "three people" and "two women" are not)."""
    head_a, head_b = head_of(a.subject), head_of(b.subject)
    if a.unit or b.unit or head_a == head_b or not {head_a, head_b} & PART_HEADS:
        return False  # "some men spent $50,000": a sum, not a head count
    return not (a.low is not None and a.low == a.high == b.low == b.high)


def _same_person(a: str | None, b: str | None) -> bool:
    """Two age subjects are one person when both are names and the shorter ends the longer
    ("Lenk" and "Tarvo Lenk"); "a 35-year-old driver" names no one."""
    words_a, words_b = _WORD.findall(a or ""), _WORD.findall(b or "")
    if not words_a or not words_b or not all(w[0].isupper() for w in words_a + words_b):
        return False
    short, long = sorted((words_a, words_b), key=len)
    return [w.lower() for w in long[-len(short):]] == [w.lower() for w in short]


def _years_apart(a: Claim, b: Claim) -> int:
    if a.low is None or b.low is None:
        return 0
    return abs(int(a.low) // 10000 - int(b.low) // 10000)


def _grain(claim: Claim) -> int:
    """How precise a date claim is: 0 a day, 1 a month, 2 a longer span."""
    if claim.low is None or claim.high is None or claim.low == claim.high:
        return 0
    return 1 if claim.high - claim.low < 100 else 2


def _align(items: list[_Item]) -> list[list[_Item]]:
    """Group one predicate's claims: each joins the first group it can be about the same thing
    as entirely, preferring one whose figures it agrees with ("18 people" arrested joins "17 men
    and one woman" rather than "17 men")."""
    ordered = sorted(items, key=lambda i: (-_specificity(i.claim), i.article, i.claim.start))
    groups: list[list[_Item]] = []
    for item in ordered:
        fits = [g for g in groups if all(_same_thing(item, other) for other in g)]
        agreeing = [g for g in fits if all(compatible(item.claim, o.claim) for o in g)]
        if fits:
            (agreeing or fits)[0].append(item)
        else:
            groups.append([item])
    if items and items[0].claim.predicate == "age":
        groups = _one_person_one_age(groups)
    return [sorted(g, key=lambda i: (i.published or "", i.article, i.claim.start)) for g in groups]


def _one_person_one_age(groups: list[list[_Item]]) -> list[list[_Item]]:
    """Age groups that name one person are one fact: "Jane Roe, 61" and "Jane Roe, 60" fall in
    two groups when each gathered unnamed claims of its own figure ("a 60-year-old woman")."""
    merged: list[list[_Item]] = []
    for group in groups:
        home = next((m for m in merged if any(_same_person(a.claim.subject, b.claim.subject)
                                              for a in m for b in group)), None)
        if home is None:
            merged.append(group)
        else:
            home.extend(group)
    return merged


def _specificity(claim: Claim) -> int:
    """Named subjects first, so generic ones join the group they fit rather than start one."""
    head = head_of(claim.subject)
    return 2 if head and head not in GENERIC_HEADS else 1 if head else 0


def estimate(claim: Claim) -> tuple[float | None, float | None]:
    """A claim's best estimate as an interval: the stated figure, or the 'about' tolerance."""
    low, high = claim.low, claim.high
    if low is None and high is None:
        return None, None
    if high is None:  # "at least N", "more than N": the figure the reporter has is N
        return low, low
    if low is None:  # "up to N": the figure given is N
        return high, high
    if _ESTIMATED.search(claim.value) and low < high:  # the estimate's own figure, rounded
        middle, reach = (low + high) / 2, (high - low) / 2 * ESTIMATED_SHARE
        return middle - reach, middle + reach
    return low, high


def _per_root(group: list[_Item]) -> dict[str, _Item]:
    """Each independent origin's most specific claim (narrowest estimate, then earliest)."""
    chosen: dict[str, _Item] = {}
    for item in group:
        current = chosen.get(item.root)
        if current is None or _width(item.claim) < _width(current.claim):
            chosen[item.root] = item
    return chosen


def _width(claim: Claim) -> float:
    low, high = estimate(claim)
    if low is None or high is None:
        return float("inf")
    return high - low


def _vague(claim: Claim) -> bool:
    """A bound from a vague word ("dozens", "hundreds"): it fits any figure above it."""
    words = claim.value.lower().split()
    return bool(words) and words[-1] in VAGUE_WORDS


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= max(BOUND_SHARE * max(abs(a), abs(b)), 0.0)


def compatible(a: Claim, b: Claim) -> bool:
    """Whether two sources' figures for one fact agree (module docstring: best estimates)."""
    if a.high is None and b.high is None and a.low is not None and b.low is not None:
        if _vague(a) or _vague(b):
            return True
        return _close(a.low, b.low)  # "at least one" vs "at least two": different best figures
    for bound, other in ((a, b), (b, a)):
        if bound.high is None and bound.low is not None and other.low is not None:
            # "more than 200" and "226": the exact figure is what the bound rounded down
            reach = float("inf") if _vague(bound) else bound.low * BOUND_REACH + 2
            other_high = other.high if other.high is not None else other.low
            return bool(other_high >= bound.low * (1 - BOUND_SHARE) and other.low <= reach)
    a_low, a_high = estimate(a)
    b_low, b_high = estimate(b)
    if None in (a_low, a_high, b_low, b_high):
        return True
    return bool(a_low <= b_high and b_low <= a_high)  # type: ignore[operator]


def _fact(predicate: str, group: list[_Item]) -> Fact:
    representatives = _per_root(group)
    status, note = _status(predicate, list(representatives.values()))
    stated = tuple(Stated(article=i.article, claim=i.claim, source=i.source,
                          published=i.published, root=i.root,
                          estimate_low=estimate(i.claim)[0], estimate_high=estimate(i.claim)[1])
                   for i in group)
    subject = _subject(group)
    return Fact(predicate=predicate, subject=subject, status=status, claims=stated, note=note)


def _status(predicate: str, items: list[_Item]) -> tuple[str, str]:
    if len(items) < 2:
        return "single_source", ""
    clashes = [(a, b) for n, a in enumerate(items) for b in items[n + 1:]
               if not compatible(a.claim, b.claim)]
    if not clashes:
        return "agreed", ""
    if predicate not in ("date", "position") and all(_is_update(a, b) for a, b in clashes):
        return "update", "a later report gives a larger figure"
    if predicate in ("money", "percentage") and all(_market_figures(pair) for pair in clashes):
        return "update", "a market figure quoted at different moments"
    # one wording per range: "Three", "three" and "3" are one value, named once
    wordings: dict[tuple[float | None, float | None], str] = {}
    for item in sorted(items, key=lambda i: (i.claim.value or i.claim.text).lower()):
        wordings.setdefault((item.claim.low, item.claim.high), item.claim.value or item.claim.text)
    values = sorted(wordings.values(), key=str.lower)
    return "disputed", "best estimates differ: " + " vs ".join(values)


def _market_figures(items: Sequence[_Item]) -> bool:
    """Prices that moved ("Orvane shares fell 4.3%"): a move verb each, and a market subject
    on at least one side (none on the others); "revenue rose 8%" is no market figure."""
    heads = [head_of(i.claim.subject) for i in items]
    return all((i.claim.trigger or "").lower() in MARKET_MOVES for i in items) and \
        any(h in MARKET_HEADS for h in heads) and all(h is None or h in MARKET_HEADS for h in heads)


def _is_update(a: _Item, b: _Item) -> bool:
    """The later report's figure is larger, and it came out well after the earlier one."""
    if not a.published or not b.published:
        return False
    early, late = (a, b) if a.published <= b.published else (b, a)
    try:
        hours = (datetime.fromisoformat(late.published or "")
                 - datetime.fromisoformat(early.published or "")).total_seconds() / 3600
    except ValueError:
        return False
    early_low, _ = estimate(early.claim)
    late_low, _ = estimate(late.claim)
    if early_low is None or late_low is None:
        return False
    return hours >= UPDATE_HOURS and late_low > early_low


def _subject(group: Iterable[_Item]) -> str | None:
    """The most specific subject wording the group uses."""
    named = sorted({i.claim.subject for i in group if i.claim.subject},
                   key=lambda s: (head_of(s) in GENERIC_HEADS, -len(s), s))
    return named[0] if named else None


def _fact_order(fact: Fact) -> tuple[int, str, str]:
    rank = {"disputed": 0, "update": 1, "agreed": 2, "single_source": 3}
    return rank.get(fact.status, 4), fact.predicate, fact.subject or ""
