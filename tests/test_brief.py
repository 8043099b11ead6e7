"""The extractive brief: support and citations, reprints, budget, redundancy, sentence splitting."""

from __future__ import annotations

import pytest

from newsfuse.brief import BriefDoc, BriefLine, build_brief, split_sentences

# Fiction modelled on wire copy: a factory fire in an invented city, told by several outlets.
FIRE = ("A fire at a textile factory in the port city of Vantoria killed twelve workers "
        "on Tuesday, the regional fire service said.")
FIRE_B = ("A blaze at a textile factory in the port city of Vantoria killed twelve workers "
          "on Tuesday, the fire service said.")
FIRE_C = ("Twelve workers were killed on Tuesday when fire swept through a textile factory "
          "in the port city of Vantoria, the regional fire service said.")
ARTICLES = {
    "a1": ("VANTORIA, Eastland (Wire) - " + FIRE + " Firefighters needed six hours to bring "
           "the flames under control, according to the chief of the city brigade. "
           "\"We could not get close to the building,\" one firefighter said. "
           "The factory owner, Dr. Mira Castell, said the company would pay for the funerals.\n"
           "Why did the alarms fail?\n"
           "Labour unions called for a national inspection of garment plants in the region.",
           "2031-05-06T10:00"),
    "b2": (FIRE_B + " Dozens of workers escaped through a side door before the roof collapsed "
           "onto the main weaving hall. Labour unions demanded a national inspection of all "
           "garment plants in the region.", "2031-05-06T12:30"),
    "c3": (FIRE_C + " Investigators from the capital arrived on Wednesday to examine the "
           "wiring of the old building. The interior minister promised that those responsible "
           "for safety failures would be prosecuted.", "2031-05-07T08:00"),
}


def doc(doc_id: str, text: str, published: str | None = None,
        duplicate_of: str | None = None) -> BriefDoc:
    """A brief input split by the fallback splitter."""
    return BriefDoc(id=doc_id, text=text, sentences=split_sentences(text), published=published,
                    duplicate_of=duplicate_of)


def fire_docs() -> list[BriefDoc]:
    """The three reports of the factory fire."""
    return [doc(i, text, published) for i, (text, published) in ARTICLES.items()]


def check_spans(docs: list[BriefDoc], lines: list[BriefLine]) -> None:
    """Every span slices its article inside one of its sentences; the first one is the line."""
    by_id = {d.id: d for d in docs}
    for line in lines:
        assert line.spans and line.articles[0] == line.spans[0][0]
        assert [s[0] for s in line.spans] == list(line.articles)
        article, start, end = line.spans[0]
        assert by_id[article].text[start:end] == line.text
        for article, start, end in line.spans:
            d = by_id[article]
            assert 0 <= start < end <= len(d.text)
            assert any(s <= start and end <= e for s, e in d.sentences)
            assert d.text[start:end] == d.text[start:end].strip()


def sentences_of(text: str) -> list[str]:
    """The sentences the fallback splitter finds."""
    return [text[s:e] for s, e in split_sentences(text)]


def test_sentence_reported_three_times_cites_all_three():
    docs = fire_docs()
    lines = build_brief(docs, 60)
    check_spans(docs, lines)
    fire = next(line for line in lines if "twelve workers" in line.text.lower())
    assert set(fire.articles) == {"a1", "b2", "c3"}
    cited = {article: docs[i].text[s:e] for i, (article, s, e) in
             zip([{"a1": 0, "b2": 1, "c3": 2}[a] for a, _, _ in fire.spans], fire.spans,
                 strict=True)}
    assert cited == {"a1": FIRE, "b2": FIRE_B, "c3": FIRE_C}


def test_dateline_is_not_part_of_the_line():
    docs = fire_docs()
    lines = build_brief(docs, 60)
    assert all(not line.text.startswith("VANTORIA") for line in lines)
    assert any(line.spans[0] == ("a1", ARTICLES["a1"][0].index(FIRE),
                                 ARTICLES["a1"][0].index(FIRE) + len(FIRE)) for line in lines)


def test_questions_and_quote_only_fragments_are_skipped():
    docs = fire_docs()
    lines = build_brief(docs, 400)
    assert lines
    assert not any(line.text.endswith("?") or line.text.startswith('"') for line in lines)


def test_redundant_sentences_appear_once_and_the_repeats_become_citations():
    docs = fire_docs()
    lines = build_brief(docs, 400)
    check_spans(docs, lines)
    assert sum("twelve workers" in line.text.lower() for line in lines) == 1
    unions = [line for line in lines if "Labour unions" in line.text]
    assert len(unions) == 1 and set(unions[0].articles) == {"a1", "b2"}


