"""Grouping cost and quality as the store grows: time per article at 1k, 10k and 50k articles,
memory, and BCubed F1 against the replicas' own events.

Run: python bench/cluster_scale.py [--articles 50000] [--shift-days 30 --same-places]
Real analyses of the news-stream and ECB+ dev sets (spaCy run once, cached) are replicated:
replica r follows replica r-1 in time (shifted by the base span, or by `--shift-days`, so that
replicas overlap as recurring stories do) and its names and rarest terms get a replica mark
(places too unless `--same-places`: real news names the same places for new happenings), so
every replica is a different set of events sharing the same generic vocabulary. Articles are
fed in time order through the online grouper (index candidates, window expiry, a repair pass
every 2,000 articles with its cost spread over them). Targets: the time per article at 50k
within 1.5x of 1k; memory growth under 2 GB; F1 over the whole stream (gold: the base
article's event in its replica) as high as the grouping of one replica, printed beside it,
and no event spread over more than the configured `max_span_days`.
"""

from __future__ import annotations

import argparse
import heapq
import resource
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from cluster import load
from newsfuse.cluster import GroupingConfig, OnlineGrouper, final_event, regroup
from newsfuse.features import ArticleFeatures
from scoring import bcubed
from tune_cluster import stored

CHECKPOINTS = (1_000, 10_000, 50_000)
WINDOW = 500
REPAIR_EVERY = 2000  # the pipeline runner's window (PipelineSettings.sort_window)


