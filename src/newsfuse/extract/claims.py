"""Claims: the numbers a report states about the happening, with what they count and who says so.

Number phrases come from `numbers` (text only); the dependency parse then says what each counts.
Predicates: casualties (killed, wounded, missing, arrested, kidnapped, displaced, casualties) from
the verb, adjective or noun the number hangs on ("killed two fighters", "two fighters were
killed", "12 dead", "a death toll of 12", "injuring four others", "with 30 people wounded");
else the counted noun's class (attacks, troops, facilities, missiles, rockets, drones) or "count";
measures (money, percentage, distance, height, weight, speed, age, duration) from the unit.

Choices: the subject is the counted noun with its compound and adjective modifiers, head noun
lemmatised ("Kataib Hezbollah fighter"); a number standing alone ("killed at least one") takes the
subject of the claim before it in the same sentence, else None. Missiles, rockets and drones are
one predicate each. "one" and "a" count only in a casualty claim ("a soldier was killed").
Attribution is the source noun phrase of "according to X" or of a speech verb governing the
number's clause, within the sentence. The trigger is the event noun behind a casualty verb
("killed in the strikes" -> "strikes") or else the verb or noun the number attaches to.

Ages also come from a person named before a bare number in commas ("Jane Roe, 41, said") or said
to be that number ("Lenk, who was 18"); a count that a verb of having ties to a named subject is
theirs ("Hamilton has 19 points": "Hamilton point"); win-loss records are claims like scores;
times of day ("landed at 10:15 p.m.") are `time` claims in minutes after midnight, and calendar
dates the `times` extractor resolved ("released on May 4", "a 2015 sting") are `date` claims as
YYYYMMDD numbers; the subject of both is what happened then (the verb's lemma, "land",
"take-off", or the noun, "sting operation"), none for speech verbs ("said on May 4").
Positions in a sequence ("on lap 48") and frequencies ("twice") come from `positions`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import pairwise
from typing import Any

from newsfuse.extract.attribution import attribution
from newsfuse.extract.claim_dates import (
    PRONOUNS,
    date_claims,
    occasion,
    phrase_head,
    subject_of,
    token_starts,
    tokens_in,
)
from newsfuse.extract.numbers import ATOM, NumberPhrase, find_clock_times, find_numbers
from newsfuse.extract.positions import find_positions, margin_of, owner_of
from newsfuse.model import Claim, TimeExpr

CASUALTY_VERBS = {
    "kill": "killed", "die": "killed", "murder": "killed", "slay": "killed", "behead": "killed",
    "massacre": "killed", "perish": "killed", "drown": "killed", "execute": "killed",
    "wound": "wounded", "injure": "wounded", "hurt": "wounded", "maim": "wounded",
    "hospitalize": "wounded", "hospitalise": "wounded",
    "arrest": "arrested", "detain": "arrested", "capture": "arrested", "apprehend": "arrested",
    "kidnap": "kidnapped", "abduct": "kidnapped", "displace": "displaced", "evacuate": "displaced",
    "flee": "displaced", "uproot": "displaced",
}
CASUALTY_WORDS = {  # adjectives and nouns that carry the predicate themselves
    "dead": "killed", "death": "killed", "fatality": "killed", "body": "killed", "toll": "killed",
    "corpse": "killed", "missing": "missing", "unaccounted": "missing", "injured": "wounded",
    "wounded": "wounded", "injury": "wounded", "hurt": "wounded", "casualty": "casualties",
    "arrest": "arrested", "hostage": "kidnapped", "homeless": "displaced", "refugee": "displaced",
    "evacuee": "displaced", "displaced": "displaced",
}
INJURIES = frozenset("injury wound burn injured concussion fracture".split())
INTRANSITIVE = frozenset({"die", "perish", "drown", "flee"})
SUFFER_VERBS = frozenset({"suffer", "sustain", "receive", "treat", "diagnose", "need"})
NOUN_CLASSES = {
    "attack": "attacks", "strike": "attacks", "airstrike": "attacks", "raid": "attacks",
    "assault": "attacks", "bombing": "attacks", "ambush": "attacks", "shelling": "attacks",
    "facility": "facilities", "site": "facilities", "target": "facilities",
    "location": "facilities", "base": "facilities", "depot": "facilities",
    "warehouse": "facilities", "installation": "facilities", "outpost": "facilities",
    "troop": "troops", "soldier": "troops", "personnel": "troops", "marine": "troops",
    "serviceman": "troops", "servicemen": "troops", "paratrooper": "troops",
    "missile": "missiles", "rocket": "rockets", "drone": "drones", "uav": "drones",
}
CASUALTY_PREDICATES = frozenset({"killed", "wounded", "missing", "arrested", "kidnapped",
                                 "displaced", "casualties"})
ATTACK_VERBS = frozenset({"attack", "target", "strike", "hit", "shell", "bomb", "raid"})
EVENT_NOUNS = frozenset(
    "strike airstrike attack raid bombing blast explosion shelling clash fighting violence "
    "assault ambush shooting crash earthquake quake flood flooding storm fire wildfire hurricane "
    "typhoon cyclone landslide collision accident derailment stampede bombardment offensive "
    "operation incident riot protest unrest battle war conflict outbreak tornado avalanche "
    "eruption tsunami heatwave gunfire bomb missile rocket drone mortar shell crackdown "
    "massacre siege fire".split())
VAGUE_NOUNS = frozenset("number lot total series group couple handful majority half "
                        "percent per cent bit deal while time way".split())
DEFINITE = frozenset({"the", "these", "those", "both", "its", "their", "his", "her"})
MEASURE_KINDS = frozenset({"money", "percentage", "distance", "height", "weight", "speed", "age",
                           "duration", "time", "score", "fraction", "record", "magnitude"})
SHOCKS = {"earthquake": "earthquake", "quake": "earthquake", "tremor": "earthquake",
          "temblor": "earthquake", "aftershock": "aftershock"}
# A bare count ("63 from Amazon accounts") borrows from the claim before it unless that is one of
# these, which say when or how old rather than how many.
UNBORROWED = frozenset({"time", "date", "age", "score", "fraction", "record", "magnitude"})
SIBLING_STEPS = 2
CONTAINING = frozenset({"include", "contain", "comprise", "total", "number", "hold"})
TALLY_NOUNS = frozenset({"number", "total", "tally", "count", "estimate", "figure"})
_ONLY = re.compile(r"(?i)\b(?:only|just|a\s+single|the\s+sole)\s+$")
OLDEST_AGE = 119  # "Jane Roe, 41,": a bare number in commas after a person's name is an age
SKIP_ENTS = frozenset({"WORK_OF_ART", "LAW", "PRODUCT"})
PLACE_ENTS = frozenset({"GPE", "LOC", "FAC", "ORG"})
NOUNISH = frozenset({"NOUN", "PROPN", "ADJ"})


def find_claims(text: str, doc: Any, times: Sequence[TimeExpr] | None = None,
                published: str | None = None) -> list[Claim]:
    """Every number claim of `text` (parsed as `doc`), in text order.

    Args:
        text: the cleaned article text; every claim's span slices it.
        doc: the spaCy Doc of `text` (parser and NER).
        times: the article's time expressions (`find_times`, resolved against its publication
            date); their calendar dates become `date` claims. None: no date claims.

    Returns:
        The claims, in the order their number phrases appear.
    """
    claims: list[Claim] = []
    phrases = sorted(find_numbers(text) + find_clock_times(text), key=lambda p: p.start)
    totals = {_total_of(text, p) for p in phrases if p.kind == "fraction"}
    for phrase in sorted(phrases + sorted(totals, key=lambda p: p.start),
                         key=lambda p: (p.start, -p.end)):
        claim = _claim(text, doc, phrase, claims)
        if claim is not None and not (phrase in totals and claim.predicate in CASUALTY_PREDICATES):
            claims.append(claim)  # "two of three guards were killed": three were not
    claims.extend(_totals(text, claims))
    numbers = [(p.start, p.end) for p in phrases]
    claims.extend(c for c in _article_claims(doc)
                  if not any(start <= c.start < end for start, end in numbers))
    claims.extend(date_claims(text, doc, times or (), published))
    claims.extend(find_positions(text, doc, [(c.start, c.end) for c in claims]))
    return sorted(claims, key=lambda c: (c.start, c.end))


def _article_claims(doc: Any) -> Iterator[Claim]:
    """"killed a soldier", "a man was arrested": "a" counts one in a casualty claim."""
    for det in doc:
        noun = det.head
        if det.lower_ not in ("a", "an") or det.dep_ != "det" or noun.tag_ != "NN" or \
                _vague(noun) or NOUN_CLASSES.get(_lemma(noun), "troops") != "troops" or \
                noun.ent_type_ in PLACE_ENTS:
            continue
        predicate, trigger = _casualty(noun, noun)
        if predicate is None:
            continue
        yield Claim(predicate=predicate, subject=subject_of(noun), low=1.0, high=1.0,
                    value=det.text, text=det.text, start=det.idx, end=det.idx + len(det.text),
                    attribution=attribution(det.sent, det), trigger=trigger)


def _total_of(text: str, phrase: NumberPhrase) -> NumberPhrase:
    """The total of "seven out of 16 attempts" as a count of its own ("16 attempts")."""
    last = list(ATOM.finditer(text, phrase.start, phrase.end))[-1]
    value = float(phrase.unit.split()[-1]) if phrase.unit else phrase.base
    return NumberPhrase(start=last.start(), end=phrase.end, num_start=last.start(),
                        num_end=phrase.end, low=value, high=value, base=value, kind="count",
                        word=bool(last.group("w")))


def _claim(text: str, doc: Any, phrase: NumberPhrase, earlier: list[Claim]) -> Claim | None:
    tokens = tokens_in(doc, phrase.num_start, phrase.num_end)
    span_tokens = tokens_in(doc, phrase.start, phrase.end)
    if not tokens:
        return None
    person = _aged_person(text, tokens, phrase)
    if person is not None:
        return _claim_of(text, phrase, "age", person, None, tokens[-1], "year")
    if _skipped(doc, tokens, phrase):
        return None
    head = phrase_head(span_tokens or tokens)
    sentence = head.sent
    if phrase.kind == "time":
        predicate, (subject, trigger) = "time", occasion(head)
    elif phrase.kind == "magnitude":
        predicate, subject, trigger = "magnitude", _shock(head), _governor_text(head)
    elif phrase.kind in MEASURE_KINDS:
        predicate, subject, trigger = phrase.kind, _measured(head, phrase), _governor_text(head)
        toll = _count(head, phrase) if phrase.kind == "fraction" else None
        if toll is not None and toll[0] in CASUALTY_PREDICATES:  # "two of three hostages died"
            predicate, subject, trigger = toll[:3]
    else:
        found = _count(head, phrase)
        if found is None:
            return _borrowed(text, phrase, head, earlier)
        predicate, subject, trigger, alone = found
        if alone and subject is None:
            subject = _antecedent(earlier, sentence.start_char, predicate)
        owner = owner_of(head) if predicate == "count" and subject else None
        margin = margin_of(head) if predicate == "count" and subject else None
        subject = f"{owner} {subject}" if owner else subject  # "Hamilton point", "Greens seat"
        subject = f"{subject} {margin}" if margin else subject  # "point lead"
    return _claim_of(text, phrase, predicate, subject, trigger, head, phrase.unit)


def _shock(number: Any) -> str | None:
    """What a magnitude measures: the sentence's quake word nearest the figure ("earthquake"
    for a quake or tremor, "aftershock"), else None."""
    words = [t for t in number.sent if t.lemma_.lower() in SHOCKS]
    if not words:
        return None
    nearest = min(words, key=lambda t: (abs(t.i - number.i), t.i))
    return SHOCKS[nearest.lemma_.lower()]


def _claim_of(text: str, phrase: NumberPhrase, predicate: str, subject: str | None,
              trigger: str | None, head: Any, unit: str | None) -> Claim:
    wording = text[phrase.start:phrase.end]
    return Claim(predicate=predicate, subject=subject, low=phrase.low, high=phrase.high,
                 unit=unit, value=wording, text=wording, start=phrase.start,
                 end=phrase.end, attribution=attribution(head.sent, head), trigger=trigger)


def _aged_person(text: str, tokens: list[Any], phrase: NumberPhrase) -> str | None:
    """The person a bare number is the age of: in commas after the name ("Jane Roe, 41,
    said"), or said of them ("Lenk, who was 18")."""
    if phrase.kind != "count" or phrase.modifier or phrase.word or phrase.start < 2 or \
            not 1 <= phrase.base <= OLDEST_AGE or phrase.base != int(phrase.base):
        return None
    if text[phrase.start - 2:phrase.start] != ", " or text[phrase.end:phrase.end + 1] not in ",;)":
        return _person_who_is(tokens[-1])
    comma = tokens[0].nbor(-1) if tokens[0].i > 0 else None
    name = comma.nbor(-1) if comma is not None and comma.i > 0 else None
    # a proper noun the model gave no type counts too ("Marlow, 65, said" opening a sentence)
    if name is None or not (name.ent_type_ == "PERSON" or (name.pos_ == "PROPN"
                                                           and not name.ent_type_)):
        return None
    ent = next((e for e in name.doc.ents if e.start <= name.i < e.end), None)
    return str(ent.text if ent is not None else name.text)


def _person_who_is(number: Any) -> str | None:
    """The person a bare number is said of ("Ramos is 37", "Lenk, who was 18 then"): an age."""
    verb = number.head
    if number.dep_ not in ("attr", "acomp", "npadvmod") or verb.lemma_ != "be":
        return None
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is not None and subject.lower_ == "who" and verb.dep_ == "relcl":
        subject = verb.head
    if subject is None or subject.pos_ != "PROPN" or subject.ent_type_ not in ("PERSON", ""):
        return None
    ent = next((e for e in subject.doc.ents if e.start <= subject.i < e.end), None)
    return str(ent.text if ent is not None else subject.text)


# --- tokens and skips ---------------------------------------------------------------------


def _skipped(doc: Any, tokens: list[Any], phrase: NumberPhrase) -> bool:
    """Numbers that are labels, titles or dates rather than claims."""
    for ent in doc.ents:
        if ent.start_char < phrase.num_end and phrase.num_start < ent.end_char:
            if ent.label_ in SKIP_ENTS:
                return True
            if ent.label_ in ("DATE", "TIME") and phrase.kind == "count" and \
                    _datelike(doc, tokens):
                return True
    token = tokens[-1]
    head = token.head
    # "Boeing 737", "Apollo 11": a number naming the proper noun before it.
    return bool(phrase.kind == "count" and phrase.modifier is None and head.pos_ == "PROPN"
                and head.i < token.i and token.dep_ in ("nummod", "compound", "appos", "npadvmod"))


def _datelike(doc: Any, tokens: list[Any]) -> bool:
    """A number in a date entity next to a month or weekday ("January 20", "the 3rd of May")."""
    first, last = tokens[0].i, tokens[-1].i
    near = doc[max(0, first - 1):min(len(doc), last + 3)]
    return any(t.lower_.rstrip(".") in _CALENDAR for t in near)


_CALENDAR = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday "
    "saturday sunday ago today yesterday tomorrow".split())


