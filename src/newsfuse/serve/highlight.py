"""An article's clean text as HTML with its extractions marked, every piece escaped on its own.

Spans may overlap (a place inside a quote, a number inside a claim): the text is cut at every
span boundary, and each piece is wrapped in one `<mark>` naming all the spans that cover it, so
the output never nests or crosses tags whatever the spans do.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from newsfuse.model import Analysis

KINDS = ("time", "place", "actor", "quote", "claim", "type")


@dataclass(frozen=True)
class Mark:
    """One highlighted span: its offsets, its kind (one of KINDS) and its normalised value."""

    start: int
    end: int
    kind: str
    label: str


def _number(value: float | None) -> str:
    if value is None:
        return "∞"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _claim_label(predicate: str, low: float | None, high: float | None,
                 attribution: str | None) -> str:
    if low is not None and high is not None and low == high:
        value = _number(low)
    else:
        value = f"[{_number(low) if low is not None else '?'}, {_number(high)}]"
    who = f", according to {attribution}" if attribution else ""
    return f"claim: {predicate} = {value}{who}"


def marks_of(analysis: Analysis | None) -> list[Mark]:
    """Every extraction of an analysis as a mark, in text order."""
    if analysis is None:
        return []
    marks = [Mark(t.start, t.end, "time", f"time: {t.value}" + (
        f" ({t.low} to {t.high})" if t.low and t.high and t.low != t.high else ""))
        for t in analysis.times]
    marks += [Mark(p.start, p.end, "place", f"place: {p.name}" + (
        f" ({p.lat:.4f}, {p.lon:.4f})" if p.lat is not None and p.lon is not None else ""))
        for p in analysis.places]
    marks += [Mark(m.start, m.end, "actor", f"{a.kind}: {a.name}" + (
        f" ({a.role})" if a.role else "")) for a in analysis.actors for m in a.mentions]
    marks += [Mark(q.start, q.end, "quote", f"quote: {q.speaker or 'unknown speaker'}" + (
        f" ({q.cue})" if q.cue else "")) for q in analysis.quotes]
    marks += [Mark(c.start, c.end, "claim", _claim_label(c.predicate, c.low, c.high,
                                                          c.attribution))
              for c in analysis.claims]
    kind = analysis.event_type
    if kind is not None:
        marks.append(Mark(kind.start, kind.end, "type", f"event type: {kind.event_type} / "
                          f"{kind.sub_type}"))
    return sorted(marks, key=lambda m: (m.start, m.end, m.kind, m.label))


def highlight(text: str, marks: Sequence[Mark], anchors: Iterable[int] = (),
              target: tuple[int, int] | None = None) -> Markup:
    """The text as safe HTML: marks as `<mark>` pieces, an empty `#s-N` anchor at each N.

    A `target` span (a fact's exact words, linked from the event page) is wrapped whole in
    `<span id="hit">`; its ends are cuts like any mark's, so the wrapper never crosses a tag.
    """
    size = len(text)
    valid = [m for m in marks if 0 <= m.start < m.end <= size and m.kind in KINDS]
    points = {p for p in anchors if 0 <= p < size}
    hit = target if target and 0 <= target[0] < target[1] <= size else None
    cuts = sorted({0, size, *points, *(m.start for m in valid), *(m.end for m in valid),
                   *(hit or ())})
    out: list[str] = []
    for left, right in itertools.pairwise(cuts):
        if hit and left == hit[0]:
            out.append('<span class="hit" id="hit">')
        if left in points:
            out.append(f'<span class="anchor" id="s-{left}"></span>')
        piece = str(escape(text[left:right]))
        covering = [m for m in valid if m.start <= left and right <= m.end]
        if covering:
            kinds = " ".join(f"m-{k}" for k in sorted({m.kind for m in covering}))
            title = escape("; ".join(dict.fromkeys(m.label for m in covering)))
            out.append(f'<mark class="{kinds}" title="{title}">{piece}</mark>')
        else:
            out.append(piece)
        if hit and right == hit[1]:
            out.append("</span>")
    return Markup("".join(out))


def counts(marks: Sequence[Mark]) -> dict[str, int]:
    """How many marks of each kind, for the page's legend."""
    return {kind: sum(1 for m in marks if m.kind == kind) for kind in KINDS}