def test_word_budget_is_respected():
    docs = fire_docs()
    for budget in (0, 5, 25, 40, 60, 120):
        lines = build_brief(docs, budget)
        assert sum(len(line.text.split()) for line in lines) <= budget
    assert build_brief(docs, 40)  # the lead fits and is taken


def test_deterministic():
    docs = fire_docs()
    assert build_brief(docs, 80) == build_brief(docs, 80)
    assert build_brief(list(reversed(docs)), 80) == build_brief(list(reversed(docs)), 80)


def test_lines_follow_publication_time():
    docs = fire_docs()
    lines = build_brief(list(reversed(docs)), 400)
    order = [line.articles[0] for line in lines]
    assert order == sorted(order, key=lambda a: ARTICLES[a][1])


def test_reprint_is_cited_but_not_independent_support():
    rumour = ("The harbour authority said a second warehouse near the docks had been closed "
              "as a precaution on Tuesday.")
    fact = ("Police in Vantoria arrested the factory's night manager on Wednesday on suspicion "
            "of negligence.")
    fact_b = ("Vantoria police arrested the factory's night manager on Wednesday on suspicion "
              "of negligence, a spokesman said.")
    docs = [doc("w1", rumour + " Ships were allowed to dock as usual.", "2031-05-07"),
            doc("w1-copy", rumour + " Ships were allowed to dock as usual.", "2031-05-07",
                duplicate_of="w1"),
            doc("w1-copy2", rumour + " Ships were allowed to dock as usual.", "2031-05-08",
                duplicate_of="w1"),
            doc("p2", fact + " He was released later that day.", "2031-05-07"),
            doc("p3", fact_b + " The manager has not commented.", "2031-05-08")]
    budget = len(rumour.split()) + 2  # room for one of the two
    one = build_brief(docs, budget)
    assert [line.text for line in one] == [fact]
    assert set(one[0].articles) == {"p2", "p3"}
    lines = build_brief(docs, 200)
    check_spans(docs, lines)
    harbour = next(line for line in lines if line.text == rumour)
    assert harbour.articles == ("w1", "w1-copy", "w1-copy2")
    # without the reprint marks the copies would outvote the two independent reports
    unmarked = [BriefDoc(d.id, d.text, d.sentences, d.published) for d in docs]
    assert build_brief(unmarked, budget)[0].text == rumour


def test_empty_and_single_document():
    assert build_brief([], 120) == []
    assert build_brief([doc("e", "")], 120) == []
    single = [doc("a1", ARTICLES["a1"][0], ARTICLES["a1"][1])]
    lines = build_brief(single, 120)
    check_spans(single, lines)
    assert lines and all(line.articles == ("a1",) for line in lines)


def test_split_sentences_abbreviations():
    text = ("Dr. Ana Reyes flew to the U.S. on Jan. 4 with Gen. Tomas Ferro. "
            "She met officials of Acme Corp. in Boston. "
            "Her trip ended in the U.S. The talks resume in Feb. next year.")
    assert sentences_of(text) == [
        "Dr. Ana Reyes flew to the U.S. on Jan. 4 with Gen. Tomas Ferro.",
        "She met officials of Acme Corp. in Boston.",
        "Her trip ended in the U.S.",
        "The talks resume in Feb. next year.",
    ]


def test_split_sentences_quotes_and_lines():
    text = ('"We will rebuild. Nobody will be forgotten," the mayor said. "Is it safe?" '
            'a reporter asked. The mayor nodded. "Yes."\n'
            "Headline without a stop\nJohn F. Kennedy Airport reopened!  Flights resumed.")
    assert sentences_of(text) == [
        '"We will rebuild. Nobody will be forgotten," the mayor said.',
        '"Is it safe?" a reporter asked.',
        "The mayor nodded.",
        '"Yes."',
        "Headline without a stop",
        "John F. Kennedy Airport reopened!",
        "Flights resumed.",
    ]


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "one", "No stop at the end"])
def test_split_sentences_spans_slice_the_text(text: str):
    for start, end in split_sentences(text):
        assert text[start:end] == text[start:end].strip() != ""


def test_untrimmed_and_overlong_spans_from_elsewhere_are_tolerated():
    text = "  " + FIRE + "  \n" + FIRE_B
    second = text.index(FIRE_B)
    docs = [BriefDoc("x1", text, ((0, second - 1), (second, len(text) + 40)))]
    lines = build_brief(docs, 100)
    assert [line.text for line in lines] == [FIRE, FIRE_B] or [line.text for line in lines] == [FIRE]
    assert all(text[s:e] == line.text for line in lines for _, s, e in line.spans[:1])
