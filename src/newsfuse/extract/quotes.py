"""Quotes: direct and reported speech in an article, with the cue verb and the resolved speaker.

Direct quotes are found by a scanner over the text (straight and curly double quotes,
guillemets, single quotes that open after a space and close before one, and a paragraph left
open that the next paragraph continues). A quote split by its attribution ("We will respond,"
he said, "at a time of our choosing.") and each paragraph of a multi-paragraph quote are
separate items with one speaker, so every item's span is the exact words inside its marks.
Reported speech is the clausal complement of a cue verb ("X said (that) ...") or the rest of the
sentence around "according to X". Speakers come from the dependency parse (subject of the cue
verb, "said X" inversions, "according to X", "a statement from X"), then are resolved to an
actor, to the last named speaker (he/she/it/they, "the spokesman", "the ministry") or described
("unnamed U.S. defense official").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from newsfuse.extract.quote_marks import Piece, scan_quotes
from newsfuse.extract.speakers import (
    QuoteContext,
    Speaker,
    in_quotes,
    previous_sentence,
    speaker_of,
    subject_of,
    tokens_outside_quotes,
)
from newsfuse.model import Actor, Quote

CUE_LEMMAS = frozenset("""
say tell add warn claim deny state confirm announce explain insist note write reiterate argue
stress acknowledge declare vow pledge promise urge predict admit ask reply respond answer comment
tweet assert maintain emphasise emphasize caution accuse allege concede conclude observe remark
reveal describe report recall quip boast complain lament counter agree call tell
""".split())
ACCORDING = "according to"
SCARE_WORDS = 3  # a quote this short needs a cue verb in its own sentence
TITLE_WORDS = 10
ATTRIBUTION_TOKENS = 16  # a sentence this short holding only a cue ("Austin said.") names a speaker
REPORTED_MIN_TOKENS = 3
QUOTED_SHARE = 0.5  # a reported clause mostly inside quote marks is left to the direct quote
_TERMINAL = re.compile(r"[.!?…][\"”’»']*\s*$")
_DATELINE = re.compile(r"[A-Z][A-Z'’.\- ]{2,40}(?:,[^—–\n]{1,60})?\s*[—–]\s*")
WH_WORDS = frozenset("what how why whether if where when who whom which".split())
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")




@dataclass
class _Item:
    start: int
    end: int
    direct: bool
    cue: Any = None  # the cue token
    chain: int = -1
    speaker: Speaker | None = None
    at: int = 0  # where the attribution is, for "the last named speaker before it"





def find_quotes(text: str, doc: Any, actors: Sequence[Actor] = ()) -> list[Quote]:
    """Direct and reported quotes of one article with speaker and cue, in text order.

    Args:
        text: the cleaned article text.
        doc: the spaCy Doc of `text` (parser and NER); without one, direct quotes only.
        actors: the article's actors; a speaker overlapping an actor mention takes its name and
            key. With none, a speaker is the entity text or its noun phrase.

    Returns:
        One Quote per direct quote piece (each part of a split or multi-paragraph quote) and per
        reported clause; `text[q.start:q.end] == q.text` for every item.
    """
    pieces = scan_quotes(text)
    if doc is None:
        return [Quote(text=text[p.start:p.end], start=p.start, end=p.end) for p in pieces
                if len(_WORD.findall(text[p.start:p.end])) > SCARE_WORDS]
    ctx = QuoteContext(text, doc, actors, pieces, _breaks(text, doc, pieces))
    ctx.mentions = sorted(((m.start, m.end, a) for a in actors for m in a.mentions),
                          key=lambda m: (m[0], m[1], m[2].key))
    items = [_direct_item(ctx, piece) for piece in pieces]
    items += _reported_items(ctx)
    items.sort(key=lambda item: (item.start, item.end))
    _resolve(ctx, items)
    return [_quote(text, item) for item in items if _keep(ctx, item)]


def _quote(text: str, item: _Item) -> Quote:
    speaker = item.speaker or Speaker(None)
    return Quote(text=text[item.start:item.end], start=item.start, end=item.end,
                 speaker=speaker.name, speaker_key=speaker.key, cue=_cue_name(item.cue),
                 direct=item.direct)


def _cue_name(cue: Any) -> str | None:
    if cue is None:
        return None
    return ACCORDING if cue.lower_ == "according" else str(cue.lemma_).lower()


# --- sentence breaks and attribution windows ----------------------------------------------------


def _breaks(text: str, doc: Any, pieces: Sequence[Piece]) -> list[int]:
    """Offsets where a new sentence starts outside quote marks (plus paragraph starts)."""
    starts = {0} | {m.end() for m in re.finditer(r"\n+", text)}
    for sent in doc.sents:
        at = sent.start_char
        if _inside_quote(pieces, at) or not _TERMINAL.search(text[max(0, at - 4):at]):
            continue
        starts.add(at)
    for piece in pieces:  # "A." Officials said B: a full-stop quote ends its sentence
        after = text[piece.stop:piece.stop + 2].lstrip()
        if _TERMINAL.search(text[piece.start:piece.end]) and after[:1].isupper():
            starts.add(piece.stop)
    return sorted(starts)


def _inside_quote(pieces: Sequence[Piece], at: int) -> bool:
    return any(p.open < at < p.stop for p in pieces)


def _window(ctx: QuoteContext, piece: Piece) -> tuple[int, int, int, int]:
    """The text before the quote back to a break or quote, and after it up to one."""
    before = max([b for b in ctx.breaks if b <= piece.open] +
                 [p.stop for p in ctx.quotes if p.stop <= piece.open], default=0)
    after = min([b for b in ctx.breaks if b >= piece.stop] +
                [p.open for p in ctx.quotes if p.open >= piece.stop], default=len(ctx.text))
    return before, piece.open, piece.stop, after


def _cues_in(ctx: QuoteContext, start: int, end: int) -> list[Any]:
    return [t for t in tokens_outside_quotes(ctx, start, end) if _is_cue(t)]


def _is_cue(token: Any) -> bool:
    if token.lower_ == "according":
        return any(c.lower_ == "to" for c in token.children) or (
            token.i + 1 < len(token.doc) and token.doc[token.i + 1].lower_ == "to")
    if token.i > 0 and token.doc[token.i - 1].text == "-":  # "so-called"
        return False
    return token.pos_ == "VERB" and str(token.lemma_).lower() in CUE_LEMMAS


# --- direct quotes --------------------------------------------------------------------------


def _direct_item(ctx: QuoteContext, piece: Piece) -> _Item:
    item = _Item(piece.start, piece.end, True, chain=piece.chain, at=piece.start)
    before0, before1, after0, after1 = _window(ctx, piece)
    after = _cues_in(ctx, after0, after1)
    before = _cues_in(ctx, before0, before1)
    covering = [c for c in before + after if _covers(_complement(c), piece)]
    if covering:  # Dolan told supporters that he would not concede "until ..."
        item.cue, item.at = covering[-1], covering[-1].idx
    elif after:
        item.cue, item.at = after[0], after[0].idx
    elif before:
        item.cue, item.at = before[-1], before[-1].idx
    return item


def _covers(comp: Any, piece: Piece) -> bool:
    if comp is None:
        return False
    first, last = comp.left_edge, comp.right_edge
    return bool(first.idx <= piece.open and piece.start < last.idx + len(last))


def _sentence_cue(ctx: QuoteContext, start: int, end: int) -> Any:
    """The cue of a short attribution sentence ("Austin said in a statement."), if it is one."""
    tokens = tokens_outside_quotes(ctx, start, end)
    if not tokens or len(tokens) > ATTRIBUTION_TOKENS or any(
            p.open >= start and p.stop <= end for p in ctx.quotes):
        return None
    cues = [t for t in tokens if _is_cue(t) and not _complement(t)]
    return cues[0] if cues else None


def _next_sentence(ctx: QuoteContext, at: int) -> tuple[int, int]:
    """The sentence that starts at the first break at or after `at`, within its paragraph."""
    start = min((b for b in ctx.breaks if b >= at), default=len(ctx.text))
    end = min((b for b in ctx.breaks if b > start), default=len(ctx.text))
    return start, end


# --- reported speech ------------------------------------------------------------------------


def _complement(cue: Any) -> Any:
    return next((c for c in cue.children if c.dep_ == "ccomp"), None)


def _reported_items(ctx: QuoteContext) -> list[_Item]:
    items = []
    for token in ctx.doc:
        if not _is_cue(token) or in_quotes(ctx, token.idx, token.idx + len(token)):
            continue
        span = _according_clause(token) if token.lower_ == "according" else _clause(token)
        if span is None:
            continue
        start, end = _trim(ctx.text, *span)
        start = _after_dateline(ctx.text, start, end)
        if not _same_paragraph(ctx.text, min(start, token.idx), max(end, token.idx)):
            clipped = _that_clause(ctx, token) or _clip(ctx, token, start, end)
            if clipped is None:
                continue
            start, end = clipped
        if end - start < 2 or _quoted_share(ctx, start, end) > QUOTED_SHARE:
            continue
        items.append(_Item(start, end, False, cue=token, at=token.idx))
    return items


def _clause(cue: Any) -> tuple[int, int] | None:
    comp = _complement(cue)
    if comp is None:
        return None
    if comp.left_edge.lower_ in WH_WORDS:  # "asked whether", "confirmed how many": no claim
        return None
    tokens = [t for t in comp.subtree if not (t.dep_ == "mark" and t.head == comp
                                              and t.lower_ == "that")]
    tokens = [t for t in tokens if t.i >= min(x.i for x in tokens if x.dep_ != "punct")]
    if len(tokens) < REPORTED_MIN_TOKENS:
        return None
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1])


def _that_clause(ctx: QuoteContext, cue: Any) -> tuple[int, int] | None:
    """ "said in a post on X that ...": the rest of the sentence after "that", when the parser
    (misled by a paragraph it joined to the sentence) found no complement."""
    line_end = ctx.text.find("\n", cue.idx)
    line_end = len(ctx.text) if line_end < 0 else line_end
    for token in cue.doc[cue.i + 1:cue.i + 12]:
        if token.idx >= line_end:
            return None
        if token.lower_ == "that" and token.dep_ == "mark":
            end = min((b for b in ctx.breaks if b > token.idx), default=len(ctx.text))
            start, stop = _trim(ctx.text, token.idx + len(token), min(end, line_end))
            stop -= 1 if ctx.text[stop - 1:stop] in (".", "!", "?") else 0
            return (start, stop) if stop - start > 2 else None
    return None


def _clip(ctx: QuoteContext, cue: Any, start: int, end: int) -> tuple[int, int] | None:
    """The part of a clause that lies in the cue's paragraph, unless it holds the speaker."""
    first = ctx.text.rfind("\n", 0, cue.idx) + 1
    last = ctx.text.find("\n", cue.idx)
    last = len(ctx.text) if last < 0 else last
    start, end = _trim(ctx.text, max(start, first), min(end, last))
    subject = subject_of(cue)
    if end - start < 2 or (subject is not None and start <= subject.idx < end):
        return None
    return start, end


