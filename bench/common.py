"""Helpers every benchmark shares: the stable held-out split and reading gzipped JSON Lines."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def held_out(key: str, parts: int = 4) -> bool:
    """Whether an item is in the held-out part: sha1(key) mod `parts` == 0 (never tuned on)."""
    return int(hashlib.sha1(key.encode()).hexdigest(), 16) % parts == 0


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """The records of a (gzipped) JSON Lines file."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)
