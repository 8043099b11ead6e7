"""Grouping features of an article: weighted terms, people, organisations, places, numbers,
years, weekdays, the lead happening's arguments and the event's day."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from newsfuse.model import Analysis, Article, Role

PERSON = "PERSON"
ORG_LABELS = frozenset({"ORG", "NORP"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
TOP_TERMS = 25
SALIENT_TERMS = 60  # an article is compared on its strongest terms, not its long tail
_LEADING = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['’]s$")
_NON_WORD = re.compile(r"[^\w\s-]")
EVENT_DAY_REACH = 30  # a main happening further back than this is background, not the event
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_WEEKDAY = re.compile(r"^XXXX-WXX-([1-7])$")  # a weekday that no publication date resolved
_TITLE_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
TITLE_RARITY = 3.0  # headline words at least this rare count ("the", "after" and "says" do not)
LANGUAGE_FIELDS = ("lang", "language", "inLanguage")  # input fields that name the language


@lru_cache(maxsize=200_000)
def rarity(word: str) -> float:
    """How informative a word is in general English: 8 minus its Zipf frequency, at least 0.5."""
    from wordfreq import zipf_frequency

    return max(0.5, 8.0 - zipf_frequency(word, "en"))


@dataclass
class ArticleFeatures:
    """What the grouper compares: a unit term vector, entity keys, counted numbers, a date."""

    article_id: str
    terms: dict[str, float]
    people: dict[str, str] = field(default_factory=dict)
    orgs: dict[str, str] = field(default_factory=dict)
    places: dict[str, str] = field(default_factory=dict)
    person_counts: dict[str, int] = field(default_factory=dict)
    quantities: set[str] = field(default_factory=set)
    years: set[str] = field(default_factory=set)
    date: str | None = None
    weekdays: set[str] = field(default_factory=set)  # ISO numbers, "7" for Sunday; undated only
    agents: set[str] = field(default_factory=set)  # who did the lead happening: "offer|angels"
    title_terms: set[str] = field(default_factory=set)  # the headline's uncommon words
    language: str | None = None  # "en", from the input's lang/language field; None: unknown

    def index_keys(self) -> set[str]:
        """Keys under which this article is looked up in the candidate index."""
        keys = {f"p:{k}" for k in self.people} | {f"o:{k}" for k in self.orgs}
        keys |= {f"g:{k}" for k in self.places}
        top = sorted(self.terms, key=lambda t: (-self.terms[t], t))[:TOP_TERMS]
        return keys | {f"t:{t}" for t in top}


def entity_key(text: str) -> str:
    """A normalised key for an entity mention ("the Pentagon's" -> "pentagon")."""
    text = _POSSESSIVE.sub("", _LEADING.sub("", text.strip()))
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


def person_key(text: str) -> str:
    """People are keyed by surname, so that "Lloyd Austin" and "Austin" meet."""
    parts = entity_key(text).split()
    return parts[-1] if parts else ""


def features_of(article: Article, analysis: Analysis) -> ArticleFeatures:
    """Build the grouping features of one analysed article."""
    weights = {t: (1 + math.log(c)) * rarity(t) for t, c in analysis.terms.items()}
    if len(weights) > SALIENT_TERMS:
        kept = sorted(weights, key=lambda t: (-weights[t], t))[:SALIENT_TERMS]
        weights = {t: weights[t] for t in kept}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    features = ArticleFeatures(article_id=article.id,
                               terms={t: w / norm for t, w in weights.items()},
                               date=event_day(article.published_date, analysis))
    for entity in analysis.entities:
        _add_entity(features, entity.label, entity.text)
        if entity.label == "DATE":
            features.years.update(_YEAR.findall(entity.text))
    features.quantities = {f"{q.noun}:{q.value:g}" for q in analysis.quantities
                           if not 1950 <= q.value <= 2099}  # years are dates, not counts
    if not article.published_date:  # a dated article's weekdays are resolved into its date
        features.weekdays = named_weekdays(analysis)
    features.agents = lead_agents(analysis)
    features.title_terms = title_terms(article.title)
    features.language = article_language(article)
    return features


def article_language(article: Article) -> str | None:
    """The primary language subtag the input gave ("en-GB" -> "en"), or None."""
    for key in LANGUAGE_FIELDS:
        value = article.metadata.get(key)
        if isinstance(value, str):
            primary = value.strip().replace("_", "-").split("-")[0].lower()
            if 2 <= len(primary) <= 3 and primary.isalpha():
                return primary
    return None


def title_terms(title: str | None) -> set[str]:
    """The headline's uncommon words, folded to a crude singular ("Execs" -> "exec").

    Headlines of one story share their rare words ("female music execs", "Equifax breach");
    the headline is read as written, since the analysis keeps no per-headline lemmas.
    """
    found = set()
    for word in _TITLE_WORD.findall(title or ""):
        word = word.casefold().strip("'-")
        if word.endswith("'s"):
            word = word[:-2]
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        if len(word) > 2 and rarity(word) >= TITLE_RARITY:
            found.add(word)
    return found


def lead_agents(analysis: Analysis) -> set[str]:
    """The named agents of the lead's happenings, each with its happening's word
    ("offer|angels"): reports of one happening name the same doer of the same deed, a look-alike
    names another ("the Angels offered" against "the Red Sox offered")."""
    found = set()
    for role in analysis.roles:
        if role.role == "agent" and role.label and role.trigger:  # a plain noun names no one
            key = role_key(role)
            if key:
                found.add(f"{role.trigger}|{key}")
    return found


def role_key(role: Role) -> str:
    """The key of a happening's argument: a name's last word (the same surname or team name
    however it is introduced: "the Boston Red Sox", "the Sox"), else "~" and its lemma."""
    if role.label:
        parts = entity_key(role.text).split()
        return parts[-1] if parts else ""
    return f"~{role.head}" if role.head else ""


def named_weekdays(analysis: Analysis) -> set[str]:
    """The weekdays the text names with no date to pin them to ("on Sunday" -> "7").

    Reports of one happening name its day ("said Friday night"); a look-alike happened on
    another day, so an undated article that names only other weekdays is likely another event.
    """
    found = set()
    for time in analysis.times:
        match = _WEEKDAY.match(time.value)
        if match and time.type in ("DATE", "TIME"):
            found.add(match.group(1))
    return found


def event_day(published: str | None, analysis: Analysis) -> str | None:
    """The day the article's main happening took place, resolved from its text against the
    publication date; else the publication date; unknown without one."""
    if not published:
        return None
    days = sorted(h.date for h in analysis.happenings if h.main and len(h.date) == 10)
    earliest = (date.fromisoformat(published[:10]) - timedelta(days=EVENT_DAY_REACH)).isoformat()
    for day in days:
        if earliest <= day <= published[:10]:
            return day
    return published


def _add_entity(features: ArticleFeatures, label: str, text: str) -> None:
    if label == PERSON:
        key = person_key(text)
        if len(key) > 1:
            if key not in features.people or len(text) > len(features.people[key]):
                features.people[key] = text.strip()
            features.person_counts[key] = features.person_counts.get(key, 0) + 1
    elif label in ORG_LABELS:
        key = entity_key(text)
        if len(key) > 1:
            features.orgs.setdefault(key, text.strip())
    elif label in PLACE_LABELS:
        key = entity_key(text)
        if len(key) > 1:
            features.places.setdefault(key, text.strip())
