"""Readers: every input format, metadata, encodings, and hostile or broken inputs."""

from __future__ import annotations

import json
import os

from newsfuse.errors import REJECT_BINARY, REJECT_EMPTY, REJECT_PARSE, REJECT_TOO_LARGE
from newsfuse.ingest import InputOptions, read_inputs
from newsfuse.model import RawArticle, Rejection

BODY = ("The river rose two metres overnight and the council opened three shelters in the town. "
        "Officials said about 400 people had left their homes by Tuesday morning. ") * 3


def _read(*paths, **options):
    return list(read_inputs(paths, InputOptions(**options)))


def test_text_file_with_sidecar_metadata(tmp_path):
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "a.json").write_text(json.dumps({"source": "Harbour Times", "title": "Floods",
                                                 "published": "2024-09-17"}))
    [article] = _read(tmp_path)
    assert (article.source, article.title, article.published) == ("Harbour Times", "Floods",
                                                                   "2024-09-17")


def test_cli_defaults_apply_when_the_file_has_no_metadata(tmp_path):
    (tmp_path / "a.md").write_text("# River rises\n\n" + BODY, encoding="utf-8")
    [article] = _read(tmp_path, source="Wire", published="2024-09-18")
    assert (article.title, article.source, article.published) == ("River rises", "Wire",
                                                                  "2024-09-18")


def test_jsonl_keeps_given_id_and_unknown_fields_as_metadata(tmp_path):
    rows = [{"id": "x-1", "text": BODY, "section": "World", "source": "W"},
            {"id": "x-2", "html": f"<html><body><article><p>{BODY}</p></article></body></html>"},
            "not an object", {"id": "x-3"}]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n{broken\n", encoding="utf-8")
    items = _read(path)
    articles = [i for i in items if isinstance(i, RawArticle)]
    assert [a.id for a in articles] == ["x-1", "x-2"]
    assert articles[0].metadata == {"section": "World"}
    assert "river rose" in (articles[1].text or "")
    assert [i.code for i in items if isinstance(i, Rejection)] == [REJECT_PARSE, "NF305",
                                                                   REJECT_PARSE]


def test_html_page_gives_title_date_author(tmp_path):
    page = ("<html><head><title>Floods close road | Harbour Times</title>"
            '<meta property="og:title" content="Floods close road">'
            '<meta name="author" content="Anna Berg">'
            '<meta property="article:published_time" content="2024-09-17T08:00:00Z">'
            "</head><body><nav>Home | World</nav><article><h1>Floods close road</h1>"
            f"<p>{BODY}</p><p>{BODY}</p></article></body></html>")
    (tmp_path / "p.html").write_text(page, encoding="utf-8")
    [article] = _read(tmp_path)
    assert article.title == "Floods close road"
    assert article.author == "Anna Berg"
    assert article.published == "2024-09-17"
    assert "Home | World" not in (article.text or "")


def test_rss_entries_with_full_content_become_articles(tmp_path):
    feed = f"""<?xml version="1.0"?><rss version="2.0"
      xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Wire</title>
      <item><title>Full</title><link>https://w.example/full</link>
      <pubDate>Tue, 17 Sep 2024 08:00:00 GMT</pubDate>
      <content:encoded><![CDATA[<p>{BODY}</p><p>{BODY}</p>]]></content:encoded></item>
      <item><title>Teaser</title><link>https://w.example/teaser</link>
      <description>Only a teaser.</description></item></channel></rss>"""
    (tmp_path / "f.xml").write_text(feed, encoding="utf-8")
    items = _read(tmp_path)
    assert isinstance(items[0], RawArticle) and items[0].url == "https://w.example/full"
    assert items[0].published == "2024-09-17T08:00:00" and items[0].source == "Wire"
    assert isinstance(items[1], Rejection) and items[1].origin == "https://w.example/teaser"


def test_cp1252_text_is_decoded(tmp_path):
    (tmp_path / "a.txt").write_bytes(("Caf\u00e9 owners said \u201cno\u201d. " + BODY)
                                     .encode("cp1252"))
    [article] = _read(tmp_path)
    assert "Café owners said “no”." in (article.text or "")


def test_bad_inputs_are_rejected_with_reasons_and_never_raise(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "random.txt").write_bytes(os.urandom(4096) + b"\x00")
    (tmp_path / "invalid.txt").write_bytes(b"Valid start \xff\xfe\xfa then more words. " * 20)
    (tmp_path / "huge.html").write_bytes(b"<html><body>" + b"<p>word word</p>" * 1_300_000)
    (tmp_path / "deep.html").write_text("<html><body>" + "<div>" * 20_000 + BODY
                                        + "</div>" * 20_000 + "</body></html>")
    items = {os.path.basename(i.origin): i for i in _read(tmp_path)}
    assert items["empty.txt"].code == REJECT_EMPTY
    assert items["random.txt"].code == REJECT_BINARY
    assert isinstance(items["invalid.txt"], RawArticle)
    assert items["huge.html"].code == REJECT_TOO_LARGE
    assert "deep.html" in items  # an article or a rejection, but an answer


def test_folder_walk_is_recursive_sorted_and_skips_docs(tmp_path):
    for i in range(1000):
        sub = tmp_path / f"d{i % 10}"
        sub.mkdir(exist_ok=True)
        (sub / f"{i:04d}.txt").write_text(f"Story {i}. " + BODY)
    (tmp_path / "README.md").write_text("# About this folder\n\nNot an article.")
    items = _read(tmp_path)
    assert len(items) == 1000
    assert all(isinstance(i, RawArticle) for i in items)
    assert [i.origin for i in items] == sorted(i.origin for i in items)
