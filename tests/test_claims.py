"""Claims: numbers with what they count, as ranges, with subject, attribution and trigger."""

from __future__ import annotations

import pytest

from newsfuse.extract.claims import attribution, find_claims
from newsfuse.extract.numbers import ABOUT_SHARE, find_numbers, parse_number
from newsfuse.model import Claim


def claims(nlp, text: str) -> list[Claim]:
    """Parse and extract one text; every span must slice the text to the claim's words."""
    found = find_claims(text, nlp(text))
    for claim in found:
        assert text[claim.start:claim.end] == claim.text == claim.value, claim
    assert [c.start for c in found] == sorted(c.start for c in found)
    return found


def one(nlp, text: str, predicate: str | None = None) -> Claim:
    """The single claim of a text (of one predicate, if given)."""
    found = [c for c in claims(nlp, text) if predicate is None or c.predicate == predicate]
    assert len(found) == 1, found
    return found[0]


def bounds(claim: Claim) -> tuple[float | None, float | None]:
    return claim.low, claim.high


def ranges(text: str) -> list[tuple[str, float | None, float | None]]:
    """The number phrases of a text as (wording, low, high); spans checked."""
    found = find_numbers(text)
    return [(text[p.start:p.end], p.low, p.high) for p in found]


# --- numbers and modifiers ------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("1,200", 1200), ("1.5", 1.5), ("3m", 3e6), ("twenty-five", 25), ("a dozen", 12),
    ("half a dozen", 6), ("two hundred and fifty", 250), ("three thousand", 3000),
    ("a hundred", 100), ("seventy", 70), ("dozens", 24), ("two three", None),
])
def test_parse_number_reads_digits_and_words(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(("text", "low", "high"), [
    ("at least two soldiers", 2, None),
    ("no fewer than 40 people", 40, None),
    ("more than 10 people", 11, None),  # strict for whole counts
    ("over a dozen homes", 13, None),
    ("upwards of 300 cars", 301, None),
    ("up to 40 people", 0, 40),
    ("as many as 50 people", 0, 50),
    ("fewer than 10 boats", 0, 9),
    ("about 150 attacks", 135, 165),
    ("around 5 boats", 4, 6),  # the tolerance is at least 1
    ("some 200 people", 180, 220),
    ("an estimated 3,000 people", 2700, 3300),
    ("roughly 1,000 people", 900, 1100),
    ("nearly 25,500 people", 22950, 25500),
    ("almost 100 people", 90, 100),
    ("between 10 and 15 people", 10, 15),
    ("10 to 15 people", 10, 15),
    ("10-15 people", 10, 15),
    ("two or three people", 2, 3),
    ("50 or more people", 50, None),
    ("dozens of people", 24, None),
    ("hundreds of people", 200, None),
    ("tens of thousands of people", 20000, None),
    ("two people", 2, 2),
])
def test_modifiers_give_ranges(text, low, high):
    found = find_numbers(text)
    assert len(found) == 1, found
    phrase = found[0]
    assert (phrase.low, phrase.high) == (low, high)
    assert text[phrase.start:phrase.end] == text.rsplit(" ", 1)[0].removesuffix(" of")


def test_about_tolerance_is_a_documented_share():
    assert ABOUT_SHARE == 0.10
    (phrase,) = find_numbers("about 2.5% of voters")
    assert phrase.low == pytest.approx(2.25) and phrase.high == pytest.approx(2.75)


def test_more_than_is_not_strict_for_money():
    (phrase,) = find_numbers("more than $3 million")
    assert (phrase.low, phrase.high, phrase.unit) == (3e6, None, "USD")


@pytest.mark.parametrize("text", [
    "on January 20, 2024", "in 2014", "Oct. 17", "at 6.30 p.m.", "at 10:30", "the 17th",
    "call 0800 123 4567", "page 12", "Flight 370", "an F-16", "COVID-19", "a one-way trip",
    "the 1990s", "three days ago", "a two-state solution",
])
def test_dates_times_and_labels_are_skipped(text):
    assert ranges(text) == []


# --- casualty predicates ----------------------------------------------------------------------


@pytest.mark.parametrize(("text", "predicate", "low", "high", "subject"), [
    ("Gunmen killed two fighters near the border.", "killed", 2, 2, "fighter"),
    ("Two fighters were killed near the border.", "killed", 2, 2, "fighter"),
    ("Two people died when the roof collapsed.", "killed", 2, 2, "people"),
    ("Officials reported a death toll of 12 after the blast.", "killed", 12, 12, None),
    ("The death toll rose to 45 on Monday.", "killed", 45, 45, None),
    ("The explosion left 12 dead near the market.", "killed", 12, 12, None),
    ("Rescuers recovered 14 bodies from the river.", "killed", 14, 14, None),
    ("Five soldiers were wounded in the ambush.", "wounded", 5, 5, "soldier"),
    ("Eleven passengers were injured in the crash.", "wounded", 11, 11, "passenger"),
    ("Nine climbers are missing after the avalanche.", "missing", 9, 9, "climber"),
    ("Police arrested 12 suspects at dawn.", "arrested", 12, 12, "suspect"),
    ("Troops detained dozens of protesters.", "arrested", 24, None, "protester"),
    ("Pirates kidnapped seven sailors off the coast.", "kidnapped", 7, 7, "sailor"),
    ("The floods displaced 5,000 people in the valley.", "displaced", 5000, 5000, "people"),
    ("Thousands of residents fled the fighting.", "displaced", 2000, None, "resident"),
    ("Four U.S. service members suffered brain injuries.", "wounded", 4, 4,
     "U.S. service member"),
])
def test_casualty_predicates(nlp, text, predicate, low, high, subject):
    claim = one(nlp, text)
    assert (claim.predicate, claim.low, claim.high, claim.subject) == (
        predicate, low, high, subject)


def test_participle_clause_and_with_clause(nlp):
    found = claims(nlp, "Rebels killed three guards, injuring four others, on Friday.")
    assert [(c.predicate, c.low) for c in found] == [("killed", 3), ("wounded", 4)]
    claim = one(nlp, "The roof fell in, with 30 people wounded.")
    assert (claim.predicate, claim.low, claim.subject) == ("wounded", 30, "people")


def test_number_standing_alone_takes_the_sentence_antecedent(nlp):
    found = claims(nlp, "At least one Hamas fighter was killed and two were wounded.")
    assert [(c.predicate, c.low, c.high, c.subject) for c in found] == [
        ("killed", 1, None, "Hamas fighter"), ("wounded", 2, 2, "Hamas fighter")]
    claim = one(nlp, "The strikes killed at least one, officials said.")
    assert (claim.predicate, claim.low, claim.high, claim.subject) == ("killed", 1, None, None)
    assert claim.text == "at least one" and claim.trigger == "strikes"


def test_a_and_one_count_only_in_casualty_claims(nlp):
    claim = one(nlp, "The drone strike killed a militia commander.")
    assert (claim.predicate, claim.low, claim.high, claim.text) == ("killed", 1, 1, "a")
    assert claim.subject == "militia commander"
    assert claims(nlp, "It was one of the reasons for a delay.") == []
    assert claims(nlp, "The army has one base in the province.") == []


def test_perpetrators_are_not_victims(nlp):
    found = claims(nlp, "About 300 rebels killed 12 villagers.")
    assert [(c.predicate, c.low) for c in found] == [("count", 270), ("killed", 12)]


# --- other counts ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "predicate", "low", "high", "trigger"), [
    ("Jets struck three facilities used by the militia.", "facilities", 3, 3, "struck"),
    ("The group carried out more than 150 attacks last year.", "attacks", 151, None, "carried"),
    ("The country sent 2,500 troops to the border.", "troops", 2500, 2500, "sent"),
    ("The militia fired 17 missiles at the base.", "missiles", 17, 17, "fired"),
    ("The militia fired 30 rockets at the base.", "rockets", 30, 30, "fired"),
    ("The navy downed 14 drones overnight.", "drones", 14, 14, "downed"),
    ("The storm destroyed 300 homes in the region.", "count", 300, 300, "destroyed"),
])
def test_counted_nouns_get_their_class(nlp, text, predicate, low, high, trigger):
    claim = one(nlp, text)
    assert (claim.predicate, claim.low, claim.high, claim.trigger) == (
        predicate, low, high, trigger)


