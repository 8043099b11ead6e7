"""The clean stage: remove scraping debris line by line, keep what was removed, never a sentence."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from typing import ClassVar

from newsfuse.clean_rules import (
    BULLET,
    DATELINE,
    EMBED_SIGNATURE,
    FACT_LINE,
    LABEL_VALUE,
    LEADING_DASH,
    MINOR_WORDS,
    PATTERN_RULES,
    SENTENCE_END,
    TERMINAL,
    TRANSCRIPT_LABEL,
    WORD,
)
from newsfuse.model import RemovedLine

# Rules whose matches are only debris near the end of an article (a bio mid-story may be news).
TAIL_ONLY_RULES = frozenset({"bio"})
TAIL_LINES = 4
# Short-pattern rules that must not take a long line that reads like a sentence.
SHORT_RULES = {"credit": 12, "byline": 16, "gallery": 14, "video": 24, "furniture": 30,
               "promo": 30, "ad": 12}
BLOCK_RULES = frozenset({"video", "gallery", "furniture"})
POST_MAX_CHARS = 300  # the text of an embedded post stands above its "— Name (@handle)" line
BLOCK_LABEL_WORDS = 4  # a bare label ("Now Playing", "More on this story") heads a block
RECURRING_MAX_SHARE = 0.4
RECURRING_MAX_WORDS = 40
REPEAT_CONTAINMENT = {True: 0.85, False: 0.95}  # bullet key points vs other lines
REPEAT_MIN_TOKENS = 8
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class CleanResult:
    """The cleaned text, the removed lines, and a byline found on the way."""

    text: str
    removed: tuple[RemovedLine, ...]
    author: str | None = None


def line_key(line: str) -> str:
    """A short hash of a normalised line, for counting repeats across a source's articles."""
    folded = " ".join(_TOKEN.findall(unicodedata.normalize("NFKC", line).casefold()))
    return hashlib.sha1(folded.encode("utf-8")).hexdigest()[:16]


def line_keys(text: str) -> set[str]:
    """Keys of the article's short lines, counted per source to find recurring furniture."""
    return {line_key(line) for line in text.split("\n")
            if line.strip() and len(line.split()) <= RECURRING_MAX_WORDS}


def clean_text(text: str, title: str | None = None,
               recurring: Collection[str] = frozenset()) -> CleanResult:
    """Clean one article's text; `recurring` holds line keys its source repeats across articles."""
    lines = [unicodedata.normalize("NFC", raw).strip() for raw in unwrap(text).split("\n")]
    content = [i for i, line in enumerate(lines) if line]
    verdicts: dict[int, str] = {}
    shouting = _mostly_upper("\n".join(lines))
    tail = set(content[-TAIL_LINES:])
    for index in content:
        rule = classify_line(lines[index], index in tail, shouting)
        if rule:
            verdicts[index] = rule
    _mark_recurring(lines, content, recurring, verdicts)
    _mark_headline_repeats(lines, content, title, verdicts)
    if not shouting:
        _mark_neighbours(lines, content, verdicts)
    _mark_repeats(lines, content, verdicts)
    return _assemble(lines, content, verdicts)


def unwrap(text: str) -> str:
    """Join hard-wrapped paragraphs (fixed-width wire copy) into one line each."""
    lines = [line.strip() for line in text.split("\n")]
    filled = [line for line in lines if line]
    blocks = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    if len(filled) < 6 or len(filled) < 3 * len(blocks):
        return text
    open_ended = sum(1 for line in filled if not SENTENCE_END.search(line))
    widths = sorted(len(line) for line in filled)
    full = widths[int(0.9 * (len(widths) - 1))]
    near_full = sum(1 for width in widths if width >= 0.75 * full) / len(widths)
    # Wrapped copy: most lines stop mid-sentence close to one fixed width.
    if open_ended / len(filled) < 0.6 or not 40 <= full <= 100 or near_full < 0.7:
        return text
    # Pieces of prose are all different and are not debris lines in their own right.
    debris = sum(1 for line in filled if classify_line(line) not in (None, "headline"))
    if len(set(filled)) < 0.9 * len(filled) or debris > 0.2 * len(filled):
        return text
    paragraphs, current = [], []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n".join(paragraphs)


