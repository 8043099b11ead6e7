"""Multi-document summarisation on DUC 2003 (100 words) and DUC 2007 (250 words): ours vs baselines.

Usage: .venv/bin/python bench/summarize.py [--clusters] [--tune] [--sets duc2004 duc2006]

ROUGE-1/2 recall and F1 from the `rouge-score` package (its tokenizer, Porter stemming on,
stopwords kept), the system summary and every reference truncated to the set's word limit
(whitespace words, as ROUGE-1.5.5 `-l`); a cluster's score is the mean over its references, a
set's the mean over clusters. Baselines, computed in the same run on the same sentences
(`split_sentences`): Lead (first sentences of the most recent article, then the next most
recent), LexRank (TF-IDF cosine graph, edges above 0.1, power iteration with damping 0.85,
best-ranked first, skipping a sentence with cosine > 0.5 to one already taken) and MMR (cosine
to the TF-IDF centroid, lambda 0.7). DUC 2007 is query-focused, but ours and the baselines are
all generic (a query-cosine boost lowered R2 on the DUC 2007 tuning clusters and was dropped).
Budget: every system obeys the rule our brief follows, no sentence past the word limit (one that
does not fit is passed over for the next that does). The "(cut)" lines show the baselines with
the other common rule, the last sentence running past the limit and cut by the scorer, which
gives them a few more words than any brief that stops at the limit.
Held-out clusters (sha1(id) mod 4 == 0) are printed separately and never used by --tune.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import gzip
import itertools
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from rouge_score import rouge_scorer
from sklearn.feature_extraction.text import TfidfVectorizer

from common import held_out
from newsfuse.brief import DEFAULT_WEIGHTS, BriefDoc, Weights, build_brief, split_sentences

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
SETS = ("duc2004", "duc2006")
SCORER = rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)
Summarizer = Callable[[dict[str, Any], list[BriefDoc], int], str]



def load(name: str) -> list[dict[str, Any]]:
    """The clusters of one DUC set."""
    with gzip.open(DATA / name / "dev.jsonl.gz", "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def brief_docs(cluster: dict[str, Any]) -> list[BriefDoc]:
    """The cluster's documents as brief inputs, split by our fallback splitter."""
    return [BriefDoc(id=d["id"], text=d["text"], sentences=split_sentences(d["text"]),
                     published=d.get("published"), title=d.get("title"))
            for d in cluster["documents"]]


def sentences(docs: list[BriefDoc]) -> list[str]:
    """Every sentence of the cluster, in document order."""
    return [" ".join(doc.text[s:e].split()) for doc in docs for s, e in doc.sentences]


def truncate(text: str, words: int) -> str:
    """The first `words` whitespace words."""
    return " ".join(text.split()[:words])


def rouge(summary: str, references: Sequence[str], words: int) -> np.ndarray:
    """R1 recall, R1 F, R2 recall, R2 F, averaged over the references."""
    summary = truncate(summary, words)
    rows = []
    for reference in references:
        got = SCORER.score(truncate(reference, words), summary)
        rows.append([got["rouge1"].recall, got["rouge1"].fmeasure,
                     got["rouge2"].recall, got["rouge2"].fmeasure])
    return np.asarray(rows).mean(axis=0) * 100


def fill(order: Sequence[int], texts: Sequence[str], words: int, overflow: bool) -> str:
    """Sentences taken in `order` until the limit is reached. With `overflow` the last one may
    run past the limit (the scorer cuts it); without, a sentence that does not fit is passed
    over for the next that does, the rule our brief follows."""
    taken, count = [], 0
    for i in order:
        if count >= words:
            break
        size = len(texts[i].split())
        if not overflow and count + size > words:
            continue
        taken.append(i)
        count += size
    return " ".join(texts[i] for i in taken)


def lead(_: dict[str, Any], docs: list[BriefDoc], words: int, overflow: bool = False) -> str:
    """First sentences of the most recent article, then of the next most recent."""
    recent = sorted(range(len(docs)), key=lambda d: (docs[d].published or "", d), reverse=True)
    texts = [" ".join(docs[d].text[s:e].split()) for d in recent for s, e in docs[d].sentences]
    return fill(range(len(texts)), texts, words, overflow)


def tfidf(texts: list[str]) -> np.ndarray:
    """Unit TF-IDF rows of the sentences (IDF over the cluster's sentences)."""
    matrix = TfidfVectorizer(stop_words="english").fit_transform(texts)
    return np.asarray(matrix.todense())


def lexrank(_: dict[str, Any], docs: list[BriefDoc], words: int, overflow: bool = False) -> str:
    """LexRank: thresholded cosine graph, power iteration, best first without near-repeats."""
    texts = sentences(docs)
    vectors = tfidf(texts)
    sims = vectors @ vectors.T
    graph = ((sims > 0.1) | np.eye(len(texts), dtype=bool)).astype(float)
    graph /= graph.sum(axis=1, keepdims=True)
    n = len(texts)
    rank = np.full(n, 1.0 / n)
    for _ in range(100):
        new = 0.15 / n + 0.85 * graph.T @ rank
        if np.abs(new - rank).sum() < 1e-6:
            break
        rank = new
    order: list[int] = []
    for i in sorted(range(n), key=lambda i: (-rank[i], i)):
        if all(sims[i, j] <= 0.5 for j in order):
            order.append(i)
    return fill(order, texts, words, overflow)