def test_times_counts_attacks_with_their_target(nlp):
    claim = one(nlp, "Police posts have been attacked about 120 times since May.")
    assert (claim.predicate, claim.low, claim.high) == ("attacks", 108, 132)
    assert claim.subject == "attack on Police post" and claim.text == "about 120"
    claim = one(nlp, "The towns came under attack at least 61 times this year.")
    assert (claim.predicate, claim.low, claim.high) == ("attacks", 61, None)


def test_references_back_are_not_claims(nlp):
    assert claims(nlp, "The two countries signed a ten-point plan.") == []
    assert claims(nlp, "The Boeing 737 landed safely.") == []


# --- measures ----------------------------------------------------------------------------------


def test_money(nlp):
    found = claims(nlp, "The firm paid $85 billion for the rival and £3m in fines.")
    assert [(c.predicate, c.low, c.unit, c.text) for c in found] == [
        ("money", 85e9, "USD", "$85 billion"), ("money", 3e6, "GBP", "£3m")]
    claim = one(nlp, "The aid package of 2.5 billion euros was approved.")
    assert (claim.low, claim.unit, claim.subject) == (2.5e9, "EUR", "aid package")


def test_distance_weight_speed_height(nlp):
    found = claims(nlp, "The quake struck 12 km from the town.")
    assert [(c.predicate, c.low, c.unit, c.text) for c in found] == [
        ("distance", 12, "km", "12 km")]
    assert one(nlp, "Police seized 450 kg of cocaine.").unit == "kg"
    assert one(nlp, "Winds reached 180 km/h on the coast.").predicate == "speed"
    assert one(nlp, "The wave was 30 feet high.").predicate == "height"


