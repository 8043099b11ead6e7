"""The typed data model that every stage reads and returns: articles, annotations, events."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import UTC
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, Field


class Frozen(BaseModel):
    """Base for immutable model objects."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class RawArticle(Frozen):
    """An article as a reader found it, before cleaning."""

    origin: str
    id: str | None = None
    url: str | None = None
    source: str | None = None
    title: str | None = None
    published: str | None = None
    author: str | None = None
    text: str | None = None
    html: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class RemovedLine(Frozen):
    """A line that cleaning took out of the article, with the rule that took it."""

    text: str
    rule: str
    line: int


class Article(Frozen):
    """A cleaned article: the unit that every later stage annotates."""

    id: str
    origin: str
    url: str | None = None
    source: str | None = None
    title: str | None = None
    published: str | None = None
    author: str | None = None
    text: str
    removed: tuple[RemovedLine, ...] = ()
    metadata: dict[str, Any] = Field(default_factory=dict)
    content_hash: str = ""
    duplicate_of: str | None = None
    seq: int = 0

    @property
    def published_date(self) -> str | None:
        """The publication day as YYYY-MM-DD, or None."""
        return self.published[:10] if self.published else None


class Span(Frozen):
    """A character span in one article's cleaned text: the provenance of every extracted item."""

    article: str
    start: int
    end: int


class Entity(Frozen):
    """A named entity found by the NLP pass."""

    text: str
    label: str
    start: int
    end: int


class Sentence(Frozen):
    """A sentence of the cleaned text, by character offsets."""

    start: int
    end: int


class Quantity(Frozen):
    """A number with the noun it counts ("three facilities" -> 3, facility)."""

    value: float
    noun: str
    start: int
    end: int


class TimeExpr(Frozen):
    """A time expression: its span, TIMEX3-style value, type, precision and covered dates."""

    text: str
    start: int
    end: int
    value: str
    type: str
    precision: str
    low: str | None = None
    high: str | None = None
    relative: bool = False
    point: str | None = None  # "start" after since/from/between, "end" after until/till/through


class Place(Frozen):
    """A toponym in an article's text with the point it was placed at (None if unknown)."""

    text: str
    start: int
    end: int
    name: str
    lat: float | None
    lon: float | None
    geonameid: int | None = None
    kind: str = ""
    source: str = ""


class Mention(Frozen):
    """One mention of an actor in an article's cleaned text."""

    text: str
    start: int
    end: int


class Actor(Frozen):
    """A person, organisation or armed group named in one article, titles stripped.

    `key` is the variant-folded name ("al-Husseini" and "al-Hussaini" share one) that merges the
    same actor across articles; `name` is the fullest form this article uses.
    """

    key: str
    name: str
    kind: str  # "person" | "organisation" | "armed_group"
    role: str | None = None  # "Defense Secretary", stripped from the name
    mentions: tuple[Mention, ...] = ()


class Quote(Frozen):
    """A direct or reported quote with its speaker and cue verb; start/end span the quoted words."""

    text: str
    start: int
    end: int
    speaker: str | None = None  # display name, or a description ("unnamed U.S. defense official")
    speaker_key: str | None = None  # Actor.key when the speaker is a named actor
    cue: str | None = None  # the cue verb's lemma ("say", "tell", "add")
    direct: bool = True


class Claim(Frozen):
    """A number a report states about the happening: a range, what it counts, who says so.

    `high` None means unbounded above ("at least two" = [2, None]); start/end span the number.
    """

    predicate: str  # "killed", "wounded", "facilities", "money", "distance", ...
    subject: str | None = None  # "Kataib Hezbollah fighter", "U.S. service members"
    low: float | None = None
    high: float | None = None
    unit: str | None = None  # "USD", "km", "kg", "%", "day", ...
    value: str = ""  # the wording of the number ("at least two")
    text: str = ""
    start: int = 0
    end: int = 0
    attribution: str | None = None  # "the PMF", "a medical source"
    trigger: str | None = None  # the event word the number hangs on ("strikes", "attack")


class EventType(Frozen):
    """An ACLED-style event type of an article with the trigger word that shows it."""

    event_type: str  # "Explosions/Remote violence"
    sub_type: str  # "Air/drone strike"
    trigger: str
    start: int
    end: int
    score: float = 0.0


class Happening(Frozen):
    """A dated happening an article mentions: its date, the sentence and the trigger word."""

    date: str  # TIMEX3-style value of the happening's time ("2024-01-23")
    low: str | None = None
    high: str | None = None
    time_start: int  # the time expression's span
    time_end: int
    sentence_start: int
    sentence_end: int
    trigger: str | None = None
    main: bool = False  # the happening the article reports (its event date), not background


