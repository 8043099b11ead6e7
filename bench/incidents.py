"""Incident records on MUC-4 dev: event date, place and killed/wounded counts, ours vs baselines.

Usage: .venv/bin/python bench/incidents.py [--errors]

For every message with incident templates: (1) event date: our main happening
(`find_happenings` + `event_date`; the publication date when there is none) against any
template's incident date, exact day, or within a "before" / "from-to" gold (raw alternatives such
as "(25 MAY 89) / (- 26 MAY 89)" are parsed too); "date, when stated" scores only the messages
where we found a main happening, against the dateline date on the same messages;
(2) place: our top place (`find_places`: the most specific place in the main happening's
sentence, else in the trigger sentences by weight, else the most named one, else the dateline's)
against any element of a template's location path, "(CITY)"-style suffixes dropped; "+country"
also accepts a place in the template's country; (3) killed / wounded: the first `find_claims`
claim of that predicate against a template's DEATH / INJURY total or any single number of them
(messages whose gold has a number only).
Baselines in the same run: the dateline date (dct), the dateline place, and the first number next
to KILLED/DEAD or WOUNDED/INJURED. The held-out part (sha1(id) mod 4 == 0) is printed separately;
--errors lists the tuning part's date and place errors.

The text is upper-case wire copy, and our extractors expect mixed case, so it goes through a cheap
truecaser first: lower case, sentence starts, months and weekdays, words that are mostly
capitalised in other mixed-case news sets of ../shared/data (not MUC-4), words unknown to them
(mostly Spanish names) and gazetteer place names. What limits the figures: the truecaser (its
token accuracy on upper-cased MEANTIME is printed; the dev file has no `text_mixed_case`), spaCy's
small model on translated radio copy, and many incidents being reported days later or as one of
several incidents in a message, while only one date, place and count is predicted per message.
"""

from __future__ import annotations

import argparse
import ast
import gzip
import json
import os
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from common import held_out
from newsfuse.extract.happenings import event_date, find_happenings
from newsfuse.extract.kinds import trigger_hits
from newsfuse.extract.places import Place, find_places, gazetteer, lookup
from newsfuse.extract.times import find_times
from newsfuse.nlp import load_model

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
DATA = SHARED / "muc4" / "dev.jsonl.gz"
CASING_SETS = ("newsstream", "ecbplus", "geovirus", "duc2004", "duc2006")  # not MUC-4, MEANTIME
MONTHS = {m[:3].upper(): i for i, m in enumerate(
    "january february march april may june july august september october november december"
    .split(), 1)}
CALENDAR = ("january february march april june july august september october november december "
            "monday tuesday wednesday thursday friday saturday sunday").split()
NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
SPECIFIC = {"facility": 0, "city": 1, "admin2": 2, "admin1": 3, "region": 4, "country": 5}
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")



def read(path: Path) -> list[dict[str, Any]]:
    """The records of one JSON Lines data file."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


# Truecasing ---------------------------------------------------------------------------------------

def _texts(name: str) -> Iterator[str]:
    """The article texts of one shared data set (documents nested in multi-document sets)."""
    for record in read(SHARED / name / "dev.jsonl.gz"):
        docs = record.get("documents")
        if isinstance(docs, str):
            docs = ast.literal_eval(docs)
        for item in docs or [record]:
            if isinstance(item, dict) and isinstance(item.get("text"), str):
                yield item["text"]


def casing_lexicon(names: tuple[str, ...] = CASING_SETS) -> dict[str, str]:
    """Lower-case word -> its usual written form, from words not at a sentence start; only words
    seen at least twice, and capitalised only when at least 60% of them are."""
    forms: dict[str, Counter[str]] = {}
    for name in names:
        for text in _texts(name):
            for m in WORD.finditer(text):
                if re.search(r"(?:^|[.!?\"“]\s*|\n\s*)$", text[max(0, m.start() - 3):m.start()]):
                    continue
                forms.setdefault(m[0].lower(), Counter())[m[0]] += 1
    lexicon = {}
    for word, counts in forms.items():
        total = sum(counts.values())
        form, count = counts.most_common(1)[0]
        if total >= 2:
            lexicon[word] = form if count >= 0.6 * total else word
    return lexicon


def english_words(nlp: Any) -> frozenset[str]:
    """The lemmatizer's WordNet word lists: a word there and not a place is written lower case."""
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    return frozenset(w for words in table.values() for w in words)


def place_words() -> frozenset[str]:
    """Words of gazetteer place names of some size (multi-word names give each word)."""
    words: set[str] = set()
    for key, candidates in gazetteer().index.items():
        if any(c.entry.kind != "city" or c.entry.population >= 15000 for c in candidates):
            words.update(w for w in key.split() if len(w) > 2)
    return frozenset(words)


