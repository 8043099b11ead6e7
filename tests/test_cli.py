"""The command line as a user meets it: exit codes, formats, escaping, the seeds."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from tests.conftest import EXAMPLES, run_cli


@pytest.fixture(scope="module")
def example_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("cli") / "news.db"
    result = run_cli("ingest", str(EXAMPLES), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "ingested" in result.stderr and result.stdout == ""
    return db


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("newsfuse ")


def test_events_lists_newest_first(example_db):
    result = run_cli("events", "--db", str(example_db), "--format", "json")
    rows = json.loads(result.stdout)
    dates = [r["start"] for r in rows]
    assert dates == sorted(dates, reverse=True) and len(rows) == 8


def test_export_json_follows_the_contract(example_db):
    doc = json.loads(run_cli("export", "--db", str(example_db)).stdout)
    assert doc["schema"] == "newsfuse/1"
    article = doc["articles"][0]
    for key in ("id", "origin", "source", "title", "published", "text", "removed",
                "duplicate_of", "event"):
        assert key in article
    event = doc["events"][0]
    for key in ("id", "title", "start", "end", "articles", "places", "actors", "quotes", "facts",
                "brief", "timeline"):
        assert key in event
    texts = {a["id"]: a["text"] for a in doc["articles"]}
    for event in doc["events"]:
        assert event["brief"] and event["timeline"] and event["quotes"]
        for line in event["brief"]:
            first = line["spans"][0]
            assert set(line["articles"]) >= {span["article"] for span in line["spans"]}
            if "fact" not in line:  # an extracted sentence: its first span is its wording
                assert line["text"] == texts[first["article"]][first["start"]:first["end"]]
        for place in event["places"]:
            for mention in place["mentions"]:
                assert texts[mention["article"]][mention["start"]:mention["end"]]
        for fact in event["facts"]:
            assert fact["status"] in ("agreed", "disputed", "single_source", "update")
            for claim in fact["claims"]:
                assert texts[claim["article"]][claim["start"]:claim["end"]] == claim["text"] or (
                    fact["predicate"] == "date")
        for quote in event["quotes"]:
            assert texts[quote["article"]][quote["start"]:quote["end"]] == quote["text"]
        for entry in event["timeline"]:
            assert entry["date"][:4].isdigit() and set(entry["articles"])
    assert any(f["status"] == "disputed" for e in doc["events"] for f in e["facts"])


def test_export_jsonl_articles_carry_their_event_and_given_ids(example_db):
    out = run_cli("export", "--db", str(example_db), "--format", "jsonl", "--what", "articles")
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert all(r["event"] for r in rows)
    assert {"ledger-0003", "ledger-0117"} <= {r["id"] for r in rows}


def test_export_csv_has_one_row_per_event(example_db):
    out = run_cli("export", "--db", str(example_db), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert len(rows) == 8 and all(int(r["articles"]) >= 2 for r in rows)


def test_show_and_explain(example_db):
    first = json.loads(run_cli("events", "--db", str(example_db), "--format", "json").stdout)[0]
    shown = run_cli("show", first["id"][:6], "--db", str(example_db))
    assert shown.returncode == 0 and shown.stdout.startswith("# newsfuse report")
    doc = json.loads(run_cli("show", first["id"], "--db", str(example_db), "-f", "json").stdout)
    article = doc["events"][0]["articles"][-1]
    explained = run_cli("explain", article, "--db", str(example_db))
    assert explained.returncode == 0 and first["id"] in explained.stdout


def test_usage_errors_exit_2_with_one_sentence(tmp_path):
    missing = run_cli("ingest", str(tmp_path / "nope"), "--db", str(tmp_path / "x.db"))
    assert missing.returncode == 2 and missing.stderr.startswith("Error [NF101]")
    assert "Traceback" not in missing.stderr
    no_store = run_cli("events", "--db", str(tmp_path / "absent.db"))
    assert no_store.returncode == 2 and "store not found" in no_store.stderr
    bad_suffix = run_cli("analyze", str(EXAMPLES), "-o", str(tmp_path / "r.pdf"))
    assert bad_suffix.returncode == 2
    for args in (("analyze", str(EXAMPLES), "--no-such-option"), ("analyze",)):
        wrong = run_cli(*args)  # Click's own usage errors, whichever copy of Click Typer uses
        assert wrong.returncode == 2 and wrong.stderr.startswith("Error [NF101]"), wrong.stderr
        assert len(wrong.stderr.strip().splitlines()) == 1 and "Traceback" not in wrong.stderr


def test_some_rejected_exits_1_and_rejected_lists_them(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("The council voted on Tuesday to close the harbour road "
                                     "after the storm damaged the sea wall.")
    (folder / "empty.txt").write_text("")
    (folder / "bin.txt").write_bytes(b"\x00\x01\x02" * 100)
    db = tmp_path / "r.db"
    result = run_cli("ingest", str(folder), "--db", str(db))
    assert result.returncode == 1
    assert "1 ingested" in result.stderr and "2 rejected" in result.stderr
    listed = run_cli("rejected", "--db", str(db)).stdout
    assert "NF302" in listed and "NF303" in listed


def test_analyze_writes_an_escaped_self_contained_html_report(tmp_path):
    hostile = tmp_path / "in.jsonl"
    hostile.write_text(json.dumps({
        "id": "evil", "title": "<script>alert(1)</script>", "source": "<b>x</b>",
        "text": "The mayor said <img src=x onerror=alert(1)> the road would reopen on Friday. "
                "<a href=\"javascript:alert(2)\">link</a> Officials agreed."}) + "\n")
    out = tmp_path / "report.html"
    result = run_cli("analyze", str(hostile), "-o", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html and 'href="javascript' not in html
    assert re.search(r"<[^>]*\b(src|href)\s*=", html) is None  # nothing external to load


def test_analyze_markdown_on_seeds(tmp_path, seeds):
    out = tmp_path / "seeds.json"
    result = run_cli("analyze", str(seeds), "-o", str(out))
    assert result.returncode == 0, result.stderr
    doc = json.loads(out.read_text())
    groups = sorted(sorted(a["origin"].rsplit("/", 1)[-1][:3] for a in doc["articles"]
                           if a["event"] == e["id"]) for e in doc["events"])
    assert groups == [["000", "001", "002", "003"], ["004"]]
    removed = {r for a in doc["articles"] for r in a["removed"]}
    assert "Advertisement" in removed and "{{}}" in removed
    assert all("All have returned to duty." not in r for r in removed)


def test_extract_writes_every_extraction_with_exact_spans(tmp_path):
    source = tmp_path / "in.jsonl"
    text = ("Defense Minister Ana Kovac said on Tuesday that airstrikes hit three depots near "
            "Baghdad. \"We will answer every attack,\" she added. At least four fighters were "
            "killed, according to the Northern Brigade. The strikes came two days after an attack "
            "in Basra.")
    source.write_text(json.dumps({"id": "x1", "text": text, "published": "2024-01-24"}) + "\n"
                      + "{broken\n")
    out = tmp_path / "out.jsonl"
    result = run_cli("extract", str(source), "-o", str(out))
    assert result.returncode == 1  # the broken line is rejected, the article is written
    [row] = [json.loads(line) for line in out.read_text().splitlines()]
    assert row["id"] == "x1"
    for item in row["times"] + row["places"] + row["quotes"] + row["claims"]:
        assert text[item["start"]:item["end"]] == item["text"]
    for actor in row["actors"]:
        for mention in actor["mentions"]:
            assert text[mention["start"]:mention["end"]] == mention["text"]
    assert {"Tuesday": "2024-01-23"}.items() <= {t["text"]: t["value"] for t in row["times"]}.items()
    assert {"Baghdad", "Basra"} <= {p["text"] for p in row["places"]}
    kovac = [a for a in row["actors"] if a["name"] == "Ana Kovac"]
    assert kovac and kovac[0]["kind"] == "person" and "Minister" in (kovac[0]["role"] or "")
    assert any(q["speaker"] == "Ana Kovac" and q["text"].startswith("We will answer")
               for q in row["quotes"])
    killed = [c for c in row["claims"] if c["predicate"] == "killed"]
    assert killed and killed[0]["low"] == 4 and killed[0]["high"] is None
    assert row["event_type"]["event_type"] == "Explosions/Remote violence"


def test_summarize_writes_one_brief_per_cluster(tmp_path):
    clusters = tmp_path / "clusters.jsonl"
    docs = [{"id": f"d{n}", "text": f"The river flooded the old town of Vell on Monday. "
             f"Rescue teams moved {n + 40} families to the school. The mayor asked for help. "
             f"Rain is expected to continue for {n + 2} more days.", "source": f"outlet{n}",
             "published": f"2031-05-0{n + 1}", "title": None} for n in range(3)]
    clusters.write_text(json.dumps({"id": "c1", "documents": docs}) + "\n"
                        + json.dumps({"id": "c2", "documents": []}) + "\n")
    out = tmp_path / "out.jsonl"
    result = run_cli("summarize", str(clusters), "--words", "20", "-o", str(out))
    assert result.returncode == 1, result.stderr  # c2 has no text: rejected, c1 written
    [row] = [json.loads(line) for line in out.read_text().splitlines()]
    assert row["id"] == "c1" and "flooded" in row["summary"]
    assert len(row["summary"].split()) <= 30
    assert "[" not in row["summary"]  # citations stripped
    assert run_cli("summarize", str(tmp_path / "missing.jsonl")).returncode == 2
