"""The event page's map: the event's placed places over the bundled outlines, zoomed to them.

The outlines are the rings of `static/world.svg` (equirectangular, tenths of a degree), read
once per process; an event's map keeps only the rings whose box meets its view, so a page
carries a few kilobytes of outline instead of the whole world. Coordinates in the view are
degrees (x = longitude, y = -latitude), as on the /map page.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

WORLD = Path(__file__).parent / "static" / "world.svg"
MAP_W, MAP_H = 960, 480  # the drawn size in CSS pixels; the view keeps this 2:1 shape
MIN_SPAN = 8.0  # degrees of longitude shown at least, so a single town still shows its region
MARGIN = 0.2  # of the places' extent, added on every side
MAX_LABELS = 12
LABEL_PX = 12  # font size of the place names, in CSS pixels
_RING = re.compile(r"M[^M]+")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_PATH_DATA = re.compile(r"[Mlz0-9 .-]*")


@dataclass(frozen=True)
class Ring:
    """One outline ring: its path data as in world.svg and its box in degrees."""

    path: str
    west: float
    south: float
    east: float
    north: float


@functools.cache
def outline_rings() -> tuple[Ring, ...]:
    """Every ring of the bundled world outline with its bounding box (parsed once)."""
    svg = WORLD.read_text(encoding="utf-8")
    data = re.search(r'\sd="([^"]+)"', svg)
    return tuple(_ring(part) for part in _RING.findall(data.group(1) if data else ""))


def _ring(path: str) -> Ring:
    """A ring's box, walking its absolute start and relative steps (tenths of a degree)."""
    numbers = [float(n) for n in _NUMBER.findall(path)]
    x, y = numbers[0], numbers[1]
    xs, ys = [x], [y]
    for dx, dy in zip(numbers[2::2], numbers[3::2], strict=False):
        x, y = x + dx, y + dy
        xs.append(x)
        ys.append(y)
    return Ring(path, min(xs) / 10, -max(ys) / 10, max(xs) / 10, -min(ys) / 10)


def view_box(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    """(west, north, width, height) in degrees around (lat, lon) points: 2:1, with a margin."""
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    width = max((max(lons) - min(lons)) * (1 + 2 * MARGIN), MIN_SPAN)
    height = max((max(lats) - min(lats)) * (1 + 2 * MARGIN), MIN_SPAN * MAP_H / MAP_W)
    width = min(max(width, height * MAP_W / MAP_H), 360.0)
    height = width * MAP_H / MAP_W
    centre_lon = (max(lons) + min(lons)) / 2
    centre_lat = (max(lats) + min(lats)) / 2
    west = min(max(centre_lon - width / 2, -180.0), 180.0 - width)
    north = min(max(centre_lat + height / 2, -90.0 + height), 90.0)
    return round(west, 3), round(north, 3), round(width, 3), round(height, 3)


@functools.lru_cache(maxsize=512)
def rings_in(west: float, north: float, width: float, height: float) -> Markup:
    """The path data of the outline rings that meet the view (cached: events share views).

    The data is our own bundled file's, checked to be path syntax only, so it is marked safe
    and the template does not escape 100 KB of digits on every page.
    """
    east, south = west + width, north - height
    data = "".join(r.path for r in outline_rings()
                   if r.east >= west and r.west <= east and r.north >= south and r.south <= north)
    if not _PATH_DATA.fullmatch(data):
        raise ValueError("the bundled world outline holds more than path data")
    return Markup(data)


def event_map(places: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The geometry of an event's map: view, outline, sized points and labels that fit.

    Points are the places with coordinates, most mentioned first (the record's order), sized by
    the square root of their mentions; None when no place has coordinates.
    """
    placed = [p for p in places if p.get("lat") is not None and p.get("lon") is not None]
    if not placed:
        return None
    west, north, width, height = view_box([(float(p["lat"]), float(p["lon"])) for p in placed])
    unit = width / MAP_W  # degrees per CSS pixel
    most = max(len(p.get("mentions") or ()) for p in placed) or 1
    points = []
    for place in placed:
        mentions = len(place.get("mentions") or ())
        radius_px = 4 + 8 * math.sqrt(mentions / most)
        points.append({**place, "n": mentions, "x": round(float(place["lon"]), 4),
                       "y": round(-float(place["lat"]), 4), "r": round(radius_px * unit, 4)})
    return {"width": MAP_W, "height": MAP_H,
            "view": f"{west} {-north} {width} {height}",
            "box": {"x": west, "y": -north, "w": width, "h": height},
            "outline": rings_in(west, north, width, height),
            "points": points[::-1],  # the biggest drawn last, on top
            "labels": _labels(points, unit), "font": round(LABEL_PX * unit, 4)}


def _labels(points: list[dict[str, Any]], unit: float) -> list[dict[str, Any]]:
    """Names beside the most mentioned points, skipping any that would overlap a kept one."""
    kept: list[tuple[float, float, float, float]] = []
    labels: list[dict[str, Any]] = []
    for point in points:
        if len(labels) >= MAX_LABELS:
            break
        x = point["x"] + point["r"] + 3 * unit
        width = len(point["name"]) * LABEL_PX * 0.6 * unit
        box = (x, point["y"] - LABEL_PX * unit / 2, x + width, point["y"] + LABEL_PX * unit / 2)
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
               for b in kept):
            continue
        kept.append(box)
        labels.append({"x": round(x, 4), "y": round(point["y"], 4), "text": point["name"]})
    return labels
