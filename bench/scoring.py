"""Clustering scores: BCubed and pairwise P/R/F1, and the look-alike merge rate."""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations


def bcubed(gold: dict[str, str], predicted: dict[str, str]) -> tuple[float, float, float]:
    """BCubed precision, recall and F1 over the items present in both mappings."""
    items = [i for i in gold if i in predicted]
    if not items:
        return 0.0, 0.0, 0.0
    # an item's share is |its cluster & its gold set| / |cluster|: summed per (cluster, gold)
    # cell as cell^2 / |cluster|, which stays fast when a cluster holds thousands of items
    cells = Counter((predicted[i], gold[i]) for i in items)
    pred_sizes = Counter(predicted[i] for i in items)
    gold_sizes = Counter(gold[i] for i in items)
    precision = sum(n * n / pred_sizes[p] for (p, _), n in cells.items()) / len(items)
    recall = sum(n * n / gold_sizes[g] for (_, g), n in cells.items()) / len(items)
    return precision, recall, _f1(precision, recall)


def pairwise(gold: dict[str, str], predicted: dict[str, str]) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 (pairs placed together)."""
    items = [i for i in gold if i in predicted]
    gold_pairs = _pairs(items, gold)
    pred_pairs = _pairs(items, predicted)
    both = len(gold_pairs & pred_pairs)
    precision = both / len(pred_pairs) if pred_pairs else 1.0
    recall = both / len(gold_pairs) if gold_pairs else 1.0
    return precision, recall, _f1(precision, recall)


def lookalike_merge_rate(gold: dict[str, str], topic: dict[str, str],
                         predicted: dict[str, str]) -> float:
    """Share of same-topic, different-event pairs that were put in one cluster."""
    by_topic: dict[str, list[str]] = defaultdict(list)
    for item in gold:
        if item in predicted:
            by_topic[topic[item]].append(item)
    merged = total = 0
    for members in by_topic.values():
        for a, b in combinations(members, 2):
            if gold[a] != gold[b]:
                total += 1
                merged += predicted[a] == predicted[b]
    return merged / total if total else 0.0


def _pairs(items: list[str], labels: dict[str, str]) -> set[tuple[str, str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for item in items:
        groups[labels[item]].append(item)
    return {tuple(sorted(p)) for g in groups.values() for p in combinations(g, 2)}


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0