@dataclass(frozen=True)
class Casing:
    """What the truecaser knows: usual forms, place-name words and plain English words."""

    lexicon: dict[str, str]
    places: frozenset[str]
    english: frozenset[str]
    plain: bool = False  # the comparison: lower case and sentence starts only


def _form(word: str, casing: Casing) -> str:
    low = word.lower()
    if casing.plain:
        return low
    if low in CALENDAR:
        return word.capitalize()
    if low in casing.lexicon:
        return casing.lexicon[low]
    if low in casing.places or (low.isalpha() and low not in casing.english):
        return word.capitalize()  # a place, or a word no dictionary knows: mostly names
    return low


def truecase(text: str, casing: Casing) -> str:
    """Mixed case for upper-case copy, the same length, so spans carry over."""
    chars = list(text.lower())
    for m in WORD.finditer(text):
        form = _form(m[0], casing)
        if len(form) != len(m[0]):
            form = m[0].lower()
        if re.search(r"(?:^|[.!?\]]\s+|--\s*|\n\s*\n\s*|\[\s*)$",
                     text[max(0, m.start() - 6):m.start()]):
            form = form[0].upper() + form[1:]
        chars[m.start():m.end()] = form
    return "".join(chars)


def truecase_accuracy(casing: Casing) -> tuple[float, float]:
    """Word case accuracy on upper-cased MEANTIME texts: ours and lower case + sentence starts."""
    ours = naive = total = 0
    bare = Casing({}, frozenset(), frozenset(), plain=True)
    for record in read(SHARED / "meantime" / "dev.jsonl.gz"):
        gold = record["text"]
        cased, plain = truecase(gold.upper(), casing), truecase(gold.upper(), bare)
        for m in WORD.finditer(gold):
            total += 1
            ours += cased[m.start():m.end()] == m[0]
            naive += plain[m.start():m.end()] == m[0]
    return ours / total, naive / total


# Gold ---------------------------------------------------------------------------------------------

def _muc_date(raw: str) -> date | None:
    m = re.fullmatch(r"\s*(\d{1,2})\s+([A-Z]{3})\s+(\d{2})\s*", raw)
    if not m or m[2] not in MONTHS:
        return None
    try:
        return date(1900 + int(m[3]), MONTHS[m[2]], int(m[1]))
    except ValueError:
        return None


def gold_ranges(template: dict[str, Any]) -> list[tuple[date | None, date]]:
    """The template's date alternatives as (low or None, high)."""
    out: list[tuple[date | None, date]] = []
    for alt in re.findall(r"\(([^)]*)\)", template["incident_date"]) or [template["incident_date"]]:
        parts = [p.strip() for p in alt.split("-")]
        dates = [_muc_date(p) if p else None for p in parts]
        if len(parts) == 1 and dates[0]:
            out.append((dates[0], dates[0]))
        elif len(parts) == 2 and dates[1] and not parts[0]:
            out.append((None, dates[1]))
        elif len(parts) == 2 and dates[0] and dates[1]:
            out.append((dates[0], dates[1]))
    return out


def gold_places(template: dict[str, Any]) -> tuple[set[str], str | None]:
    """The template's path names (folded) and its country."""
    names = {fold(re.sub(r"\s*\([A-Z ]+\)\s*$", "", p)) for p in template["location_path"]}
    return names - {""}, fold(template["location_path"][0]) if template["location_path"] else None


def _count_alternatives(number: str | None) -> list[tuple[float, float]]:
    if not number:
        return []
    out = []
    for alt in number.split("/"):
        alt = alt.strip()
        if m := re.fullmatch(r"~?(\d+)", alt):
            value = float(m[1])
            out.append((value * 0.9, value * 1.1) if alt.startswith("~") else (value, value))
        elif m := re.fullmatch(r"(\d+)\s*-", alt):
            out.append((float(m[1]), float("inf")))
    return out


def gold_counts(templates: list[dict[str, Any]], effect: str) -> list[tuple[float, float]]:
    """Acceptable (low, high) counts: each template's total of that effect and each number."""
    out: list[tuple[float, float]] = []
    for template in templates:
        values = [_count_alternatives(c["number"]) for c in template["casualties"]
                  if c["effect"] == effect]
        out.extend(v for alts in values for v in alts)
        if len(values) > 1 and all(values):
            out.append((sum(a[0][0] for a in values), sum(a[0][1] for a in values)))
    return out


def fold(name: str) -> str:
    """Case-, accent- and punctuation-folded name."""
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z ]", " ", name.lower()).split())


# Ours ---------------------------------------------------------------------------------------------