# --- counts -------------------------------------------------------------------------------


def _count(head: Any, phrase: NumberPhrase) -> tuple[str, str | None, str | None, bool] | None:
    """(predicate, subject, trigger, stands alone) of a count, or None if it says nothing."""
    noun, anchor = _counted(head)
    if noun is None and not (head.like_num or head.pos_ == "NUM"):
        noun = _noun_after(head.doc, phrase.end)  # a misparse: "Over a dozen officers"
        anchor = noun if noun is not None else head
    if noun is not None and noun.lemma_.lower() in ("time", "times"):
        return _times(noun)
    predicate, trigger = None, None
    if noun is not None and _lemma(noun) in CASUALTY_WORDS:
        predicate, trigger = CASUALTY_WORDS[_lemma(noun)], noun.text
        noun = _of_object(noun) if _of_object(noun) is not noun else None
    if predicate is None:  # a bare number's own participle counts too: "and a dozen wounded"
        predicate, trigger = _casualty(anchor, noun if noun is not None else head)
    if predicate is None and noun is not None and _vague(noun):
        return None
    if predicate is None and noun is not None:
        predicate = _noun_class(noun)
        trigger = _governor_text(anchor)
        if predicate is None:
            if _definite(head, noun) or noun.pos_ not in ("NOUN", "PROPN"):
                return None
            predicate = "count"
    if predicate is None or (phrase.base == 1 and phrase.word and predicate not in
                             CASUALTY_PREDICATES and not _ONLY.search(
                                 head.doc.text[max(0, phrase.start - 12):phrase.start])):
        return None  # "one" counts when it is the claim: "only one woman won"
    subject = subject_of(noun) if noun is not None else None
    return predicate, subject, trigger, noun is None or subject is None