def test_age_and_duration(nlp):
    found = claims(nlp, "A 34-year-old man was arrested after a three-hour siege.")
    by = {c.predicate: c for c in found}
    assert (by["age"].low, by["age"].subject, by["age"].text) == (34, "man", "34-year-old")
    assert (by["duration"].low, by["duration"].unit, by["duration"].subject) == (
        3, "hour", "siege")
    assert (by["arrested"].low, by["arrested"].subject) == (1, "man")
    assert one(nlp, "The suspect, aged 45, was charged.", "age").low == 45
    sons = claims(nlp, "He is survived by two sons, ages 16 and 6.")
    assert [(c.predicate, c.low) for c in sons] == [("count", 2), ("age", 16), ("age", 6)]
    assert one(nlp, "He was sentenced to 10 years in prison.").predicate == "duration"


def test_percentage_and_its_subject(nlp):
    claim = one(nlp, "Inflation rose to 3.4% in May.")
    assert (claim.predicate, claim.low, claim.unit, claim.subject) == (
        "percentage", 3.4, "%", "inflation")
    assert one(nlp, "Turnout was 61 per cent.").low == 61


# --- subject and attribution ---------------------------------------------------------------


@pytest.mark.parametrize(("text", "source"), [
    ("Two guards were killed, according to the interior ministry.", "the interior ministry"),
    ("Two guards were killed, according to a statement from the army.", "the army"),
    ("Two guards were killed, a medical source said.", "a medical source"),
    ("A police spokesman told reporters that two guards were killed.", "A police spokesman"),
    ("The army said in a statement that two guards were killed.", "The army"),
    ("Two guards were killed in the raid on Monday.", None),
])
def test_attribution(nlp, text, source):
    assert one(nlp, text).attribution == source


def test_subject_keeps_compounds_and_adjectives(nlp):
    claim = one(nlp, "At least one Kataib Hezbollah fighter was killed.")
    assert claim.subject == "Kataib Hezbollah fighter"
    claim = one(nlp, "The blast wounded 9 Syrian civilians.")
    assert claim.subject == "Syrian civilian"
    claim = one(nlp, "On Monday, Orvane made an unsolicited, $12 billion offer for Pellam.")
    assert claim.subject == "unsolicited offer"  # the left-out figure leaves a space


