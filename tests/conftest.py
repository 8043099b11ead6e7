"""Shared fixtures: temporary stores, the sample corpus, the seeds, and a CLI runner."""

from __future__ import annotations

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


def run_cli(*args: str, cwd: Path | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run the installed CLI in a subprocess, as a user would."""
    return subprocess.run([sys.executable, "-m", "newsfuse", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=timeout, check=False)