def _counted(head: Any) -> tuple[Any | None, Any]:
    """The counted noun ("two *fighters*", "dozens of *people*") and the token in its slot."""
    if head.dep_ in ("nummod", "quantmod", "amod", "compound", "nmod") and \
            head.head.pos_ in NOUNISH and head.head.i != head.i:
        return head.head, head.head
    of_object = _of_object(head)
    if of_object is not head:
        return of_object, head
    return None, head


def _noun_after(doc: Any, end: int) -> Any | None:
    """The noun that the words right after the phrase lead up to, if any."""
    at = bisect.bisect_left(token_starts(doc), end)
    after = doc[at] if at < len(doc) else None
    while after is not None and after.dep_ in ("compound", "amod") and after.head.i > after.i:
        after = after.head
    return after if after is not None and after.pos_ in ("NOUN", "PROPN") else None


def _of_object(token: Any) -> Any:
    """`X` in "dozens of X" / "one of the X" / "deaths of X"; else the token itself."""
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            objects = [c for c in child.children if c.dep_ == "pobj" and c.pos_ in NOUNISH]
            if objects:
                return objects[0]
    return token


def _lemma(token: Any) -> str:
    return str(token.lemma_ if token.pos_ != "ADJ" else token.lower_).lower()


def _vague(noun: Any) -> bool:
    """"a number of", "a lot": no counted thing; but "card numbers" names one."""
    if any(c.dep_ == "compound" for c in noun.children):
        return False
    return bool(_lemma(noun) in VAGUE_NOUNS or noun.lower_ in VAGUE_NOUNS)