def test_deterministic(nlp):
    text = "About 40 fighters were killed and 12 wounded, a source said, in a $3m raid."
    assert claims(nlp, text) == claims(nlp, text)


# --- seeds ----------------------------------------------------------------------------------


def test_seed_reports(nlp, seeds):
    """The four 2024 reports: killed >= 1 and >= 2, three facilities, ~150 attacks on US forces."""
    by_file: dict[str, list[Claim]] = {}
    for path in sorted(seeds.glob("00[0-3]_*.txt")):
        text = path.read_text(encoding="utf-8")
        found = claims(nlp, text)
        by_file[path.name] = found
    killed = {(name, c.low) for name, found in by_file.items() for c in found
              if c.predicate == "killed"}
    low_one = {name for name, low in killed if low == 1}
    low_two = {name for name, low in killed if low == 2}
    assert low_one and low_two and low_one != low_two
    assert any(c.predicate == "facilities" and (c.low, c.high) == (3, 3)
               for found in by_file.values() for c in found)
    attacks = {name for name, found in by_file.items() for c in found
               if c.predicate == "attacks" and c.low is not None and 130 <= c.low <= 151
               and (c.high is None or c.high >= 150)}
    assert len(attacks) >= 2


@pytest.mark.parametrize(("text", "wording", "low", "high"), [
    ("The ferry docked at 6:40 p.m. on Friday.", "6:40 p.m.", 1120, 1120),
    ("The blast was heard at about 4am near the depot.", "about 4am", 210, 270),
    ("Crews arrived around 9:20 a.m. to clear the road.", "around 9:20 a.m.", 550, 570),
    ("The convoy left at 7:15 Sunday evening for the border.", "7:15 Sunday evening",
     1155, 1155),
    ("Power returned shortly after midnight in the valley.", "shortly after midnight", 0, 30),
    ("The vote closed at 21:30 local time in the capital.", "21:30 local time", 1290, 1290),
    ("The fire broke out about 8.40pm on Friday.", "about 8.40pm", 1230, 1250),
    ("The fire broke out on the roof at about 2045 GMT on Friday.", "about 2045 GMT", 1235,
     1255),
    ("The ship sent a message at 1100 hrs IST that it was under attack.", "1100 hrs", 660, 660),
    ("Polls opened at 0300 hours local time in the north.", "0300 hours local time", 180, 180),
])
def test_times_of_day_are_minutes_after_midnight(nlp, text, wording, low, high):
    claim = one(nlp, text, "time")
    assert (claim.text, claim.low, claim.high, claim.unit) == (wording, low, high,
                                                               "minute_of_day")


def test_millions_written_mm_after_a_currency_sign_are_money():
    found = find_numbers("He wants more than $21MM a year, near the $27.5MM of a 9mm rival.")
    assert [(p.kind, p.unit, p.low) for p in found] == [
        ("money", "USD", 21e6), ("money", "USD", 27.5e6), ("distance", "mm", 9)]


def test_clock_figures_without_a_cue_are_not_times(nlp):
    assert [c for c in claims(nlp, "The phone has an 18:9 screen and a 3.5mm jack.")
            if c.predicate == "time"] == []


def test_a_time_names_what_happened_then(nlp):
    landed = one(nlp, "The cargo plane landed in Vell at 10:05 p.m. after the storm.", "time")
    left = one(nlp, "The cargo plane took off from Vell at 3:50 a.m. on a clear night.", "time")
    assert (landed.subject, left.subject) == ("land", "take-off")


