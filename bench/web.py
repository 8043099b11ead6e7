"""Web desk latency on a store of 20,000+ articles: events list, search and event pages.

Run: python bench/web.py [--articles 20000] [--requests 200]
The examples/ corpus is analysed once with the real pipeline; its articles are then replicated
through the store API with shifted ids, dates (publication and every ISO date in the analysis)
and same-length renamed places and actors, so every replica is a set of distinct events with
valid spans. `newsfuse serve` runs in a subprocess; 8 concurrent httpx clients measure p50/p95
of the list page, a search and event pages (targets: p95 < 100 ms for event pages, < 200 ms for
search). Event pages of held-out ids (stable hash) are reported separately. "First request" means
no client asked for that event before: the desk renders each event's page when it indexes the
event at start-up, and the start-up time printed includes that. Baseline in the same
run: datasette serving the same file's articles table, when it installs into a temporary venv.
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from common import held_out
from newsfuse.model import Analysis, Article, Assignment
from newsfuse.pipeline import PipelineSettings, ingest
from newsfuse.store import Batch, EventRecord, open_store

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = 8
_ISO_DAY = re.compile(r"\b(1[89]\d\d|2[01]\d\d)-(\d\d)-(\d\d)")


def shift_days(text: str, days: int) -> str:
    """Every ISO day in the text moved by `days`."""
    def move(m: re.Match[str]) -> str:
        try:
            return (date.fromisoformat(m.group(0)) + timedelta(days=days)).isoformat()
        except ValueError:
            return m.group(0)
    return _ISO_DAY.sub(move, text)


def rename(name: str, replica: int) -> str:
    """A same-length variant of a name (letters rotated), so every span stays valid."""
    shift = replica % 25 + 1
    out = []
    for ch in name:
        if "a" <= ch <= "z":
            out.append(chr((ord(ch) - 97 + shift) % 26 + 97))
        elif "A" <= ch <= "Z":
            out.append(chr((ord(ch) - 65 + shift) % 26 + 65))
        else:
            out.append(ch)
    return "".join(out)


def base_store(folder: Path) -> Path:
    """The examples analysed once with the real pipeline."""
    db = folder / "base.db"
    store = open_store(str(db))
    try:
        ingest([ROOT / "examples"], store, PipelineSettings(workers=1))
    finally:
        store.close()
    return db


def names_of(analysis_json: str) -> list[str]:
    """Place and actor names of an analysis, longest first (so substrings are replaced last)."""
    data = json.loads(analysis_json)
    names = {p["text"] for p in data.get("places", [])}
    names |= {m["text"] for a in data.get("actors", []) for m in a.get("mentions", [])}
    names |= {a["name"] for a in data.get("actors", [])}
    return sorted((n for n in names if len(n) >= 4 and n.isascii()), key=lambda n: (-len(n), n))


def replicate(base: Path, target: Path, total: int) -> int:
    """Write `total` articles: replicas of the base store's articles, events and analyses."""
    src = open_store(str(base), create=False)
    articles = list(src.articles())
    analyses = {a.id: src.conn.execute("SELECT data FROM analyses WHERE article_id = ?",
                                       (a.id,)).fetchone()[0] for a in articles}
    assignments = {a.id: src.assignment(a.id) for a in articles}
    events = {e.id: e for e in src.event_states()}
    src.close()
    names = sorted({n for text in analyses.values() for n in names_of(text)},
                   key=lambda n: (-len(n), n))
    pattern = re.compile("|".join(re.escape(n) for n in names))
    out = open_store(str(target))
    seq, replica = 1, 0
    while seq <= total:
        batch, seq = _replica(articles, analyses, assignments, events, pattern, replica, seq)
        out.write_batch(batch)
        replica += 1
    out.close()
    return seq - 1