def _definite(head: Any, noun: Any) -> bool:
    """"the two countries": a reference back, not a claim (unless a casualty verb says more)."""
    return any(c.dep_ in ("det", "poss") and c.lower_ in DEFINITE and c.i < head.i
               for c in noun.children)


def _noun_class(noun: Any) -> str | None:
    lemma = _lemma(noun)
    if lemma == "member" and any(c.lower_ == "service" for c in noun.children):
        return "troops"
    return NOUN_CLASSES.get(lemma)


def _times(noun: Any) -> tuple[str, str | None, str | None, bool] | None:
    """"attacked 150 times", "came under attack 151 times": a count of attacks."""
    verb = noun.head
    if verb.pos_ not in ("VERB", "AUX"):
        return None
    under = [o for p in verb.children if p.dep_ == "prep" for o in p.children
             if o.dep_ == "pobj" and o.lemma_.lower() in ("attack", "fire")]
    if verb.lemma_.lower() not in ATTACK_VERBS and not under:
        return None
    target = next((c for c in verb.children if c.dep_ in ("nsubjpass", "dobj")
                   or (under and c.dep_ == "nsubj")), None)
    subject = f"attack on {subject_of(target)}" if target is not None and \
        target.lower_ not in PRONOUNS else None
    return "attacks", subject, (under[0].text if under else verb.text), subject is None