def test_an_age_after_a_person_in_commas(nlp):
    claim = one(nlp, "Tomas Ferrer, 72, was taken to hospital after the fall.")
    assert (claim.predicate, claim.subject, claim.low, claim.unit) == (
        "age", "Tomas Ferrer", 72, "year")
    assert [c.predicate for c in claims(nlp, "In Lisbon, 12, were counted.")] != ["age"]
    claim = one(nlp, "Marlow, 65, announced his retirement on Monday.")  # no entity type given
    assert (claim.predicate, claim.subject, claim.low) == ("age", "Marlow", 65)
    claim = one(nlp, "Lenk, who was 18 at the time, signed with the club.")
    assert (claim.predicate, claim.subject, claim.low) == ("age", "Lenk", 18)
    assert [c.predicate for c in claims(nlp, "The score was 18 at halftime.")] == []


def test_n_odd_and_money_in_words(nlp):
    odd = one(nlp, "There were 200-odd passengers on board the ferry.")
    assert (odd.text, odd.low, odd.high) == ("200-odd", 200, 260)
    money = one(nlp, "The fraud cost the pensioners thousands of dollars, police said.")
    assert (money.predicate, money.unit, money.low, money.high) == ("money", "USD", 2000, None)
    assert money.text == "thousands of dollars"


def test_spans_between_happenings_are_durations(nlp):
    into = one(nlp, "The liner turned back three hours into its voyage to Ostra.")
    later = one(nlp, "The crew returned to port six hours later.")
    assert (into.predicate, into.low, into.unit) == ("duration", 3, "hour")
    assert (later.predicate, later.low) == ("duration", 6)
    assert claims(nlp, "The bridge opened two years ago.") == []


def test_calendar_dates_from_the_times_extractor(nlp):
    from newsfuse.extract.times import find_times

    text = ("Rosa Imre was released from hospital on March 9. A 2016 audit found the gap. "
            "The council said on Tuesday that it would appeal.")
    doc = nlp(text)
    found = [c for c in find_claims(text, doc, find_times(text, "2019-04-02", doc))
             if c.predicate == "date"]
    for claim in found:
        assert text[claim.start:claim.end] == claim.text
    assert [(c.text, c.low, c.high, c.unit) for c in found] == [
        ("March 9", 20190309, 20190309, "date"), ("2016", 20160101, 20161231, "date")]
    assert [c.subject for c in found] == ["release", "audit"]
    assert all(c.predicate != "date" for c in find_claims(text, doc))


def test_a_inside_a_dozen_is_not_a_count_of_one(nlp):
    found = claims(nlp, "Four guards were killed and about a dozen wounded when the convoy was hit.")
    assert [(c.predicate, c.text, c.low, c.high) for c in found] == [
        ("killed", "Four", 4.0, 4.0), ("wounded", "about a dozen", 11.0, 13.0)]


def test_a_still_counts_one_outside_a_number(nlp):
    found = claims(nlp, "The raid killed a ferryman and wounded a dozen dock workers.")
    assert ("killed", "a", 1.0) in [(c.predicate, c.text, c.low) for c in found]
    assert ("wounded", "a dozen", 12.0) in [(c.predicate, c.text, c.low) for c in found]


def test_a_quantity_parsed_as_the_speaker_gives_way_to_the_phrase_before_the_verb(nlp):
    from spacy.tokens import Doc

    # the small model sometimes makes "a dozen" the subject of "said"; this is that parse
    words = "Five people were killed and about a dozen hurt , a nurse at the clinic said .".split()
    heads = [1, 3, 3, 3, 3, 7, 7, 15, 7, 15, 11, 7, 11, 14, 12, 3, 3]
    deps = ["nummod", "nsubjpass", "auxpass", "ROOT", "cc", "advmod", "det", "nsubj", "acl",
            "punct", "det", "appos", "prep", "det", "pobj", "conj", "punct"]
    pos = ["NUM", "NOUN", "AUX", "VERB", "CCONJ", "ADV", "DET", "NOUN", "VERB", "PUNCT", "DET",
           "NOUN", "ADP", "DET", "NOUN", "VERB", "PUNCT"]
    lemmas = [w.lower() for w in words]
    lemmas[15] = "say"
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps, pos=pos, lemmas=lemmas)
    assert attribution(doc[0].sent, doc[0]) == "a nurse at the clinic"


