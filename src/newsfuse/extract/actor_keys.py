"""Actor keys and merging: one key for the spellings of a name, one entry per actor of an event."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from newsfuse.model import Actor

_APOSTROPHES = re.compile(r"['’‘ʼ`´]")
_SEPARATORS = re.compile(r"[\s\-‐–—./,()]+")
_INITIALISM = re.compile(r"(?<!\w)(?:\w\.){2,}")
_PARTICLES = frozenset({"al", "el", "ul"})  # Arabic article: al-Husseini = Husseini
# Spellings of very common names that the general rules below do not fold.
_NAME_FORMS = {
    "hizbollah": "hezbollah", "hizballah": "hezbollah", "hizbullah": "hezbollah",
    "hezballah": "hezbollah", "muhamad": "mohamed", "mohamad": "mohamed", "muhamed": "mohamed",
    "mahomed": "mohamed", "qaida": "qaeda", "kaida": "qaeda",
    "katayib": "kataib", "husayn": "husain", "usama": "osama",
    "umar": "omar", "abdel": "abdul", "abd": "abdul", "abo": "abu", "yousef": "yusuf",
    "yusef": "yusuf", "ahmad": "ahmed", "hasaan": "hasan",
}



def _fold_spelling(word: str) -> str:
    word = word.replace("ou", "u").replace("oo", "u").replace("ee", "i").replace("ei", "ai")
    return re.sub(r"(.)\1+", r"\1", word)


_FOLDED_FORMS = {_fold_spelling(k): _fold_spelling(v) for k, v in _NAME_FORMS.items()}


def fold_word(word: str) -> str:
    """One name word folded: ou/oo -> u, ee -> i, ei -> ai, double letters single, known forms."""
    word = _fold_spelling(word)
    return _FOLDED_FORMS.get(word, word)


def name_words(name: str) -> list[str]:
    """Lower-case, accent-free name words, apostrophes dropped, hyphens and dots as breaks."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = _APOSTROPHES.sub("", text)
    text = _INITIALISM.sub(lambda m: m.group().replace(".", ""), text)  # U.S. -> us
    return _SEPARATORS.sub(" ", text).split()


def actor_key(name: str, kind: str) -> str:
    """The variant-folded key that merges one actor's spellings across articles.

    Casefolded, diacritics, apostrophes, dots and hyphens removed, a leading "the" and the Arabic
    article (al-/el-) dropped, and each word folded by `fold_word`: "al-Hussaini" and
    "al-Husseini" share a key, "Kata'ib Hizbollah" and "Kataib Hezbollah" too. Prefixed "p:" for a
    person and "o:" for an organisation or armed group, so the two never merge.
    """
    words = name_words(name)
    if words and words[0] == "the":
        words = words[1:]
    folded = [fold_word(w) for w in words if w not in _PARTICLES] or [fold_word(w) for w in words]
    return ("p:" if kind == "person" else "o:") + " ".join(folded)




def merge_actors(per_article: Mapping[str, Sequence[Actor]]) -> list[dict[str, Any]]:
    """The actors of an event: the articles' actors merged by key, surnames joined to full names.

    Args:
        per_article: article id -> that article's actors.

    Returns:
        Dicts with name, kind, role, key, variants, articles and mentions, most mentioned first.
    """
    merged: dict[str, list[tuple[str, Actor]]] = defaultdict(list)
    for article_id in sorted(per_article):
        for actor in per_article[article_id]:
            merged[actor.key].append((article_id, actor))
    _join_surnames(merged)
    events = [_merged(key, members) for key, members in sorted(merged.items())]
    return sorted(events, key=lambda e: (-len(e["mentions"]), e["name"], e["key"]))


def _join_surnames(merged: dict[str, list[tuple[str, Actor]]]) -> None:
    """Move one-word people to the only full-name person with that surname."""
    surnames: dict[str, list[str]] = defaultdict(list)
    for key in sorted(merged):
        words = key[2:].split()
        if key.startswith("p:") and len(words) > 1:
            surnames[words[-1]].append(key)
    for key in sorted(merged):
        words = key[2:].split()
        if key.startswith("p:") and len(words) == 1 and len(surnames.get(words[0], [])) == 1:
            merged[surnames[words[0]][0]].extend(merged.pop(key))


def _most_common(values: Iterable[str]) -> str | None:
    counts = Counter(values)
    if not counts:
        return None
    return min(counts, key=lambda v: (-counts[v], v))


def _merged(key: str, members: list[tuple[str, Actor]]) -> dict[str, Any]:
    """One event-level actor from its per-article actors."""
    actors = [actor for _, actor in members]
    full = [a.name for a in actors if len(a.name.split()) > 1] or [a.name for a in actors]
    kinds = [a.kind for a in actors]
    kind = "armed_group" if "armed_group" in kinds else _most_common(kinds) or "organisation"
    spans = sorted((article_id, m.start, m.end, m.text)
                   for article_id, actor in members for m in actor.mentions)
    mentions = [{"article": a, "start": s, "end": e, "text": t} for a, s, e, t in spans]
    variants = sorted({a.name for a in actors} | {t for *_, t in spans})
    return {"name": _most_common(full), "kind": kind,
            "role": _most_common(a.role for a in actors if a.role), "key": key,
            "variants": variants, "articles": sorted({a for a, _ in members}),
            "mentions": mentions}