# --- casualty predicates ------------------------------------------------------------------


def _hyphenated(token: Any) -> bool:
    """The token ends a hyphenated compound ("pro-death", "half-dead")."""
    return bool(token.i >= 2 and token.nbor(-1).text == "-"
                and token.nbor(-1).idx + 1 == token.idx)


def _casualty(anchor: Any, noun: Any | None) -> tuple[str | None, str | None]:
    """The casualty predicate and trigger of the number (or its noun) from the parse."""
    if noun is not None:
        for child in noun.children:
            if child.dep_ in ("acl", "amod", "relcl") and child.lemma_.lower() in CASUALTY_VERBS \
                    and child.tag_ == "VBN":
                return CASUALTY_VERBS[child.lemma_.lower()], _cause(child)
            if child.dep_ in ("amod", "acl") and child.lower_ in CASUALTY_WORDS \
                    and not _hyphenated(child):  # "pro-death jurors" are alive
                return CASUALTY_WORDS[child.lower_], child.text
            if child.dep_ == "acl" and child.lemma_.lower() in SUFFER_VERBS and \
                    _mentions_injury(child):
                return "wounded", child.text
    slot = anchor
    while slot.dep_ == "conj" and slot.head.pos_ in NOUNISH | {"NUM"}:
        slot = slot.head
    verb = slot.head
    if slot.dep_ == "pobj":
        return _via_preposition(slot)
    if verb.pos_ not in ("VERB", "AUX") or verb.i == slot.i:
        return None, None
    return _via_verb(slot, verb)


