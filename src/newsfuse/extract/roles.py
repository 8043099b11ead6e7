"""The lead happening's arguments: who did what to whom, and how big, from the parse of the lead."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from newsfuse.extract import parses
from newsfuse.extract.happenings import caption_like
from newsfuse.extract.kinds import sentences
from newsfuse.model import Role

LEAD_SENTENCES = 2  # sentences with a happening that are read; later ones are background
LEAD_SCAN = 6  # sentences looked at to find them (headlines, datelines and captions are skipped)
MAX_SIZE_DEPTH = 3  # "a 6.1-magnitude quake": the number is at most this far below its noun
ENTITY_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE", "LOC", "FAC"})
SIZE_LABELS = frozenset({"MONEY", "QUANTITY", "CARDINAL", "PERCENT"})
TIME_LABELS = frozenset({"DATE", "TIME"})
# Words whose clause is not the happening but a report of it: the happening is what was said.
SPEECH = frozenset("say tell report announce add state claim confirm note write believe quote "
                   "cite reveal speculate learn hear understand suggest show indicate".split())
# A verb that takes the happening as its object: "made an offer", "carried out a strike".
LIGHT = frozenset("make give extend submit present table put place issue send carry "
                  "launch stage mount conduct".split())
WEAK = frozenset("be have do seem appear become remain get".split())
SUBJECTS = frozenset({"nsubj", "csubj"})
PASSIVE_SUBJECTS = frozenset({"nsubjpass", "csubjpass"})
OBJECTS = frozenset({"dobj", "dative", "attr", "oprd"})
EVENT_OBJECTS = frozenset({"dobj", "attr", "oprd", "ccomp"})  # the small model varies here
OWNERS = frozenset({"poss", "compound", "nmod"})  # "the Nationals' offer", "Angels GM Reagins"
PATIENT_PREPS = frozenset({"to", "on", "against", "for"})
PRONOUN_POS = frozenset({"PRON", "DET"})
_FURNITURE = re.compile(r"(?i)\b(?:published|updated|posted|last\s+modified|copyright|photo)\b|©")
_HAS_LETTERS = re.compile(r"[A-Za-z]{2}")


def find_roles(text: str, doc: Any) -> list[Role]:
    """Agents, patients and sizes of the happenings in the lead of a parsed text."""
    if not parses(doc, text):
        return []
    ents = _Scope(_entity_index(doc))
    found: list[Role] = []
    read = 0
    for start, end in _lead(text, doc):
        roles = list(_sentence_roles(doc, start, end, ents))
        if roles:
            found.extend(roles)
            read += 1
        if read >= LEAD_SENTENCES:
            break
    return _unique(found)


def _lead(text: str, doc: Any) -> Iterator[tuple[int, int]]:
    """The first sentences that can carry a happening: furniture and captions left out."""
    for start, end in sentences(text, doc)[:LEAD_SCAN]:
        line = text[start:end]
        if _FURNITURE.search(line) or caption_like(text, start) or not _HAS_LETTERS.search(line):
            continue
        yield start, end


def _entity_index(doc: Any) -> dict[int, Any]:
    """Each token's entity span, by token index."""
    return {t.i: ent for ent in doc.ents for t in ent}


class _Scope(dict[int, Any]):
    """The entities of a text by token index, and the tokens of the sentence being read (a
    parse can run across a line break; arguments are taken from the sentence only)."""

    inside: frozenset[int] = frozenset()

    def within(self, tokens: set[int]) -> _Scope:
        scope = _Scope(self)
        scope.inside = frozenset(tokens)
        return scope


def _sentence_roles(doc: Any, start: int, end: int, ents: _Scope) -> Iterator[Role]:
    """The roles of the happening of one sentence (or headline line)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return
    inside = {t.i for t in span}
    ents = ents.within(inside)
    # a line cut from a longer parse has several local roots: the parse's own root first
    roots = sorted((t for t in span if t.dep_ == "ROOT" or t.head.i not in inside),
                   key=lambda t: (t.dep_ != "ROOT", t.i))
    for root in roots:
        predicate = _predicate(root, inside)
        if predicate is not None:
            yield from _arguments(predicate, inside, ents)
            return


def _predicate(token: Any, inside: set[int], depth: int = 0) -> Any | None:
    """The word of the happening a clause reports: what a speech verb says was done, else the
    clause's own verb (a light verb's object is read as its word later), or an event noun that
    heads a headline ("Nationals' offer to Varga")."""
    lemma = token.lemma_.lower()
    if token.pos_ in ("VERB", "AUX") and lemma in SPEECH and depth < 2:
        said = [c for c in token.children if c.dep_ in ("ccomp", "parataxis", "xcomp")
                and c.i in inside and c.pos_ in ("VERB", "AUX", "NOUN")]
        return _predicate(said[0], inside, depth + 1) if said else None
    if token.pos_ in ("VERB", "AUX"):
        if lemma in WEAK and not any(c.dep_ in OBJECTS for c in token.children):
            return None
        return token
    if token.pos_ == "NOUN" and any(c.dep_ in OWNERS | {"prep"} for c in token.children):
        return token
    return None


def _arguments(predicate: Any, inside: set[int], ents: _Scope,
               outer: bool = True) -> Iterator[Role]:
    """The roles a predicate takes; a controlled verb ("agreed to buy X") adds its own objects,
    its subject being the outer verb's."""
    trigger = _trigger(predicate)
    for child in predicate.children:
        if child.i not in inside:
            continue
        if child.dep_ in SUBJECTS and outer:
            yield from _argument("agent", child, trigger, ents)
        elif child.dep_ in PASSIVE_SUBJECTS:
            yield from _argument("patient", child, trigger, ents)
        elif child.dep_ == "agent":
            for pobj in (c for c in child.children if c.dep_ == "pobj"):
                yield from _argument("agent", pobj, trigger, ents)
        elif _is_event_object(predicate, child):
            yield from _event_noun(child, trigger, ents)
        elif child.dep_ in OBJECTS:
            role = "agent" if predicate.pos_ == "NOUN" else "patient"
            yield from _argument(role, child, trigger, ents)
        elif child.dep_ == "xcomp" and child.pos_ in ("VERB", "AUX"):
            yield from _arguments(child, inside, ents, outer=False)
        elif child.dep_ == "poss" and predicate.pos_ == "NOUN":
            yield from _argument("agent", child, trigger, ents)
        elif child.dep_ == "prep" and child.lower_ in PATIENT_PREPS:
            for pobj in (c for c in child.children if c.dep_ == "pobj"):
                yield from _argument("patient", pobj, trigger, ents)
    yield from _sizes(predicate, trigger, ents)