def classify_line(line: str, in_tail: bool = True, shouting: bool = False) -> str | None:
    """The debris rule a single line matches, or None for body text."""
    bare = BULLET.sub("", line).strip() if not TRANSCRIPT_LABEL.match(line) else line
    words = len(bare.split())
    for name, pattern in PATTERN_RULES:
        if name in TAIL_ONLY_RULES and not in_tail:
            continue
        if name in SHORT_RULES and words > SHORT_RULES[name]:
            continue
        if pattern.search(bare):
            return name
    if not shouting and looks_like_headline(bare):
        return "headline"
    return None


def looks_like_headline(line: str) -> bool:
    """A Title Case or ALL CAPS line that is not a sentence: a related-story headline."""
    if TERMINAL.search(line) or line.endswith(":") or TRANSCRIPT_LABEL.match(line) or \
            LABEL_VALUE.match(line):
        return False
    words = WORD.findall(line)
    if len(words) < 2 or len(line.split()) > 30:
        return False
    if DATELINE.match(line) and re.search(r"[-–—]\s+[A-Z][a-z]", line):
        return False
    letters = [c for c in line if c.isalpha()]
    if len(words) >= 3 and sum(c.isupper() for c in letters) / len(letters) > 0.7:
        return True
    major = [w for w in words if w.lower().strip(".'’") not in MINOR_WORDS]
    if len(words) < 3 or len(major) < 2:
        return False
    capitalised = sum(w[0].isupper() for w in major)
    return bool(capitalised / len(major) >= 0.85 and capitalised >= 3)


def _mark_neighbours(lines: list[str], content: list[int], verdicts: dict[int, str]) -> None:
    """Debris comes in blocks: titles after a player or link list, a post above its signature,
    a breadcrumb above the story, and link lists that trail the story."""
    for position, index in enumerate(content):
        rule = verdicts.get(index)
        if rule in BLOCK_RULES and len(lines[index].split()) <= BLOCK_LABEL_WORDS:
            for follower in content[position + 1:]:
                if follower in verdicts or not _fragment(lines[follower]):
                    break
                verdicts[follower] = rule
        elif rule == "embed" and EMBED_SIGNATURE.match(lines[index]) and position:
            before = content[position - 1]
            if before not in verdicts and len(lines[before]) <= POST_MAX_CHARS:
                verdicts[before] = "embed"
    first = content[0] if content else None
    if first is not None and first not in verdicts and len(lines[first].split()) <= 3 and \
            not TERMINAL.search(lines[first]) and not any(c.isdigit() for c in lines[first]):
        verdicts[first] = "furniture"
    for index in reversed(content):
        if index in verdicts:
            continue
        if not _fragment(lines[index]) or FACT_LINE.search(lines[index]):
            break
        verdicts[index] = "headline"


def _fragment(line: str) -> bool:
    """A short line that does not end a sentence with a full stop (titles, tags, questions)."""
    return len(line.split()) <= 15 and not SENTENCE_END.search(line) and \
        TRANSCRIPT_LABEL.match(line) is None


def _mostly_upper(text: str) -> bool:
    """Whether the story's own sentences are in capitals (old wire copy), judged on sentence
    lines only so that removing debris cannot change the verdict."""
    # Unique lines that no pattern rule takes: an ad line or a repeated headline must not tip
    # the verdict, or cleaning the text a second time would judge it differently.
    long_lines = [line for line in dict.fromkeys(text.split("\n"))
                  if len(line.split()) >= 4 and classify_line(line.strip(), True, True) is None]
    sentences = [line for line in long_lines if SENTENCE_END.search(line.strip())]
    if not sentences:
        sentences = long_lines if len(long_lines) >= 3 else []
    if not sentences:
        return False
    upper = sum(1 for line in sentences if _upper_share(line) > 0.7)
    return upper / len(sentences) > 0.5