def _via_verb(slot: Any, verb: Any) -> tuple[str | None, str | None]:
    lemma = verb.lemma_.lower()
    if verb.lower_ in CASUALTY_WORDS and slot.dep_ in ("nsubj", "nsubjpass"):
        return CASUALTY_WORDS[verb.lower_], verb.text  # "three others are missing"
    for child in verb.children:  # "left 12 dead", "were found dead", "are missing"
        if child.dep_ in ("oprd", "acomp", "xcomp") and child.lower_ in CASUALTY_WORDS \
                and slot.dep_ in ("nsubj", "nsubjpass", "dobj"):
            return CASUALTY_WORDS[child.lower_], child.text
        if child.dep_ in ("oprd", "xcomp") and child.lemma_.lower() in CASUALTY_VERBS \
                and slot.dep_ in ("nsubjpass", "nsubj"):
            return CASUALTY_VERBS[child.lemma_.lower()], _cause(child)
    if lemma in SUFFER_VERBS and slot.dep_ in ("nsubj", "nsubjpass") and _mentions_injury(verb):
        return "wounded", verb.text
    if lemma not in CASUALTY_VERBS:
        return None, None
    victim = slot.dep_ in ("dobj", "nsubjpass") or (slot.dep_ == "nsubj" and (
        lemma in INTRANSITIVE or (verb.tag_ == "VBN" and not _has_object(verb))
        or (not _has_object(verb) and verb.dep_ == "conj")))
    return (CASUALTY_VERBS[lemma], _cause(verb)) if victim else (None, None)


