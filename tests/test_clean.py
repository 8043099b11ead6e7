"""Cleaning: each debris family goes, body text stays, and cleaning is stable."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from newsfuse.clean import classify_line, clean_text, line_key

BODY = [
    "All have returned to duty.",
    "Nobody was hurt.",
    "He declined.",
    "BAGHDAD (Reuters) - The strikes began shortly after midnight, officials said.",
    "“We will rebuild,” she said.",
    "The ministry said the video showed soldiers crossing the river.",
    "The paper's advertisement revenue fell by 12 percent.",
    "Shares in the company more than doubled.",
    "What happens next",
    "Population: 1.2 million",
    "MARA QUINN, HOST:",
    "Q: Will you resign?",
    "Home prices rose 5 percent in May.",
    "Updated rules took effect on Monday.",
    "Photos and videos flooded social media after the blast, witnesses said, as crowds gathered.",
]

DEBRIS = [
    ("Advertisement", "ad"),
    ("Advertisement Continue reading the main story", "ad"),
    ("Visit Harbour Gazette's homepage for more stories.", "promo"),
    ("{{}}", "template"),
    ("MORE ON THIS TOPIC:", "furniture"),
    ("FILE PHOTO: Soldiers stand guard near a depot in Tarsk, May 2, 2024. REUTERS/Ann Berg",
     "caption"),
    ("Smoke rises over the port, June 3, 2025. (AP Photo/Tom Reyes)", "caption"),
    ("By Anna Berg, Tom Reyes and Lena Ortiz", "byline"),
    ("Hide Caption 1 of 8", "gallery"),
    ("Video Ad Feedback", "video"),
    ("© 2025 Harbour Times. All rights reserved.", "footer"),
    ("Reporting by Anna Berg; Editing by Tom Reyes", "footer"),
    ("— Mara Quinn (@maraquinn) June 4, 2025", "embed"),
    ("EXCLUSIVE – In Tactical Shift, Rebels Court New Allies Along The Coast", "related"),
    ("MILITARY BASES ATTACKED AGAIN, BRINGING TOTAL TO AT LEAST 90", "headline"),
    ("This story has been updated with comment from the ministry.", "update"),
]


@pytest.mark.parametrize("line", BODY)
def test_body_lines_are_kept(line):
    assert classify_line(line) is None


@pytest.mark.parametrize(("line", "rule"), DEBRIS)
def test_debris_lines_are_named(line, rule):
    assert classify_line(line) == rule


def test_removed_lines_are_kept_with_rule_and_byline_becomes_author():
    text = "By Anna Berg\nThe dam held overnight, engineers said.\nAdvertisement\nIt did not.\n"
    result = clean_text(text)
    assert result.text == "The dam held overnight, engineers said.\n\nIt did not."
    assert [(r.rule, r.line) for r in result.removed] == [("byline", 0), ("ad", 2)]
    assert result.author == "Anna Berg"


def test_headline_repeated_as_first_line_goes():
    title = "Floods close the coast road"
    result = clean_text(f"{title}\nThe coast road was closed on Monday after floods.", title)
    assert [r.rule for r in result.removed] == ["headline_repeat"]


def test_key_point_bullets_copying_the_body_go_but_the_body_stays():
    sentence = "Rescuers pulled eleven people from the collapsed building on Friday night."
    result = clean_text(f"• {sentence}\n{sentence} Two are in hospital.\nIt rained.")
    assert result.removed[0].rule == "repeat" and result.removed[0].line == 0
    assert sentence in result.text


def test_recurring_source_lines_go_unless_most_lines_recur():
    furniture = "The Coastal Ledger is funded by its readers."
    text = f"The council voted on Tuesday.\nThe budget passed easily.\n{furniture}"
    result = clean_text(text, recurring={line_key(furniture)})
    assert [r.rule for r in result.removed] == ["recurring"]
    everything = {line_key(line) for line in text.split("\n")}
    assert clean_text(text, recurring=everything).removed == ()


def test_video_title_after_player_label_and_tweet_text_above_signature_go():
    text = ("The storm passed at noon.\nNow Playing\nStorm hits the coast\n"
            "The port reopened.\nWe are safe, thank you all.\n"
            "— Harbour Lifeboat (@harbourlb) May 2, 2025\nThe cost is unknown.")
    rules = {r.text: r.rule for r in clean_text(text).removed}
    assert rules == {"Now Playing": "video", "Storm hits the coast": "video",
                     "We are safe, thank you all.": "embed",
                     "— Harbour Lifeboat (@harbourlb) May 2, 2025": "embed"}


def test_hard_wrapped_upper_case_wire_text_is_unwrapped_and_kept():
    paragraph = ("LIMA, 5 JAN 90 -- [TEXT] THE POLICE REPORTED TODAY\nTHAT THREE PEOPLE WERE "
                 "KILLED WHEN A BOMB\nEXPLODED NEAR A BANK IN THE CENTRE OF\nTHE CAPITAL.")
    other = ("THE ARMY SAID TWO SOLDIERS WERE WOUNDED\nIN A CLASH WITH REBELS NEAR THE\n"
             "BORDER ON SUNDAY MORNING, A SPOKESMAN\nSAID.")
    result = clean_text(f"{paragraph}\n\n{other}")
    assert result.removed == ()
    assert "REPORTED TODAY THAT THREE PEOPLE WERE KILLED WHEN A BOMB EXPLODED" in result.text


_WORDS = st.sampled_from(("the", "council", "said", "river", "voted", "on", "tuesday", "police",
                          "two", "people", "were", "hurt", "in", "a", "crash", "near", "town"))
_SENTENCES = st.lists(_WORDS, min_size=3, max_size=18).map(
    lambda words: " ".join([words[0].capitalize(), *words[1:]]) + ".")


def _copies(sentences: list[str]) -> bool:
    bags = [set(s.lower().strip(".").split()) for s in sentences]
    return any(len(a & b) / min(len(a), len(b)) >= 0.95
               for i, a in enumerate(bags) for b in bags[i + 1:])


@given(st.lists(_SENTENCES, min_size=1, max_size=8),
       st.lists(st.sampled_from([d for d, _ in DEBRIS]), max_size=6), st.randoms())
@settings(max_examples=150, deadline=None)
def test_cleaning_never_deletes_an_ordinary_sentence(sentences, debris, rnd):
    assume(not _copies(sentences))  # a near-copy of another line is removed on purpose
    lines = [*sentences, *debris]
    rnd.shuffle(lines)
    result = clean_text("\n".join(lines))
    for position, line in enumerate(lines):
        post_text = position + 1 < len(lines) and lines[position + 1].startswith("— ")
        if line in sentences and not post_text:  # the line above a post's signature is the post
            assert line in result.text


@given(st.lists(st.one_of(_SENTENCES, st.sampled_from([d for d, _ in DEBRIS])), max_size=12))
@settings(max_examples=100, deadline=None)
def test_cleaning_is_idempotent(lines):
    once = clean_text("\n".join(lines))
    assert clean_text(once.text).text == once.text


def test_an_ad_line_and_a_repeated_capital_headline_do_not_make_the_story_shouting():
    text = "\n".join(["Advertisement Continue reading the main story",
                      "FLOODS CUT ROADS ACROSS THE NORTH AGAIN, TOLL RISES TO 12",
                      "FLOODS CUT ROADS ACROSS THE NORTH AGAIN, TOLL RISES TO 12",
                      "Rain fell."])
    once = clean_text(text)
    assert once.text == "Rain fell."
    assert clean_text(once.text).text == once.text
