"""Agreement scorer: same-answer similarity, "weakens" cues, and number reading (own sentences)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsfuse.agree import (
    SAME_ANSWER_THRESHOLD,
    answer_similarity,
    number_relation,
    numbers,
    weakens_score,
)

LABELS = Path(__file__).resolve().parents[1] / "bench" / "data" / "disagree"
NEWSSTREAM = Path(__file__).resolve().parents[2] / "shared" / "data" / "newsstream"


@pytest.mark.parametrize(("text", "values"), [
    ("The ferry carried 1,240 passengers and three crew.", [1240.0, 3.0]),
    ("Damage was put at $4.5 billion, or about 12 per cent of output.", [4.5e9, 12.0]),
    ("Twenty-one villagers and two hundred goats were counted.", [21.0, 200.0]),
    ("Nobody was hurt.", []),
])
def test_numbers_are_read_as_values(text, values):
    assert numbers(text) == values


def test_same_answer_in_other_words():
    a = "to stop the smuggling of fuel across the northern border"
    b = "fuel smugglers crossing the northern border"
    assert answer_similarity(a, b) >= SAME_ANSWER_THRESHOLD


def test_different_answers_score_low():
    a = "the harbour authority ordered the closure"
    b = "heavy rain flooded the valley roads"
    assert answer_similarity(a, b) < SAME_ANSWER_THRESHOLD


def test_numbers_decide_between_otherwise_equal_answers():
    assert answer_similarity("until March 2031", "March 2031") >= SAME_ANSWER_THRESHOLD
    assert answer_similarity("14 miners trapped", "19 miners trapped") < SAME_ANSWER_THRESHOLD
    assert number_relation("14 miners trapped", "fourteen miners") == 1
    assert number_relation("14 miners", "19 miners") == -1
    assert number_relation("miners trapped", "19 miners") == 0


def test_negation_on_one_side_lowers_similarity():
    plain = answer_similarity("the mayor will sign the harbour deal",
                              "the mayor signs the harbour deal")
    negated = answer_similarity("the mayor will not sign the harbour deal",
                                "the mayor signs the harbour deal")
    assert negated < plain


def test_answer_similarity_is_bounded_and_symmetric():
    a, b = "about 300 workers walked out", "some 300 staff left the plant"
    assert 0.0 <= answer_similarity(a, b) <= 1.0
    assert answer_similarity(a, b) == answer_similarity(b, a)


def test_denial_weakens_more_than_support():
    claim = "The council said the new bridge will open in May."
    denial = "A council spokesman denied the bridge would open in May, saying no date was set."
    support = "The new bridge will open in May, the council confirmed on Friday."
    assert weakens_score(claim, denial) > weakens_score(claim, support)


def test_hedging_and_number_conflict_weaken():
    claim = "Forty fishermen were rescued off the cape on Sunday."
    hedged = "Reports that forty fishermen were rescued remain unconfirmed."
    other_count = "Coastguards rescued twelve fishermen off the cape on Sunday."
    unrelated = "The regional orchestra announced its winter season."
    assert weakens_score(claim, hedged) > weakens_score(claim, unrelated)
    assert weakens_score(claim, other_count) > weakens_score(claim, unrelated)
    assert 0.0 <= weakens_score(claim, hedged) <= 1.0


def test_scores_are_deterministic():
    a, b = "the plant closed for 3 weeks", "the plant stayed shut for three weeks"
    assert answer_similarity(a, b) == answer_similarity(a, b)
    assert weakens_score(a, b) == weakens_score(a, b)


def test_labelled_set_offsets_point_at_number_wording():
    """Every span of our newsstream label file slices a number phrase of its article."""
    data = NEWSSTREAM / "dev.jsonl.gz"
    if not data.is_file():
        pytest.skip(f"newsstream dev set not found at {data}")
    import gzip

    with gzip.open(data, "rt", encoding="utf-8") as lines:
        texts = {a["id"]: a["text"] for a in map(json.loads, lines)}
    items = [json.loads(line) for line in
             (LABELS / "newsstream_numbers.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(items) >= 60
    for item in items:
        assert item["label"] in {"agreed", "disputed", "update"}
        assert len({c["article"] for c in item["claims"]}) >= 2
        for claim in item["claims"]:
            span = texts[claim["article"]][claim["start"]:claim["end"]]
            assert span == span.strip() and span
            assert any(ch.isdigit() for ch in span) or numbers(span) or span.lower() in {
                "dozens of women", "thousands of dollars", "twice", "new year's day",
                "new year's eve", "two-thirds", "two thirds", "about two-thirds", "100-odd"}


@pytest.mark.parametrize("name", ["ecbplus_numbers.jsonl", "ecbplus_numbers_heldout.jsonl"])
def test_ecbplus_label_files_are_well_formed(name):
    """Each ECB+ item: two or more articles of its gold event, one claim each, a non-empty span
    on word boundaries, ordered bounds, and overlapping ranges when labelled agreed."""
    data = NEWSSTREAM.parent / "ecbplus" / "dev.jsonl.gz"
    if not data.is_file():
        pytest.skip(f"ECB+ dev set not found at {data}")
    import gzip

    with gzip.open(data, "rt", encoding="utf-8") as lines:
        articles = {a["id"]: a for a in map(json.loads, lines)}
    items = [json.loads(line) for line in (LABELS / name).read_text(encoding="utf-8").splitlines()]
    assert len(items) >= 100
    for item in items:
        claims = item["claims"]
        assert item["label"] in {"agreed", "disputed", "update"}
        assert len({c["article"] for c in claims}) == len(claims) >= 2
        for claim in claims:
            article = articles[claim["article"]]
            assert article["event"] == item["event"]
            text, start, end = article["text"], claim["start"], claim["end"]
            assert text[start:end] == text[start:end].strip() != ""
            assert not (text[start - 1:start].isalnum() and text[start].isalnum())
            assert not (text[end:end + 1].isalnum() and text[end - 1].isalnum())
            if claim["low"] is not None and claim["high"] is not None:
                assert claim["low"] <= claim["high"]
        if item["label"] == "agreed":
            lows = [c["low"] for c in claims if c["low"] is not None]
            highs = [c["high"] for c in claims if c["high"] is not None]
            assert not lows or not highs or max(lows) <= min(highs)
