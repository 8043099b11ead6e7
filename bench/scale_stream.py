"""The scale benchmark's stream: real dev-set articles replicated in time with varied names,
rarer words and counts, written to JSON Lines shards (imported by bench/scale.py)."""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SETS = ("newsstream", "ecbplus", "duc2004", "duc2006", "meantime", "geovirus")
START = datetime(2001, 1, 1)
SHARD = 1000  # articles per JSON Lines file: the reader loads one file at a time
COMMON = 400  # the most frequent lower-case words carry grammar and news vocabulary: kept
PLACE_TABLES = ("countries.tsv", "regions.tsv", "continents.tsv", "admin.tsv", "cities.tsv.gz")
CALENDAR = frozenset("""january february march april may june july august september october
november december monday tuesday wednesday thursday friday saturday sunday""".split())
DEMONYM_ENDINGS = ("an", "ans", "ian", "ians", "ese", "ish", "i", "is")
_WORD = re.compile(r"[A-Za-z]+")
_COUNT = re.compile(r"(?<![\w.,$])(\d{1,3}(?:,\d{3})+|\d+)(?=\s+[a-z])")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_MONTH_BEFORE = re.compile(
    r"(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?\s*$")


@dataclass(frozen=True)
class Base:
    """One real article of the base corpus, placed in the replica's time span."""

    id: str
    text: str
    title: str | None
    source: str | None
    url: str | None
    year: int | None  # publication year in the data set, if it has one
    offset: float  # days after the start of its replica


def base_corpus(span_days: float) -> list[Base]:
    """The dev sets' articles without gold fields; dated ones keep their order in the span."""
    rows = []
    for name in SETS:
        with gzip.open(DATA / name / "dev.jsonl.gz", "rt", encoding="utf-8") as lines:
            for line in lines:
                item = json.loads(line)
                for doc in item.get("documents") or [item]:
                    rows.append((name, doc))
    dated = sorted((str(d.get("published") or d.get("dct")), str(d["id"])) for _, d in rows
                   if d.get("published") or d.get("dct"))
    rank = {doc_id: i for i, (_, doc_id) in enumerate(dated)}
    corpus = []
    for name, doc in rows:
        doc_id = str(doc["id"])
        published = doc.get("published") or doc.get("dct")
        if doc_id in rank:
            offset = rank[doc_id] * span_days / len(dated)
        else:  # undated sets: spread over the span by a stable hash of the id
            offset = _unit(f"{name}:{doc_id}") * span_days
        corpus.append(Base(id=f"{name}-{doc_id}", text=doc["text"], title=doc.get("title"),
                           source=doc.get("source"), url=doc.get("url"),
                           year=int(published[:4]) if published else None, offset=offset))
    return sorted(corpus, key=lambda b: (b.offset, b.id))


def _unit(key: str) -> float:
    """A stable number in [0, 1) from a string."""
    return int.from_bytes(hashlib.sha1(key.encode()).digest()[:8], "big") / 2**64


class Varier:
    """Rewrites a base text for replica r: other names, rarer words and counts, same grammar."""

    def __init__(self, corpus: list[Base], seed: int) -> None:
        self.seed = seed
        lower: Counter[str] = Counter()
        capital: set[str] = set()
        for item in corpus:
            for word in _WORD.findall(f"{item.title or ''}\n{item.text}"):
                if word.islower():
                    lower[word] += 1
                elif word[0].isupper() and word[1:].islower():
                    capital.add(word)
        common = {w for w, _ in lower.most_common(COMMON)} | CALENDAR
        self.tail = sorted(w for w in lower if len(w) >= 4 and w not in common)
        places = _place_words()
        stems = {p[:4] for p in places if len(p) >= 4}
        self.names = {w for w in capital if w.lower() not in lower and w.lower() not in CALENDAR
                      and w not in places and not _demonym(w, stems)}
        self.replica = -1
        self.words: dict[str, str] = {}

    def vary(self, text: str, replica: int, year_shift: int) -> str:
        """The replica's version of a text; replica 0 only has its years shifted."""
        if year_shift:
            text = _YEAR.sub(lambda m: str(int(m.group()) + year_shift), text)
        if replica == 0:
            return text
        self._use(replica)
        text = _COUNT.sub(lambda m: self._count(m, replica), text)
        return _WORD.sub(lambda m: self._word(m.group(), replica), text)

    def _use(self, replica: int) -> None:
        """Per replica, each rarer word swaps with another of the same ending (a permutation)."""
        if replica == self.replica:
            return
        classes: dict[str, list[str]] = {}
        for word in self.tail:
            classes.setdefault(word[-3:], []).append(word)
        self.words = {}
        for ending, words in sorted(classes.items()):
            shuffled = list(words)
            random.Random(f"{self.seed}:{replica}:{ending}").shuffle(shuffled)
            self.words.update(zip(words, shuffled, strict=True))
        self.replica = replica

    def _word(self, word: str, replica: int) -> str:
        if word in self.words:
            return self.words[word]
        if word in self.names:
            return _pseudo_name(word, f"{self.seed}:{replica}")
        if word[0].isupper() and word[1:].islower() and word.lower() in self.words:
            return self.words[word.lower()].capitalize()  # a rarer word opening a sentence
        return word

    def _count(self, match: re.Match[str], replica: int) -> str:
        raw = match.group(1)
        if _MONTH_BEFORE.search(match.string[max(0, match.start() - 12):match.start()]):
            return raw  # a day of the month
        value = int(raw.replace(",", ""))
        if 1900 <= value <= 2099 and "," not in raw:
            return raw  # a year: shifted with the dates instead
        factor = 0.5 + _unit(f"{self.seed}:{replica}:{raw}")
        new = max(1, round(value * factor))
        new = new + 1 if new == value and value > 1 else new
        return f"{new:,}" if "," in raw else str(new)