def _according_clause(cue: Any) -> tuple[int, int] | None:
    """The sentence around "according to X", on the longer side of the phrase."""
    sent, phrase = cue.sent, list(cue.subtree)
    first, last = min(phrase[0].i, cue.i), max(phrase[-1].i, cue.i + 1)
    before = [t for t in sent if t.i < first]
    after = [t for t in sent if t.i > last]
    side = before if len(before) >= len(after) else after
    words = [t for t in side if not t.is_punct]
    if len(words) < REPORTED_MIN_TOKENS:
        return None
    return words[0].idx, words[-1].idx + len(words[-1])


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in ",;:—–-"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:—–-"):
        end -= 1
    return start, end


def _after_dateline(text: str, start: int, end: int) -> int:
    """Skip a dateline ("KESSEL, Norland (Wire) — ") that opens the paragraph of a clause."""
    if not _starts_paragraph(text, start):
        return start
    match = _DATELINE.match(text, start, end)
    return match.end() if match else start


def _quoted_share(ctx: QuoteContext, start: int, end: int) -> float:
    inside = sum(max(0, min(end, p.stop) - max(start, p.open)) for p in ctx.quotes)
    return inside / max(1, end - start)


# --- keeping and dropping -------------------------------------------------------------------


def _keep(ctx: QuoteContext, item: _Item) -> bool:
    """Drop scare quotes and titles: short or title-case direct quotes without a cue."""
    if not item.direct:
        return True
    words = _WORD.findall(ctx.text[item.start:item.end])
    if not words:
        return False
    if _looks_like_title(ctx.text, item, words):
        return False
    if len(words) <= SCARE_WORDS and re.search(r"(?i)\bso-called\s*\W?$", ctx.text[:item.start]):
        return False
    speaker = item.speaker.name if item.speaker else None
    return len(words) > SCARE_WORDS or (speaker is not None and item.chain < 0)


