"""Speakers of quotes: the subject of a cue verb resolved to an actor, a pronoun's antecedent, or
a description ("unnamed U.S. defense official").

`speaker_of(ctx, cue)` reads the parse around one cue verb: its subject ("Austin said"), an
inverted name ("said Austin"), "according to X", "a statement from X"; a name is matched to the
article's actors (surnames to full names), a pronoun or "the spokesman" to the last fitting named
speaker before it, and an unnamed source is described by its role and affiliation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from newsfuse.extract.quote_marks import Piece
from newsfuse.model import Actor

SUBJECTS = frozenset({"nsubj", "nsubjpass"})

# A subject like these speaks for whoever its "from"/"by"/"of" names ("a statement from X").
SOURCE_NOUNS = frozenset("""
statement post tweet release report communique message letter video comment remarks notice
announcement briefing
""".split())
PERSON_NOUNS = frozenset("""
spokesman spokeswoman spokesperson official minister secretary commander president leader chief
general governor mayor ambassador envoy director officer aide adviser advisor analyst prosecutor
lawyer premier chancellor senator representative sheriff inspector colonel captain
""".split())
GENERIC_PERSON = frozenset({"spokesman", "spokeswoman", "spokesperson", "official"})
GENERIC_ORG = frozenset({"group", "organisation", "organization", "company", "firm", "movement",
                         "militia", "command"})
ORG_NOUNS = frozenset("""
group ministry command company government militia department agency army military movement
office police council party firm organisation organization coalition administration pentagon
embassy authority authorities force forces brigade bank union court service
""".split())
PRONOUN_KINDS = {"he": "person", "she": "person", "it": "organisation", "they": "any"}
DEFINITE = frozenset({"the", "this", "that", "its", "his", "her", "their"})
PERSON_LABELS = frozenset({"PERSON"})
ORG_LABELS = frozenset({"ORG", "NORP", "GPE"})
CORE_DEPS = frozenset({"compound", "amod", "nmod", "det", "poss", "nummod", "flat", "quantmod",
                       "case", "punct", "npadvmod"})


@dataclass(frozen=True)
class Speaker:
    """Who said it: a display name or description, the actor key, kind, and whether named."""

    name: str | None
    key: str | None = None
    kind: str = ""  # "person", "organisation" or "" when unknown
    named: bool = False


@dataclass
class QuoteContext:
    """What speaker resolution reads: the text, its parse, actors, quote pieces, speakers so far."""

    text: str
    doc: Any
    actors: Sequence[Actor]
    quotes: list[Piece]
    breaks: list[int]
    history: list[tuple[int, Speaker]] = field(default_factory=list)
    mentions: list[tuple[int, int, Actor]] = field(default_factory=list)


def in_quotes(ctx: QuoteContext, start: int, end: int) -> bool:
    """Whether [start, end) lies inside one of the article's quotes."""
    return any(p.open <= start and end <= p.stop for p in ctx.quotes)


def tokens_outside_quotes(ctx: QuoteContext, start: int, end: int) -> list[Any]:
    """The tokens of [start, end) that are not quoted words."""
    span = ctx.doc.char_span(start, end, alignment_mode="contract")
    if span is None:
        return []
    return [t for t in span if not in_quotes(ctx, t.idx, t.idx + len(t))]


def previous_sentence(ctx: QuoteContext, at: int) -> tuple[int, int]:
    """The sentence before the one holding `at`, as a character range."""
    end = max((b for b in ctx.breaks if b <= at), default=0)
    start = max((b for b in ctx.breaks if b < end), default=0)
    return start, end


def speaker_of(ctx: QuoteContext, cue: Any) -> Speaker | None:
    """Who the cue verb says is speaking, resolved to an actor or described; None if nobody."""
    head = subject_of(cue) or _inverted_name(cue)
    if head is None:
        return None
    head = _through_source(head)
    if head is None:
        return None
    return _describe(ctx, head, cue)


def _inverted_name(cue: Any) -> Any:
    """ '..., said Skarvik harbour master Odd Lien.': the last name right after the cue, when
    the parser lost the inverted subject."""
    if cue.lower_ == "according" or cue.i == 0 or not cue.doc[cue.i - 1].is_punct:
        return None
    name = None
    for token in cue.doc[cue.i + 1:cue.i + 9]:
        if token.is_punct or token.pos_ == "ADP":
            break
        if token.pos_ == "PROPN" and token.ent_type_ in PERSON_LABELS | ORG_LABELS:
            name = token
    return name


