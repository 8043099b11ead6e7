"""Event type: ACLED's event types and sub-types from trigger words weighed by where they stand."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from newsfuse.extract import parses
from newsfuse.model import EventType

BATTLES = "Battles"
EXPLOSIONS = "Explosions/Remote violence"
CIVILIANS = "Violence against civilians"
PROTESTS = "Protests"
RIOTS = "Riots"
STRATEGIC = "Strategic developments"

# ACLED's typology in ACLED's order; the order also breaks ties between equal evidence.
TYPES: dict[str, tuple[str, ...]] = {
    BATTLES: ("Armed clash", "Government regains territory", "Non-state actor overtakes territory"),
    EXPLOSIONS: ("Chemical weapon", "Air/drone strike", "Suicide bomb",
                 "Shelling/artillery/missile attack", "Remote explosive/landmine/IED", "Grenade"),
    CIVILIANS: ("Sexual violence", "Attack", "Abduction/forced disappearance"),
    PROTESTS: ("Peaceful protest", "Protest with intervention",
               "Excessive force against protesters"),
    RIOTS: ("Violent demonstration", "Mob violence"),
    STRATEGIC: ("Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use",
                "Headquarters or base established", "Looted property",
                "Non-violent transfer of territory", "Other"),
}
_ORDER = {(t, s): i * 10 + j for i, (t, subs) in enumerate(TYPES.items())
          for j, s in enumerate(subs)}

# Evidence below this is no event: one plain trigger in a lead sentence is worth about 1.3, one
# in a background sentence of a sports or business story (ambiguous words vetoed) far less.
MIN_EVIDENCE = 1.0

_AIR, _SHELL, _IED = "Air/drone strike", "Shelling/artillery/missile attack", \
    "Remote explosive/landmine/IED"

# (type, sub-type, weight, lemmas); a sub-type may be refined from the sentence (see _refine)
_TRIGGERS: tuple[tuple[str, str, float, str], ...] = (
    (BATTLES, "Armed clash", 1.0, "clash firefight gunfight gunbattle skirmish ambush fighting"),
    (BATTLES, "Armed clash", 0.6, "fight battle offensive"),
    (BATTLES, "Government regains territory", 1.0, "recapture retake regain liberate"),
    (BATTLES, "Non-state actor overtakes territory", 0.8, "overrun"),
    (EXPLOSIONS, _AIR, 1.2, "airstrike air-strike airstrikes airraid bombard"),
    (EXPLOSIONS, _AIR, 0.9, "drone warplane strike"),
    (EXPLOSIONS, _SHELL, 1.0, "shell shelling mortar artillery rocket missile howitzer"),
    (EXPLOSIONS, _IED, 1.0,
     "bomb bombing explosion explode blast ied landmine detonate explosive dynamite"),
    (EXPLOSIONS, "Suicide bomb", 1.2, "bomber"),
    (EXPLOSIONS, "Grenade", 1.1, "grenade"),
    (EXPLOSIONS, "Chemical weapon", 1.2, "sarin chlorine"),
    (CIVILIANS, "Attack", 1.0, "massacre murder assassinate assassination execute behead slay"),
    (CIVILIANS, "Attack", 0.8, "gunman"),
    (CIVILIANS, "Attack", 0.6, "kill attack shoot stab torture"),
    (CIVILIANS, "Abduction/forced disappearance", 1.1,
     "kidnap abduct abduction kidnapping hostage disappearance"),
    (CIVILIANS, "Sexual violence", 1.1, "rape"),
    (PROTESTS, "Peaceful protest", 1.0, "protest protester protestor demonstrator demonstration "
                                        "demonstrate sit-in rally march walkout"),
    (RIOTS, "Violent demonstration", 1.1, "riot rioter rampage"),
    (RIOTS, "Mob violence", 1.1, "mob lynch vigilante"),
    (STRATEGIC, "Agreement", 1.0, "ceasefire truce accord armistice"),
    (STRATEGIC, "Arrests", 0.9, "arrest detain"),
    (STRATEGIC, "Looted property", 0.9, "loot plunder ransack"),
    (STRATEGIC, "Disrupted weapons use", 0.9, "defuse intercept"),
    (STRATEGIC, "Non-violent transfer of territory", 0.8, "handover"),
)
_LEXICON: dict[str, tuple[str, str, float]] = {
    lemma: (event_type, sub, weight)
    for event_type, sub, weight, lemmas in _TRIGGERS for lemma in lemmas.split()}
# Words that also mean something else (a strike in football, a clash of teams, a rally of
# shares) count only in an article, or a sentence, about conflict.
_WEAPONS = frozenset("rocket missile mortar artillery drone warplane howitzer".split())
_DISRUPT = frozenset("defuse intercept dismantle find discover seize deactivate".split())
_FIRE_VERBS = frozenset("fire launch shoot lob hurl drop".split())
_AMBIGUOUS = frozenset("clash fight battle offensive strike attack shoot rally march "
                       "shell rocket missile explosion blast execute intercept".split())
# irregular forms that a lemmatizer (or the fallback without one) may leave as they are
_FORMS = {"struck": "strike", "fought": "fight", "shot": "shoot", "overran": "overrun",
          "slain": "slay", "slew": "slay", "raped": "rape", "shelled": "shell"}
_CONFLICT = re.compile(
    r"(?i)\b(?:kill\w*|dead|death|wound\w*|injur\w*|troops?|soldiers?|police\w*|militants?"
    r"|rebels?|insurgents?|forces|army|military|militias?|weapons?|gunmen|armed|civilians?"
    r"|casualt\w+|fighters?|jihadists?|guerrill\w+|targets?|targeted|facilit\w+|base|air\s+base"
    r"|tear\s+gas|protesters?|demonstrators?|supporters|crowds?|thousands|bomb\w*|rifles?"
    r"|terroris\w+|hostages?|villagers?|residents)\b")
_OFF_TOPIC = re.compile(
    r"(?i)\b(?:match(?:es)?|goals?|league|season|cup|striker|tournament|championship|coach"
    r"|stadium|innings|wickets?|medals?|olympic\w*|semi-?finals?|quarter-?finals?|squad"
    r"|markets?|shares|stocks?|inflation|interest\s+rates?|central\s+bank|gdp|economy"
    r"|economic|investors?|earnings|revenue|profits?|tariffs?|recession|currency|bonds?"
    r"|prices|traders|index)\b")
_LABOUR = re.compile(r"(?i)\b(?:workers?|unions?|walkout|pay|wages?|general\s+strike"
                     r"|hunger\s+strike|on\s+strike|strikers?|staff|teachers|nurses|doctors)\b")
_BACKGROUND = re.compile(
    r"(?i)\b(?:last\s+(?:year|month)|in\s+(?:19|20)\d\d|previous(?:ly)?|earlier|since"
    r"|the\s+latest|anniversary|history|ago|years?\s+(?:before|after))\b")
_BACKGROUND_HEADS = frozenset(
    "after following since amid before response retaliation revenge despite like".split())
_MODAL = frozenset("will would could might may should shall can".split())
_LEAD_WEIGHT = (1.6, 1.4, 1.25, 1.1)  # headline or first sentence, then the lead


@dataclass(frozen=True)
class TriggerHit:
    """One trigger word: its ACLED type and sub-type, span and weight in the article."""

    event_type: str
    sub_type: str
    start: int
    end: int
    weight: float


@dataclass(frozen=True)
class _Word:
    """A token as the rules see it: its span, lemma, lower form and parse links (if parsed)."""

    start: int
    end: int
    lemma: str
    lower: str
    token: Any = None


# Refining the sub-type from the sentence ---------------------------------------------------

_EXPLOSION_CUES: tuple[tuple[str, str], ...] = (
    (r"chemical|chlorine|sarin|mustard\s+gas|nerve\s+agent|toxic\s+gas", "Chemical weapon"),
    (r"suicide", "Suicide bomb"),
    (r"grenades?", "Grenade"),
    (r"air\s*-?\s*strikes?|air\s+raids?|drones?|warplanes?|jets?|aircraft|helicopters?"
     r"|air\s+force|precision\s+strikes?|bombers?", _AIR),
    (r"roadside|car\s+bombs?|ieds?|improvised|landmines?|explosive\s+devices?|planted|booby"
     r"|dynamite|detonat\w+", _IED),
    (r"shell(?:s|ed|ing)?|mortars?|artillery|rockets?|missiles?|howitzers?", _SHELL),
)
_PROTEST_CUES = (
    (r"killed|shot\s+dead|live\s+(?:ammunition|fire|rounds)|opened\s+fire",
     "Excessive force against protesters"),
    (r"tear\s*-?\s*gas|water\s+cannons?|rubber\s+bullets|dispers\w+|arrest\w*|detain\w*"
     r"|batons?", "Protest with intervention"),
)
_VICTIM = re.compile(r"(?i)\b(?:civilians?|villagers?|residents|worshippers|students|journalists?"
                     r"|farmers|passengers|children|women|family|families|teachers?|judges?"
                     r"|mayor|politicians?|officials?|priests?|leaders?|candidates?)\b")
_COMBATANT = re.compile(r"(?i)\b(?:troops|soldiers?|patrols?|army|militants?|rebels?"
                        r"|insurgents?|fighters?|guerrill\w+|militias?|police(?:men)?)\b")
_TERRITORY = re.compile(r"(?i)\b(?:town|city|village|district|territory|province|region"
                        r"|airport|hill|area|positions?)\b")


def _first_cue(cues: Sequence[tuple[str, str]], sentence: str) -> str | None:
    for pattern, sub in cues:
        if re.search(rf"(?i)\b(?:{pattern})\b", sentence):
            return sub
    return None


def _refine(lemma: str, kind: tuple[str, str], sentence: str, local: str) -> tuple[str, str]:
    """The sub-type once the sentence's other words are seen (a missile attack, a labour strike,
    tear gas at a protest); generic words take their type from what surrounds them."""
    event_type, sub = kind
    if lemma == "strike" and _LABOUR.search(sentence):
        return PROTESTS, "Peaceful protest"
    if lemma in ("strike", "attack"):  # only the words beside it: "a missile attack"
        cue = _first_cue(_EXPLOSION_CUES, local)
        if cue or lemma == "strike":
            return EXPLOSIONS, cue or _AIR  # ACLED codes an unqualified military strike so
    if event_type == EXPLOSIONS and lemma in ("bomb", "bombing", "explosion", "blast",
                                               "explode", "detonate", "explosive", "bomber"):
        return EXPLOSIONS, _first_cue(_EXPLOSION_CUES, sentence) or sub
    if event_type == PROTESTS:
        if re.search(r"(?i)\b(?:stones?|rocks|torch\w*|set\s+fire|smash\w*|petrol\s+bombs?"
                     r"|molotov|clashed|vandali\w+)\b", sentence):
            return RIOTS, "Violent demonstration"
        return PROTESTS, _first_cue(_PROTEST_CUES, sentence) or sub
    if lemma == "clash" and re.search(r"(?i)\b(?:protesters?|demonstrators?|rioters?)\b",
                                      sentence):
        return RIOTS, "Violent demonstration"
    if event_type == CIVILIANS and sub == "Attack" and lemma in ("kill", "attack", "shoot") and \
            _COMBATANT.search(sentence) and not _VICTIM.search(sentence):
        return BATTLES, "Armed clash"  # soldiers against fighters: ACLED calls it a battle
    if lemma in ("seize", "capture") and _TERRITORY.search(sentence):
        return BATTLES, "Non-state actor overtakes territory"
    return event_type, sub


# Words and their weights -----------------------------------------------------------------------

_GUESS = re.compile(r"(?:ings?|ed|es|s)$")


def _guess_lemma(lower: str) -> str:
    """A lemma without a model: irregular forms, else the word less a common ending."""
    if lower in _FORMS:
        return _FORMS[lower]
    if lower in _LEXICON:
        return lower
    for stem in (_GUESS.sub("", lower), _GUESS.sub("", lower) + "e", lower[:-1]):
        if stem in _LEXICON:
            return stem
    return lower


def _words(text: str, doc: Any) -> list[_Word]:
    if parses(doc, text):
        return [_Word(t.idx, t.idx + len(t.text), _FORMS.get(t.lower_, t.lemma_.lower()),
                      t.lower_, t) for t in doc]
    return [_Word(m.start(), m.end(), _guess_lemma(m[0].lower()), m[0].lower())
            for m in re.finditer(r"[A-Za-z][\w'-]*", text)]


def sentences(text: str, doc: Any) -> list[tuple[int, int]]:
    """Sentence spans: the parse's when it has one, else lines and full stops; a short first line
    without a full stop (a headline) is a sentence of its own."""
    spans: list[tuple[int, int]] = []
    if parses(doc, text):
        for sent in doc.sents:
            spans.extend(_split_lines(text, sent.start_char, sent.end_char))
    else:
        for m in re.finditer(r"[^\n]+", text):
            spans.extend(_split_stops(text, m.start(), m.end()))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _split_lines(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """A parsed sentence cut at line breaks: headlines, captions and datelines end at them."""
    for m in re.finditer(r"[^\n]+", text[start:end]):
        yield start + m.start(), start + m.end()


def _split_stops(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    last = start
    for m in re.finditer(r"[.!?][\"”’)]*\s+(?=[\"“]?[A-Z])", text[start:end]):
        yield last, start + m.end()
        last = start + m.end()
    yield last, end


def _compound(word: _Word, words: list[_Word], index: int) -> str:
    """"air strike", "drone strike", "car bomb": the lemma with the word before it, if known."""
    if index and words[index - 1].lower in ("air", "drone", "missile", "rocket", "car", "suicide"):
        return f"{words[index - 1].lower} {word.lemma}"
    return word.lemma


def _local(word: _Word, words: list[_Word], index: int) -> str:
    """The words that qualify a trigger: its modifiers in the parse and the two words before it."""
    near = [w.lower for w in words[max(0, index - 2):index]]
    if word.token is not None:
        near += [c.lower_ for c in word.token.children if c.dep_ in ("compound", "amod", "nmod")]
    return " ".join(near)


def _weapon_is_event(word: _Word) -> bool:
    """A weapon noun is the event only as what hit, or what was fired ("rockets hit the base",
    "fired 17 missiles"), not in "storage for rockets"."""
    token = word.token
    if token is None:
        return False
    if token.dep_ in ("nsubj", "nsubjpass"):
        return True
    return token.dep_ == "dobj" and token.head.lemma_.lower() in _FIRE_VERBS


def _disrupted(word: _Word) -> bool:
    """A weapon that was defused, intercepted or found is no explosion ("defused a bomb")."""
    token = word.token
    return token is not None and token.dep_ in ("dobj", "nsubjpass") and \
        token.head.lemma_.lower() in _DISRUPT


def _clause_factor(word: _Word) -> float:
    """Less for a trigger in a subordinate, background, negated or hypothetical clause."""
    token = word.token
    if token is None:
        return 1.0
    factor = 1.0
    for node in (token, *token.ancestors):
        if node.dep_ in ("advcl", "relcl", "acl") and node is not token:
            factor *= 0.75
        if node.lower_ in _BACKGROUND_HEADS:
            factor *= 0.5
            break
    head = token if token.pos_ in ("VERB", "AUX") else token.head
    children = {c.lower_ for c in head.children if c.dep_ in ("aux", "neg", "auxpass")}
    if "not" in children or "n't" in children or children & _MODAL:
        factor *= 0.4
    if "had" in children and head.tag_ == "VBN":
        factor *= 0.5  # pluperfect: what had happened before the news
    return factor


def _position_weight(index: int, count: int) -> float:
    if index < len(_LEAD_WEIGHT):
        return _LEAD_WEIGHT[index]
    return 1.0 if index < max(8, count // 3) else 0.8


def _sentence_hits(text: str, span: tuple[int, int], words: list[_Word], weight: float,
                   topic: tuple[bool, bool]) -> Iterator[TriggerHit]:
    """The triggers of one sentence; `topic` says whether the article is off-topic (sport,
    business) and whether it is about conflict as a whole."""
    sentence = text[span[0]:span[1]]
    off_topic, conflict = topic[0], topic[1] or bool(_CONFLICT.search(sentence))
    if _BACKGROUND.search(sentence):
        weight *= 0.6
    for i, word in enumerate(words):
        lemma = word.lemma
        if lemma not in _LEXICON or word.lower == "according" or \
                (word.lower == "march" and text[word.start].isupper()):
            continue
        if (lemma in _WEAPONS and not _weapon_is_event(word)) or _disrupted(word):
            continue
        ambiguous = lemma in _AMBIGUOUS and not _compound(word, words, i).startswith(
            ("air", "drone", "missile", "rocket", "car", "suicide"))
        labour = lemma == "strike" and bool(_LABOUR.search(sentence))
        if ambiguous and not labour and (off_topic or not conflict):
            continue
        event_type, sub = _refine(lemma, _LEXICON[lemma][:2], sentence, _local(word, words, i))
        if _compound(word, words, i) in ("air strike", "drone strike"):
            event_type, sub = EXPLOSIONS, _AIR
        yield TriggerHit(event_type, sub, word.start, word.end,
                   _LEXICON[lemma][2] * weight * _clause_factor(word))


def trigger_hits(text: str, doc: Any) -> list[TriggerHit]:
    """Every trigger word of the text with its type, sub-type and weight, in text order."""
    words = _words(text, doc)
    spans = sentences(text, doc)
    conflict = len(_CONFLICT.findall(text))
    off_topic = len(_OFF_TOPIC.findall(text)) >= 3 and len(_OFF_TOPIC.findall(text)) > 2 * conflict
    topic = (off_topic, not off_topic and conflict >= 3)
    hits: list[TriggerHit] = []
    cursor = 0
    for index, span in enumerate(spans):
        inside = []
        while cursor < len(words) and words[cursor].start < span[1]:
            if words[cursor].start >= span[0]:
                inside.append(words[cursor])
            cursor += 1
        weight = _position_weight(index, len(spans)) * (0.5 if off_topic else 1.0)
        hits.extend(_damped(list(_sentence_hits(text, span, inside, weight, topic))))
    return hits


def _damped(hits: list[TriggerHit]) -> list[TriggerHit]:
    """One sentence tells of one happening: past its strongest trigger of a type ("a bomb
    exploded"), the others of that type count a quarter."""
    out = []
    for hit in hits:
        rivals = [h for h in hits if h.event_type == hit.event_type]
        strongest = min(rivals, key=lambda h: (-h.weight, h.start))
        out.append(hit if hit is strongest else replace(hit, weight=hit.weight * 0.25))
    return out


# Public API ------------------------------------------------------------------------------------

def _best(evidence: dict[Any, float]) -> Any:
    """The key with the most evidence; ties go to the earlier one in ACLED's order."""
    def rank(key: Any) -> tuple[float, int]:
        order = _ORDER.get(key, 999) if isinstance(key, tuple) else \
            10 * list(TYPES).index(key) if key in TYPES else 999
        return (-round(evidence[key], 6), order)

    return min(evidence, key=rank)


def find_event_type(text: str, doc: Any) -> EventType | None:
    """The article's ACLED event type and sub-type with its strongest trigger, or None.

    Evidence is the sum of trigger weights (lexicon weight x sentence position x clause); the
    type with most evidence wins, then its sub-type. Under MIN_EVIDENCE (a sports or business
    story, a lone background mention) there is no event type. `score` is 1 - exp(-evidence / 2).
    """
    return event_type_from_hits(text, trigger_hits(text, doc))


def event_type_from_hits(text: str, hits: Sequence[TriggerHit]) -> EventType | None:
    """The event type that `trigger_hits` evidence gives (see `find_event_type`)."""
    by_type: dict[str, float] = defaultdict(float)
    by_sub: dict[tuple[str, str], float] = defaultdict(float)
    for hit in hits:
        by_type[hit.event_type] += hit.weight
        by_sub[(hit.event_type, hit.sub_type)] += hit.weight
    if not by_type or max(by_type.values()) < MIN_EVIDENCE:
        return None
    event_type = _best(by_type)
    sub_type = _best({k: v for k, v in by_sub.items() if k[0] == event_type})[1]
    best = min((h for h in hits if (h.event_type, h.sub_type) == (event_type, sub_type)),
               key=lambda h: (-h.weight, h.start))
    return EventType(event_type=event_type, sub_type=sub_type, trigger=text[best.start:best.end],
                     start=best.start, end=best.end,
                     score=round(1 - math.exp(-by_type[event_type] / 2), 3))


def event_type_of(types: Sequence[EventType]) -> EventType | None:
    """The event's type: its articles' types voted by score (type first, then sub-type).

    Ties go to ACLED's order; the result is the highest-scoring article type of the winning
    sub-type (earliest trigger on equal scores), so its span points into that article.
    """
    if not types:
        return None
    by_type: dict[str, float] = defaultdict(float)
    by_sub: dict[tuple[str, str], float] = defaultdict(float)
    for item in types:
        by_type[item.event_type] += item.score or 1e-6
        by_sub[(item.event_type, item.sub_type)] += item.score or 1e-6
    event_type = _best(by_type)
    sub_type = _best({k: v for k, v in by_sub.items() if k[0] == event_type})[1]
    chosen = [t for t in types if (t.event_type, t.sub_type) == (event_type, sub_type)]
    return min(chosen, key=lambda t: (-t.score, t.start, t.trigger))