@pytest.mark.parametrize(("text", "source"), [
    ("Its spokeswoman, Petra Lind, said at least nine shafts had been closed.", "Petra Lind"),
    ("The union's spokeswoman said at least nine shafts had been closed.",
     "The union's spokeswoman"),
])
def test_a_named_apposition_is_the_source(nlp, text, source):
    assert one(nlp, text).attribution == source


def test_a_vague_noun_with_a_compound_is_a_counted_thing(nlp):
    text = "The bank said more than 300,000 debit card numbers were stolen in the breach."
    claim = one(nlp, text)
    assert claim.subject == "debit card number" and claim.low is not None
    assert not find_claims("A number of people were hurt.", nlp("A number of people were hurt."),
                           [])


@pytest.mark.parametrize(("text", "low", "high"), [
    ("Two-thirds of the loan went to the port.", 66.7, 66.7),
    ("About two thirds of the loan went to the port.", 60.0, 73.3),
    ("Three quarters of the homes lost power.", 75.0, 75.0),
])
def test_a_fraction_of_something_is_a_share(text, low, high):
    phrase = find_numbers(text)[0]
    assert (phrase.kind, phrase.unit) == ("percentage", "%")
    assert (round(phrase.low, 1), round(phrase.high, 1)) == (low, high)
    assert text[phrase.start:phrase.end].lower().rstrip("s").endswith(("third", "quarter"))


def test_quarters_of_a_game_are_not_a_share():
    assert [p.kind for p in find_numbers("They scored in three quarters.")] == ["count"]


# --- scores, shares out of a total, estimates (issue 5) -------------------------------------


@pytest.mark.parametrize(("text", "wording", "kind", "unit", "value"), [
    ("The Hawks sealed a 27-3 win over the Bears.", "27-3", "score", "score against 3", 27),
    ("The Hawks beat the Bears 27-3 on Sunday.", "27-3", "score", "score against 3", 27),
    ("Quarterback Jo Bell was 7 of 16 for 83 yards.", "7 of 16", "fraction", "of 16", 7),
    ("He finished completing seven out of 16 attempts.", "seven out of 16", "fraction", "of 16",
     7),
    ("The Hawks finished 5-11 and fired their coach.", "5-11", "record", "record against 11", 5),
    ("He leaves with a 42-38 record.", "42-38", "record", "record against 38", 42),
    ("The club went 50-32-1 this year.", "50-32-1", "record", "record against 32-1", 50),
])
def test_a_figure_read_with_a_second_one(text, wording, kind, unit, value):
    phrase = find_numbers(text)[0]
    assert text[phrase.start:phrase.end] == wording
    assert (phrase.kind, phrase.unit, phrase.low, phrase.high) == (kind, unit, value, value)


def test_a_score_is_one_figure_against_another_not_a_range():
    assert [(p.kind, p.unit, p.low, p.high) for p in find_numbers("They won 3-1.")] == [
        ("score", "score against 1", 3, 3)]


@pytest.mark.parametrize("text", ["It ended 3-1.", "Between 5-10 people came.",
                                  "Two of the three men left.", "It ran from 2016-11-02 on.",
                                  "Pages 10-12 were cut and 20-30 homes burned."])
def test_ranges_and_references_are_not_scores_shares_or_records(text):
    assert all(p.kind not in ("score", "fraction", "record") for p in find_numbers(text))
    assert ranges("5-10 people came.") == [("5-10", 5, 10)]


def test_a_score_and_a_share_are_claims(nlp):
    score = one(nlp, "The Hawks sealed a 27-3 win over the Bears on Monday.", "score")
    assert (score.low, score.unit) == (27, "score against 3")
    share = one(nlp, "Quarterback Jo Bell was 7 of 16 for 83 yards.", "fraction")
    assert share.subject == "Quarterback Jo Bell" and share.unit == "of 16"
    found = claims(nlp, "He finished completing seven out of 16 attempts.")
    assert [(c.text, c.predicate, c.low) for c in found] == [
        ("seven out of 16", "fraction", 7), ("16", "count", 16)]
    assert [p.kind for p in find_numbers("Over a dozen out of 30 rockets hit.")] == ["count"] * 2
    toll = one(nlp, "Two of three guards were killed in the raid.")
    assert (toll.predicate, toll.low, toll.subject, toll.unit) == ("killed", 2, "guard", "of 3")


