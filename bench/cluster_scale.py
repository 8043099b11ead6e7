"""Grouping cost as the store grows: time per article at 1k, 10k and 50k articles, and memory.

Run: python bench/cluster_scale.py [--articles 50000]
Real analyses of the news-stream and ECB+ dev sets (spaCy run once, cached) are replicated:
replica r follows replica r-1 in time (shifted by the base span) and its names and rarest terms
get a replica mark, so the stream keeps a constant density while its history grows, and every
replica is a different set of events sharing the same generic vocabulary. Articles are
fed in time order through the online grouper (index candidates, window expiry, a repair pass
every 2,000 articles with its cost spread over them). Target: the
time per article at 50k within 1.5x of 1k; memory growth under 2 GB.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from newsfuse.cluster import OnlineGrouper
from newsfuse.features import ArticleFeatures
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


def replicas(items: list[ArticleFeatures], total: int) -> Iterator[ArticleFeatures]:
    """Shifted, renamed copies in time order, produced lazily."""
    first = date.fromisoformat(items[0].date[:10])
    span = (date.fromisoformat(items[-1].date[:10]) - first).days + 1
    made, replica = 0, 0
    while True:
        batch = []
        for f in items:
            day = date.fromisoformat(f.date[:10]) + timedelta(days=replica * span)
            batch.append((day, f))
        for day, f in sorted(batch, key=lambda x: x[0]):
            yield _renamed(f, replica, day)
            made += 1
            if made >= total:
                return
        replica += 1


def _renamed(f: ArticleFeatures, replica: int, day: date) -> ArticleFeatures:
    mark = f"~{replica}"
    rare = set(sorted(f.terms, key=lambda t: -f.terms[t])[:8])
    return ArticleFeatures(
        article_id=f"{f.article_id}{mark}",
        terms={(t + mark if t in rare else t): w for t, w in f.terms.items()},
        people={k + mark: v for k, v in f.people.items()},
        orgs={k + mark: v for k, v in f.orgs.items()},
        places={k + mark: v for k, v in f.places.items()},
        person_counts={k + mark: v for k, v in f.person_counts.items()},
        quantities=set(f.quantities), years=set(f.years), date=day.isoformat())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/newsfuse-tune"))
    args = parser.parse_args()
    args.cache.mkdir(exist_ok=True)
    items = base_items(args.cache)
    grouper = OnlineGrouper()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times: list[float] = []
    for seq, features in enumerate(replicas(items, args.articles), 1):
        start = time.perf_counter()
        grouper.partial_fit(features, seq, None)
        times.append(time.perf_counter() - start)
        grouper.take_dirty()  # the runner writes these; here they are dropped
        if seq % REPAIR_EVERY == 0:  # as the runner does after each window, cost spread over it
            start = time.perf_counter()
            grouper.repair(seq)
            grouper.take_changes()
            share = (time.perf_counter() - start) / REPAIR_EVERY
            times[-REPAIR_EVERY:] = [t + share for t in times[-REPAIR_EVERY:]]
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


if __name__ == "__main__":
    main()
