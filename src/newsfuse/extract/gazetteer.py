"""The offline gazetteer behind `places`: names, entries, loading the package data, lookup.

Tables come from `newsfuse.data` (README there: sources, licences); `facilities.tsv` is the
project's hand-written list of bases and camps, also fed to spaCy as an entity ruler.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any, NamedTuple

DATA_PACKAGE = "newsfuse.data"
TABLES = ("countries.tsv", "regions.tsv", "continents.tsv", "admin.tsv", "cities.tsv.gz")
CITY_KINDS = frozenset({"city", "capital"})  # "capital": a national capital (Place.kind "city")
STRONG_KINDS = frozenset({"country", "admin1", "admin2", "region", "continent"})
RULER_MIN_POPULATION = 5_000_000  # undotted initialisms (DRC, PRC) only for countries this big
WEAK_MIN_POPULATION = 100_000  # an ORG/NORP-labelled town must be at least this big
GENERIC_HEADS = ("province", "state", "county", "region", "district", "governorate",
                 "prefecture", "oblast", "municipality", "city", "town", "area")
GENERIC_MODIFIERS = ("northern", "southern", "eastern", "western", "central", "north", "south",
                     "east", "west", "northeastern", "northwestern", "southeastern",
                     "southwestern", "greater", "downtown", "rural", "mainland", "upstate")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}
_PUNCTUATION = re.compile(r"[\s.\-‐–—/,()]+")
# Words of letters that normalize() would only lower-case (no "the", no St/Mt/Ft, no initials).
_NOT_ABBREVIATION = r"(?!(?i:st|ste|mt|ft)\b)"
_SIMPLE = re.compile(rf"(?!(?i:the)\b){_NOT_ABBREVIATION}[A-Za-z]{{2,}}"
                     rf"(?: {_NOT_ABBREVIATION}[A-Za-z]{{2,}})*")
_SEPARATOR = r"[\s\-‐–]+"
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})


class Entry(NamedTuple):
    """One gazetteer entry."""

    name: str
    kind: str
    lat: float
    lon: float
    cc: str = ""
    admin1: str = ""
    population: int = 0
    geonameid: int = 0
    source: str = ""


class Candidate(NamedTuple):
    """A gazetteer entry that a mention's text may refer to."""

    entry: Entry
    alternate: bool  # matched by an alternate name only



@dataclass(slots=True)
class Gazetteer:
    """Names to entries, plus the facility matcher."""

    index: dict[str, list[Candidate]]
    facilities: re.Pattern[str] | None
    facility_names: dict[str, Entry]


# --- names ----------------------------------------------------------------------------------


def normalize(name: str) -> str:
    """The lookup key of a name: accents, case, dots, dashes, a leading "the" and the "the" of
    "of the" removed."""
    if _SIMPLE.fullmatch(name):  # fast path for most gazetteer names: just lower case
        return name.lower().replace(" of the ", " of ")
    text = name.translate(_APOSTROPHES)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    words = _PUNCTUATION.sub(" ", text.casefold().replace("'", "")).split()
    if words and words[0] == "the":
        words = words[1:]
    if len(words) > 1 and max(map(len, words)) == 1:  # U. S. -> us
        return "".join(words)
    # "Democratic Republic of Congo" is how news writes "... of the Congo".
    return " ".join([_ABBREVIATIONS.get(w, w) for w in words]).replace(" of the ", " of ")


def reductions(key: str) -> Iterator[tuple[str, bool]]:
    """Shorter keys for an unknown name, and whether a direction word went ('northern iraq')."""
    words = key.split()
    if len(words) > 1 and words[-1] in GENERIC_HEADS:
        yield " ".join(words[:-1]), False
    if len(words) > 1 and words[0] in GENERIC_MODIFIERS:
        yield " ".join(words[1:]), True
    if len(words) > 2 and words[0] in GENERIC_MODIFIERS and words[-1] in GENERIC_HEADS:
        yield " ".join(words[1:-1]), True


# --- loading --------------------------------------------------------------------------------


@functools.cache
def gazetteer() -> Gazetteer:
    """The gazetteer, loaded once per process from the package data."""
    sources = json.loads(_read_text("sources.json"))
    index: dict[str, list[Candidate]] = {}
    for table in TABLES:
        for entry, names in _read_table(table, sources[table]):
            _add(index, entry, names)
    facility_names: dict[str, Entry] = {}
    for entry, names in _read_facilities():
        _add(index, entry, names)
        for name in names:
            facility_names[normalize(name)] = entry
    return Gazetteer(index, _facility_pattern(facility_names), facility_names)


def _add(index: dict[str, list[Candidate]], entry: Entry, names: list[str]) -> None:
    """Index an entry under its name (primary) and its other names (alternate)."""
    seen: set[str] = set()
    city = entry.kind in CITY_KINDS
    for position, name in enumerate(names):
        key = normalize(name)
        if key and key not in seen:
            seen.add(key)
            candidate = Candidate(entry, alternate=city and position > 0)
            if key in index:
                index[key].append(candidate)
            else:
                index[key] = [candidate]


