"""Places: toponyms in an article, geocoded offline and disambiguated by the article's other places.

Mentions: spaCy entities (ORG/NORP/PERSON spans only when they name a place the gazetteer knows
well or the article confirms), the project's facility list, and missed proper nouns. Candidates
from the `newsfuse.data` gazetteer (README there: sources, licences) are scored by population
and kind, then re-scored against the article's other places (same state or country, same
sentence, nearby, "Town, State", sibling states). Items of a list of states or countries are
siblings, never a town and its state; "X, State" with no X in that state stays unplaced.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from newsfuse.extract.gazetteer import (
    CITY_KINDS,
    STRONG_KINDS,
    WEAK_MIN_POPULATION,
    Candidate,
    Entry,
    Gazetteer,
    add_place_ruler,
    gazetteer,
    lookup,
    normalize,
    place_patterns,
)
from newsfuse.model import Place

__all__ = ["Candidate", "Entry", "Gazetteer", "Place", "add_place_ruler", "distance_km",
           "find_places", "gazetteer", "lookup", "normalize", "place_patterns", "resolve"]

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
WEAK_LABELS = frozenset({"ORG", "NORP"})  # place names that the model labelled otherwise
PERSON_LABELS = frozenset({"PERSON"})  # "Palmyra" as a person: a place only in its country
POINT_KINDS = frozenset({"city", "capital", "facility", "territory"})
KIND_BONUS = {"country": 1.5, "continent": 1.5, "region": 1.0, "admin1": 0.5, "admin2": 0.0,
              "city": 0.0, "capital": 1.5, "facility": 3.0, "territory": 3.0}
ALTERNATE_PENALTY = 1.0  # a town matched only by one of GeoNames' many alternate names
CONTAINER_BONUS = 5.0  # "Paris, Texas": the next name contains the candidate
ADMIN_BONUS = 3.0  # the article names its state: worth a factor ~30 in population over the
# country alone, not 300 (a state named paragraphs away does not make "Boston" a village of it)
ADJACENT_BONUS = 1.0  # ... and more when the state is named in the same or a neighbouring sentence
COUNTRY_BONUS = 1.5  # the article names the candidate's country (or a state of it)
SIBLING_BONUS = 2.0  # a state or province in an article that names others of its country
LOCAL_BONUS = 1.5  # the containing country or state is named in the same sentence, close by
LOCAL_CHARS = 200
CONTAINS_BONUS = 1.0  # the candidate country or state contains the article's other places
NEAR_BONUS = 1.0  # another place of the article lies within NEAR_KM
NEAR_KM = 250.0
SAME_PLACE_KM = 30.0
NAMESAKE_SHARE = 0.2  # a city this big a share of its same-named province is what news means
# A lone word like these inside an organisation's name describes it ("U.S. Central Command").
GENERIC_WORDS = frozenset("central north south east west northern southern eastern western "
                          "national united new great federal".split())
ROUNDS = 3
# A lower-case word right after a name says what kind of place it is ("Washington state").
AREA_HEADS = frozenset({"state", "province", "county", "prefecture", "governorate", "district",
                        "oblast", "region"})
CITY_HEADS = frozenset({"city", "town"})
AREA_KINDS = frozenset({"admin1", "admin2"})
_HEAD = re.compile(r"[ \t]+(" + "|".join(sorted(AREA_HEADS | CITY_HEADS)) + r")\b")
_LIST_GAP = re.compile(r",\s*(?:(?:and|or)\s+)?|\s+(?:and|or)\s+")
_LIST_END = re.compile(r"\b(?:and|or)\s+$")
_HEADED = re.compile(r"(?<![\w.'’-])([A-Z][\w'’-]+(?: [A-Z][\w'’-]+){0,2})(?=" + _HEAD.pattern
                     + ")")


@dataclass(slots=True)
class Mention:
    """A place name found in the text, with its candidates and the one chosen."""

    start: int
    end: int
    candidates: list[Candidate]
    container: int | None = None  # index of a mention that follows as "X, Container"
    listing: int | None = None  # the first item's index, for items of a list of areas
    confirm: bool = False  # labelled a person: kept only if the article's places support it
    sentence: int = 0  # index of the sentence it is in
    best: Candidate | None = None
    scores: list[float] = field(default_factory=list)





# --- mentions -------------------------------------------------------------------------------


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a leading "the" and a trailing possessive from a span."""
    span = text[start:end]
    match = re.match(r"(?i)the\s+", span)
    if match and end - start > match.end():
        start += match.end()
    for suffix in ("'s", "’s", "'", "’"):
        if text[start:end].endswith(suffix) and end - start > len(suffix) + 1:
            end -= len(suffix)
            break
    return start, end