def mmr(_: dict[str, Any], docs: list[BriefDoc], words: int, overflow: bool = False,
        lam: float = 0.7) -> str:
    """MMR: relevance to the TF-IDF centroid against similarity to what is chosen."""
    texts = sentences(docs)
    vectors = tfidf(texts)
    centroid = vectors.mean(axis=0)
    relevance = vectors @ (centroid / max(np.linalg.norm(centroid), 1e-9))
    sims = vectors @ vectors.T
    chosen: list[int] = []
    count = 0
    left = set(range(len(texts)))
    while left and count < words:
        if not overflow:
            left = {i for i in left if count + len(texts[i].split()) <= words}
            if not left:
                break
        def gain(i: int) -> float:
            penalty = max((sims[i, j] for j in chosen), default=0.0)
            return lam * relevance[i] - (1 - lam) * penalty

        best = max(sorted(left), key=gain)
        chosen.append(best)
        left.discard(best)
        count += len(texts[best].split())
    return " ".join(texts[i] for i in chosen)


def ours_with(weights: Weights) -> Summarizer:
    """Our brief with the given weights, as plain text."""
    def run(_: dict[str, Any], docs: list[BriefDoc], words: int) -> str:
        return " ".join(line.text for line in build_brief(docs, words, weights=weights))
    return run


def evaluate(clusters: list[dict[str, Any]], systems: dict[str, Summarizer],
             show: bool) -> dict[str, list[tuple[bool, np.ndarray, float]]]:
    """Per system, one (held-out, ROUGE row, seconds) per cluster."""
    results: dict[str, list[tuple[bool, np.ndarray, float]]] = {name: [] for name in systems}
    for cluster in clusters:
        words = cluster["length_limit_words"]
        docs = brief_docs(cluster)
        for name, system in systems.items():
            started = time.perf_counter()
            summary = system(cluster, docs, words)
            seconds = time.perf_counter() - started
            results[name].append((held_out(cluster["id"]),
                                  rouge(summary, cluster["summaries"], words), seconds))
        if show:
            ours, base = results["ours"][-1], results["MMR"][-1]
            print(f"  {cluster['id']:18s} {len(docs):2d} docs  ours {ours[2] * 1000:5.0f} ms  "
                  f"R2 ours {ours[1][2]:5.2f} MMR {base[1][2]:5.2f}"
                  f"{'  (held-out)' if ours[0] else ''}")
    return results


def report(name: str, results: dict[str, list[tuple[bool, np.ndarray, float]]]) -> None:
    """A table per part: tuning clusters, held-out clusters, all."""
    for part, keep in (("tuning", False), ("held-out", True), ("all", None)):
        n = sum(1 for h, _, _ in results["ours"] if keep is None or h == keep)
        print(f"{name} {part} ({n} clusters)     R1-R   R1-F   R2-R   R2-F")
        for system, rows in results.items():
            mean = np.mean([r for h, r, _ in rows if keep is None or h == keep], axis=0)
            print(f"  {system:15s} " + " ".join(f"{v:6.2f}" for v in mean))
    times = [s for _, _, s in results["ours"]]
    print(f"{name} ours time per cluster: mean {np.mean(times) * 1000:.0f} ms, "
          f"max {max(times) * 1000:.0f} ms")


def tune(sets: Sequence[str]) -> None:
    """A small grid over the weights, scored on the tuning clusters only (mean R2 recall)."""
    data = {name: [c for c in load(name) if not held_out(c["id"])] for name in sets}
    grid = {"support": [0.0, 0.3, 0.6], "centrality": [0.4, 0.8, 1.2],
            "position": [0.125, 0.25, 0.5], "concepts": [0.5, 1.0, 2.0]}
    rows = []
    for values in itertools.product(*grid.values()):
        weights = dataclasses.replace(DEFAULT_WEIGHTS, **dict(zip(grid, values, strict=True)))
        system = ours_with(weights)
        figures = []
        for clusters in data.values():
            figures.append(np.mean([rouge(system(c, brief_docs(c), c["length_limit_words"]),
                                          c["summaries"], c["length_limit_words"])[2]
                                    for c in clusters]))
        rows.append((float(np.mean(figures)), figures, values))
        print(f"  {values} R2-R {' '.join(f'{f:.2f}' for f in figures)}", flush=True)
    print("best on the tuning clusters:")
    for mean, figures, values in sorted(rows, key=lambda r: -r[0])[:8]:
        print(f"  {dict(zip(grid, values, strict=True))} mean {mean:.2f} per set {figures}")


def main() -> None:
    """Score ours and the baselines on the DUC dev sets and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", action="store_true", help="print each cluster's time")
    parser.add_argument("--tune", action="store_true", help="grid-search the tuning clusters")
    parser.add_argument("--sets", nargs="+", default=list(SETS), choices=SETS)
    args = parser.parse_args()
    if args.tune:
        tune(args.sets)
        return
    build_brief([BriefDoc("warm", "Warm up the word table.", ((0, 23),))])
    for name in args.sets:
        clusters = load(name)
        systems: dict[str, Summarizer] = {"ours": ours_with(DEFAULT_WEIGHTS)}
        systems |= {"Lead": lead, "LexRank": lexrank, "MMR": mmr}
        systems |= {f"{n} (cut)": functools.partial(f, overflow=True)
                    for n, f in (("Lead", lead), ("LexRank", lexrank), ("MMR", mmr))}
        print(f"{name}: {len(clusters)} clusters, limit {clusters[0]['length_limit_words']} "
              "words")
        report(name, evaluate(clusters, systems, args.clusters))


if __name__ == "__main__":
    main()
