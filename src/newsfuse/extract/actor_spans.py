"""Actor spans: the model's entities split and extended into names, and the titles around them.

Entities come as token ranges (`Ent`): PERSON/ORG/NORP spans cut at titles and honorifics,
extended over a name's first part or suffix the model left out, plus capitalised runs the model
missed in all-caps or title-case text. Titles before a name ("Defense Secretary Lloyd Austin"),
inside it, or in apposition after it ("Lloyd Austin, the defense secretary,") become the role.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from newsfuse.extract.places import lookup

TITLE_HEADS = frozenset("""
president secretary minister premier chancellor spokesman spokeswoman spokesperson commander
chief leader general gen lieutenant lt colonel col major maj captain capt admiral adm sergeant
sgt corporal cpl private pvt marshal brigadier director ambassador envoy senator sen
representative rep congressman congresswoman governor gov mayor king queen prince princess
emperor sheikh sheik emir ayatollah imam cleric pope cardinal bishop archbishop rabbi reverend
rev father judge justice chairman chairwoman chair ceo cfo coo founder official officer adviser
advisor aide assistant deputy head coach manager analyst professor prof dr doctor sir dame lord
lady baroness baron mp attorney prosecutor lawyer inspector superintendent sheriff detective
editor correspondent economist mufti mullah consul diplomat counsel speaker whip
""".split())
TITLE_MODIFIERS = frozenset("""
prime vice acting interim former ex late then senior top chief special military defense
defence foreign interior finance health education state home treasury energy trade commerce
labor labour agriculture environment transport transportation culture economy economic security
national homeland press communications army navy naval air police supreme grand crown executive
managing political media white house opposition campaign regional provincial federal public
legal medical junior first general lieutenant major brigadier rear district us u.s. un deputy
assistant
""".split())
HONORIFICS = frozenset("mr mrs ms miss mx messrs".split())  # stripped, never a role
TITLE_WORDS = TITLE_HEADS | TITLE_MODIFIERS | HONORIFICS
TITLE_LINKS = frozenset({"of", "for"})  # "Secretary of State John Kerry"
NON_NAME_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT",
                             "QUANTITY"})
SPEECH_VERBS = frozenset("say tell explain add write argue note recall insist admit".split())
ORG_WORDS = frozenset("""
forces command ministry council party company corporation corp inc ltd llc plc bank university
agency department committee association institute foundation union federation network airlines
airways motors club commission court parliament assembly senate congress police organization
organisation authority office board league movement front group bureau service services
administration government news times post press tribune journal
""".split())
GROUP_NOUNS = frozenset("militia militias rebels militants insurgents guerrillas".split())
ARMED_WORDS = frozenset("""
militia militias brigade brigades kataib asaib hezbollah hizbollah hizballah hizbullah
hamas houthi houthis taliban shabaab isis isil daesh qaeda qaida jihad mujahideen mujahedeen
resistance insurgents rebels guerrillas jaish harakat ansar liwa saraya pkk farc
""".split())
ACRONYM = re.compile(r"[A-Z][A-Z0-9&]{1,7}")


# --- entity spans ---------------------------------------------------------------------------


@dataclass(slots=True)
class Ent:
    """An entity as token indices, after splitting and extending the model's span."""

    label: str
    start: int
    end: int


def word_text(token: Any) -> str:
    """The token lower-cased without a trailing full stop ("Gen." -> "gen")."""
    return str(token.lower_).rstrip(".")


def entities(doc: Any) -> Iterator[Ent]:
    """The model's name entities, split at line breaks and brackets, cut to their name words."""
    for ent in doc.ents:
        if ent.label_ in NON_NAME_LABELS:
            continue
        start = ent.start
        for i in range(ent.start, ent.end + 1):
            if i == ent.end or "\n" in doc[i].text or doc[i].text in "()[]/":
                if i > start:
                    part = _cut(doc, Ent(ent.label_, start, i))
                    if part is not None:
                        yield part
                start = i + 1
    if doc.has_annotation("DEP"):
        yield from _missed(doc)


def _missed(doc: Any) -> Iterator[Ent]:
    """Names the model left unlabelled: a proper noun that says something ("Leive said") and an
    upper-case acronym ("GCHQ"), unless the gazetteer knows it as a place."""
    run: list[Any] = []
    for token in [*doc, None]:
        if token is not None and token.pos_ == "PROPN" and not token.ent_type_ and (
                token.is_title or token.is_upper):
            run.append(token)
            continue
        if run:
            first, last = run[0], run[-1]
            run = []
            name = doc[first.i:last.i + 1].text
            if any(not c.alternate for c in lookup(name)):
                continue
            if first is last and ACRONYM.fullmatch(name) and not _shouting(last.sent.text):
                yield Ent("ORG", first.i, last.i + 1)
            elif all(t.is_title for t in doc[first.i:last.i + 1]) and (
                    (first is not last and word_text(last) in ARMED_WORDS | ORG_WORDS)
                    or (last.i + 1 < len(doc) and doc[last.i + 1].lower_ in GROUP_NOUNS)):
                yield Ent("ORG", first.i, last.i + 1)  # "Crescent Brigades", "Red Dawn militia"
            elif (last.dep_ == "nsubj" and last.head.lemma_ in SPEECH_VERBS
                  and all(t.is_title for t in doc[first.i:last.i + 1])):
                yield Ent("PERSON", first.i, last.i + 1)


def _shouting(sentence: str) -> bool:
    """Whether a sentence is written in capitals (a headline), where capitals say nothing."""
    letters = [ch for ch in sentence if ch.isalpha()]
    return sum(ch.isupper() for ch in letters) > 0.6 * len(letters)


