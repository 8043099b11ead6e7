"""The dedupe stage: exact copies by hash, near-copies (reprints, edited wires) by MinHash/LSH."""

from __future__ import annotations

import hashlib
import re
from typing import ClassVar

import numpy as np

NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
SHINGLE = 5
NEAR_DUPLICATE = 0.7
_PRIME = np.uint64((1 << 61) - 1)
_MAX = np.uint64((1 << 32) - 1)
_rng = np.random.RandomState(20240123)  # fixed seed: signatures must be the same on every run
_A = _rng.randint(1, 1 << 31, size=NUM_PERM, dtype=np.uint64)
_B = _rng.randint(0, 1 << 31, size=NUM_PERM, dtype=np.uint64)
_WORD = re.compile(r"\w+")


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    """Word n-grams of the lower-cased text (the whole text when it is shorter than n words)."""
    words = _WORD.findall(text.casefold())
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


def signature(text: str) -> tuple[int, ...]:
    """The MinHash signature of a text (NUM_PERM 32-bit values); empty for empty text."""
    grams = shingles(text)
    if not grams:
        return ()
    hashes = np.array([int.from_bytes(hashlib.blake2b(g.encode("utf-8"), digest_size=4).digest(),
                                      "little") for g in sorted(grams)], dtype=np.uint64)
    permuted = ((np.outer(hashes, _A) + _B) % _PRIME) & _MAX
    return tuple(int(v) for v in permuted.min(axis=0))


def band_keys(sig: tuple[int, ...]) -> list[tuple[int, int]]:
    """LSH band keys: (band number, 63-bit hash of that band's rows)."""
    if not sig:
        return []
    keys = []
    for band in range(BANDS):
        rows = np.asarray(sig[band * ROWS:(band + 1) * ROWS], dtype=np.uint32).tobytes()
        digest = hashlib.blake2b(rows, digest_size=8).digest()
        keys.append((band, int.from_bytes(digest, "little") >> 1))
    return keys


def similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """Estimated Jaccard similarity of two signatures."""
    if not a or not b:
        return 0.0
    return float(np.mean(np.asarray(a) == np.asarray(b)))


class DedupeStage:
    """Stage metadata for near-duplicate detection."""

    name: ClassVar[str] = "dedupe.minhash.v1"
    requires: ClassVar[frozenset[str]] = frozenset({"text"})
    provides: ClassVar[frozenset[str]] = frozenset({"signature", "duplicate_of"})