def _claims(text: str, doc: Any) -> list[Any] | None:
    try:
        from newsfuse.extract.claims import find_claims  # type: ignore[import-not-found]
    except ImportError:
        return None
    return list(find_claims(text, doc))


def _dateline_end(text: str) -> int:
    m = re.search(r"--|—", text[:300])
    return m.end() if m else 0


def top_place(text: str, places: list[Place], sentences: list[tuple[int, int]]) -> Place | None:
    """The most specific place of the first of `sentences` that names one (the main happening's,
    then the trigger sentences by weight), else the most named place, else the dateline's."""
    end = _dateline_end(text)
    body = [p for p in places if p.start >= end and p.lat is not None]
    for start, stop in sentences:
        inside = [p for p in body if start <= p.start < stop]
        if inside:
            return min(inside, key=lambda p: (SPECIFIC.get(p.kind, 6), p.start))
    counts = Counter(p.name for p in body)
    dateline = [p for p in places if p.start < end and p.lat is not None]
    return min(body, key=lambda p: (-counts[p.name], p.start), default=None) or \
        next(iter(dateline), None)


def _trigger_sentences(text: str, doc: Any) -> list[tuple[int, int]]:
    spans = [(s.start_char, s.end_char) for s in doc.sents]
    weights: Counter[tuple[int, int]] = Counter()
    for hit in trigger_hits(text, doc):
        span = next((s for s in spans if s[0] <= hit.start < s[1]), None)
        if span:
            weights[span] += hit.weight
    return sorted(weights, key=lambda s: (-weights[s], s[0]))


def ours(text: str, doc: Any, dct: str | None) -> dict[str, Any]:
    """Our date, place and counts for one (truecased) message."""
    happenings = find_happenings(text, doc, find_times(text, dct, doc), dct)
    main = event_date(happenings)
    sentences = [(main.sentence_start, main.sentence_end)] if main else []
    place = top_place(text, find_places(text, doc), sentences + _trigger_sentences(text, doc))
    out: dict[str, Any] = {"date": main.date if main else dct, "main": main.date if main else None,
                           "place": place,
                           "killed": None, "wounded": None, "claims": True}
    claims = _claims(text, doc)
    if claims is None:
        out["claims"] = False
        return out
    for predicate in ("killed", "wounded"):
        first = next((c for c in sorted(claims, key=lambda c: c.start)
                      if c.predicate == predicate and c.low is not None), None)
        out[predicate] = (first.low, first.high) if first else None
    return out


# Baselines ----------------------------------------------------------------------------------------

_NUMBER = r"(\d+|" + "|".join(NUMBER_WORDS) + r")"


def _number(word: str) -> float:
    return float(word) if word.isdigit() else float(NUMBER_WORDS[word.lower()])


def baseline_count(text: str, words: str) -> tuple[float, float] | None:
    """The first number up to four words before, or two after, one of `words`."""
    pattern = re.compile(rf"\b{_NUMBER}\b(?:\s+[A-Z]+){{0,4}}?\s+(?:{words})\b"
                         rf"|\b(?:{words})\s+(?:[A-Z]+\s+)?{_NUMBER}\b", re.IGNORECASE)
    m = pattern.search(text)
    if not m:
        return None
    value = _number(m[1] or m[2])
    return value, value


def baseline(record: dict[str, Any]) -> dict[str, Any]:
    """Dateline date, dateline place, first number next to KILLED/DEAD and WOUNDED/INJURED."""
    place = record["dateline"].get("place")
    return {"date": record["dct"], "main": record["dct"], "place": place,
            "killed": baseline_count(record["text"], "KILLED|DEAD"),
            "wounded": baseline_count(record["text"], "WOUNDED|INJURED")}


# Scoring ------------------------------------------------------------------------------------------

class Countries:
    """Country of a place: by geonameid for ours, by the largest place of the name for the
    dateline baseline."""

    def __init__(self) -> None:
        entries = [c.entry for cands in gazetteer().index.values() for c in cands]
        self.by_id = {e.geonameid: e.cc for e in entries if e.geonameid}
        self.names = {e.cc: fold(e.name) for e in entries if e.kind == "country" and e.cc}

    def of(self, place: Place | str | None) -> str | None:
        if isinstance(place, Place):
            cc = self.by_id.get(place.geonameid or 0)
        elif place:
            found = sorted(lookup(place), key=lambda c: -c.entry.population)
            cc = found[0].entry.cc if found else None
        else:
            cc = None
        return self.names.get(cc or "")


def date_ok(value: str | None, templates: list[dict[str, Any]]) -> bool:
    """Whether a day value falls on or within any template's date."""
    if not value or not re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return False
    day = date.fromisoformat(value)
    return any((low is None or low <= day) and day <= high
               for t in templates for low, high in gold_ranges(t))