def _facility_mentions(text: str) -> Iterator[Mention]:
    """Facility names found anywhere in the text."""
    gaz = gazetteer()
    if gaz.facilities is None:
        return
    for match in gaz.facilities.finditer(text):
        if not any(ch.isupper() for ch in match.group()):
            continue  # "international zone" in lower case is not the Baghdad one
        entry = gaz.facility_names.get(normalize(match.group()))
        if entry is not None:
            yield Mention(match.start(), match.end(), [Candidate(entry, alternate=False)])


def _entity_spans(text: str, doc: Any) -> Iterator[tuple[int, int, str]]:
    """Place-like entity spans, trimmed and split at commas ("Rockville, Maryland")."""
    for ent in doc.ents:
        if ent.label_ not in PLACE_LABELS | WEAK_LABELS | PERSON_LABELS:
            continue
        offset = ent.start_char
        for part in re.split(r"(,\s*)", ent.text):
            start, end = offset, offset + len(part)
            offset = end
            if part.strip(", ") and any(ch.isalpha() for ch in part):
                yield (*_trim(text, start, end), ent.label_)


def _weak_ok(candidates: list[Candidate]) -> bool:
    """Whether an ORG/NORP-labelled span is a place: a country or state, or a big town."""
    return any(c.entry.kind in STRONG_KINDS or (c.entry.kind in CITY_KINDS and not c.alternate
                                                and c.entry.population >= WEAK_MIN_POPULATION)
               for c in candidates)


def _inner_places(text: str, start: int, end: int) -> Iterator[Mention]:
    """Countries and states named inside an organisation's name ("Taco Bell Canada")."""
    words = list(re.finditer(r"[A-Z][\w.'’-]*", text[start:end]))
    i = 0
    while i < len(words):
        for j in range(min(len(words), i + 5), i, -1):
            a, b = _trim(text, start + words[i].start(), start + words[j - 1].end())
            strong = [c for c in lookup(text[a:b]) if c.entry.kind in ("country", "admin1")]
            if strong and b - a > 1 and text[a:b].lower() not in GENERIC_WORDS:
                yield Mention(a, b, strong)
                i = j - 1
                break
        i += 1


def _mentions(text: str, doc: Any) -> list[Mention]:
    """All place mentions of a document, in text order, without overlaps."""
    found = list(_facility_mentions(text))
    for start, end, label in _entity_spans(text, doc):
        if any(m.start < end and start < m.end for m in found):
            continue
        candidates = lookup(text[start:end])
        if label in PLACE_LABELS and not candidates and " and " in text[start:end]:
            found.extend(_conjoined(text, start, end))
        elif label in PLACE_LABELS and not candidates and " " in text[start:end].strip():
            found.append(_leading_place(text, start, end))
        elif label in PLACE_LABELS:
            found.append(Mention(start, end, candidates))
        elif label in PERSON_LABELS and candidates:
            found.append(Mention(start, end, candidates, confirm=True))
        elif _weak_ok(candidates):
            found.append(Mention(start, end, [c for c in candidates if _weak_kind(c)]))
        elif label == "ORG":
            found.extend(_inner_places(text, start, end))
    found.extend(_missed_names(text, doc, found))
    found.extend(_headed_names(text, found))
    for mention in found:
        _apply_head(text, mention)
    people = _person_names(doc)
    found = [m for m in found if text[m.start:m.end].lower() not in people]
    found.sort(key=lambda m: m.start)
    _link_containers(text, found)
    starts = [s.start_char for s in doc.sents] if doc.has_annotation("SENT_START") else []
    for mention in found:
        mention.sentence = bisect.bisect_right(starts, mention.start)
    return found


def _leading_place(text: str, start: int, end: int) -> Mention:
    """An unknown name that opens with a known one means that one ("Panama Canal", "South Asia
    earthquake"): the longest leading words naming a country, area or big town, else all."""
    words = list(re.finditer(r"\S+", text[start:end]))
    for last in range(len(words) - 2, -1, -1):
        a, b = _trim(text, start, start + words[last].end())
        candidates = [c for c in lookup(text[a:b]) if _weak_kind(c)]
        if text[a:b].lower() not in GENERIC_WORDS and _weak_ok(candidates):
            return Mention(a, b, candidates)
    return Mention(start, end, [])