# --- counts whose counted thing is said elsewhere (issue 5) ----------------------------------


def test_only_one_is_a_claim_but_a_plain_one_is_not(nlp):
    claim = one(nlp, "Only one woman won a solo award this year.")
    assert (claim.predicate, claim.low, claim.subject, claim.text) == ("count", 1, "woman", "one")
    assert claims(nlp, "One woman won a solo award this year.") == []


def test_a_bare_count_borrows_its_siblings_noun(nlp):
    found = claims(nlp, "The cache of memos included 41 sent from Acme, 38 sent from Globex "
                        "accounts.")
    assert [(c.text, c.predicate, c.subject) for c in found] == [
        ("41", "count", "memo"), ("38", "count", "memo")]
    found = claims(nlp, "Adults watch nine hours of video a day, and children watch six.")
    assert [(c.text, c.predicate, c.unit, c.low) for c in found][-1] == \
        ("six", "duration", "hour", 6)


def test_the_number_of_something_names_what_a_bare_figure_counts(nlp):
    found = claims(nlp, "The firm raised its estimate of the number of customers whose data "
                        "was exposed to 12.5 million, some 1.5 million more than it had said.")
    assert [(c.text, c.subject, c.low) for c in found] == [
        ("12.5 million", "customer", 12.5e6), ("some 1.5 million", "customer", 1.35e6)]


def test_a_bare_figure_with_nothing_before_it_stays_out(nlp):
    assert claims(nlp, "The final tally was 41.") == []


def test_coordinated_counts_also_make_a_total(nlp):
    found = claims(nlp, "Police arrested 17 men and one woman in the sting.")
    assert [(c.text, c.subject, c.low) for c in found] == [
        ("17", "man", 17), ("17 men and one woman", "people", 18), ("one", "woman", 1)]
    assert {c.predicate for c in found} == {"arrested"}


# --- dates: holidays and tense (issue 5) -----------------------------------------------------


def dated(nlp, text: str, published: str | None) -> list[tuple[str, float | None, str | None]]:
    """The date claims of a text published on `published`, spans checked."""
    from newsfuse.extract.times import find_times

    doc = nlp(text)
    found = find_claims(text, doc, find_times(text, published, doc), published)
    for claim in found:
        assert text[claim.start:claim.end] == claim.text == claim.value, claim
    return [(c.text, c.low, c.subject) for c in found if c.predicate == "date"]


def test_a_yearless_day_in_a_future_clause_is_next_years(nlp):
    assert dated(nlp, "The film will open in theaters on May 4.", "2017-11-20T10:00:00") == [
        ("May 4", 20180504, "open")]
    assert dated(nlp, "Fans hope they will cheer when the film reaches theaters on May 4.",
                 "2017-11-20")[0][1] == 20180504
    assert dated(nlp, "The film opened in theaters on May 4.", "2017-11-20") == [
        ("May 4", 20170504, "open")]
    assert dated(nlp, "The film will open on May 4, 2019.", "2017-11-20")[0][1] == 20190504


def test_an_undated_report_states_days_without_a_year(nlp):
    text = "On November 19, the frigate sank a trawler. The November 18 sinking drew protests."
    doc = nlp(text)
    from newsfuse.extract.times import find_times

    found = [c for c in find_claims(text, doc, find_times(text, None, doc), None)
             if c.predicate == "date"]
    assert [(c.text, c.low, c.high, c.unit, c.subject) for c in found] == [
        ("November 19", 1119, 1119, "month_day", "sink"),
        ("November 18", 1118, 1118, "month_day", "sinking")]
    assert dated(nlp, "On November 19, the frigate sank a trawler.", "2008-11-25") == [
        ("November 19", 20081119, "sink")]


