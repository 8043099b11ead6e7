"""The event digest on real reports: facts agreed and disputed, speakers, places and dates."""

from __future__ import annotations

import pytest

from newsfuse.export import build_document
from newsfuse.extract.places import distance_km
from newsfuse.pipeline import ingest
from newsfuse.store import open_store
from tests.conftest import SEEDS


@pytest.fixture(scope="module")
def seed_doc(tmp_path_factory):
    """The seeds ingested and exported once for every test here."""
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS} (clone with ../shared beside the repo)")
    store = open_store(str(tmp_path_factory.mktemp("seeds") / "seeds.db"))
    ingest([SEEDS], store)
    document = build_document(store)
    store.close()
    return document


def _events(doc):
    """The 2024 event (four reports) and the 2020 look-alike (one report)."""
    ordered = sorted(doc["events"], key=lambda e: -len(e["articles"]))
    return ordered[0], ordered[-1]


def _facts(event, predicate):
    return [f for f in event["facts"] if f["predicate"] == predicate]


def test_militants_killed_in_the_strikes_are_disputed(seed_doc):
    strikes, _ = _events(seed_doc)
    disputed = [f for f in _facts(strikes, "killed") if f["status"] == "disputed"]
    assert disputed, "the killed figures of the PMF and the medical source must be a dispute"
    lows = {c["low"] for c in disputed[0]["claims"]}
    assert {1, 2} <= lows and len({c["article"] for c in disputed[0]["claims"]}) >= 2


def test_three_facilities_agreed_by_three_sources_and_attack_counts_not_disputed(seed_doc):
    strikes, _ = _events(seed_doc)
    agreed = [f for f in _facts(strikes, "facilities")
              if f["status"] == "agreed" and {c["low"] for c in f["claims"]} == {3}]
    assert agreed and len({c["article"] for c in agreed[0]["claims"]}) >= 3
    attacks = _facts(strikes, "attacks")
    assert attacks and all(f["status"] != "disputed" for f in attacks)
    assert any(len({c["article"] for c in f["claims"]}) >= 2 for f in attacks)


def test_troops_injured_earlier_are_agreed_and_kept_apart_from_strike_casualties(seed_doc):
    strikes, _ = _events(seed_doc)
    wounded = _facts(strikes, "wounded")
    ours = [f for f in wounded if f["status"] == "agreed" and {c["low"] for c in f["claims"]} == {4}
            and len({c["article"] for c in f["claims"]}) >= 2]
    assert ours
    fighters = [f for f in wounded if any("fighter" in (c["subject"] or "") for c in f["claims"])]
    assert fighters and all(f is not ours[0] for f in fighters)
    subjects = {c["subject"] for f in fighters for c in f["claims"]}
    assert len(subjects) >= 1 and all(subjects)  # each figure is shown with its subject


def test_every_fact_quote_and_brief_span_points_at_its_text(seed_doc):
    texts = {a["id"]: a["text"] for a in seed_doc["articles"]}
    for event in seed_doc["events"]:
        for fact in event["facts"]:
            for claim in fact["claims"]:
                if fact["predicate"] != "date":
                    assert texts[claim["article"]][claim["start"]:claim["end"]] == claim["text"]
                if claim["sentence_start"] is not None:
                    sentence = texts[claim["article"]][claim["sentence_start"]:claim["sentence_end"]]
                    assert claim["start"] >= claim["sentence_start"] and claim["text"] in sentence
        for quote in event["quotes"]:
            assert texts[quote["article"]][quote["start"]:quote["end"]] == quote["text"]
        for line in event["brief"]:
            for span in line["spans"]:
                assert texts[span["article"]][span["start"]:span["end"]].strip()


def test_speakers_and_actors_merge_across_reports(seed_doc):
    strikes, lookalike = _events(seed_doc)
    austin = [a for a in strikes["actors"] if a["name"] == "Lloyd Austin"]
    assert austin and len(austin[0]["articles"]) == 4 and "Secretary" in austin[0]["role"]
    spoken = {q["article"] for q in strikes["quotes"] if q["speaker"] == "Lloyd Austin"}
    assert len(spoken) >= 3
    assert any(q["speaker"] == "Mark Esper" and q["text"].startswith("You don't get to shoot")
               for q in lookalike["quotes"])


def test_places_sit_on_the_right_event(seed_doc):
    strikes, lookalike = _events(seed_doc)
    # Jurf al-Sakhar, al-Qa'im and al-Asad (western and central Iraq) vs Camp Taji near Baghdad.
    targets = {"asad": (33.80, 42.44), "qaim": (34.37, 41.09), "sakhar": (32.87, 44.12),
               "taji": (33.53, 44.26)}

    def near(event, point):
        return any(p["lat"] is not None and distance_km(p["lat"], p["lon"], *point) < 60
                   for p in event["places"])

    assert near(strikes, targets["asad"]) and near(strikes, targets["qaim"])
    assert near(strikes, targets["sakhar"]) and near(lookalike, targets["taji"])
    assert not any(p["name"] == "Camp Taji" for p in strikes["places"])


def test_no_2020_date_on_the_2024_event(seed_doc):
    strikes, _ = _events(seed_doc)
    assert not (strikes["date"] or "").startswith("2020")
    assert not any(t["date"].startswith("2020") for t in strikes["timeline"] if t["main"])