def subject_of(cue: Any) -> Any:
    """The speaking noun: subject of the cue (or of the verb it is conjoined to), or "to X"."""
    if cue.lower_ == "according":
        to = next((c for c in cue.children if c.lower_ == "to"), None)
        if to is None and cue.i + 1 < len(cue.doc):
            to = cue.doc[cue.i + 1]
        return next((c for c in to.children if c.dep_ == "pobj"), None) if to else None
    verb = cue
    for _ in range(3):
        subjects = [c for c in verb.children if c.dep_ in SUBJECTS]
        if subjects:
            left = [s for s in subjects if s.i < cue.i]
            return left[-1] if left else subjects[0]
        if verb.dep_ not in ("conj", "xcomp", "advcl", "pcomp") or verb.head is verb:
            return None
        verb = verb.head
        if verb.pos_ == "ADP":  # "after telling supporters ..."
            verb = verb.head
    return None


def _through_source(head: Any) -> Any:
    """ "A statement from the US military" speaks for the military."""
    for _ in range(3):
        if str(head.lemma_).lower() not in SOURCE_NOUNS:
            return head
        nxt = next((g for c in head.children if c.dep_ in ("prep", "agent")
                    and c.lower_ in ("from", "by", "of") for g in c.children
                    if g.dep_ == "pobj"), None)
        nxt = nxt or next((c for c in head.children if c.dep_ == "poss"), None)
        if nxt is None:
            acl = next((c for c in head.children if c.dep_ == "acl"), None)
            agent = next((c for c in acl.children if c.dep_ == "agent"), None) if acl else None
            nxt = next((g for g in agent.children if g.dep_ == "pobj"), None) if agent else None
        if nxt is None:
            return None
        head = nxt
    return head


def _core(head: Any) -> tuple[int, int]:
    """Token range of the noun phrase's name part: the head with its left modifiers, plus the
    other subjects the parser split a hyphenated name into."""
    first = head.i
    for child in head.lefts:
        if child.dep_ in CORE_DEPS:
            first = min(first, child.left_edge.i)
    last = head.i
    sibling_subjects = [c for c in head.head.children if c.dep_ == head.dep_ and c.dep_ in SUBJECTS]
    if len(sibling_subjects) > 1:
        first = min(first, min(s.left_edge.i for s in sibling_subjects))
        last = max(last, max(s.i for s in sibling_subjects))
    while last + 1 < len(head.doc) and head.doc[last + 1].ent_iob_ == "I" and head.ent_type_:
        last += 1
    return first, last + 1