def _trigger(predicate: Any) -> str:
    """The happening's word: a light verb's object noun ("made an offer" -> "offer")."""
    for child in predicate.children:
        if _is_event_object(predicate, child):
            return str(child.lemma_.lower())
    return str(predicate.lemma_.lower())


def _is_event_object(verb: Any, child: Any) -> bool:
    return bool(verb.pos_ in ("VERB", "AUX") and verb.lemma_.lower() in LIGHT
                and child.dep_ in EVENT_OBJECTS and child.pos_ == "NOUN")


def _event_noun(noun: Any, trigger: str, ents: _Scope) -> Iterator[Role]:
    """The arguments a light verb's object carries itself: "an offer to Teixeira", sizes."""
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in PATIENT_PREPS:
            for pobj in (c for c in child.children if c.dep_ == "pobj"):
                yield from _argument("patient", pobj, trigger, ents)
        elif child.dep_ == "poss":
            yield from _argument("agent", child, trigger, ents)
    yield from _sizes(noun, trigger, ents)


def _argument(role: str, token: Any, trigger: str, ents: _Scope) -> Iterator[Role]:
    """An argument's head (its entity if it is in one), and the entities that own it
    ("Angels general manager Tony Reagins" -> Reagins and Angels), then its sizes."""
    heads = [token] + [c for c in token.conjuncts if c.dep_ == "conj" and c.i in ents.inside]
    for head in heads:
        ent = ents.get(head.i)
        if head.pos_ in PRONOUN_POS or (head.pos_ == "NUM" and ent is None) or (
                ent is not None and ent.label_ in TIME_LABELS):
            continue  # "he", "Sunday": no key of the happening
        yield _role(role, head, trigger, ents)
        for child in (c for c in _owners(head) if c.i in ents.inside):
            owner = ents.get(child.i)
            if owner is not None and owner.label_ in ENTITY_LABELS and owner is not ent:
                yield _role(role, child, trigger, ents)
        yield from _sizes(head, trigger, ents)


def _owners(head: Any) -> Iterator[Any]:
    """Words that name whose or which an argument is: "Angels GM Reagins", "the island of X"."""
    for child in head.children:
        if child.dep_ in OWNERS:
            yield child
        elif child.dep_ == "prep" and child.lower_ == "of":
            yield from (c for c in child.children if c.dep_ == "pobj")


def _role(role: str, token: Any, trigger: str, ents: _Scope) -> Role:
    ent = ents.get(token.i)
    if ent is not None and ent.label_ in ENTITY_LABELS:
        return Role(role=role, text=ent.text, start=ent.start_char, end=ent.end_char,
                    label=ent.label_, head=token.lemma_.lower(), trigger=trigger)
    label = "PROPN" if token.pos_ == "PROPN" else ""  # a name the tagger did not type
    return Role(role=role, text=token.text, start=token.idx, end=token.idx + len(token.text),
                label=label, head=token.lemma_.lower(), trigger=trigger)


def _sizes(head: Any, trigger: str, ents: _Scope) -> Iterator[Role]:
    """Numbers that measure an argument or the happening ("a 6.1-magnitude quake", "a $20
    million offer"), at most MAX_SIZE_DEPTH links below it and not inside another clause."""
    skip = ("relcl", "ccomp", "advcl", "conj", "agent")
    frontier = [(c, 1) for c in head.children if c.dep_ not in skip and c.i in ents.inside]
    while frontier:
        token, depth = frontier.pop(0)
        ent = ents.get(token.i)
        if ent is not None and ent.label_ in TIME_LABELS:
            continue  # "on December 15", "at 17:06": when, not how big
        if token.like_num and any(ch.isdigit() for ch in token.text):
            yield _size(token, trigger, ents)
        elif depth < MAX_SIZE_DEPTH and (token.pos_ not in ("VERB", "AUX") or token.dep_ == "acl"):
            frontier.extend((c, depth + 1) for c in token.children
                            if c.dep_ not in skip and c.i in ents.inside)


def _size(token: Any, trigger: str, ents: _Scope) -> Role:
    ent = ents.get(token.i)
    if ent is not None and ent.label_ in SIZE_LABELS:
        return Role(role="size", text=ent.text, start=ent.start_char, end=ent.end_char,
                    label=ent.label_, head=token.head.lemma_.lower(), trigger=trigger)
    return Role(role="size", text=token.text, start=token.idx, end=token.idx + len(token.text),
                head=token.head.lemma_.lower(), trigger=trigger)


def _unique(roles: list[Role]) -> list[Role]:
    """Each (role, span) once, in text order."""
    seen: dict[tuple[str, int, int], Role] = {}
    for role in roles:
        seen.setdefault((role.role, role.start, role.end), role)
    return sorted(seen.values(), key=lambda r: (r.start, r.end, r.role))
