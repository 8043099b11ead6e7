"""Positions in a sequence ("on lap 48", "the fourth pitch") and frequencies ("twice") as claims."""

from __future__ import annotations

import pytest

from newsfuse.compare import compare_claims
from newsfuse.extract.claims import find_claims
from newsfuse.extract.positions import find_positions
from newsfuse.model import Claim


def found(nlp, text: str, predicate: str) -> list[tuple[str, float | None, str | None, str | None]]:
    """(wording, value, unit, subject) of the positions module's claims of one predicate, with
    nothing taken before it; spans checked."""
    claims = find_positions(text, nlp(text), [])
    for claim in claims:
        assert text[claim.start:claim.end] == claim.text, claim
    return [(c.text, c.low, c.unit, c.subject) for c in claims if c.predicate == predicate]


@pytest.mark.parametrize(("text", "wording", "value", "unit"), [
    ("The Verrano car crashed on lap 48 in heavy rain.", "lap 48", 48, "lap"),
    ("Ostrel was pulled out in Round seven of the bout.", "Round seven", 7, "round"),
    ("Tamsin hit a home run on the fourth pitch of the game.", "fourth pitch", 4, "pitch"),
    ("The race was halted again in the 28th lap.", "28th lap", 28, "lap"),
    ("The fire started on the 12th floor of the tower.", "12th floor", 12, "floor"),
    ("Brandt finished the race in third place.", "third place", 3, "place"),
])
def test_a_numbered_slot_is_a_position(nlp, text, wording, value, unit):
    assert [(w, v, u) for w, v, u, _ in found(nlp, text, "position")] == [(wording, value, unit)]


@pytest.mark.parametrize("text", [
    "For the first time, the council met in public.",
    "Why was he there in the first place?",
    "Investigators found a second set of documents and a fourth round of sanctions began.",
    "Last week 300 workers were laid off at the plant.",
    "On the same day two bombs exploded near the market.",
    "Profits rose in the first quarter and fell in the second period.",
    "The paper's first story on the scandal ran in March.",
    "Nearly 40 million people watched Game 7 on television.",
])
def test_names_idioms_and_other_numbers_are_not_positions(nlp, text):
    assert found(nlp, text, "position") == []


def test_how_often_is_a_frequency_of_what_happened(nlp):
    text = "The race was stopped twice and the safety car came out five times."
    assert [(w, v, s) for w, v, _, s in found(nlp, text, "frequency")] == [
        ("twice", 2, "stop"), ("five times", 5, "come")]


def test_a_title_held_that_often_is_a_frequency_of_the_title(nlp):
    [(wording, value, unit, subject)] = found(nlp, "Jensen is a two-time champion.", "frequency")
    assert (wording, value, unit) == ("two-time", 2, "times")
    assert subject is not None and subject.endswith("champion")


@pytest.mark.parametrize("text", [
    "The plant emits three times as many gases and runs twice a day.",
    "She now earns twice her old salary and five times their 2019 level.",
    "Voters should think twice, the council said at its twice-weekly meeting.",
    "The video was shared 12,400 times and prices rose 1.5 times.",
])
def test_multiples_and_idioms_are_not_frequencies(nlp, text):
    assert found(nlp, text, "frequency") == []


def test_the_named_doer_leads_the_subject(nlp):
    [(_, _, _, subject)] = found(nlp, "Brandt finished the race in third place.", "position")
    assert subject is not None and subject.startswith("Brandt ")  # "Brandt race" or "... finish"


def test_positions_join_the_article_claims_without_overlap(nlp):
    text = "The car crashed on lap 48, and the safety car was deployed five times."
    claims = find_claims(text, nlp(text))
    assert [(c.predicate, c.text) for c in claims] == [("position", "lap 48"),
                                                       ("frequency", "five times")]


def lap(value: float, subject: str) -> Claim:
    return Claim(predicate="position", subject=subject, low=value, high=value, unit="lap",
                 value=f"lap {value:g}", text=f"lap {value:g}", start=0, end=6)


def test_two_reports_give_one_slot_two_numbers():
    disputed = compare_claims([("a", lap(13, "crash")), ("b", lap(14, "crash"))])
    assert [f.status for f in disputed] == ["disputed"]
    apart = compare_claims([("a", lap(13, "crash")), ("b", lap(48, "stoppage"))])
    assert [f.status for f in apart] == ["single_source", "single_source"]
    two_drivers = compare_claims([("a", lap(13, "Brandt crash")), ("b", lap(14, "Kell crash"))])
    assert [f.status for f in two_drivers] == ["single_source", "single_source"]


def test_a_later_report_of_another_slot_is_a_dispute_not_an_update():
    published = {"a": "2019-06-02T10:00", "b": "2019-06-02T22:00"}
    facts = compare_claims([("a", lap(13, "crash")), ("b", lap(14, "crash"))],
                           None, None, None, published)
    assert [f.status for f in facts] == ["disputed"]


@pytest.mark.parametrize(("text", "subjects"), [
    ("Hamilton has 19 points, while Verstappen scored 51 points.",
     ["Hamilton point", "Verstappen point"]),
    ("The army killed 12 militants in the raid.", ["militant"]),  # the killers own no one
    ("The company has 300 employees.", ["employee"]),  # no name, no owner
])
def test_a_verb_of_having_names_whose_count_it_is(nlp, text, subjects):
    claims = find_claims(text, nlp(text))
    assert [c.subject for c in claims] == subjects


@pytest.mark.parametrize(("text", "subject"), [
    ("It leaves Brandt with a 12-point lead in the standings.", "point lead"),
    ("Kell, whose lead was cut to 12 points, finished second.", "point lead"),
    ("The result brought the gap to just 12 points.", "point gap"),
    ("The Otters took a three-goal advantage.", "Otters goal advantage"),
    ("Kell scored 12 points.", "Kell point"),  # a tally, not a margin
])
def test_a_margin_is_told_from_a_tally(nlp, text, subject):
    claims = [c for c in find_claims(text, nlp(text)) if c.predicate == "count"]
    assert [c.subject for c in claims] == [subject]


def test_margins_align_with_each_other_not_with_tallies():
    lead = Claim(predicate="count", subject="point lead", low=12, high=12, start=0, end=2)
    gap = lead.model_copy(update={"subject": "point gap"})
    tally = lead.model_copy(update={"subject": "point", "low": 19, "high": 19})
    facts = compare_claims([("a", lead), ("b", gap), ("c", tally)])
    assert sorted((len(f.claims), f.status) for f in facts) == [
        (1, "single_source"), (2, "agreed")]