def place_ok(place: Place | str | None, templates: list[dict[str, Any]],
             countries: Countries) -> tuple[bool, bool]:
    """(name matches a path element, name or country matches)."""
    if place is None:
        return False, False
    names = {fold(place.name), fold(place.text)} if isinstance(place, Place) else {fold(place)}
    golds = [gold_places(t) for t in templates if t["location_path"]]
    strict = any(names & g for g, _ in golds)
    country = countries.of(place)
    return strict, strict or any(country and country == c for _, c in golds)


def count_ok(found: tuple[float, float | None] | None, gold: list[tuple[float, float]]) -> bool:
    """Whether our count (its low end; a bounded range must lie inside) matches a gold count."""
    if found is None:
        return False
    low, high = found
    return any(g_low <= low <= g_high and (high is None or high <= max(g_high, low))
               for g_low, g_high in gold)


def score(record: dict[str, Any], pred: dict[str, Any], countries: Countries) -> dict[str, Any]:
    """Per-message outcomes (None where the gold has nothing to compare)."""
    templates = record["templates"]
    has_date = any(gold_ranges(t) for t in templates)
    has_place = any(t["location_path"] for t in templates)
    strict, loose = place_ok(pred["place"], templates, countries)
    out: dict[str, Any] = {"date": date_ok(pred["date"], templates) if has_date else None,
                           "date, when stated": date_ok(pred["main"], templates)
                           if has_date and pred["main"] else None,
                           "place": strict if has_place else None,
                           "place+country": loose if has_place else None}
    for predicate, effect in (("killed", "DEATH"), ("wounded", "INJURY")):
        gold = gold_counts(templates, effect)
        out[predicate] = count_ok(pred[predicate], gold) if gold and pred.get(
            "claims", True) else None
    return out


def report(rows: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]],
           claims: bool) -> None:
    """Accuracy per measure and part, ours against the baseline."""
    for part, keep in (("tuning", lambda r: not held_out(r["id"])),
                       ("held-out", lambda r: held_out(r["id"]))):
        chosen = [(o, b) for r, o, b in rows if keep(r)]
        print(f"{part} ({len(chosen)} messages with incidents)")
        for measure in ("date", "date, when stated", "place", "place+country", "killed",
                        "wounded"):
            if measure in ("killed", "wounded") and not claims:
                print(f"  {measure:17s} ours: claims: not available")
            judged = [(o[measure], b[measure]) for o, b in chosen
                      if o[measure] is not None and b[measure] is not None]
            if not judged:
                continue
            n = len(judged)
            ours_n = sum(bool(o) for o, _ in judged)
            base_n = sum(bool(b) for _, b in judged)
            print(f"  {measure:17s} n={n:3d}  ours {ours_n / n:.3f} ({ours_n})  "
                  f"baseline {base_n / n:.3f} ({base_n})")


def show_error(record: dict[str, Any], pred: dict[str, Any], result: dict[str, Any]) -> None:
    """One line per wrong date or place on a tuning message."""
    golds = [t["incident_date"] for t in record["templates"]]
    if result["date"] is False:
        print(f"  date  {record['id']}: ours {pred['date']} gold {golds} dct {record['dct']}")
    if result["place"] is False:
        place = pred["place"]
        paths = [t["incident_location"] for t in record["templates"]]
        print(f"  place {record['id']}: ours {place.name if place else None} gold {paths}")


def main() -> None:
    """Score ours and the baselines on MUC-4 dev and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list tuning-part errors")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    begin = time.perf_counter()
    records = [r for r in read(DATA) if r["relevant"]]
    nlp, countries = load_model(), Countries()
    casing = Casing(casing_lexicon(), place_words(), english_words(nlp))
    accuracy, naive = truecase_accuracy(casing)
    print(f"truecaser word accuracy on upper-cased MEANTIME: {accuracy:.3f} "
          f"(lower case + sentence starts: {naive:.3f})")
    texts = [truecase(r["text"], casing) for r in records]
    rows, claims = [], True
    for record, text, doc in zip(records, texts, nlp.pipe(texts, batch_size=16), strict=True):
        pred, base = ours(text, doc, record["dct"]), baseline(record)
        claims = claims and pred["claims"]
        result = score(record, pred, countries)
        rows.append((record, result, score(record, base, countries)))
        if args.errors and not held_out(record["id"]):
            show_error(record, pred, result)
    report(rows, claims)
    print(f"{len(records)} messages in {time.perf_counter() - begin:.0f} s "
          f"({datetime.now():%H:%M})")


if __name__ == "__main__":
    main()