def _cut(doc: Any, ent: Ent) -> Ent | None:
    """Drop edge punctuation and trailing common nouns; extend a person over "Z. Amin", "II"."""
    while ent.start < ent.end and not doc[ent.start].text[0].isalnum():
        ent.start += 1
    while ent.end > ent.start and (not doc[ent.end - 1].text[-1:].isalnum() and not
                                   re.fullmatch(r"(?:[A-Z]\.)+|\w+\.", doc[ent.end - 1].text)):
        ent.end -= 1
    while ent.end - ent.start > 1 and doc[ent.end - 1].is_lower and doc[ent.end - 1].is_alpha:
        ent.end -= 1  # "Kataib Hezbollah militia": a name's words are capitalised
    if ent.end <= ent.start:
        return None
    if ent.label == "PERSON":
        ent.start = _extend_start(doc, ent.start)
        ent.end = _extend_person(doc, ent.end)
    return ent


_SUFFIXES = frozenset("II III IV V VI VII VIII IX X Jr Jr. Sr Sr.".split())


def _extend_start(doc: Any, start: int) -> int:
    """Take in a first name that the model left off a person's name ("Ewan McGregor")."""
    if start == 0:
        return start
    token = doc[start - 1]
    if (token.pos_ == "PROPN" and token.is_title and not token.ent_type_ and not token.is_sent_start
            and word_text(token) not in TITLE_WORDS and not lookup(token.text)):
        return start - 1
    return start


def _extend_person(doc: Any, end: int) -> int:
    """Take in what the model left off a name: the surname after an initial, "II", "Jr."."""
    if end + 1 < len(doc) and doc[end].text == "," and doc[end + 1].text in ("Jr.", "Sr."):
        return end + 2
    if end >= len(doc) or doc[end].ent_type_:
        return end
    nxt = doc[end]
    if re.fullmatch(r"[A-Z]\.", doc[end - 1].text) and nxt.pos_ == "PROPN" and nxt.is_title:
        return end + 1
    if nxt.text in _SUFFIXES or (nxt.text == "I" and nxt.tag_ == "NNP"):
        return end + 1
    return end


# --- titles ---------------------------------------------------------------------------------


def role_before(doc: Any, index: int, ent_of: Mapping[int, Any]) -> int:
    """The first token of the title run that ends just before token `index` (or `index`)."""
    i = first = index
    while i > 0:
        token = doc[i - 1]
        word = word_text(token)
        ent = ent_of.get(i - 1)
        if ent is not None and not all(word_text(t) in TITLE_WORDS for t in ent):
            break  # "Kataib Hezbollah spokesman": the group is not part of the title
        before = word_text(doc[i - 2]) if i > 1 else ""
        dot = token.text == "." and before in TITLE_WORDS  # "Lt. Col." in two tokens each
        link = word in TITLE_LINKS and before in TITLE_HEADS and i < index  # "Secretary of State"
        if not (dot or link or (word in TITLE_WORDS and (token.is_alpha or word in TITLE_HEADS))):
            break
        i -= 1
        if word in TITLE_HEADS | HONORIFICS:
            first = i
    for j in range(i, first):  # modifiers before the first head belong to it ("Prime")
        if word_text(doc[j]) in TITLE_MODIFIERS:
            return j
    return first


def role_text(doc: Any, start: int, end: int) -> str | None:
    """The role words of a title run, honorifics left out."""
    kept = [t for t in doc[start:end] if word_text(t) not in HONORIFICS and not (
        t.text == "." and t.i > 0 and word_text(doc[t.i - 1]) in HONORIFICS)]
    return "".join(t.text_with_ws for t in kept).strip() or None


_APPOSITIVE_END = frozenset({",", ".", ";", ":", "of", "for", "at", "in", "to", "and", "who",
                             "with", "on", "from", ")", "said", "says"})


def role_ahead(doc: Any, start: int, end: int) -> str | None:
    """A title set off before the name: "A group spokeswoman, Dana Orlov, said"."""
    if start < 2 or doc[start - 1].text != "," or end >= len(doc) or doc[end].text != ",":
        return None
    head = start - 2
    if word_text(doc[head]) not in TITLE_HEADS or not doc[head].is_lower:
        return None
    first = head
    while first > 0 and word_text(doc[first - 1]) in TITLE_MODIFIERS and doc[first - 1].is_lower:
        first -= 1
    return " ".join(t.text for t in doc[first:head + 1])


def role_after(doc: Any, end: int) -> str | None:
    """A title in an appositive: "Jafar al-Hussaini, the military spokesman for the group"."""
    if end + 2 >= len(doc) or doc[end].text != ",":
        return None
    i = end + 1
    if doc[i].lower_ in ("the", "a", "an"):
        i += 1
    start = i
    while i < len(doc) and word_text(doc[i]) in TITLE_HEADS | TITLE_MODIFIERS and doc[i].is_alpha:
        i += 1
    if i == start or word_text(doc[i - 1]) not in TITLE_HEADS:
        return None
    if i < len(doc) and doc[i].lower_ not in _APPOSITIVE_END:
        return None  # "X, the president's wife" is no title of X
    return " ".join(t.text for t in doc[start:i])


def inner_title(doc: Any, ent: Ent) -> int:
    """The first name token of an entity that starts with a title ("President Joe Biden")."""
    i = ent.start
    while i < ent.end - 1 and word_text(doc[i]) in TITLE_WORDS:
        i += 1
    while i > ent.start and word_text(doc[i - 1]) not in TITLE_HEADS | HONORIFICS:
        i -= 1  # a title ends with a head: "Prime Minister", not "Prime"
    return i