def _headed_names(text: str, found: list[Mention]) -> Iterator[Mention]:
    """Capitalised names the model missed that a head word marks as places ("Heze city",
    "Oyo state"), when the gazetteer has a place of that kind by that name."""
    for match in _HEADED.finditer(text):
        start, end = match.span(1)
        if any(m.start < end and start < m.end for m in found):
            continue
        name = match.group(1)
        if name.lower() in GENERIC_WORDS or normalize(name) in ("", "the"):
            continue
        wanted = _head_kinds(text, end)
        candidates = [c for c in lookup(name) if c.entry.kind in wanted and not c.alternate]
        if any(c.entry.kind in AREA_KINDS or c.entry.population >= WEAK_MIN_POPULATION
               for c in candidates):
            yield Mention(start, end, candidates)


def _head_kinds(text: str, end: int) -> frozenset[str]:
    """The kinds of place a lower-case head word after a name allows (none: all)."""
    match = _HEAD.match(text, end)
    if match is None:
        return frozenset()
    return CITY_KINDS if match.group(1) in CITY_HEADS else AREA_KINDS


def _apply_head(text: str, mention: Mention) -> None:
    """Keep only the candidates of the kind a head word names ("Washington state", "Basra
    Province" as one entity)."""
    words = text[mention.start:mention.end].lower().split()
    inner = words[-1] if len(words) > 1 else ""
    wanted = (CITY_KINDS if inner in CITY_HEADS else AREA_KINDS if inner in AREA_HEADS
              else _head_kinds(text, mention.end))
    kept = [c for c in mention.candidates if c.entry.kind in wanted]
    if kept:
        mention.candidates = kept


def _person_names(doc: Any) -> set[str]:
    """Words of the full names of people in the document: "Austin" of "Lloyd Austin" is him."""
    names: set[str] = set()
    for ent in doc.ents:
        words = ent.text.split()
        if ent.label_ == "PERSON" and len(words) >= 2:
            names.update(word.lower().strip(".,'’s") for word in words)
    return names


def _missed_names(text: str, doc: Any, found: list[Mention]) -> Iterator[Mention]:
    """Proper-noun runs outside every entity that name a country, state or big town."""
    covered = [(e.start_char, e.end_char) for e in doc.ents] + [(m.start, m.end) for m in found]
    run: list[Any] = []
    for token in [*doc, None]:
        if token is not None and token.pos_ == "PROPN" and token.text[:1].isupper():
            run.append(token)
            continue
        if run:
            start, end = run[0].idx, run[-1].idx + len(run[-1].text)
            run = []
            if not any(a < end and start < b for a, b in covered):
                candidates = [c for c in lookup(text[start:end]) if _weak_kind(c)]
                if _weak_ok(candidates):
                    yield Mention(start, end, candidates)


def _conjoined(text: str, start: int, end: int) -> Iterator[Mention]:
    """Places joined by "and" in one entity: "Central and South America", "Iraq and Syria"."""
    match = re.fullmatch(r"(.+?)\s+and\s+(.+)", text[start:end], re.DOTALL)
    if match is None:
        return
    left, right = match.span(1), match.span(2)
    head = match.group(2).split()[-1]
    shared = lookup(f"{match.group(1)} {head}") if " " not in match.group(1) else []
    yield Mention(start + left[0], start + left[1],  # "North" of "North and South Korea"
                  shared or lookup(match.group(1)))
    yield Mention(start + right[0], start + right[1], lookup(match.group(2)))


def _weak_kind(candidate: Candidate) -> bool:
    """Candidates kept for an ORG/NORP span."""
    return candidate.entry.kind not in CITY_KINDS or not candidate.alternate


def _link_containers(text: str, mentions: list[Mention]) -> None:
    """Mark "X, Y" pairs: Y may name the state or country that contains X."""
    _mark_enumerations(text, mentions)
    for i, (first, second) in enumerate(itertools.pairwise(mentions)):
        linked = re.fullmatch(r",\s*", text[first.end:second.start])
        first.container = i + 1 if linked and first.listing is None else None
    if mentions:  # a list shortened since the last linking must not point past its end
        mentions[-1].container = None


def _mark_enumerations(text: str, mentions: list[Mention]) -> None:
    """Mark lists of three or more areas of one kind ("Washington, Pennsylvania and
    California"): their commas part the items, not a town from its state."""
    run = [0]
    for i in range(1, len(mentions) + 1):
        gap = text[mentions[i - 1].end:mentions[i].start] if i < len(mentions) else ""
        if i < len(mentions) and _LIST_GAP.fullmatch(gap):
            run.append(i)
            continue
        listed = len(run) >= 3 and _same_area_kind([mentions[k] for k in run]) and any(
            _LIST_END.search(text[mentions[a].end:mentions[b].start])
            for a, b in itertools.pairwise(run))
        for k in run:
            mentions[k].listing = run[0] if listed else None
        run = [i]


