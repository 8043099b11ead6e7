"""Who a sentence says gives a figure: "according to X", "X said", with the parser's slips mended.

`attribution(sentence, token)` is the source of the number at `token`: the object of "according
to" (through "a statement from X"), else the subject of a speech verb that governs the token or
hangs off its clause. A role with a name in apposition gives the name ("Its spokesman, Jo Pike,
said" -> Jo Pike); a counted amount that the parser made the speaker ("... and about a dozen
wounded, a source said") gives way to the noun phrase right before the verb.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

PRONOUNS = frozenset("he she it they we i you this that who".split())
SPEECH_VERBS = frozenset("say tell report announce state confirm claim write add estimate "
                         "quote post tweet reveal disclose insist allege put".split())
SOURCE_CARRIERS = frozenset("statement report figure figures data tally count estimate "
                            "estimates post account release".split())
QUANTITY_NOUNS = frozenset("dozen dozens score scores hundred hundreds thousand thousands "
                           "million millions".split())


def attribution(sentence: Any, token: Any) -> str | None:
    """Who the sentence says gives the number: "according to X" or "X said/told"; else None."""
    for word in sentence:
        if word.lower_ == "according" and word.i + 1 < sentence.end and \
                word.doc[word.i + 1].lower_ == "to":
            objects = [c for c in word.doc[word.i + 1].children if c.dep_ == "pobj"]
            if objects:
                return _source_text(_carried(objects[0]))
    ancestors = {a.i for a in token.ancestors} | {token.i}
    for verb in _speech_verbs(sentence, ancestors):
        speaker = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if speaker is not None and _is_quantity(speaker):
            speaker = _phrase_before(verb)  # "... and a dozen wounded, a source said"
        if speaker is None or speaker.lower_ in PRONOUNS or token.i in \
                {t.i for t in speaker.subtree}:
            continue
        return _source_text(_named(speaker))
    return None


def _is_quantity(noun: Any) -> bool:
    """A counted amount parsed as the speaker ("about a dozen" said): never a source."""
    return bool(noun.pos_ == "NUM" or noun.lemma_.lower() in QUANTITY_NOUNS
                or any(c.dep_ == "nummod" for c in noun.children))


def _phrase_before(verb: Any) -> Any | None:
    """The noun phrase that ends right before the speech verb ("a source at the hospital said")."""
    if verb.i == 0:
        return None
    node = verb.doc[verb.i - 1]
    while node.dep_ not in ("appos", "nsubj", "conj", "ROOT") and node.head.i != node.i and \
            node.head.right_edge.i == verb.i - 1 and node.head.i < verb.i:
        node = node.head
    return node if node.pos_ in ("NOUN", "PROPN") and not _is_quantity(node) else None


def _named(speaker: Any) -> Any:
    """The name in apposition to a role ("Its spokesman, Jo Pike, said" -> Jo Pike)."""
    if speaker.pos_ == "PROPN":
        return speaker
    names = [c for c in speaker.children if c.dep_ == "appos" and c.pos_ == "PROPN"]
    return names[0] if names else speaker


def _speech_verbs(sentence: Any, ancestors: set[int]) -> Iterator[Any]:
    """Speech verbs governing the token (nearest first), then those hanging off its clause."""
    verbs = [w for w in sentence if w.lemma_.lower() in SPEECH_VERBS and w.pos_ == "VERB"]
    governing = sorted((w for w in verbs if w.i in ancestors), key=lambda w: -w.i)
    yield from governing
    yield from (w for w in verbs if w.dep_ in ("parataxis", "advcl", "conj")
                and w.head.i in ancestors and w not in governing)


def _carried(noun: Any) -> Any:
    """"a statement from the ministry" -> the ministry."""
    if _lemma(noun) in SOURCE_CARRIERS:
        for prep in noun.children:
            if prep.dep_ == "prep" and prep.lower_ in ("from", "by", "of"):
                objects = [g for g in prep.children if g.dep_ == "pobj"]
                if objects:
                    return _carried(objects[0])
    return noun


def _source_text(noun: Any) -> str | None:
    """The source noun phrase's text, without appositions or relative clauses."""
    right = noun
    for child in noun.rights:
        if child.dep_ in ("appos", "relcl", "acl", "punct"):
            break
        right = child.right_edge
    left = noun.left_edge
    text = noun.doc[left.i:right.i + 1].text.strip(" ,;:\"'“”")
    return text or None


def _lemma(token: Any) -> str:
    return str(token.lemma_ if token.pos_ != "ADJ" else token.lower_).lower()
