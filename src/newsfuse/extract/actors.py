"""Actors: people, organisations and armed groups of an article, titles stripped, variants merged.

Mentions come from the model's PERSON/ORG entities (NORP only for named groups such as the
Houthis), trimmed of a leading "the", a possessive and person titles (kept as the role), plus
what the model missed: later mentions of a name the article already used and introduced
acronyms. Within an article a surname-only mention joins the full-name person and an acronym
its spelled-out organisation; across articles actors merge by `actor_key`, a spelling-folded
name (transliteration variants of Arabic names, Hezbollah/Hizbollah, al-/el-).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from newsfuse.extract.actor_keys import actor_key, fold_word, merge_actors, name_words
from newsfuse.extract.actor_spans import (
    ACRONYM,
    ARMED_WORDS,
    HONORIFICS,
    NON_NAME_LABELS,
    ORG_WORDS,
    SPEECH_VERBS,
    TITLE_HEADS,
    Ent,
    entities,
    inner_title,
    role_after,
    role_ahead,
    role_before,
    role_text,
    word_text,
)
from newsfuse.extract.places import lookup
from newsfuse.model import Actor, Mention, Place

__all__ = ["actor_key", "find_actors", "fold_word", "merge_actors"]

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})  # a person only when a title or surname says so
STRONG_PLACES = frozenset({"country", "admin1", "continent", "region"})
# Person titles: a head word makes a run of these words before a name a role ("Defense
# Secretary"), a modifier only joins a run that has a head.
# Name words that make an entity an organisation whatever the model's label says.
# One-word "names" that name no particular organisation ("the Government said").
GENERIC_ORGS = ORG_WORDS - {"senate", "congress", "parliament"} | frozenset(
    "government army navy military cabinet state kingdom empire republic emperors".split())
# Last words of names of places that the model calls organisations ("Royal National Park").
PLACE_HEADS = frozenset("""
park hill hills street avenue road square bridge station airport airbase stadium arena circuit
river lake mountain mountains island islands valley canal sea ocean bay desert
""".split())
PLACE_STARTS = frozenset("port mount lake fort camp cape".split())  # "Port Selwyn"
# Upper-case words that the model takes for organisations but never name one.
NOT_ACTORS = frozenset("BC BCE AD CE GDP VAT TV UAV CEO DNA HIV AIDS AI PC ID OK PM MP".split())
# Common nouns after a name that make it a group's name ("the Red Dawn militia").
# Plural party names that the model files as nationalities ("Democrats said").
PARTY_WORDS = frozenset("democrats republicans tories conservatives socialists communists".split())
# Verbs of saying: an unknown name as their subject is a person, places do not explain.
# Name words that make an organisation an armed group; widely known names only where a name has
# no generic word (Hamas, Hezbollah, the Houthis, the Taliban).
ARMED_PHRASES = ("islamic state", "boko haram", "liberation army", "liberation front")
_ARMED_NOUN = (r"(?:militias?|militants?|fighters?|rebels?|insurgents?|guerrillas?|jihadists?"
               r"|paramilitar(?:y|ies)|(?:militant|armed|rebel|terrorist|terror|insurgent|jihadist"
               r"|proxy|paramilitary) (?:group|organi[sz]ation|movement|faction|network))")
# "the Kataib Hezbollah militia group", "Houthi rebels", "..., an Iranian-backed militia that"
_ARMED_AFTER = re.compile(rf"(?i)^(?:['’]s)?\s+(?:\w+\s+)?{_ARMED_NOUN}\b"
                          rf"|^,\s+(?:a|an|the)\s+[^,.;:()]{{0,50}}?\b{_ARMED_NOUN}\b")
# "Palestinian militant group Hamas", "the militia Kataib Hezbollah"
_ARMED_BEFORE = re.compile(rf"(?i)\b{_ARMED_NOUN}\s+(?:the\s+)?$")
_STOP = frozenset("of the and for in on at de du la le des del to".split())
_LEADING_THE = re.compile(r"(?i)^the\s+")
_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$")
@dataclass(slots=True)
class _Cand:
    """A mention candidate before grouping."""

    start: int
    end: int
    label: str
    kind: str
    role: str | None = None
    armed: bool = False
    titled: bool = False  # a title or honorific comes with the name: a person, whatever it is
    group: int = -1


@dataclass(slots=True)
class _Group:
    """The mentions of one actor within an article."""

    kind: str
    members: list[_Cand] = field(default_factory=list)


# --- candidates -----------------------------------------------------------------------------


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a leading "the" and a trailing possessive."""
    match = _LEADING_THE.match(text[start:end])
    if match and end - start > match.end():
        start += match.end()
    possessive = _POSSESSIVE.search(text[start:end])
    if possessive and possessive.start() > 1:
        end = start + possessive.start()
    if text[start:end].endswith(".") and not re.search(r"(?:\b\w|\bJr|\bSr)\.$", text[start:end]):
        end -= 1  # a sentence's full stop, not the dot of "U.S." or "Jr."
    return start, end


