"""Quote marks: the stretches of an article's text inside quotation marks, across paragraphs.

Straight and curly double quotes, guillemets, single quotes that open after a space and close
before one, and a paragraph left open that the next paragraph continues (the news convention).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Piece:
    """One stretch of quoted words: its marks (`open`, `stop` past the closing mark or the
    paragraph's end) and its words (`start`, `end`); `chain` links the paragraphs of one quote."""

    open: int
    stop: int
    start: int
    end: int
    chain: int = -1


DOUBLE_OPENERS = "\"“«„”"  # ” opens too: some sources use one mark both ways
DOUBLE_CLOSERS = {"\"": "\"”“", "“": "”\"“", "«": "»", "„": "“”\"", "”": "”\""}
SINGLE_OPENERS = "‘'"
SINGLE_CLOSERS = "’'"
_OPEN_AFTER = " \t([{—–-/:\"“«‘'"


def scan_quotes(text: str) -> list[Piece]:
    """Quoted stretches of text, top level only (quotes inside quotes stay inside)."""
    pieces: list[Piece] = []
    carry = -1  # the chain an open paragraph hands to the next one
    chains = 0
    for first, last in _paragraphs(text):
        found, unclosed = _doubles(text, first, last)
        leading = found[0][0] if found else unclosed
        starts_open = carry >= 0 and leading is not None and _opens_at(text, first, leading)
        next_chain = -1
        if unclosed is not None and _next_opens(text, last):
            if starts_open and not found:
                next_chain = carry
            else:
                next_chain, chains = chains, chains + 1
            found.append((unclosed, last))
        for index, (open_, stop) in enumerate(found):
            chain = -1
            if index == 0 and starts_open:
                chain = carry
            if index == len(found) - 1 and unclosed is not None and next_chain >= 0:
                chain = next_chain
            piece = _piece(text, open_, stop, chain)
            if piece is not None:
                pieces.append(piece)
        pieces.extend(_singles(text, first, last, found))
        carry = next_chain
    pieces.sort(key=lambda p: p.open)
    return pieces


def _paragraphs(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if m.group().strip()]


def _opens_at(text: str, first: int, at: int) -> bool:
    return not text[first:at].strip(" \t•*-–—")


def _next_opens(text: str, last: int) -> bool:
    """Whether the next paragraph starts with an opening double mark (a continued quote)."""
    match = re.compile(r"\s*[•*\-–—]?\s*([\"“«„”])").match(text, last)
    return match is not None and "\n" in text[last:match.start(1)]


def _can_open(text: str, at: int, first: int) -> bool:
    before = text[at - 1] if at > first else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    return before in _OPEN_AFTER and not after.isspace()


def _doubles(text: str, first: int, last: int) -> tuple[list[tuple[int, int]], int | None]:
    """Closed double-quoted stretches of one paragraph, and an opener left unclosed."""
    found: list[tuple[int, int]] = []
    opened: int | None = None
    for at in range(first, last):
        char = text[at]
        if opened is None:
            if char in DOUBLE_OPENERS and (char in "“«„" or _can_open(text, at, first)):
                opened = at
        elif char in DOUBLE_CLOSERS[text[opened]] and (
                char in "”»" or not text[at - 1].isspace() or _closes_before(text, at)):
            found.append((opened, at + 1))
            opened = None
    return found, opened


def _closes_before(text: str, at: int) -> bool:
    after = text[at + 1] if at + 1 < len(text) else " "
    return not after.isalnum()


def _singles(text: str, first: int, last: int, doubles: list[tuple[int, int]]) -> list[Piece]:
    """Single-quoted stretches outside double quotes; apostrophes (don't, the '90s) never open."""
    found: list[Piece] = []
    at = first
    while at < last:
        inside = next((d for d in doubles if d[0] <= at < d[1]), None)
        if inside is not None:
            at = inside[1]
            continue
        if text[at] in SINGLE_OPENERS and _can_open(text, at, first) and (
                at + 1 < last and text[at + 1].isalpha()):
            stop = _single_close(text, at + 1, last, doubles)
            piece = _piece(text, at, stop, -1) if stop else None
            if piece is not None:
                found.append(piece)
                at = piece.stop
                continue
        at += 1
    return found


def _single_close(text: str, at: int, last: int, doubles: list[tuple[int, int]]) -> int | None:
    for index in range(at, last):
        if any(d[0] <= index < d[1] for d in doubles):
            return None
        if text[index] in SINGLE_CLOSERS and not text[index - 1].isspace() and (
                index + 1 >= len(text) or not text[index + 1].isalnum()):
            return index + 1
    return None


def _piece(text: str, open_: int, stop: int, chain: int) -> Piece | None:
    """The words between the marks, without the space around them."""
    start = open_ + 1
    end = stop - 1 if stop > start and text[stop - 1] in "\"”“»’'" else stop
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Piece(open_, stop, start, end, chain) if end > start else None
