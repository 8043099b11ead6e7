"""The runner end to end on real stores: grouping, dedupe, idempotency, crash safety."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsfuse.pipeline import ingest
from newsfuse.store import open_store
from tests.conftest import EXAMPLES, merge_smallest_into_largest, run_cli


def _events(store) -> dict[str, set[str]]:
    return {e.id: {a.id for a in store.articles(e.id)} for e in store.events()}


def test_examples_group_into_their_events(store):
    report = ingest([EXAMPLES], store)
    assert report.rejected == [] and report.added >= 30
    by_title = {a.title: a for a in store.articles()}
    kessel = store.assignment(by_title["Drone strike sets fuel depot ablaze near Kessel, "
                                      "three killed"].id).event_id
    brannvik = store.assignment(by_title["Drone attack on Brannvik fuel terminal kills two "
                                        "workers"].id).event_id
    assert kessel != brannvik  # look-alikes: same group, other place, date and numbers
    sizes = sorted(len(v) for v in _events(store).values())
    assert sizes == [2, 4, 4, 4, 5, 5, 5, 6]


def test_reprint_is_a_duplicate_in_the_same_event(store):
    ingest([EXAMPLES], store)
    reprint = store.get_article("ledger-0117")
    assert reprint.duplicate_of is not None
    original = store.get_article(reprint.duplicate_of)
    assert store.assignment(original.id).event_id == store.assignment(reprint.id).event_id


def test_ingest_is_idempotent_and_resumes_events(store):
    first = ingest([EXAMPLES], store)
    before = (store.counts(), _events(store))
    second = ingest([EXAMPLES], store)
    assert second.added == 0 and second.skipped == first.added
    assert (store.counts(), _events(store)) == before


def test_id_reused_for_other_text_is_rejected_not_overwritten(store, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"id": "s1", "text": "The dam held overnight, engineers said."}))
    ingest([path], store)
    path.write_text(json.dumps({"id": "s1", "text": "A different story about the harbour."}))
    report = ingest([path], store)
    assert [r.code for r in report.rejected] == ["NF307"]
    assert store.get_article("s1").text == "The dam held overnight, engineers said."


def test_same_input_gives_same_ids_and_events(tmp_path):
    results = []
    for name in ("one.db", "two.db"):
        opened = open_store(str(tmp_path / name))
        ingest([EXAMPLES], opened)
        results.append(_events(opened))
        opened.close()
    assert results[0] == results[1]


def test_seeds_split_the_look_alike_event(store, seeds):
    ingest([seeds], store)
    events = {frozenset(a.origin.rsplit("/", 1)[-1][:3] for a in store.articles(e.id))
              for e in store.events()}
    assert events == {frozenset({"000", "001", "002", "003"}), frozenset({"004"})}


_WORDS = st.sampled_from(["harbour", "council", "flood", "river", "police", "minister", "strike", "depot", "vote", "bank", "rate", "court", "verdict", "mine", "rescue", "storm", "fire"])


@given(st.lists(st.lists(_WORDS, min_size=6, max_size=30).map(" ".join), min_size=1,
                max_size=5))
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_ingesting_twice_adds_nothing(tmp_path_factory, texts):
    folder = tmp_path_factory.mktemp("in")
    for i, text in enumerate(texts):
        (folder / f"{i}.txt").write_text(text.capitalize() + ".")
    opened = open_store(":memory:")
    ingest([folder], opened)
    once = (opened.counts(), _events(opened))
    again = ingest([folder], opened)
    assert again.added == 0
    assert (opened.counts(), _events(opened)) == once


@pytest.mark.slow
def test_kill_9_mid_ingest_leaves_a_consistent_store_and_rerun_completes(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    sentences = (EXAMPLES / "wire").glob("*.txt")
    texts = [p.read_text() for p in sorted(sentences)]
    for i in range(240):
        (corpus / f"{i:04d}.txt").write_text(f"Report number {i} from the desk.\n" +
                                             texts[i % len(texts)].replace("the", f"the{i}", 3))
    db = tmp_path / "crash.db"
    command = [sys.executable, "-m", "newsfuse", "-q", "ingest", str(corpus), "--db", str(db),
               "--workers", "1"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 240
    while time.time() < deadline and process.poll() is None:
        if db.exists() and _count(db) >= 32:
            break
        time.sleep(0.2)
    process.send_signal(signal.SIGKILL)
    process.wait()
    partial = _count(db)
    assert 0 < partial < 240
    _assert_consistent(db)
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert rerun.returncode == 0, rerun.stderr
    assert _count(db) == 240
    _assert_consistent(db)


def _count(db) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0


def _assert_consistent(db) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        orphans = conn.execute(
            "SELECT COUNT(*) FROM articles a LEFT JOIN assignments s ON s.article_id = a.id "
            "LEFT JOIN events e ON e.id = a.event_id WHERE s.article_id IS NULL "
            "OR e.id IS NULL").fetchone()[0]
        assert orphans == 0
        sizes = conn.execute("SELECT SUM(n_articles) FROM events").fetchone()[0]
        assert sizes == conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]


def test_articles_ingested_later_join_existing_events(store, tmp_path):
    ingest([EXAMPLES / "wire"], store)
    events_before = {e.id for e in store.events()}
    report = ingest([EXAMPLES / "feeds", EXAMPLES / "pages"], store)
    assert report.added > 10
    assert report.new_events < report.added
    once = open_store(str(tmp_path / "once.db"))
    ingest([EXAMPLES], once)
    partition = lambda s: {frozenset(a.id for a in s.articles(e.id)) for e in s.events()}  # noqa: E731
    assert partition(store) == partition(once)
    assert events_before <= {e.id for e in store.events()}
    once.close()


def test_a_blank_pipeline_still_gives_sentences(tmp_path):
    import spacy

    from newsfuse.nlp import analyze_with, load_model

    nlp = spacy.blank("en")
    path = tmp_path / "blank"
    nlp.to_disk(path)
    model = load_model(str(path))
    assert "sentencizer" in model.pipe_names
    [analysis] = analyze_with(model, [("a", "One sentence here. Another one there.", None, None)])
    assert len(analysis.sentences) == 2


def test_every_article_points_at_a_stored_event_with_its_count(store):
    """Merges move articles and delete events: no article may be left pointing at a gone one."""
    ingest([EXAMPLES], store)
    counts: dict[str, int] = {}
    for article in store.articles():
        assignment = store.assignment(article.id)
        assert assignment is not None
        counts[assignment.event_id] = counts.get(assignment.event_id, 0) + 1
    events = {e.id: e.n_articles for e in store.event_states()}
    assert counts == events and sum(counts.values()) >= 30


def test_a_merge_moves_articles_deletes_the_event_and_is_recorded(tmp_path):
    store = open_store(str(tmp_path / "merge.db"))
    ingest([EXAMPLES], store)
    small, large, moved, change = merge_smallest_into_largest(store)
    assert small.id not in {e.id for e in store.events()}
    assert {a.id for a in store.articles(large.id)} >= set(moved)
    assert all(store.assignment(a).event_id == large.id for a in moved)
    assert store.changes(moved[0]) == [change]
    store.close()
    explained = run_cli("explain", moved[0], "--db", str(tmp_path / "merge.db"))
    assert explained.returncode == 0
    assert f"then {small.id} was merged into {large.id}" in explained.stdout


_NEAR_COPY = ("The council of Vardholm voted on Tuesday to close the old iron bridge over the "
              "Lessa river after engineers found deep cracks in two of its piers. Traffic will "
              "move to the ferry at Osterby until a temporary crossing opens in the spring, the "
              "mayor, Hanne Rolvik, told reporters outside the town hall. Shop owners on the "
              "east bank said the closure would cost them customers, and a petition asking for "
              "a footbridge had gathered more than four hundred names by the evening. The "
              "engineers' report, published in full on the council website, said the piers had "
              "been weakened by years of high water and that repairs would take at least a year.")


def _near_copies(folder, names: dict[str, str]) -> None:
    for name, change in names.items():
        text = _NEAR_COPY.replace("Tuesday", change)  # one word apart: another hash, same bands
        (folder / f"{name}.jsonl").write_text(json.dumps({"id": name, "text": text}) + "\n")


def test_near_copies_in_one_batch_and_in_a_later_run_point_at_the_first(store, tmp_path):
    first, later = tmp_path / "first", tmp_path / "later"
    first.mkdir()
    later.mkdir()
    _near_copies(first, {"n1": "Tuesday", "n2": "Monday"})  # the same batch
    _near_copies(later, {"n3": "Friday"})  # matched through the stored band keys
    report = ingest([first], store)
    assert report.duplicates == 1
    assert ingest([later], store).duplicates == 1
    assert [store.get_article(a).duplicate_of for a in ("n1", "n2", "n3")] == [None, "n1", "n1"]
    assert len({store.assignment(a).event_id for a in ("n1", "n2", "n3")}) == 1