def _read_text(name: str) -> str:
    """A text file of the data package."""
    data = resources.files(DATA_PACKAGE).joinpath(name).read_bytes()
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    return data.decode("utf-8")


def _read_table(name: str, source: str) -> Iterator[tuple[Entry, list[str]]]:
    """Entries of one generated table, with all their names (the primary one first)."""
    lines = _read_text(name).splitlines()
    for line in lines[1:]:
        name_, kind, lat, lon, cc, admin1, pop, gid, names = line.split("\t")
        entry = Entry(name_, kind, float(lat), float(lon), cc, admin1, int(pop), int(gid), source)
        yield entry, [name_, *(n for n in names.split("|") if n)]


def _read_facilities() -> Iterator[tuple[Entry, list[str]]]:
    """The hand-written facility entries, each with the source of its coordinates."""
    reader = csv.DictReader(io.StringIO(_read_text("facilities.tsv")), delimiter="\t")
    for row in reader:
        kind = "territory" if row["type"] == "territory" else "facility"
        entry = Entry(row["name"], kind, float(row["lat"]), float(row["lon"]), row["cc"],
                      source=row["source"])
        yield entry, [row["name"], *(n for n in row["names"].split("|") if n)]


def _facility_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for all facility names, tolerant of spacing, hyphens and apostrophes."""
    groups: dict[str, set[str]] = defaultdict(set)  # by first letters: a lookahead skips most
    for name in names:
        groups[name.split()[0][:2]].add(_name_regex(name))
    if not groups:
        return None
    branches = [f"(?={re.escape(head)})(?:{'|'.join(sorted(alts, key=len, reverse=True))})"
                for head, alts in sorted(groups.items())]
    return re.compile(r"(?<!\w)(?:" + "|".join(branches) + r")(?!\w)", re.IGNORECASE)


def _name_regex(key: str) -> str:
    """The regex of one normalised name: any spacing or hyphen between words, apostrophes
    optional inside longer words (Qaim, Qa'im)."""
    return _SEPARATOR.join("['’]?".join(map(re.escape, word)) if len(word) > 3 else re.escape(word)
                           for word in key.split())


# --- lookup ---------------------------------------------------------------------------------


def lookup(name: str) -> list[Candidate]:
    """The candidates for a name, trying generic reductions when the name itself is unknown."""
    index = gazetteer().index
    key = normalize(name)
    if key in index:
        return index[key]
    article = re.match(r"(?:al|el|ad|an|ar|as|ash|at|az) ", key)
    other = key[article.end():] if article else f"al {key}"  # al-Qamishli / Qamishli
    if other in index:
        return index[other]
    for shorter, modifier in reductions(key):
        found = [c for c in index.get(shorter, []) if not modifier or _broad(c)]
        if found:
            return found
    return []


def _broad(candidate: Candidate) -> bool:
    """A place big enough to be written with a direction ("northern Iraq", "North Dallas")."""
    entry = candidate.entry
    return not candidate.alternate and (entry.kind in STRONG_KINDS or (
        entry.kind in CITY_KINDS and entry.population >= WEAK_MIN_POPULATION))


# --- entity ruler ---------------------------------------------------------------------------


def place_patterns() -> list[dict[str, str]]:
    """EntityRuler patterns: facility names (FAC) and country initialisms (GPE)."""
    patterns: list[dict[str, str]] = []
    for entry, names in _read_facilities():
        patterns.extend({"label": "FAC", "pattern": name, "id": entry.name} for name in names)
    for entry, names in _read_table("countries.tsv", ""):
        initialisms = {re.sub(r"[^A-Z]", "", name) for name in names
                       if re.fullmatch(r"(?:[A-Z]\.? ?){2,4}", name)}
        for letters in sorted(initialisms):
            forms = [".".join(letters) + "."]  # U.K., D.R.C.: dotted, never an ordinary word
            if letters in ("US", "UK") or (len(letters) > 2
                                           and entry.population >= RULER_MIN_POPULATION):
                forms.append(letters)  # undotted only where news uses it: USA, DRC, PRC
            patterns.extend({"label": "GPE", "pattern": f, "id": entry.name} for f in forms)
    return patterns


def add_place_ruler(nlp: Any) -> Any:
    """Add an entity ruler with the facility names and country initialisms before "ner"."""
    before = "ner" if "ner" in nlp.pipe_names else None
    ruler = nlp.add_pipe("entity_ruler", name="place_ruler", before=before,
                         config={"phrase_matcher_attr": "ORTH", "overwrite_ents": False})
    ruler.add_patterns(place_patterns())
    return ruler