def _replica(articles: list[Article], analyses: dict[str, str],
             assignments: dict[str, Assignment | None], events: dict[str, EventRecord],
             pattern: re.Pattern[str], replica: int, seq: int) -> tuple[Batch, int]:
    days, mark = replica * 3, f"~{replica}"

    def swap(value: str) -> str:
        return pattern.sub(lambda m: rename(m.group(0), replica), value)

    batch, first = Batch(), seq
    for article in articles:
        text = swap(article.text)
        published = shift_days(article.published, days) if article.published else None
        batch.articles.append(article.model_copy(update={
            "id": article.id + mark, "seq": seq, "text": text, "published": published,
            "title": swap(article.title or "") + f" ({replica})",
            "duplicate_of": article.duplicate_of + mark if article.duplicate_of else None}))
        data = swap(shift_days(analyses[article.id], days))
        batch.analyses.append(Analysis.model_validate_json(data).model_copy(
            update={"article_id": article.id + mark}))
        assignment = assignments[article.id]
        if assignment is not None:
            batch.assignments.append(assignment.model_copy(update={
                "article_id": article.id + mark, "event_id": assignment.event_id + mark,
                "runner_up": None}))
        seq += 1
    for event in events.values():
        batch.events.append(EventRecord(
            id=event.id + mark, title=swap(event.title or "") + f" ({replica})",
            start=shift_days(event.start, days) if event.start else None,
            end=shift_days(event.end, days) if event.end else None, n_articles=event.n_articles,
            first_seq=event.first_seq + first - 1, last_seq=event.last_seq + first - 1))
    return batch, seq


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, process: subprocess.Popen[bytes], limit: float = 900) -> float:
    """Seconds until the server answers `url` (raises if it dies or takes too long)."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=5).status_code < 500:
                return time.perf_counter() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError("server did not start in time")


def measure(base: str, paths: list[str]) -> dict[str, float]:
    """p50/p95 (ms) of GETting the paths with 8 concurrent clients; errors counted."""
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()
    chunks = [paths[i::CLIENTS] for i in range(CLIENTS)]

    def worker(chunk: list[str]) -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            for path in chunk:
                start = time.perf_counter()
                response = client.get(path)
                took = (time.perf_counter() - start) * 1000
                with lock:
                    times.append(took)
                    errors[0] += response.status_code != 200
    threads = [threading.Thread(target=worker, args=(c,)) for c in chunks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cuts = statistics.quantiles(times, n=20)
    return {"n": len(times), "p50": statistics.median(times), "p95": cuts[18],
            "errors": errors[0]}


def show(label: str, figures: dict[str, float], target: float | None = None) -> None:
    """One result line."""
    verdict = "" if target is None else ("  ok" if figures["p95"] < target else "  OVER TARGET")
    print(f"  {label:<38} n={figures['n']:<4} p50 {figures['p50']:7.1f} ms  "
          f"p95 {figures['p95']:7.1f} ms  errors {figures['errors']}"
          + (f"  (target p95 < {target:.0f} ms){verdict}" if target else ""))


def run_ours(db: Path, requests: int) -> None:
    """Start `newsfuse serve`, then time the list, searches and event pages."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen([sys.executable, "-m", "newsfuse", "-q", "serve", "--db", str(db),
                                "--port", str(port)], stderr=subprocess.DEVNULL)
    try:
        print(f"newsfuse serve: ready after {wait_ready(base + '/api/events?limit=1', process):.1f}"
              " s (event index built at start-up)")
        ids = _event_ids(base)
        tune = [i for i in ids if not held_out(i)]
        held = [i for i in ids if held_out(i)]
        words = ["minister", "flood*", "drones", "copper mine", "Brannvik", "court ferry",
                 "rate", "strike fuel", "rescue", "election"]
        print(f"  {len(ids):,} events; {CLIENTS} concurrent clients")
        show("events list (/)", measure(base, ["/"] * requests))
        show("events list JSON (/api/events)", measure(base, ["/api/events"] * requests))
        show("search (/?q=...)", measure(base, [f"/?q={words[i % len(words)]}"
                                                for i in range(requests)]), 200)
        show("search + filter (/?q=&disputed=1)",
             measure(base, [f"/?q={words[i % len(words)]}&disputed=1" for i in range(requests)]),
             200)
        show("event page, first view (/events/{id})",
             measure(base, [f"/events/{tune[i * 7 % len(tune)]}" for i in range(requests)]), 100)
        show("event page, held-out ids",
             measure(base, [f"/events/{held[i * 7 % len(held)]}" for i in range(requests)]), 100)
        show("event JSON (/api/events/{id})",
             measure(base, [f"/api/events/{tune[i % 20]}" for i in range(requests)]), 100)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _event_ids(base: str) -> list[str]:
    """Every event id, walking the cursor pages of the JSON list."""
    ids, cursor = [], None
    with httpx.Client(base_url=base, timeout=60) as client:
        while True:
            data = client.get("/api/events", params={"limit": 200, "cursor": cursor}
                              if cursor else {"limit": 200}).json()
            ids += [e["id"] for e in data["events"]]
            cursor = data["next"]
            if not cursor:
                return ids