def _same_area_kind(mentions: list[Mention]) -> bool:
    """Whether every mention may be an area of one kind (all states, or all countries)."""
    return any(all(any(c.entry.kind == kind for c in m.candidates) for m in mentions)
               for kind in ("admin1", "country"))


# --- disambiguation -------------------------------------------------------------------------


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def prior(candidate: Candidate) -> float:
    """How likely a candidate is before context: size, kind, and how it was matched."""
    entry = candidate.entry
    score = math.log10(entry.population + 10) + KIND_BONUS.get(entry.kind, 0.0)
    return score - ALTERNATE_PENALTY if candidate.alternate else score


def within(inner: Entry, outer: Entry) -> bool:
    """Whether `outer` (a country or first-level area) contains `inner`."""
    area = _area_key(outer)
    if area is not None:
        return inner.kind != "country" and (inner.cc, inner.admin1) == area
    return _country_key(outer) is not None and inner.kind != "country" and inner.cc == outer.cc


def _area_key(entry: Entry) -> tuple[str, str] | None:
    """(country, admin-1 code) of an entry that is a first-level area (England, Texas)."""
    if entry.kind in ("admin1", "country") and entry.cc and entry.admin1:
        return entry.cc, entry.admin1
    return None


def _country_key(entry: Entry) -> str | None:
    """The country code of an entry that is a country."""
    return entry.cc if entry.kind == "country" and entry.cc and not entry.admin1 else None


@dataclass(slots=True)
class Context:
    """What the article's chosen places are: areas, countries, and what lies below them."""

    areas: Counter[tuple[str, str]] = field(default_factory=Counter)
    countries: Counter[str] = field(default_factory=Counter)
    area_countries: Counter[str] = field(default_factory=Counter)  # countries of admin1 areas
    inner_areas: Counter[tuple[str, str]] = field(default_factory=Counter)
    inner_countries: Counter[str] = field(default_factory=Counter)
    points: Counter[Entry] = field(default_factory=Counter)

    def add(self, entry: Entry, count: int = 1) -> None:
        """Count one chosen place in (or, with count=-1, out of) the context."""
        area, country = _area_key(entry), _country_key(entry)
        if area is not None:
            self.areas[area] += count
            self.countries[entry.cc] += count  # Texas implies the United States
        if entry.kind == "admin1":
            self.area_countries[entry.cc] += count
        if country is not None:
            self.countries[country] += count
        if entry.kind != "country":
            self.inner_areas[(entry.cc, entry.admin1)] += count
            self.inner_countries[entry.cc] += count
        if entry.kind in POINT_KINDS:
            self.points[entry] += count


def context_score(entry: Entry, context: Context) -> float:
    """Bonus for fitting the article's other chosen places."""
    score = 0.0
    if entry.kind != "country":
        if context.areas[(entry.cc, entry.admin1)] > 0:
            score += ADMIN_BONUS
        elif context.countries[entry.cc] > 0:
            score += COUNTRY_BONUS
    if entry.kind == "admin1" and context.area_countries[entry.cc] > 0:
        score += SIBLING_BONUS
    area, country = _area_key(entry), _country_key(entry)
    if (area is not None and context.inner_areas[area] > 0) or (
            country is not None and context.inner_countries[country] > 0):
        score += CONTAINS_BONUS
    if (entry.kind in POINT_KINDS or entry.kind == "admin2") and any(
            n > 0 and distance_km(entry.lat, entry.lon, o.lat, o.lon) < NEAR_KM
            for o, n in context.points.items()):
        score += NEAR_BONUS
    return score


def resolve(mentions: list[Mention]) -> None:
    """Choose each mention's candidate: prior first, then re-scored against the others."""
    for mention in mentions:
        mention.scores = [prior(c) for c in mention.candidates]
        mention.best = _argmax(mention)
    for _ in range(ROUNDS):
        context = _context(mentions)
        for mention in mentions:
            if len(mention.candidates) > 1:
                mention.scores = _rescore(mention, mentions, context)
        for mention in mentions:
            mention.best = _argmax(mention)


def _context(mentions: list[Mention]) -> Context:
    """The context of the places currently chosen for the mentions."""
    context = Context()
    for mention in mentions:
        if mention.best is not None:
            context.add(mention.best.entry)
    return context