def _via_preposition(slot: Any) -> tuple[str | None, str | None]:
    """"a death toll of 12", "the toll rose to 45", "the death toll stands at 45"."""
    holder = slot.head.head
    if holder.pos_ in NOUNISH and _lemma(holder) in CASUALTY_WORDS:
        return CASUALTY_WORDS[_lemma(holder)], holder.text
    if holder.pos_ in ("VERB", "AUX"):
        for child in holder.children:  # also "put the number of dead at 64", "raising the toll"
            if child.dep_ in ("nsubj", "nsubjpass", "dobj"):
                word = _of_object(child)
                for candidate in (child, word):
                    if _lemma(candidate) in CASUALTY_WORDS:
                        return CASUALTY_WORDS[_lemma(candidate)], child.text
    return None, None


def _has_object(verb: Any) -> bool:
    return any(c.dep_ in ("dobj", "obj") for c in verb.children)


def _mentions_injury(verb: Any) -> bool:
    for child in verb.children:
        words = [child] if child.dep_ == "dobj" else \
            [g for g in child.children if g.dep_ == "pobj"] if child.dep_ == "prep" else []
        if any(_lemma(w) in INJURIES for w in words):
            return True
    return False


def _cause(verb: Any) -> str:
    """The event noun behind a casualty verb ("the strikes killed", "killed in the raid")."""
    for child in verb.children:
        if child.dep_ == "nsubj" or (child.dep_ in ("agent", "prep")
                                     and child.lower_ in ("by", "in", "during")):
            objects = [child] if child.dep_ == "nsubj" else \
                [g for g in child.children if g.dep_ == "pobj"]
            for obj in objects:
                if obj.lemma_.lower() in EVENT_NOUNS:
                    return str(obj.text)
    return str(verb.text)


# --- subjects, measures, attribution ------------------------------------------------------


def _measured(head: Any, phrase: NumberPhrase) -> str | None:
    """What a measure is of: the noun it modifies, "X of ...", or the clause's subject."""
    outer = head.head
    if head.dep_ in ("nummod", "compound", "amod", "nmod", "npadvmod", "quantmod") and \
            outer.pos_ in ("NOUN", "PROPN") and outer.i > head.i:
        return subject_of(outer, range(phrase.start, phrase.end))
    of_object = _of_object(head)
    if of_object is not head:
        return subject_of(of_object)
    if head.dep_ == "pobj" and outer.lower_ == "of" and outer.head.pos_ == "NOUN":
        return subject_of(outer.head)  # "an aid package of $2 billion"
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ in ("in", "for", "worth") and phrase.kind == "money":
            objects = [g for g in prep.children if g.dep_ == "pobj"]
            if objects:
                return subject_of(objects[0])
    verb = outer.head if head.dep_ == "pobj" else outer
    if verb.pos_ in ("VERB", "AUX") and phrase.kind != "duration":
        subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None and subj.pos_ in ("NOUN", "PROPN"):
            return subject_of(subj)
    return None


def _governor_text(token: Any) -> str | None:
    """The verb (or noun) the token's phrase hangs on, through a preposition."""
    slot = token
    while slot.dep_ == "conj" and slot.head.i != slot.i:
        slot = slot.head
    head = slot.head
    if slot.dep_ == "pobj":
        head = head.head
    if head.i == slot.i:
        return None
    return str(head.text) if head.pos_ in ("VERB", "NOUN", "AUX") else None


def _borrowed(text: str, phrase: NumberPhrase, head: Any, earlier: list[Claim]) -> Claim | None:
    """A bare count whose counted thing the sentence said before: "the number of Americans ...
    rose to 145.5 million", "the cache of emails included 67", or a sibling figure ("67 emails
    were sent from one, 63 from another"; "teens watch nine hours, tweens six"), whose predicate,
    subject and unit it takes."""
    if phrase.kind != "count" or (phrase.word and phrase.base == 1) or \
            not (head.like_num or head.pos_ == "NUM") or _counted(head)[0] is not None:
        return None
    sentence = head.sent
    tally = _tallied(head)
    if tally is not None:
        return _claim_of(text, phrase, "count", subject_of(tally), _governor_text(head), head, None)
    before = earlier[-1] if earlier else None
    if before is None or before.start < sentence.start_char or before.predicate in UNBORROWED \
            or before.predicate in CASUALTY_PREDICATES or not (before.subject or before.unit) \
            or not _siblings(phrase_head(tokens_in(head.doc, before.start, before.end)), head):
        return None
    claim = _claim_of(text, phrase, before.predicate, before.subject, before.trigger, head,
                      before.unit)
    return claim.model_copy(update={"trigger": _governor_text(head) or before.trigger})


