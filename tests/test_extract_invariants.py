"""Invariants of every extractor on arbitrary news-like text: no crash, every span exact."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsfuse.nlp import analysis_of

PIECES = ["The army said", "\u201cWe will respond,\u201d", "he added", "at least 12 people",
          "were killed", "on Tuesday", "in Kessel,", "Norland.", "about 150", "\u00abNo\u00bb",
          "'", "\"", "(PMF)", "Defense Minister Ana Kovac", "Kovac", "$4.5 billion", "3-1",
          "two-thirds", "last week", "2019", "\n\n", "Mr.", "U.S.", "a militia leader",
          "the Northern Brigade", "according to officials,", "\u2014", "...", "airstrikes hit",
          "a 34-year-old man", "Twenty-three", "since October 17", "\u00e9t\u00e9", "-", ","]


@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=30),
       st.sampled_from([None, "2031-03-12", "2031-03-12T08:30:00"]))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_extraction_span_is_exact(nlp, pieces, published):
    text = " ".join(pieces)
    found = analysis_of("x", nlp(text), text, None, published)
    for item in (*found.times, *found.places, *found.quotes, *found.claims):
        assert text[item.start:item.end] == item.text
    for actor in found.actors:
        for mention in actor.mentions:
            assert text[mention.start:mention.end] == mention.text
    if found.event_type is not None:
        assert text[found.event_type.start:found.event_type.end] == found.event_type.trigger
    for happening in found.happenings:
        assert 0 <= happening.sentence_start <= happening.time_start < happening.time_end
        assert happening.time_end <= len(text)
    assert sum(h.main for h in found.happenings) <= 1


def test_a_failing_extractor_leaves_the_rest_of_the_analysis(nlp, monkeypatch, caplog):
    import newsfuse.nlp as nlp_module

    def broken(*_args):
        raise RuntimeError("boom")

    monkeypatch.setattr(nlp_module, "find_quotes", broken)
    text = "\u201cWe will respond,\u201d Ana Kovac said on Tuesday in Kessel."
    found = analysis_of("x", nlp(text), text, None, "2031-03-12")
    assert found.quotes == () and found.times and found.actors
    assert "failed (RuntimeError: boom)" in caplog.text
