"""The desk's charts: timeline buckets, the /timeline bars and the event page's dated strip.

Charts are drawn on the server as inline SVG (the CSP allows no scripts and no inline styles),
so everything here is numbers for SVG presentation attributes; colours live in style.css.
"""

from __future__ import annotations

import re
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


# -- the event page's timeline strip -------------------------------------------------------------

STRIP_W, STRIP_LABEL_W, STRIP_ROW, STRIP_AXIS = 960, 150, 18, 30
STRIP_MAX_ROWS = 60  # a longer timeline is still listed in full below the chart
TICK_STEPS = (("day", 1), ("day", 2), ("day", 7), ("day", 14), ("month", 1), ("month", 2),
              ("month", 3), ("month", 6), ("year", 1), ("year", 2), ("year", 5), ("year", 10),
              ("year", 25), ("year", 100))
_TIMEX = re.compile(r"(\d{4})(?:-(?:(\d{2})(?:-(\d{2}))?|W(\d{2})|Q([1-4])))?(?![\d-])")


def date_range(value: str) -> tuple[date, date] | None:
    """The first and last day a TIMEX3-style date stands for (day, week, month, quarter, year)."""
    found = _TIMEX.match(value or "")
    if not found:
        return None
    year, month, day, week, quarter = found.groups()
    try:
        if day:
            first = date(int(year), int(month), int(day))
            return first, first
        if month:
            first = date(int(year), int(month), 1)
            return first, _next_start(first, "month") - timedelta(days=1)
        if week:
            first = date.fromisocalendar(int(year), int(week), 1)
            return first, first + timedelta(days=6)
        if quarter:
            first = date(int(year), 3 * int(quarter) - 2, 1)
            return first, _next_start(_next_start(_next_start(first, "month"), "month"),
                                      "month") - timedelta(days=1)
        return date(int(year), 1, 1), date(int(year), 12, 31)
    except ValueError:  # 2023-02-30 and the like: not a day, so not drawn
        return None


def strip_svg(entries: list[dict[str, Any]]) -> dict[str, Any] | None:
    """One row per dated timeline entry on a shared day axis: a dot for a day, a bar for a span.

    Entries keep their order and list number (`n`), so a mark and its line below the chart
    carry the same number; entries whose date is no calendar span are left out of the chart.
    """
    dated = [(e, span) for e in entries[:STRIP_MAX_ROWS] if (span := date_range(e["date"]))]
    if not dated:
        return None
    first = min(s[0] for _, s in dated)
    last = max(s[1] for _, s in dated) + timedelta(days=1)  # a span ends after its last day
    days = max((last - first).days, 1)
    left, right = STRIP_LABEL_W, STRIP_W - 12
    scale = (right - left) / days

    def x(day: date) -> float:
        return round(left + (day - first).days * scale, 2)

    rows = []
    for i, (entry, (low, high)) in enumerate(dated):
        y = STRIP_ROW * i + STRIP_ROW / 2
        x0, x1 = x(low), x(high + timedelta(days=1))
        rows.append({**entry, "y": round(y, 2), "x": x0, "w": round(max(x1 - x0, 1.0), 2),
                     "cx": round((x0 + x1) / 2, 2), "point": high == low})
    height = STRIP_ROW * len(dated)
    return {"width": STRIP_W, "height": height + STRIP_AXIS, "rows": rows, "left": left,
            "right": right, "baseline": height, "label_x": left - 8,
            "ticks": [{"x": x(d), "text": text} for d, text in _strip_ticks(first, last)],
            "tick_y": height + 16, "first": first.isoformat(),
            "last": (last - timedelta(days=1)).isoformat()}


def _strip_ticks(first: date, last: date) -> list[tuple[date, str]]:
    """At most seven ticks between first and last, on whole days, months or years."""
    span = (last - first).days
    for unit, step in TICK_STEPS:
        if span / (step * {"day": 1, "month": 30.4, "year": 365.2}[unit]) <= 7:
            break
    out, day = [], _round_up(first, unit, step)
    while day < last:
        out.append((day, day.isoformat()[:{"day": 10, "month": 7, "year": 4}[unit]]))
        day = _add(day, unit, step)
    return out


def _round_up(day: date, unit: str, step: int) -> date:
    if unit == "day":
        return day
    if unit == "month":
        first = date(day.year, day.month, 1)
        first = first if first == day else _add(first, "month", 1)
        while (first.month - 1) % step:
            first = _add(first, "month", 1)
        return first
    year = day.year + (day != date(day.year, 1, 1))
    return date(year + (-year % step), 1, 1)


def _add(day: date, unit: str, step: int) -> date:
    if unit == "day":
        return day + timedelta(days=step)
    months = day.year * 12 + day.month - 1 + (step if unit == "month" else 12 * step)
    return date(months // 12, months % 12 + 1, 1)