def _looks_like_title(text: str, item: _Item, words: list[str]) -> bool:
    inner = text[item.start:item.end]
    if len(words) > TITLE_WORDS or _TERMINAL.search(inner) or inner.rstrip()[-1:] in ",;:":
        return False
    if len(words) <= SCARE_WORDS and item.cue is not None:
        return False
    long_words = [w for w in words if len(w) > 3]
    return len(words) > 1 and bool(long_words) and all(w[0].isupper() for w in long_words)


# --- speakers -------------------------------------------------------------------------------


def _resolve(ctx: QuoteContext, items: list[_Item]) -> None:
    """Speakers in text order, so that pronouns find the last named speaker before them."""
    chains: dict[int, _Item] = {}
    cues: dict[int, Any] = {}
    for item in items:  # one attribution for all paragraphs of a quote
        if item.chain >= 0 and item.cue is not None:
            cues.setdefault(item.chain, item.cue)
    for item in items:
        if item.chain >= 0 and item.cue is None and item.chain in cues:
            item.cue = cues[item.chain]
    for item in items:
        if item.direct and item.cue is None:
            _fallback_cue(ctx, item, items, chains)
        if item.cue is not None and item.speaker is None:
            item.speaker = speaker_of(ctx, item.cue)
        if item.speaker is not None and item.speaker.name:
            ctx.history.append((item.at, item.speaker))
        if item.chain >= 0 and item.cue is not None:
            chains.setdefault(item.chain, item)
    for item in items:  # a chain attributed at its end lends its speaker to its first pieces
        head = chains.get(item.chain) if item.chain >= 0 else None
        if head is not None and item.cue is None:
            item.cue, item.speaker = head.cue, head.speaker