def _org_or_armed(name: str) -> str | None:
    """The kind that a name's words show, if any ("... Forces", "Kataib ...")."""
    words = set(name_words(name))
    if words & ARMED_WORDS or any(p in " ".join(name_words(name)) for p in ARMED_PHRASES):
        return "armed_group"
    if words & ORG_WORDS:
        return "organisation"
    return None


def _armed_context(text: str, sentence: Any, start: int, end: int) -> bool:
    """Whether the words around a mention call it a militia or militant group."""
    bounds = (sentence.start_char, sentence.end_char) if sentence is not None else (0, len(text))
    after = text[end:min(bounds[1], end + 80)]
    before = text[max(bounds[0], start - 40):start]
    return bool(_ARMED_AFTER.search(after) or _ARMED_BEFORE.search(before))


def _is_name(span: str) -> bool:
    """Whether a span reads as a name: a capital letter, two characters, not an era or a tax."""
    return (sum(ch.isalnum() for ch in span) > 1 and any(ch.isupper() for ch in span)
            and span.replace(".", "").upper() not in NOT_ACTORS)


def _common_word(doc: Any, start: int, end: int) -> bool:
    """A lone word that names nothing: capitalised only because it starts a sentence
    ("Tensions"), an adjective ("Indigenous") or an -ism ("Judaism")."""
    token = doc[start]
    return end - start == 1 and (
        (token.is_sent_start and token.pos_ not in ("PROPN", "X")) or token.pos_ == "ADJ"
        or re.search(r"(?:ism|i[sz]ation)$", token.text) is not None)


def _personal(doc: Any, ent: Ent) -> bool:
    """Grammar that only fits a person: "X, who", or an unknown name that says something."""
    after = [t.lower_ for t in doc[ent.end:ent.end + 2]]
    if after[:1] == ["who"] or after == [",", "who"]:
        return True
    head = doc[ent.end - 1]
    return bool(ent.label in PLACE_LABELS and head.dep_ == "nsubj"
                and head.head.lemma_ in SPEECH_VERBS)