def _upper_share(line: str) -> float:
    letters = [c for c in line if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


def _normal(line: str) -> str:
    return " ".join(_TOKEN.findall(BULLET.sub("", line).casefold()))


def _mark_headline_repeats(lines: list[str], content: list[int], title: str | None,
                           verdicts: dict[int, str]) -> None:
    if not title:
        return
    wanted = _normal(title)
    for index in content[:6]:
        if wanted and _normal(lines[index]) == wanted:
            verdicts[index] = "headline_repeat"


def _mark_repeats(lines: list[str], content: list[int], verdicts: dict[int, str]) -> None:
    """A line that another kept line already says (key points, caption copies) goes.

    Of two near-copies the bullet goes before the paragraph, else the shorter, else the later.
    """
    tokens = {i: set(_normal(lines[i]).split()) for i in content if i not in verdicts}
    kept = [i for i in content if i not in verdicts and len(tokens[i]) >= REPEAT_MIN_TOKENS]
    for index in kept:
        for other in kept:
            if other == index or other in verdicts or index in verdicts:
                continue
            either_bullet = bool(BULLET.match(lines[index]) or BULLET.match(lines[other]))
            if _overlap(tokens[index], tokens[other]) < REPEAT_CONTAINMENT[either_bullet]:
                continue
            if _yields(lines, tokens, index, other):
                verdicts[index] = "repeat"


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / min(len(a), len(b))


def _yields(lines: list[str], tokens: dict[int, set[str]], index: int, other: int) -> bool:
    """Whether line `index` is the copy to drop in favour of line `other`."""
    bullet, other_bullet = bool(BULLET.match(lines[index])), bool(BULLET.match(lines[other]))
    if bullet != other_bullet:
        return bullet
    if len(tokens[index]) != len(tokens[other]):
        return len(tokens[index]) < len(tokens[other])
    return index > other


def _mark_recurring(lines: list[str], content: list[int], recurring: Collection[str],
                    verdicts: dict[int, str]) -> None:
    if not recurring:
        return
    hits = [i for i in content if i not in verdicts and line_key(lines[i]) in recurring]
    # When most lines recur, this is a reprint of the source's own story, not furniture.
    if len(hits) > RECURRING_MAX_SHARE * max(1, len(content)):
        return
    for index in hits:
        verdicts[index] = "recurring"


def _assemble(lines: list[str], content: list[int], verdicts: dict[int, str]) -> CleanResult:
    if all(i in verdicts for i in content):
        # Nothing would remain: a headline-only item. Lines judged by shape alone stay.
        verdicts = {i: rule for i, rule in verdicts.items() if rule != "headline"}
    kept: list[str] = []
    removed: list[RemovedLine] = []
    author: str | None = None
    for index in content:
        line = lines[index]
        rule = verdicts.get(index)
        if rule is None:
            kept.append(LEADING_DASH.sub("", line))
            continue
        removed.append(RemovedLine(text=line, rule=rule, line=index))
        if rule == "byline" and author is None:
            author = _byline_author(line)
    return CleanResult("\n\n".join(kept), tuple(removed), author)


def _byline_author(line: str) -> str | None:
    name = re.sub(r"^(by|words by|story by|text by)\s+", "", line, flags=re.IGNORECASE)
    name = re.split(r"\s*[|–—]\s*|,\s*(?=[a-z]|senior|chief|staff)", name)[0].strip(" .,")
    return name or None


class CleanStage:
    """Stage metadata for the cleaner (the runner calls `clean_text` per article)."""

    name: ClassVar[str] = "clean.lines.v1"
    requires: ClassVar[frozenset[str]] = frozenset({"raw_text"})
    provides: ClassVar[frozenset[str]] = frozenset({"text", "removed"})