def base_items(cache: Path) -> list[ArticleFeatures]:
    """Dated analyses: the news stream as published, ECB+ spread over 60 days."""
    stream = [f for f, _, _, _ in stored("newsstream", cache)]
    ecb = [f for f, _, _, _ in stored("ecbplus", cache)]
    start = date(2017, 1, 1)
    dated = [replace(f, date=(start + timedelta(days=i * 60 // len(ecb))).isoformat())
             for i, f in enumerate(ecb)]
    return sorted(stream + dated, key=lambda f: f.date or "")


def replicas(items: list[ArticleFeatures], total: int, shift_days: int | None = None,
             same_places: bool = False) -> Iterator[tuple[ArticleFeatures, str]]:
    """Shifted, renamed copies in time order with their base ids, produced lazily."""
    first = date.fromisoformat(items[0].date[:10])
    span = (date.fromisoformat(items[-1].date[:10]) - first).days + 1
    shift = shift_days or span
    made, replica = 0, 0
    pending: list[tuple[date, int, ArticleFeatures, int]] = []  # replicas overlap in time
    while made < total:
        next_start = first + timedelta(days=(replica + 1) * shift)
        for i, f in enumerate(items):
            day = date.fromisoformat(f.date[:10]) + timedelta(days=replica * shift)
            heapq.heappush(pending, (day, replica * len(items) + i, f, replica))
        while pending and pending[0][0] < next_start and made < total:
            day, _, f, r = heapq.heappop(pending)
            yield _renamed(f, r, day, same_places), f.article_id
            made += 1
        replica += 1


def _renamed(f: ArticleFeatures, replica: int, day: date,
             same_places: bool = False) -> ArticleFeatures:
    mark = f"~{replica}"
    rare = set(sorted(f.terms, key=lambda t: -f.terms[t])[:8])
    return ArticleFeatures(
        article_id=f"{f.article_id}{mark}",
        terms={(t + mark if t in rare else t): w for t, w in f.terms.items()},
        people={k + mark: v for k, v in f.people.items()},
        orgs={k + mark: v for k, v in f.orgs.items()},
        places=dict(f.places) if same_places else {k + mark: v for k, v in f.places.items()},
        person_counts={k + mark: v for k, v in f.person_counts.items()},
        quantities=set(f.quantities), years=set(f.years), date=day.isoformat(),
        agents={a + mark for a in f.agents}, title_terms={t + mark for t in f.title_terms},
        language=f.language)


def gold_events() -> dict[str, str]:
    """Base article id -> its gold event, read by this scorer only."""
    return {r["id"]: f"{name}:{r['event']}" for name in ("newsstream", "ecbplus")
            for r in load(name)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/newsfuse-tune"))
    parser.add_argument("--shift-days", type=int, default=None,
                        help="days between replicas (default: the base corpus's span)")
    parser.add_argument("--same-places", action="store_true",
                        help="replicas keep the place names of their base articles")
    parser.add_argument("--max-span-days", type=int, default=None,
                        help="override the grouping's max_span_days (0: no bound)")
    args = parser.parse_args()
    args.cache.mkdir(exist_ok=True)
    items = base_items(args.cache)
    config = GroupingConfig()
    if args.max_span_days is not None:
        config = replace(config, max_span_days=args.max_span_days)
    grouper = OnlineGrouper(config)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times: list[float] = []
    labels: dict[str, str] = {}
    gold: dict[str, str] = {}
    days: dict[str, date] = {}
    base_gold = gold_events()
    merged_into: dict[str, str] = {}
    stream = replicas(items, args.articles, args.shift_days, args.same_places)
    for seq, (features, base_id) in enumerate(stream, 1):
        start = time.perf_counter()
        assignment = grouper.partial_fit(features, seq, None)
        times.append(time.perf_counter() - start)
        grouper.take_dirty()  # the runner writes these; here they are dropped
        labels[features.article_id] = assignment.event_id
        gold[features.article_id] = f"{base_gold[base_id]}{features.article_id[len(base_id):]}"
        days[features.article_id] = date.fromisoformat(features.date[:10])
        if seq % REPAIR_EVERY == 0:  # as the runner does after each window, cost spread over it
            start = time.perf_counter()
            grouper.repair(seq)
            changes = grouper.take_changes()[0]
            share = (time.perf_counter() - start) / REPAIR_EVERY
            times[-REPAIR_EVERY:] = [t + share for t in times[-REPAIR_EVERY:]]
            merged_into.update((c.other_id, c.event_id) for c in changes)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{len(times):,} articles from {len(items)} real analyses; "
          f"{len(grouper.events_):,} events open at the end")
    reference = None
    print(f"{'at':>8} {'ms/article':>11} {'vs 1k':>6}")
    for point in CHECKPOINTS:
        if point > len(times):
            continue
        window = times[max(0, point - WINDOW):point]
        mean = 1000 * sum(window) / len(window)
        reference = reference or mean
        print(f"{point:>8,} {mean:11.3f} {mean / reference:6.2f}x")
    print(f"memory growth while grouping: {(rss_after - rss_before) / 1024:.0f} MB "
          f"(peak RSS {rss_after / 1024:.0f} MB; target: 50k within 1.5x of 1k, under 2 GB)")
    final = {a: final_event(merged_into, e) for a, e in labels.items()}
    _quality(final, gold, days, items, base_gold, config)


def _quality(labels: dict[str, str], gold: dict[str, str], days: dict[str, date],
             items: list[ArticleFeatures], base_gold: dict[str, str],
             config: GroupingConfig) -> None:
    """BCubed of the whole stream beside one replica's, and the widest and largest events."""
    p, r, f = bcubed(gold, labels)
    one = regroup([(f, seq, None, None) for seq, f in enumerate(items, 1)], config)
    _, _, f_one = bcubed({a: base_gold[a] for a in one}, one)
    members: dict[str, list[str]] = {}
    for article, event in labels.items():
        members.setdefault(event, []).append(article)
    spans = {e: (max(days[a] for a in m) - min(days[a] for a in m)).days
             for e, m in members.items()}
    largest = max(members.values(), key=len)
    print(f"grouping quality: BCubed P {p:.3f} R {r:.3f} F1 {f:.3f} over the stream "
          f"(one replica alone: F1 {f_one:.3f}); largest event {len(largest):,} articles, "
          f"widest {max(spans.values())} days (max_span_days {config.max_span_days or 'off'})")


if __name__ == "__main__":
    main()