def _candidates(text: str, doc: Any) -> Iterator[_Cand]:
    """Actor-like entity spans with their titles (as roles), articles and possessives cut off."""
    ents = list(entities(doc))
    ent_of = {i: doc[e.start:e.end] for e in ents for i in range(e.start, e.end)}
    firsts = [role_before(doc, e.start, ent_of) for e in ents]
    in_titles = {i for e, first in zip(ents, firsts, strict=True) for i in range(first, e.start)}
    sentences = doc.has_annotation("SENT_START")
    for ent, first in zip(ents, firsts, strict=True):
        if ent.start in in_titles:
            continue  # "Defense" of "Defense Secretary Lloyd Austin"
        inner = inner_title(doc, ent) if ent.label != "NORP" else ent.start
        start, end = _trim(text, doc[inner].idx, doc[ent.end - 1].idx + len(doc[ent.end - 1]))
        span = text[start:end]
        if not _is_name(span) or _common_word(doc, inner, ent.end):
            continue
        titled = (first < ent.start and word_text(doc[ent.start - 1]) in TITLE_HEADS | HONORIFICS
                  ) or inner > ent.start
        kind = _kind(ent.label, span, titled, _personal(doc, ent))
        if kind is None:
            continue
        role = " ".join(filter(None, (role_text(doc, first, ent.start),
                                      role_text(doc, ent.start, inner)))) or None
        if kind == "person" and role is None and ent.label == "PERSON":
            role = role_after(doc, ent.end) or role_ahead(doc, ent.start, ent.end)
        sentence = doc[ent.start].sent if sentences else None
        armed = kind == "armed_group" or (kind == "organisation" and (
            _armed_context(text, sentence, start, end)))
        yield _Cand(start, end, ent.label, kind, role if kind == "person" else None, armed,
                    titled=titled)


def _kind(label: str, span: str, titled: bool, personal: bool) -> str | None:
    """The actor kind of an entity span; "place" for a place name that may yet be a surname,
    None when it is no actor (a nationality, a generic word)."""
    by_words = _org_or_armed(span)
    acronym = ACRONYM.fullmatch(span) is not None
    if label != "NORP" and not acronym and by_words is None and (titled or personal):
        return "person"
    if " " not in span and span.lower() in GENERIC_ORGS:
        return None  # "the Government", "the Army": no name
    if span.split()[-1].lower() in PLACE_HEADS or (
            " " in span and span.split()[0].lower() in PLACE_STARTS):
        return "place"  # "Capitol Hill", "Royal National Park"
    if label == "PERSON":
        return by_words or "person"
    if label == "ORG":
        return by_words or "organisation"
    if label == "NORP" and span.split()[-1].lower() in PARTY_WORDS:
        return "organisation"
    if label == "NORP":
        return "armed_group" if by_words == "armed_group" else None
    return "place" if label in PLACE_LABELS else None


# --- grouping within an article -------------------------------------------------------------