def _siblings(first: Any, second: Any) -> bool:
    """Two figures in parallel: they meet within SIBLING_STEPS heads of each ("67 emails were
    sent ..., 63 from ..."; "teens average nine hours, and tweens six"), or the second says how
    far the first is from another ("rose to 145.5 million, 2.5 million more than"); "Of the 300
    passengers, 12 were rescued" counts two things."""
    if second.dep_ == "npadvmod" and second.head.lower_ in ("more", "fewer", "less"):
        return True
    def upward(token: Any) -> list[int]:
        chain = [token.i]
        while len(chain) <= SIBLING_STEPS and token.head.i != token.i:
            token = token.head
            chain.append(token.i)
        return chain
    return bool(set(upward(first)) & set(upward(second)))


def _tallied(head: Any) -> Any | None:
    """The counted noun of "the number of X ... to N" or "the cache of X included N"."""
    slot = head.head if head.dep_ == "pobj" and head.head.lower_ in ("to", "at") else None
    if head.dep_ == "dobj" and head.head.lemma_.lower() in CONTAINING:
        owner = _subject_of_verb(head.head)
        found = _of_object(owner) if owner is not None else None
        return found if found is not None and found is not owner and found.tag_ in \
            ("NNS", "NNPS") else None
    if slot is None:
        return None
    for token in head.sent:
        if token.i < head.i and _lemma(token) in TALLY_NOUNS:
            counted = _of_object(token)
            if counted is not token and counted.tag_ in ("NNS", "NNPS"):
                return counted
    return None


def _subject_of_verb(verb: Any) -> Any | None:
    """The verb's subject, or the one it shares with the clause it is joined to ("The cache of
    emails [...], and included 67")."""
    found = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if found is None and verb.dep_ == "conj" and verb.head.i != verb.i:
        joined = verb.head
        return joined if joined.pos_ == "NOUN" else _subject_of_verb(joined)
    return found


_SUMMED = re.compile(r"\s+[A-Za-z-]+\s+and\s+")
_NOUN_AFTER = re.compile(r"\s+[A-Za-z-]+")


def _totals(text: str, claims: list[Claim]) -> Iterator[Claim]:
    """"arrested 17 men and one woman": also one claim of 18 people, as other reports count."""
    for first, second in pairwise(claims):
        if first.predicate != second.predicate or first.predicate not in CASUALTY_PREDICATES \
                or first.low is None or first.low != first.high or second.low is None or \
                second.low != second.high or not first.subject or not second.subject or \
                first.subject == second.subject or \
                not _SUMMED.fullmatch(text[first.end:second.start]):
            continue
        noun = _NOUN_AFTER.match(text, second.end)
        if noun is None:
            continue
        end = noun.end()
        total = first.low + second.low
        yield Claim(predicate=first.predicate, subject="people", low=total, high=total,
                    value=text[first.start:end], text=text[first.start:end], start=first.start,
                    end=end, attribution=first.attribution, trigger=first.trigger)


def _antecedent(earlier: Iterable[Claim], sentence_start: int, predicate: str) -> str | None:
    """The subject of the last claim before this one in the same sentence (sibling counts)."""
    for claim in reversed(list(earlier)):
        if claim.start < sentence_start:
            return None
        if claim.subject and claim.predicate in CASUALTY_PREDICATES and \
                predicate in CASUALTY_PREDICATES:
            return claim.subject
    return None
