"""Event grouping benchmark on ECB+ dev and the news-stream dev set, vs TF-IDF + agglomerative.

Run: python bench/cluster.py [--sets ecbplus newsstream] [--shuffles 5]
Each set is fed through `newsfuse ingest` (as JSON Lines, gold fields removed, in file order:
the news stream is sorted by date). The scorer alone reads the gold `event`/`topic` fields.
Scores are printed for the whole set and for its held-out part (gold topics/events whose
hash falls in the held-out fifth), which weights were never tuned on. The baseline is
TF-IDF + average-link agglomerative clustering with its distance threshold tuned on the
same data (its best threshold is reported, which flatters it).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import held_out as _held_out
from scoring import bcubed, lookalike_merge_rate, pairwise

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
GOLD = ("event", "topic")



def held_out(key: str) -> bool:
    """The held-out fifth, chosen by a hash of the gold topic (ECB+) or event (stream)."""
    return _held_out(key, 5)


def load(name: str) -> list[dict]:
    with gzip.open(DATA / name / "dev.jsonl.gz", "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]



def run_newsfuse(rows: list[dict]) -> tuple[dict[str, str], float]:
    """Ingest the rows (gold removed) into a fresh store; returns id -> event and seconds."""
    from newsfuse.export import build_document
    from newsfuse.pipeline import ingest
    from newsfuse.store import open_store

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "input.jsonl"
        path.write_text("".join(json.dumps({k: v for k, v in r.items() if k not in GOLD}) + "\n"
                                for r in rows), encoding="utf-8")
        store = open_store(str(Path(folder) / "bench.db"))
        start = time.perf_counter()
        ingest([path], store)
        seconds = time.perf_counter() - start
        labels = {a["id"]: a["event"] for a in build_document(store)["articles"]}
        store.close()
    return labels, seconds


def baseline(rows: list[dict], gold: dict[str, str]) -> tuple[dict[str, str], float]:
    """TF-IDF + agglomerative clustering with the threshold that scores best on this data."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1).fit_transform(
        [r["text"] for r in rows]).toarray()
    best: tuple[float, dict[str, str], float] = (-1.0, {}, 0.0)
    for threshold in [x / 20 for x in range(8, 20)]:
        model = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                        distance_threshold=threshold).fit(matrix)
        labels = {r["id"]: str(c) for r, c in zip(rows, model.labels_, strict=True)}
        f1 = bcubed(gold, labels)[2]
        if f1 > best[0]:
            best = (f1, labels, threshold)
    return best[1], best[2]


def report(name: str, rows: list[dict], labels: dict[str, str], system: str) -> None:
    gold = {r["id"]: r["event"] for r in rows}
    topic = {r["id"]: r.get("topic") or r["event"] for r in rows}
    for part in ("all", "held-out"):
        keep = {i for i in gold if part == "all" or held_out(topic[i])}
        g = {i: gold[i] for i in keep}
        bp, br, bf = bcubed(g, labels)
        pf = pairwise(g, labels)[2]
        merge = lookalike_merge_rate(g, topic, labels)
        print(f"{name:10} {part:8} {system:26} {bp:6.3f} {br:6.3f} {bf:6.3f} {pf:7.3f} "
              f"{merge:7.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sets", nargs="+", default=["ecbplus", "newsstream"])
    parser.add_argument("--shuffles", type=int, default=0,
                        help="also run N shuffled orders of ECB+ and print the F1 spread")
    args = parser.parse_args()
    print(f"{'set':10} {'part':8} {'system':26} {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6} "
          f"{'pair F1':>7} {'lookalk':>7}")
    for name in args.sets:
        rows = load(name)
        gold = {r["id"]: r["event"] for r in rows}
        labels, seconds = run_newsfuse(rows)
        report(name, rows, labels, f"newsfuse ({len(rows) / seconds:.1f} art/s)")
        base, threshold = baseline(rows, gold)
        report(name, rows, base, f"tfidf+agglo (t={threshold:.2f})")
        if args.shuffles and name == "ecbplus":
            scores = []
            for seed in range(args.shuffles):
                shuffled = rows[:]
                random.Random(seed).shuffle(shuffled)
                scores.append(bcubed(gold, run_newsfuse(shuffled)[0])[2])
            print(f"{name:10} order sensitivity over {args.shuffles} shuffles: B3 F1 "
                  f"{min(scores):.3f}..{max(scores):.3f} (spread {max(scores) - min(scores):.3f})")


if __name__ == "__main__":
    main()