def test_holidays_are_dated_nearest_the_publication(nlp):
    text = "The ferry left at 11:50 p.m. on New Year's Eve and docked on New Year's Day."
    assert dated(nlp, text, "2018-01-01T09:00:00") == [
        ("New Year's Eve", 20171231, "leave"), ("New Year's Day", 20180101, "dock")]
    assert dated(nlp, "Shops close on Christmas Day.", "2018-12-30")[0][1] == 20181225
    assert dated(nlp, text, None) == []


def test_dates_that_bound_a_span_and_years_ago_are_date_claims(nlp):
    published = "2018-02-07T10:00:00"
    assert dated(nlp, "She need not pay the full amount until November 2018.", published) == [
        ("November 2018", 20181101, "pay")]
    assert dated(nlp, "The club has won four titles since 2010.", published) == [
        ("2010", 20100101, "win")]
    assert dated(nlp, "The couple met 25 years ago in Leeds.", published) == [
        ("25 years ago", 19930101, "meet")]
    assert dated(nlp, "The rebels attacked three days ago.", published) == []  # the happening's
    assert dated(nlp, "The couple met 25 years ago in Leeds.", None) == []


@pytest.mark.parametrize(("text", "wording", "value", "unit"), [
    ("The Otters won the Grand Series 4-3.", "4-3", 4, "score against 3"),
    ("The Otters lead the series 3-2.", "3-2", 3, "score against 2"),
    ("Corran drew 1-1 with Tallow.", "1-1", 1, "score against 1"),
    ("It ended in a 2-2 draw.", "2-2", 2, "score against 2"),
])
def test_series_scores_and_draws_are_scores(text, wording, value, unit):
    scores = [p for p in find_numbers(text) if p.kind == "score"]
    assert [(text[p.start:p.end], p.low, p.unit) for p in scores] == [(wording, value, unit)]


@pytest.mark.parametrize("text", ["The ratio was 1-1.", "He owns a Vexa 3 Series 2-door.",
                                  "Series 4-3b of the catalogue was lost."])
def test_labels_and_even_figures_without_a_draw_are_not_scores(text):
    assert all(p.kind != "score" for p in find_numbers(text))


def test_over_innings_is_across_them_not_more_than():
    assert ranges("Ruiz allowed one run over four innings.")[-1] == ("four", 4, 4)
    assert ranges("Over 20 games were played.") == [("Over 20", 21, None)]
    assert ranges("He scored over 30 points.") == [("over 30", 31, None)]


def test_thousands_with_a_space_after_the_comma():
    assert ranges("killed more than 31, 000 people") == [("more than 31, 000", 31001, None)]
    assert [r[0] for r in ranges("rooms 1, 300 and 2")] == ["1", "300", "2"]  # a list


def test_an_increment_keeps_its_word_and_a_hyphenated_adjective_is_no_casualty(nlp):
    more = one(nlp, "The bodies of two more victims were found.")
    assert (more.predicate, more.low, more.text) == ("killed", 2, "two more")
    assert one(nlp, "He was given two extra life sentences.").text == "two extra"
    assert all(c.predicate != "killed" for c in claims(
        nlp, "The nine pro-death jurors asked the three holdouts to reconsider."))


@pytest.mark.parametrize(("text", "value", "subject"), [
    ("A 5.9 magnitude earthquake leveled seven villages.", 5.9, "earthquake"),
    ("A powerful quake measuring 6.1 on the Richter scale hit the island.", 6.1, "earthquake"),
    ("The tremor, which had a magnitude of 5.4, was felt in Dubai.", 5.4, "earthquake"),
    ("A 6.7-strength aftershock shook the island.", 6.7, "aftershock"),
])
def test_magnitudes(nlp, text, value, subject):
    claim = one(nlp, text, "magnitude")
    assert (claim.low, claim.high, claim.subject, claim.unit) == (value, value, subject, None)


def test_a_measure_with_its_unit_is_no_magnitude(nlp):
    assert all(c.predicate != "magnitude" for c in claims(
        nlp, "The tower, measuring 30 feet, fell on 7 cars."))
    assert all(c.predicate != "magnitude" for c in claims(
        nlp, "The hotel, rated 4.5 by 300 guests, reopened."))