def run_datasette(db: Path, folder: Path, requests: int) -> None:
    """The baseline: datasette over the same file's articles table, if it installs quickly."""
    venv = folder / "datasette-venv"
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "datasette"], check=True,
                       timeout=240, capture_output=True)
    except (subprocess.SubprocessError, OSError):
        print("datasette: not installed (could not pip-install it into a temporary venv)")
        return
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    name = db.stem
    process = subprocess.Popen([str(venv / "bin" / "datasette"), "serve", str(db), "-p",
                                str(port), "--setting", "sql_time_limit_ms", "5000"],
                               stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    try:
        wait_ready(f"{base}/{name}.json", process, 120)
        ids = _datasette_ids(base, name)
        print(f"datasette (baseline, articles table of the same file), {CLIENTS} clients")
        show("articles table (/db/articles)",
             measure(base, [f"/{name}/articles?_sort_desc=seq"] * requests))
        words = ["minister", "flood", "drones", "copper", "Brannvik", "court", "rate", "fuel"]
        show("search (text LIKE, ?text__contains=)",
             measure(base, [f"/{name}/articles?text__contains={words[i % len(words)]}"
                            for i in range(requests)]), 200)
        show("article row page (/db/articles/{id})",
             measure(base, [f"/{name}/articles/{tilde(ids[i * 7 % len(ids)])}"
                            for i in range(requests)]), 100)
    finally:
        process.terminate()
        process.wait(timeout=30)


def tilde(value: str) -> str:
    """Datasette's tilde encoding of a path component ("~" is "~7E")."""
    safe = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
    return "".join(c if c in safe else "".join(f"~{b:02X}" for b in c.encode()) for c in value)


def _datasette_ids(base: str, name: str) -> list[str]:
    rows = httpx.get(f"{base}/{name}.json", params={
        "sql": "select id from articles order by seq desc limit 500", "_shape": "array"},
        timeout=60).json()
    return [r["id"] for r in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--keep", type=Path, help="Keep (or reuse) the built store here.")
    parser.add_argument("--no-baseline", action="store_true", help="Skip datasette.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsfuse-web-") as tmp:
        folder = Path(tmp)
        db = args.keep or folder / "news.db"
        if not db.exists():
            start = time.perf_counter()
            written = replicate(base_store(folder), db, args.articles)
            print(f"store: {written:,} articles written in {time.perf_counter() - start:.0f} s "
                  f"({db.stat().st_size / 1e6:.0f} MB)")
        run_ours(db, args.requests)
        if args.no_baseline:
            print("datasette: skipped (--no-baseline)")
        else:
            run_datasette(db, folder, args.requests)


if __name__ == "__main__":
    main()