class Stated(Frozen):
    """One source's claim inside a fact: the claim, where it is, and whose word it rests on."""

    article: str
    claim: Claim
    source: str | None = None
    published: str | None = None
    root: str = ""  # the independent origin: the original of a reprint, or the quoted source
    estimate_low: float | None = None  # the source's best estimate, compared across sources
    estimate_high: float | None = None


class Fact(Frozen):
    """Claims of several reports about the same thing, aligned, with whether they agree."""

    predicate: str
    subject: str | None
    status: str  # "agreed" | "disputed" | "single_source" | "update"
    claims: tuple[Stated, ...]
    note: str = ""


class Role(Frozen):
    """One argument of an article's lead happening, for grouping: who did it ("agent"), to whom
    or what ("patient"), or how big ("size"). Added after stores were first written: analyses
    stored before it carry none (`Analysis.roles` defaults to empty) and still load."""

    role: str  # "agent" | "patient" | "size"
    text: str  # the argument's words, text[start:end] (an entity, a noun, or a number)
    start: int
    end: int
    label: str = ""  # its entity label (PERSON, ORG, MONEY, ...); "PROPN" for an untyped name
    head: str = ""  # the lower-cased lemma of its head word
    trigger: str = ""  # the lower-cased lemma of the happening's word ("offer", "hit")


class Analysis(Frozen):
    """Everything the per-article NLP pass found in one article."""

    article_id: str
    sentences: tuple[Sentence, ...] = ()
    entities: tuple[Entity, ...] = ()
    terms: dict[str, int] = Field(default_factory=dict)
    quantities: tuple[Quantity, ...] = ()
    times: tuple[TimeExpr, ...] = ()
    places: tuple[Place, ...] = ()
    actors: tuple[Actor, ...] = ()
    quotes: tuple[Quote, ...] = ()
    claims: tuple[Claim, ...] = ()
    event_type: EventType | None = None
    happenings: tuple[Happening, ...] = ()
    signature: tuple[int, ...] = ()
    roles: tuple[Role, ...] = ()  # optional: empty in stores written before roles existed


class Reason(Frozen):
    """One reason behind a grouping decision, with how much it weighed."""

    kind: str
    value: str
    weight: float


class Assignment(Frozen):
    """Which event an article joined, how strongly, and why."""

    article_id: str
    event_id: str
    score: float
    new_event: bool
    reasons: tuple[Reason, ...] = ()
    runner_up: str | None = None
    runner_up_score: float | None = None


class EventChange(Frozen):
    """A repair of the grouping: `other_id` was merged into `event_id`, with the score and why."""

    kind: str
    event_id: str
    other_id: str
    score: float
    reasons: tuple[Reason, ...] = ()
    article_ids: tuple[str, ...] = ()
    at_seq: int = 0


class Rejection(Frozen):
    """An input that was refused, with the stage, a stable code and a reason."""

    origin: str
    stage: str
    code: str
    reason: str
    article_id: str | None = None


_SPACE = re.compile(r"\s+")


def _digest(text: str, size: int = 16) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:size]


def normalise_url(url: str) -> str:
    """Lower-case scheme and host, drop fragment and trailing slash: one URL, one id."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def normalise_text(text: str) -> str:
    """Unicode-normalised, whitespace-folded text used for hashing."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def content_hash(text: str) -> str:
    """A hash of the normalised text, equal for exact copies."""
    return _digest(normalise_text(text).lower(), 32)


def derive_article_id(raw: RawArticle, text: str) -> str:
    """The article's stable id: the given id, else one derived from the URL, else from the text."""
    if raw.id:
        return raw.id.strip()
    if raw.url:
        return "a-" + _digest(normalise_url(raw.url))
    return "a-" + _digest(normalise_text(text))


def event_id_for(first_article_id: str) -> str:
    """An event's stable id, derived from the article that started it."""
    return "e-" + _digest(first_article_id, 12)


def normalise_published(value: str | None) -> str | None:
    """Parse a publication date to ISO form (date alone when no time is given); None if unusable."""
    if not value or not str(value).strip():
        return None
    text = str(value).strip()
    try:
        from dateutil import parser as dateparser

        parsed = dateparser.parse(text)
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed is None or not 1900 <= parsed.year <= 2200:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) or (
            (parsed.hour, parsed.minute, parsed.second) == (0, 0, 0) and len(text) <= 12):
        return str(parsed.date().isoformat())
    return str(parsed.isoformat(timespec="seconds"))