def _place_words() -> set[str]:
    """Words of the shipped gazetteer's place names: place names stay real in every replica."""
    words: set[str] = set()
    folder = resources.files("newsfuse.data")
    for table in PLACE_TABLES:
        data = folder.joinpath(table).read_bytes()
        text = gzip.decompress(data) if table.endswith(".gz") else data
        for row in text.decode("utf-8").splitlines()[1:]:
            columns = row.split("\t")
            words.update(_WORD.findall(columns[0]))
            if table == "countries.tsv" and len(columns) > 8:
                words.update(_WORD.findall(columns[8]))
    return words


def _demonym(word: str, stems: set[str]) -> bool:
    """'Iraqi', 'Syrians', 'Chinese': an ending on the first four letters of a place name."""
    return word.endswith(DEMONYM_ENDINGS) and word[:4] in stems


def _pseudo_name(word: str, key: str) -> str:
    """A pronounceable made-up name of about the same length, fixed for (word, key)."""
    digest = hashlib.sha1(f"{key}:{word}".encode()).digest()
    syllables = max(2, round(len(word) / 2.5))
    consonants, vowels = "bdfgklmnprstvz", "aeiou"
    name = "".join(consonants[digest[2 * i] % 14] + vowels[digest[2 * i + 1] % 5]
                   for i in range(syllables))
    return name.capitalize()


def stream(corpus: list[Base], total: int, span_days: float, seed: int) -> Iterator[dict[str, Any]]:
    """JSON Lines records in time order, replica after replica, made one at a time."""
    varier = Varier(corpus, seed)
    made, replica = 0, 0
    while made < total:
        for item in corpus:
            when = START + timedelta(days=replica * span_days + item.offset)
            shift = when.year - item.year if item.year else 0
            record = {"id": f"{item.id}-r{replica}",
                      "text": varier.vary(item.text, replica, shift),
                      "published": when.strftime("%Y-%m-%dT%H:%M")}
            if item.title:
                record["title"] = varier.vary(item.title, replica, shift)
            if item.source:
                record["source"] = item.source
            if item.url:
                record["url"] = f"{item.url}?replica={replica}"
            yield record
            made += 1
            if made >= total:
                return
        replica += 1


@dataclass
class Written:
    """The shards on disk, the sample kept for the bare spaCy pass, and what writing cost."""

    shards: list[Path] = field(default_factory=list)
    sample: list[str] = field(default_factory=list)
    words: int = 0
    seconds: float = 0.0


def write_shards(records: Iterator[dict[str, Any]], folder: Path, total: int,
                 sample_size: int) -> Written:
    """Write the stream to numbered JSON Lines shards, keeping every k-th text as the sample."""
    out, every = Written(), max(1, total // max(1, sample_size))
    start = time.perf_counter()
    handle = None
    for number, record in enumerate(records):
        if number % SHARD == 0:
            if handle:
                handle.close()
            out.shards.append(folder / f"stream-{number // SHARD:05d}.jsonl")
            handle = out.shards[-1].open("w", encoding="utf-8")
        assert handle is not None
        handle.write(json.dumps(record) + "\n")
        out.words += len(record["text"].split())
        if number % every == 0 and len(out.sample) < sample_size:
            out.sample.append(record["text"])
    if handle:
        handle.close()
    out.seconds = time.perf_counter() - start
    return out


def overlap(corpus: list[Base], seed: int, count: int = 60) -> tuple[float, float]:
    """Mean and largest MinHash similarity of a base text to its replica-1 version."""
    from newsfuse.dedupe import signature, similarity

    varier = Varier(corpus, seed)
    step = max(1, len(corpus) // count)
    scores = [similarity(signature(b.text), signature(varier.vary(b.text, 1, 0)))
              for b in corpus[::step]]
    return sum(scores) / len(scores), max(scores)


def gold_events() -> dict[str, str]:
    """Base article id -> its gold event: the set's event, a DUC cluster, or the article itself
    (MEANTIME, GeoVirus); read by the scorer only, never fed to ingest."""
    gold = {}
    for name in SETS:
        with gzip.open(DATA / name / "dev.jsonl.gz", "rt", encoding="utf-8") as lines:
            for line in lines:
                item = json.loads(line)
                for doc in item.get("documents") or [item]:
                    event = item["id"] if "documents" in item else item.get("event") or doc["id"]
                    gold[f"{name}-{doc['id']}"] = f"{name}:{event}"
    return gold