def _covered(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(a <= start and end <= b for a, b in spans)


def _overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(a < end and start < b for a, b in spans)


def _surname(name: str) -> str:
    """The folded last word of a name ("al-Sudani" -> "sudani")."""
    return actor_key(name.split()[-1], "person")


class _Article:
    """The groups of one article under construction."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.groups: list[_Group] = []
        self.by_key: dict[str, int] = {}

    def span(self, cand: _Cand) -> str:
        return self.text[cand.start:cand.end]

    def add(self, cand: _Cand, group: int | None = None) -> None:
        """Put a candidate in a group: the one given, else the one of its key, else a new one."""
        if group is None:
            key = actor_key(self.span(cand), cand.kind)
            if key not in self.by_key:
                self.by_key[key] = len(self.groups)
                self.groups.append(_Group(cand.kind))
            group = self.by_key[key]
        cand.group = group
        self.groups[group].members.append(cand)

    def full_people(self) -> dict[str, list[int]]:
        """Folded surname -> groups of people named with two or more words."""
        found: dict[str, list[int]] = defaultdict(list)
        for index, group in enumerate(self.groups):
            names = [self.span(c) for c in group.members]
            if group.kind == "person" and any(len(n.split()) > 1 for n in names):
                surnames = {_surname(n) for n in names if len(n.split()) > 1}
                for surname in sorted(surnames):
                    found[surname].append(index)
        return found

    def person_for(self, cand: _Cand, people: Mapping[str, list[int]]) -> int | None:
        """The full-name person that a one-word name refers to: the latest named before it."""
        span = self.span(cand)
        if len(span.split()) != 1:
            return None
        options = people.get(actor_key(span, "person"), [])
        if not options:
            return None
        first = {g: min(c.start for c in self.groups[g].members) for g in options}
        before = [g for g in options if first[g] < cand.start]
        return max(before, key=first.__getitem__) if before else min(options, key=first.__getitem__)


def _group(text: str, cands: list[_Cand]) -> _Article:
    """Group candidates into actors: people first, then surnames, organisations, acronyms."""
    article = _Article(text)
    persons = [c for c in cands if c.kind == "person"]
    for cand in persons:
        if len(article.span(cand).split()) > 1:
            article.add(cand)
    people = article.full_people()
    for cand in cands:
        if cand.kind == "person" and len(article.span(cand).split()) > 1:
            continue
        person = article.person_for(cand, people)
        if person is not None:
            cand.kind = "person"
            article.add(cand, person)
        elif cand.kind == "person":
            article.add(cand)
    orgs = sorted((c for c in cands if c.kind in ("organisation", "armed_group")),
                  key=lambda c: (ACRONYM.fullmatch(article.span(c)) is not None, c.start))
    for cand in orgs:
        if cand.group < 0:
            article.add(cand, _acronym_group(article, cand))
    _merge_suffixes(article)
    return article


def _acronym_group(article: _Article, cand: _Cand) -> int | None:
    """The organisation an acronym stands for: introduced in brackets, or by its initials."""
    span = article.span(cand)
    if not ACRONYM.fullmatch(span):
        return None
    text = article.text
    for index, group in enumerate(article.groups):
        if group.kind == "person":
            continue
        for member in group.members:
            between = text[member.end:cand.start]
            if re.fullmatch(r"\s*\(\s*", between) and text[cand.end:cand.end + 1] == ")":
                return index
    for index, group in enumerate(article.groups):
        if group.kind != "person" and any(
                _initials(article.span(m)) == span.replace("&", "") for m in group.members):
            return index
    return None


def _initials(name: str) -> str:
    """"Popular Mobilization Forces" -> "PMF"; small words are skipped."""
    words = [w for w in re.split(r"[\s\-]+", name) if w and w.lower() not in _STOP]
    return "".join(w[0] for w in words).upper() if len(words) > 1 else ""


def _merge_suffixes(article: _Article) -> None:
    """"Central Command" and "the Command" join "U.S. Central Command" when that is the only
    longer name ending so."""
    keys = {index: actor_key(_fullest(article, g), g.kind) for index, g in
            enumerate(article.groups) if g.kind != "person" and g.members}
    for index, key in sorted(keys.items()):
        longer = [i for i, k in keys.items() if i != index and k.endswith(" " + key[2:])]
        if len(longer) == 1:
            target = article.groups[longer[0]]
            for cand in article.groups[index].members:
                cand.group = longer[0]
                target.members.append(cand)
            article.groups[index].members = []


def _fullest(article: _Article, group: _Group) -> str:
    """The group's fullest name form: most words, then longest, then first used."""
    counts = Counter(article.span(c) for c in group.members)
    best = max(group.members, key=lambda c: (len(article.span(c).split()),
                                             counts[article.span(c)], -c.start))
    return article.span(best)


# --- mentions the model missed --------------------------------------------------------------


def _forms(article: _Article, group: _Group) -> list[str]:
    """Name forms to look for again: the group's spans, and a person's surname."""
    forms = {article.span(c) for c in group.members}
    if group.kind == "person":
        for name in list(forms):
            words = name.split()
            if len(words) > 1:
                forms.add(words[-1])
                forms.add(re.sub(r"^(?:al|el)[-‐ ]", "", words[-1], flags=re.I))
    return sorted((f for f in forms if len(f) > 1), key=lambda f: (-len(f), f))


def _rescan(article: _Article, doc: Any, blocked: list[tuple[int, int]]) -> None:
    """Add later uses of a name the model did not label ("Austin said" after "Lloyd Austin")."""
    taken = blocked + [(c.start, c.end) for g in article.groups for c in g.members]
    starts = {t.idx: t for t in doc}
    for index, group in enumerate(article.groups):
        for form in _forms(article, group):
            for start, end in _occurrences(article.text, form):
                token = starts.get(start)
                if token is None or _overlaps(start, end, taken) or not (
                        token.pos_ == "PROPN" or ACRONYM.fullmatch(form) or " " in form):
                    continue
                if token.ent_type_ in NON_NAME_LABELS:
                    continue
                cand = _Cand(start, end, "", group.kind)
                article.add(cand, index)
                taken.append((start, end))


def _occurrences(text: str, form: str) -> Iterator[tuple[int, int]]:
    """Where `form` stands as a whole name (no letter, digit or hyphen on either side, and no
    apostrophe before); a plain search, because a regex per name cost more than the search."""
    at = text.find(form)
    while at != -1:
        end = at + len(form)
        before = text[at - 1] if at else " "
        after = text[end] if end < len(text) else " "
        if not _joins(before, "'’") and not _joins(after, ""):
            yield at, end
            at = text.find(form, end)
        else:
            at = text.find(form, at + 1)


def _joins(char: str, extra: str) -> bool:
    return char.isalnum() or char == "_" or char in "-‐" or char in extra


# --- the API --------------------------------------------------------------------------------


def find_actors(text: str, doc: Any, places: Sequence[Place] = ()) -> list[Actor]:
    """The actors of one article from the spaCy `doc` of `text`, one per distinct actor.

    Args:
        text: the article's cleaned text.
        doc: its spaCy Doc.
        places: the article's places from `find_places`; an entity that is a geocoded place is
            not an actor.

    Returns:
        Actors in order of first mention, each with every mention's exact span.
    """
    placed = [(p.start, p.end) for p in places if p.lat is not None]
    cands = [c for c in _candidates(text, doc)
             if c.titled or not _covered(c.start, c.end, placed)]
    cands = _without_places(text, cands)
    article = _group(text, [c for c in cands if c.kind != "place"] +
                     [c for c in cands if c.kind == "place"])
    _rescan(article, doc, placed)
    actors = [_actor(article, g) for g in article.groups if g.members and g.kind != "place"]
    return sorted(actors, key=lambda a: a.mentions[0].start)


def _without_places(text: str, cands: list[_Cand]) -> list[_Cand]:
    """Drop names the model took for people that the gazetteer knows as a country or a big
    town ("Brisbane"), unless a title or the article's full name of someone says otherwise."""
    def place_like(cand: _Cand) -> bool:
        return cand.label == "PERSON" and not cand.titled and _big_place(text[cand.start:cand.end])

    words = {actor_key(w, "person") for c in cands if c.kind == "person" and not place_like(c)
             for w in text[c.start:c.end].split()[1:]}
    return [c for c in cands if not place_like(c)
            or actor_key(text[c.start:c.end], "person") in words]


def _big_place(name: str) -> bool:
    """Whether the gazetteer knows a name as a country, a state or a town of 100,000."""
    return any(c.entry.kind in STRONG_PLACES or (
        c.entry.kind in ("city", "capital") and not c.alternate and c.entry.population >= 100_000)
        for c in lookup(name))


def _actor(article: _Article, group: _Group) -> Actor:
    """The public record of one group."""
    members = sorted(group.members, key=lambda c: c.start)
    name = _fullest(article, group)
    kind = group.kind
    if kind != "person" and any(c.armed for c in members):
        kind = "armed_group"
    roles = [c.role for c in members if c.role]
    mentions = tuple(Mention(text=article.span(c), start=c.start, end=c.end) for c in members)
    return Actor(key=actor_key(name, kind), name=name, kind=kind,
                 role=roles[0] if roles else None, mentions=mentions)


