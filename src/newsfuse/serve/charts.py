"""The desk's charts: the timeline's buckets and the geometry of the timeline and map SVGs.

Both are drawn on the server as inline SVG (the CSP allows no scripts and no inline styles),
so everything here is numbers for SVG presentation attributes; colours live in style.css.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

WEEKLY_AFTER_DAYS = 92  # longer spans get one bar per week, so bars stay wider than a pixel
MONTHLY_AFTER_DAYS = 3 * 365  # and very long ones one per month
CHART_W, CHART_H, PAD_L, PAD_B, PAD_T = 960, 260, 44, 36, 12
GRATICULE_STEP = 30  # degrees between the map's grid lines


@dataclass(frozen=True)
class Bucket:
    """One bar of the timeline: a span of days and what happened in it."""

    start: str
    end: str
    events: int
    articles: int


def bucket_size(first: date, last: date) -> str:
    """'day', 'week' or 'month', by how long the span from first to last is."""
    span = (last - first).days
    if span > MONTHLY_AFTER_DAYS:
        return "month"
    return "week" if span > WEEKLY_AFTER_DAYS else "day"


def _bucket_start(day: date, size: str) -> date:
    if size == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1) if size == "month" else day


def _next_start(start: date, size: str) -> date:
    if size == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=7 if size == "week" else 1)


def buckets(days: list[tuple[str, int, int]]) -> tuple[str, list[Bucket]]:
    """Per-day (day, events, articles) counts as consecutive bars, empty spans included."""
    if not days:
        return "day", []
    parsed = [(date.fromisoformat(d), e, a) for d, e, a in days]
    size = bucket_size(parsed[0][0], parsed[-1][0])
    totals: dict[date, list[int]] = {}
    for day, events, articles in parsed:
        entry = totals.setdefault(_bucket_start(day, size), [0, 0])
        entry[0] += events
        entry[1] += articles
    out, start = [], _bucket_start(parsed[0][0], size)
    while start <= parsed[-1][0]:
        after = _next_start(start, size)
        events, articles = totals.get(start, (0, 0))
        out.append(Bucket(start.isoformat(), (after - timedelta(days=1)).isoformat(),
                          events, articles))
        start = after
    return size, out


def timeline_svg(bars: list[dict[str, Any]]) -> dict[str, Any]:
    """Bar rectangles, axis ticks and labels for the timeline, in a CHART_W x CHART_H box."""
    top = max((b["events"] for b in bars), default=0) or 1
    inner_w, inner_h = CHART_W - PAD_L - 8, CHART_H - PAD_B - PAD_T
    step = inner_w / max(len(bars), 1)
    gap = min(2.0, step * 0.2)
    rects = []
    for i, bar in enumerate(bars):
        height = inner_h * bar["events"] / top
        rects.append({**bar, "x": round(PAD_L + i * step + gap / 2, 2),
                      "w": round(max(step - gap, 0.5), 2),
                      "y": round(PAD_T + inner_h - height, 2), "h": round(height, 2)})
    every = max(1, len(bars) // 8)  # about eight date labels, however many bars
    labels = [{"x": round(PAD_L + (i + 0.5) * step, 2), "text": bar["from"]}
              for i, bar in enumerate(bars) if i % every == 0]
    ticks = sorted({0, top // 2, top})
    return {"width": CHART_W, "height": CHART_H, "bars": rects, "labels": labels,
            "baseline": PAD_T + inner_h, "left": PAD_L, "right": CHART_W - 8,
            "label_y": CHART_H - PAD_B + 16,
            "ticks": [{"y": round(PAD_T + inner_h - inner_h * t / top, 2), "text": t}
                      for t in ticks]}


def graticule() -> dict[str, list[int]]:
    """Meridians and parallels for the map grid, in degrees."""
    return {"lons": list(range(-180 + GRATICULE_STEP, 180, GRATICULE_STEP)),
            "lats": list(range(-90 + GRATICULE_STEP, 90, GRATICULE_STEP))}
