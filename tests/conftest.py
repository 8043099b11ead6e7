"""Shared fixtures: temporary stores, the sample corpus, the seeds, a CLI runner and the spaCy model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsfuse.store import open_store

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"


@pytest.fixture
def store(tmp_path):
    """A fresh SQLite store in a temporary file."""
    opened = open_store(str(tmp_path / "test.db"))
    yield opened
    opened.close()


@pytest.fixture
def seeds() -> Path:
    """The shared seed articles; skipped with a clear message when ../shared is absent."""
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS} (clone with ../shared beside the repo)")
    return SEEDS


def merge_smallest_into_largest(store, reason: str = "quay"):
    """Apply a merge to an open store as the ingest would; returns (small, large, moved, change)."""
    from newsfuse.model import EventChange, Reason
    from newsfuse.store import Batch

    events = sorted(store.events(), key=lambda e: (e.n_articles, e.id))
    small, large = events[0], events[-1]
    moved = [a.id for a in store.articles(small.id)]
    large.n_articles += small.n_articles
    change = EventChange(kind="merge", event_id=large.id, other_id=small.id, score=0.41,
                         reasons=(Reason(kind="terms", value=reason, weight=0.3),),
                         article_ids=tuple(moved), at_seq=99)
    store.write_batch(Batch(events=[large], changes=[change], removed_events=[small.id]))
    return small, large, moved, change


def run_cli(*args: str, cwd: Path | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run the installed CLI in a subprocess, as a user would."""
    return subprocess.run([sys.executable, "-m", "newsfuse", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=timeout, check=False)


# Articles written for the web desk's safety tests: every field an article can bring carries
# markup that would run if a page ever emitted it unescaped. Each payload names itself in
# `window.__pwned` and in an alert, so a failing test says which field leaked.
HOSTILE_ARTICLES = [
    {"id": "hostile-quay",
     "url": "javascript:window.__pwned='url';alert('url')",
     "source": "<img src=x onerror=\"window.__pwned='source';alert('source')\">Night Ledger",
     "title": "<script>window.__pwned='title';alert('title')</script> Quay warehouse fire "
              "<i>spreads</i>",
     "author": "\"><svg onload=\"window.__pwned='author';alert('author')\">",
     "published": "2025-04-07",
     "note": "<script>window.__pwned='metadata';alert('metadata')</script>",
     "text": ("Fire swept through a grain warehouse on the quay in Marseille, France, on Sunday, "
              "injuring four firefighters, the city fire service said. "
              "<script>window.__pwned='text';alert('text')</script>\n\n"
              "Residents shared a link <a href=\"javascript:window.__pwned='link';"
              "alert('link')\">see the blaze</a> and a photo <img src=x onerror=\"window."
              "__pwned='img';alert('img')\"> of the burning roof.\n\n"
              "\"\"><svg onload=\"window.__pwned='quote';alert('quote')\"> We could not get "
              "close to the silos,\" said fire officer Lene Vardy, who led the first crew.")},
    {"id": "\"><svg onload=\"window.__pwned='id';alert('id')\">",
     "url": " JaVaScRiPt:window.__pwned='url2';alert('url2')",
     "source": "\"><svg onload=\"window.__pwned='source2';alert('source2')\">Harbour Signal",
     "title": "Six firefighters hurt in Marseille grain fire <img src=x onerror=\"window."
              "__pwned='title2';alert('title2')\">",
     "published": "2025-04-07",
     "text": ("Six firefighters were injured when a grain warehouse burned on the Marseille quay "
              "on Sunday, according to <b onmouseover=\"window.__pwned='attr';alert('attr')\">"
              "the port police</b>.\n\n"
              "Crews from three stations fought the blaze for nine hours, and the harbour was "
              "closed to shipping until Monday morning. A reader wrote in with "
              "javascript:alert('bare') as the only text of the message.\n\n"
              "\"It was the worst fire on the quay in years <script>alert('q2')</script>,\" "
              "said harbour master Idris Kell.")},
]


@pytest.fixture(scope="session")
def web_db(tmp_path_factory) -> Path:
    """A store built by `newsfuse ingest` from examples/ and HOSTILE_ARTICLES, once a session."""
    folder = tmp_path_factory.mktemp("web")
    hostile = folder / "hostile.jsonl"
    hostile.write_text("".join(json.dumps(a) + "\n" for a in HOSTILE_ARTICLES), encoding="utf-8")
    db = folder / "desk.db"
    result = run_cli("ingest", str(EXAMPLES), str(hostile), "--db", str(db))
    assert result.returncode == 0, result.stderr[-2000:]
    return db


@pytest.fixture(scope="session")
def nlp():
    """The project's spaCy pipeline (loaded once per process)."""
    from newsfuse.nlp import load_model

    return load_model()