def _fallback_cue(ctx: QuoteContext, item: _Item, items: list[_Item],
                  chains: dict[int, _Item]) -> None:
    """A quote with no cue in its sentence: the next short attribution sentence, the quote
    before it in the paragraph, or the cue sentence before or after its paragraph."""
    words = len(_WORD.findall(ctx.text[item.start:item.end]))
    if item.chain >= 0 and item.chain in chains:
        _inherit(item, chains[item.chain])
        return
    if words <= SCARE_WORDS:
        return
    piece = next(p for p in ctx.quotes if p.start == item.start)
    cue = _sentence_cue(ctx, *_next_sentence(ctx, piece.stop))
    if cue is not None and _same_paragraph(ctx.text, piece.stop, cue.idx):
        item.cue, item.at = cue, cue.idx
        return
    previous = _previous_direct(ctx, item, items)
    if previous is not None:
        _inherit(item, previous)
        return
    if not _starts_paragraph(ctx.text, piece.open):
        return
    cue = _sentence_cue(ctx, *previous_sentence(ctx, piece.open))
    if cue is not None and ctx.text[:piece.open].rstrip().endswith(":"):
        item.cue, item.at = cue, cue.idx
    elif not ctx.text[piece.stop:].split("\n", 1)[0].strip():  # a whole quote paragraph
        start, end = _next_sentence(ctx, piece.stop)
        cue = _sentence_cue(ctx, start, end) if not _starts_quote(ctx, start) else None
        if cue is not None:
            item.cue, item.at = cue, cue.idx


def _starts_quote(ctx: QuoteContext, at: int) -> bool:
    return any(at <= p.open <= at + 2 for p in ctx.quotes)


def _inherit(item: _Item, other: _Item) -> None:
    item.cue, item.speaker = other.cue, other.speaker


def _previous_direct(ctx: QuoteContext, item: _Item, items: list[_Item]) -> _Item | None:
    """The direct quote just before this one (same paragraph, or the paragraph before it
    when this quote opens its paragraph), if it has a speaker and nothing else came between."""
    index = items.index(item)
    earlier = [i for i in items[:index] if i.direct]
    if not earlier or earlier[-1].speaker is None:
        return None
    prev = earlier[-1]
    lines = ctx.text[prev.end:item.start].split("\n")
    if len(lines) == 1:
        return prev
    # The paragraph right before, ending with that quote or its short attribution.
    if any(line.strip() for line in lines[1:-1]) or not _starts_paragraph(ctx.text, item.start):
        return None
    return prev if len(_WORD.findall(lines[0])) <= ATTRIBUTION_TOKENS else None


def _starts_paragraph(text: str, at: int) -> bool:
    line_start = text.rfind("\n", 0, at) + 1
    return not text[line_start:at].strip(" \t\"“«‘'•*-–—")


def _same_paragraph(text: str, start: int, end: int) -> bool:
    return "\n" not in text[start:end]