def _rescore(mention: Mention, mentions: list[Mention], context: Context) -> list[float]:
    """Scores of a mention's candidates against the rest of the article (itself left out)."""
    if mention.best is not None:
        context.add(mention.best.entry, -1)
    container = _container_entries(mentions, mention)
    others = [(m, m.best.entry) for m in mentions if m is not mention and m.best is not None
              and (m.listing is None or m.listing != mention.listing)]  # list items: siblings
    nearby = [e for m, e in others
              if m.sentence == mention.sentence and abs(m.start - mention.start) < LOCAL_CHARS]
    states = [e for m, e in others
              if e.kind == "admin1" and abs(m.sentence - mention.sentence) <= 1]
    scores = [prior(c) + context_score(c.entry, context)
              + CONTAINER_BONUS * any(_inside(c.entry, o) for o in container)
              + LOCAL_BONUS * any(within(c.entry, o) for o in nearby)
              + ADJACENT_BONUS * (c.entry.kind != "admin1" and any(within(c.entry, o)
                                                                   for o in states))
              for c in mention.candidates]
    if mention.best is not None:
        context.add(mention.best.entry)
    return scores


def _inside(entry: Entry, outer: Entry) -> bool:
    """Within `outer`, or the same place written twice ("Washington, D.C.")."""
    if within(entry, outer):
        return True
    return entry.kind in CITY_KINDS and outer.kind in CITY_KINDS and (
        entry.geonameid == outer.geonameid
        or distance_km(entry.lat, entry.lon, outer.lat, outer.lon) < SAME_PLACE_KM)


def _container_entries(mentions: list[Mention], mention: Mention) -> list[Entry]:
    """The candidates of the mention written right after this one as "X, Y"."""
    if mention.container is None:
        return []
    return [c.entry for c in mentions[mention.container].candidates]


def _argmax(mention: Mention) -> Candidate | None:
    """The best-scoring candidate (ties: larger population, then the first)."""
    if not mention.candidates:
        return None
    ranked = sorted(range(len(mention.candidates)),
                    key=lambda k: (-mention.scores[k], -mention.candidates[k].entry.population, k))
    return _namesake_city(mention.candidates, mention.candidates[ranked[0]])


def _namesake_city(candidates: list[Candidate], best: Candidate) -> Candidate:
    """A province named after its big city means the city ("Baghdad", "Sao Paulo")."""
    area = best.entry
    if area.kind not in ("admin1", "admin2") or not area.population:
        return best
    for candidate in candidates:
        city = candidate.entry
        if (city.kind in CITY_KINDS and not candidate.alternate and within(city, area)
                and city.population >= NAMESAKE_SHARE * area.population):
            return candidate
    return best


# --- the API --------------------------------------------------------------------------------


def find_places(text: str, doc: Any) -> list[Place]:
    """Toponyms of a parsed document (spaCy Doc of `text`), geocoded offline and disambiguated
    by the article's other places and by population."""
    mentions = _mentions(text, doc)
    resolve(mentions)
    kept = _confirmed(mentions)
    if len(kept) < len(mentions):
        _link_containers(text, kept)
        resolve(kept)
    _unplace_outside_containers(kept)
    return [_place(text, m) for m in kept]


def _unplace_outside_containers(mentions: list[Mention]) -> None:
    """Leave "X, Y" unplaced when Y is a state or country and no place called X lies in it
    ("Yorkshire, England" when only an American Yorkshire is known): a point elsewhere is wrong."""
    for mention in mentions:
        if mention.container is None or mention.best is None:
            continue
        outer = mentions[mention.container].best
        if outer is None or outer.entry.kind not in ("admin1", "country"):
            continue
        if any(c.entry.kind == outer.entry.kind for c in mention.candidates):
            continue  # "Hubei, Anhui": two areas of one kind, a list rather than X in Y
        if not any(_inside(c.entry, outer.entry) for c in mention.candidates):
            mention.best = None


def _confirmed(mentions: list[Mention]) -> list[Mention]:
    """Drop person-labelled names that no other place of the article supports."""
    context = _context(mentions)
    kept = []
    for mention in mentions:
        if mention.confirm and mention.best is not None:
            context.add(mention.best.entry, -1)
            support = context_score(mention.best.entry, context)
            context.add(mention.best.entry)
            if support < COUNTRY_BONUS:
                continue
        kept.append(mention)
    return kept


def _place(text: str, mention: Mention) -> Place:
    """The public record of a resolved mention."""
    span = text[mention.start:mention.end]
    if mention.best is None:
        return Place(text=span, start=mention.start, end=mention.end, name=span, lat=None,
                     lon=None)
    entry = mention.best.entry
    return Place(text=span, start=mention.start, end=mention.end, name=entry.name,
                 lat=entry.lat, lon=entry.lon, geonameid=entry.geonameid or None,
                 kind="city" if entry.kind in CITY_KINDS else entry.kind, source=entry.source)