def _describe(ctx: QuoteContext, head: Any, cue: Any) -> Speaker | None:
    doc = head.doc
    appos = next((c for c in head.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
    if head.pos_ != "PROPN" and appos is not None:
        head = appos  # "Its spokesman, Mikael Dravik, said"
    first, last = _core(head)
    named = _named(ctx, doc, head, first, last)
    if named is not None:
        return named
    word = head.lower_
    if word in PRONOUN_KINDS and head.pos_ == "PRON":
        kind = PRONOUN_KINDS[word]
        recent = _previous_subject(ctx, cue) if kind == "person" else None
        return recent or _last_speaker(ctx, kind, cue.idx)
    if head.pos_ == "PRON":
        return None
    return _common_noun(ctx, head, first, last, cue)


def _named(ctx: QuoteContext, doc: Any, head: Any, first: int, last: int) -> Speaker | None:
    start, end = doc[first].idx, doc[last - 1].idx + len(doc[last - 1])
    hits = [m for m in ctx.mentions if m[0] < end and start < m[1]]
    if hits:
        on_head = [m for m in hits if m[0] < head.idx + len(head) and head.idx < m[1]]
        people = [m for m in hits if m[2].kind == "person"]
        # "the PMF operation command" is the PMF, "Vestria's foreign ministry" is not Vestria
        modifiers = [m for m in hits if m[2].kind != "person" and _compound_of(doc, head, m)
                     and str(head.lemma_).lower() not in PERSON_NOUNS]
        if on_head or head.pos_ == "PROPN" or modifiers:
            best = (on_head or people or modifiers or hits)[-1][2]
            return Speaker(best.name, best.key, _kind(best.kind), True)
    if head.pos_ != "PROPN":
        return None
    by_name = _actor_by_word(ctx.actors, head.text)
    if by_name is not None:
        return Speaker(by_name.name, by_name.key, _kind(by_name.kind), True)
    ents = [e for e in doc.ents if e.start < last and first < e.end
            and e.label_ in PERSON_LABELS | ORG_LABELS]
    if ents:
        ent = next((e for e in ents if e.start <= head.i < e.end), ents[-1])
        name = _full_name(doc, re.sub(r"(?i)^the\s+|['’]s$", "", ent.text), ent)
        return Speaker(name, None, "person" if ent.label_ in PERSON_LABELS else "organisation",
                       True)
    words = [t for t in doc[first:last] if not (t.dep_ == "det" and t.head == head)]
    return Speaker(_phrase(words, ""), None, "", True) if words else None


def _compound_of(doc: Any, head: Any, mention: tuple[int, int, Actor]) -> bool:
    """Whether an actor mention modifies the head as a compound (not as a possessive)."""
    span = doc.char_span(mention[0], mention[1], alignment_mode="expand")
    return span is not None and any(
        (t.dep_ == "compound" and t.head == head)
        or (t.head.dep_ == "compound" and t.head.head == head) for t in span) and not any(
        t.dep_ == "case" for t in span)


def _full_name(doc: Any, name: str, ent: Any) -> str:
    """A lone surname ("Austin") as the full name an earlier PERSON entity gave it."""
    if ent.label_ not in PERSON_LABELS or " " in name:
        return name
    earlier = [e.text for e in doc.ents if e.label_ in PERSON_LABELS and e.start < ent.start
               and " " in e.text and e.text.split()[-1] == name]
    return earlier[-1] if earlier else name


def _actor_by_word(actors: Sequence[Actor], word: str) -> Actor | None:
    """The actor whose name ends with this word ("Austin" said -> Lloyd Austin)."""
    folded = word.casefold()
    matches = [a for a in actors if a.name.casefold().split()[-1:] == [folded]]
    return matches[0] if len(matches) == 1 else None


def _kind(actor_kind: str) -> str:
    return "person" if actor_kind == "person" else "organisation"


def _previous_subject(ctx: QuoteContext, cue: Any) -> Speaker | None:
    """The named person who is the subject of the sentence before ("Ortiz visited the town.
    'We will respond,' she told residents"): a closer antecedent than the last speaker."""
    sentence = max((b for b in ctx.breaks if b <= cue.idx), default=0)
    start, end = previous_sentence(ctx, sentence)
    for token in reversed(tokens_outside_quotes(ctx, start, end)):
        if token.dep_ in SUBJECTS and token.head.dep_ == "ROOT" and token.pos_ == "PROPN":
            first, last = _core(token)
            found = _named(ctx, token.doc, token, first, last)
            if found is not None and found.kind == "person":
                return found
    return None


def _last_speaker(ctx: QuoteContext, kind: str, before: int) -> Speaker | None:
    for at, speaker in reversed(ctx.history):
        if at < before and _fits(speaker, kind):
            return speaker
    for start, _end, actor in reversed(ctx.mentions):  # no speaker yet: the last actor named
        if start < before and (kind == "any" or _kind(actor.kind) == kind):
            return Speaker(actor.name, actor.key, _kind(actor.kind), True)
    labels = PERSON_LABELS if kind == "person" else ORG_LABELS
    ents = [e for e in ctx.doc.ents if e.start_char < before and e.label_ in labels]
    if ents and kind != "any":
        return Speaker(re.sub(r"(?i)^the\s+", "", ents[-1].text), None, kind, True)
    return None


def _fits(speaker: Speaker, kind: str) -> bool:
    """Whether a earlier speaker can be what a pronoun or "the group" points back to: he/she
    only a named person, "it" an organisation even if only described, "they" anyone."""
    if kind == "any":
        return True
    if speaker.kind == kind:
        return speaker.named or kind == "organisation"
    return speaker.named and not speaker.kind


def _common_noun(ctx: QuoteContext, head: Any, first: int, last: int, cue: Any) -> Speaker | None:
    """ "the spokesman" -> the last named person; "a U.S. official" -> unnamed U.S. official."""
    doc, lemma = head.doc, str(head.lemma_).lower()
    det = next((c.lower_ for c in head.children if c.dep_ in ("det", "poss")), None)
    tokens = list(doc[first:last])
    kind = "person" if lemma in PERSON_NOUNS else "organisation" if lemma in ORG_NOUNS else ""
    extra = _modifier_phrase(head)
    if det in DEFINITE:
        role = _by_role(ctx, [t for t in tokens if t.dep_ not in ("det", "poss", "case")])
        bare = len([t for t in tokens if t.dep_ not in ("det", "poss", "case")]) == 1
        found = role or (_antecedent(ctx, head, lemma, kind, cue.idx) if bare and not extra
                         else None)
        if found is not None:
            return found
        return Speaker(_phrase(tokens, extra), None, kind)
    if head.tag_ in ("NNS", "NNPS") or det in ("a", "an", "some", "another", "one") or any(
            c.dep_ == "nummod" for c in head.children):
        rest = [t for t in tokens if not (t.dep_ == "det" and t.head == head)]
        return Speaker("unnamed " + _phrase(rest, extra), None, kind or "plural")
    return Speaker(_phrase(tokens, extra), None, kind)


def _antecedent(ctx: QuoteContext, head: Any, lemma: str, kind: str, before: int) -> Speaker | None:
    """ "the ministry" -> the last organisation named with that word; "the spokesman" or "the
    group" -> the last named speaker of that kind."""
    found = _last_named_with(ctx, head.lower_, before) if kind == "organisation" else None
    if found is None and (lemma in GENERIC_PERSON or lemma in GENERIC_ORG):
        found = _last_speaker(ctx, kind, before)
    return found


def _phrase(tokens: Sequence[Any], extra: str) -> str:
    """The words of a description, a sentence-initial capital lowered ("Officials" said)."""
    words = "".join(t.lower_ + t.whitespace_ if t.is_sent_start and t.pos_ != "PROPN"
                    else t.text_with_ws for t in tokens).strip()
    return " ".join(filter(None, [words, extra]))


def _modifier_phrase(head: Any) -> str:
    """A short "for X"/"at X" after a description ("a spokesperson for the prime minister")."""
    prep = next((c for c in head.rights if c.dep_ == "prep" and c.lower_ in
                 ("for", "at", "in", "with", "from", "of")), None)
    if prep is None:
        return ""
    tokens = list(prep.subtree)
    return "" if len(tokens) > 10 else "".join(t.text_with_ws for t in tokens).strip()


def _by_role(ctx: QuoteContext, words: Sequence[Any]) -> Speaker | None:
    """ "the defense secretary" -> the actor whose role is Defense Secretary, or the person the
    text names with that title ("Defense Secretary Jane Roe")."""
    wanted = {t.lower_ for t in words}
    if not wanted or not any(w in PERSON_NOUNS for w in wanted):
        return None
    for actor in ctx.actors:
        role = set((actor.role or "").casefold().split())
        if role and wanted <= role:
            return Speaker(actor.name, actor.key, _kind(actor.kind), True)
    title = r"\s+".join(re.escape(t.text) for t in words)
    for match in re.finditer(rf"(?i)\b{title}\s+(?=[A-Z])", ctx.text):
        ent = next((e for e in ctx.doc.ents if e.start_char == match.end()
                    and e.label_ in PERSON_LABELS), None)
        if ent is not None:
            hit = next((m for m in ctx.mentions if m[0] < ent.end_char and ent.start_char < m[1]),
                       None)
            if hit is not None:
                return Speaker(hit[2].name, hit[2].key, _kind(hit[2].kind), True)
            return Speaker(ent.text, None, "person", True)
    return None


def _last_named_with(ctx: QuoteContext, word: str, before: int) -> Speaker | None:
    """ "the command" -> the last organisation named with that word (U.S. Central Command)."""
    for at, speaker in reversed(ctx.history):
        if at < before and speaker.name and word in speaker.name.casefold().split():
            return speaker
    for start, _end, actor in reversed(ctx.mentions):
        if start < before and word in actor.name.casefold().split():
            return Speaker(actor.name, actor.key, _kind(actor.kind), True)
    return None

