"""Ids, dates and URL normalisation of the data model."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsfuse.model import (
    RawArticle,
    content_hash,
    derive_article_id,
    event_id_for,
    normalise_published,
    normalise_url,
)


def test_given_id_wins_over_url_and_text():
    raw = RawArticle(origin="x", id=" story-7 ", url="https://a.example/x")
    assert derive_article_id(raw, "text") == "story-7"


def test_url_id_ignores_fragment_case_and_trailing_slash():
    one = RawArticle(origin="x", url="HTTPS://News.Example/a/b/#top")
    two = RawArticle(origin="y", url="https://news.example/a/b")
    assert derive_article_id(one, "t1") == derive_article_id(two, "t2")


def test_text_id_ignores_whitespace_but_not_words():
    raw = RawArticle(origin="x")
    assert derive_article_id(raw, "A  b\nc") == derive_article_id(raw, "A b c")
    assert derive_article_id(raw, "A b c") != derive_article_id(raw, "A b d")


@pytest.mark.parametrize(("given", "expected"), [
    ("2024-01-23", "2024-01-23"),
    ("Tue, 23 Jan 2024 10:30:00 GMT", "2024-01-23T10:30:00"),
    ("2024-01-23T12:00:00+02:00", "2024-01-23T10:00:00"),
    ("not a date", None),
    ("", None),
    ("1066-10-14", None),
])
def test_normalise_published(given, expected):
    assert normalise_published(given) == expected


def test_event_id_is_stable_and_distinct():
    assert event_id_for("a") == event_id_for("a")
    assert event_id_for("a") != event_id_for("b")


@given(st.text())
def test_content_hash_is_whitespace_insensitive(text):
    assert content_hash(text) == content_hash("  " + text.replace(" ", "\n") + "\t")


def test_normalise_url_keeps_query():
    assert normalise_url("https://x.example/p?id=3#f") == "https://x.example/p?id=3"
