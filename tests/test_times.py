"""Time expressions: spans, TIMEX3-style values and resolution against the publication date."""

from __future__ import annotations

from itertools import pairwise
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsfuse.extract.times import TimeExpr, find_times

PUB = "2024-01-24"  # a Wednesday


def times(text: str, published: str | None = PUB, doc=None) -> dict[str, TimeExpr]:
    """The expressions found in text, by their text; every span must slice the text."""
    found = find_times(text, published, doc)
    for expr in found:
        assert 0 <= expr.start < expr.end and text[expr.start:expr.end] == expr.text
    return {expr.text: expr for expr in found}


def value_of(text: str, phrase: str, published: str | None = PUB) -> str:
    return times(text, published)[phrase].value


# The rules, with the publication date 2024-01-24 -------------------------------------

@pytest.mark.parametrize(("text", "phrase", "value"), [
    ("The vote took place on Tuesday in the capital.", "Tuesday", "2024-01-23"),
    ("Rebels shelled the town on Saturday, residents said.", "Saturday", "2024-01-20"),
    ("The minister resigned on Wednesday.", "Wednesday", "2024-01-24"),
    ("The ministry released its figures on January 24.", "January 24", "2024-01-24"),
    ("Police said the raid on Oct. 17 left four dead.", "Oct. 17", "2023-10-17"),
    ("The bridge reopened on 3 December after repairs.", "3 December", "2023-12-03"),
    ("Turnout was lower last year than in 2019.", "last year", "2023"),
    ("Turnout was lower last year than in 2019.", "2019", "2019"),
    ("Prices have risen this month across the region.", "this month", "2024-01"),
    ("The convoy left two days ago, officials said.", "two days ago", "2024-01-22"),
    ("The envoy arrived three weeks ago.", "three weeks ago", "2024-W01"),
    ("Talks resumed this week in Doha.", "this week", "2024-W04"),
    ("Talks stalled last week in Doha.", "last week", "2024-W03"),
    ("Shares fell yesterday and may recover tomorrow.", "yesterday", "2024-01-23"),
    ("Shares fell yesterday and may recover tomorrow.", "tomorrow", "2024-01-25"),
    ("The plant was built in the 1990s.", "1990s", "199"),
    ("Profits fell in the fourth quarter.", "the fourth quarter", "2023-Q4"),
    ("Profits fell in the last quarter.", "the last quarter", "2023-Q4"),
    ("Profits rose in the first quarter of 2023.", "the first quarter of 2023", "2023-Q1"),
    ("The treaty was signed in March 2019.", "March 2019", "2019-03"),
    ("The treaty was signed on March 5, 2019 in Vienna.", "March 5, 2019", "2019-03-05"),
    ("The file is dated 2023-11-30 in the archive.", "2023-11-30", "2023-11-30"),
    ("The strike began in December and ended in March.", "December", "2023-12"),
    ("The strike began in December and ended in March.", "March", "2023-03"),
    ("The strike began in January.", "January", "2024-01"),
    ("The storm hit last summer.", "last summer", "2023-SU"),
])
def test_resolution_against_the_publication_date(text, phrase, value):
    expr = times(text)[phrase]
    assert expr.value == value
    assert expr.type == "DATE"


def test_relative_expressions_are_marked_relative_and_absolute_ones_not():
    found = times("On Tuesday the court cited a ruling of June 3, 2021.")
    assert found["Tuesday"].relative
    assert not found["June 3, 2021"].relative


def test_a_weekday_with_its_date_is_one_expression_with_the_date():
    found = times("The ceasefire began on Tuesday, January 16, and held.")
    assert list(found) == ["Tuesday, January 16"]
    assert found["Tuesday, January 16"].value == "2024-01-16"


def test_precision_and_covered_dates():
    found = times("Output fell last month, in 2023 and this week.")
    assert (found["last month"].precision, found["last month"].low,
            found["last month"].high) == ("month", "2023-12-01", "2023-12-31")
    assert (found["2023"].precision, found["2023"].low) == ("year", "2023-01-01")
    assert (found["this week"].precision, found["this week"].low,
            found["this week"].high) == ("week", "2024-01-22", "2024-01-28")


# Vague expressions become intervals -----------------------------------------------------------

@pytest.mark.parametrize(("text", "phrase", "value", "low", "high", "relative"), [
    ("Earlier this month the rebels withdrew.", "Earlier this month", "2024-01", "2024-01-01",
     "2024-01-24", True),
    ("The company lost money late last year.", "late last year", "2023", "2023-09-01",
     "2023-12-31", True),
    ("The plant opened in early 2009.", "early 2009", "2009", "2009-01-01", "2009-05-01", False),
    ("A new model is due in mid-2025.", "mid-2025", "2025", "2025-05-02", "2025-08-31", False),
    ("Votes will be counted later this week.", "later this week", "2024-W04", "2024-01-24",
     "2024-01-28", True),
    ("Sales dipped at the end of the year.", "the end of the year", "2024", "2024-09-01",
     "2024-12-31", True),
    ("The convoy was attacked a few days ago.", "a few days ago", "PAST_REF", "2024-01-15",
     "2024-01-22", True),
    ("Attacks have grown in recent weeks.", "in recent weeks", "PAST_REF", "2023-12-20",
     "2024-01-24", True),
])
def test_vague_expressions_are_intervals(text, phrase, value, low, high, relative):
    expr = times(text)[phrase]
    assert (expr.value, expr.precision, expr.low, expr.high) == (value, "interval", low, high)
    assert expr.relative == relative


def test_since_marks_a_start_point_and_until_an_end_point():
    found = times("Fighting has gone on since October 17 and may last until March 3.")
    assert found["October 17"].value == "2023-10-17"
    assert found["October 17"].point == "start"
    assert found["March 3"].point == "end"


def test_from_to_range_marks_both_ends():
    found = times("The festival ran from June 2 to June 9, 2023.")
    assert found["June 2"].point == "start"
    assert found["June 9, 2023"].point == "end"


# Durations, references to the present, sets -------------------------------------------------

@pytest.mark.parametrize(("text", "phrase", "value"), [
    ("The talks lasted three days.", "three days", "P3D"),
    ("The truce held for two weeks.", "two weeks", "P2W"),
    ("He served six months in prison.", "six months", "P6M"),
    ("A 10-year plan was approved.", "10-year", "P10Y"),
    ("The siege lasted 36 hours.", "36 hours", "PT36H"),
    ("The region has been unstable over the past decade.", "the past decade", "P10Y"),
    ("Unemployment fell over the past two years.", "the past two years", "P2Y"),
    ("The queue grew for several days.", "several days", "PXD"),
    ("It was a decades-long dispute.", "decades-long", "PXY"),
])
def test_durations(text, phrase, value):
    expr = times(text)[phrase]
    assert (expr.value, expr.type, expr.precision) == (value, "DURATION", "duration")


def test_ages_are_not_durations():
    assert times("A 56-year-old man and a woman aged 40, both 20 years old, were hurt.") == {}


@pytest.mark.parametrize(("text", "phrase", "value"), [
    ("Prices are now higher than before.", "now", "PRESENT_REF"),
    ("The mine is currently closed.", "currently", "PRESENT_REF"),
    ("The firm recently changed hands.", "recently", "PAST_REF"),
    ("A decision is expected soon.", "soon", "FUTURE_REF"),
])
def test_references_to_the_present_past_and_future(text, phrase, value):
    expr = times(text, None)[phrase]
    assert (expr.value, expr.precision, expr.relative) == (value, "ref", False)


@pytest.mark.parametrize(("text", "phrase", "value"), [
    ("The market opens every Tuesday.", "every Tuesday", "XXXX-WXX-2"),
    ("The market opens on Tuesdays.", "Tuesdays", "XXXX-WXX-2"),
    ("Members meet at the annual congress.", "annual", "P1Y"),
    ("Patrols pass twice every day.", "every day", "P1D"),
])
def test_sets(text, phrase, value):
    expr = times(text)[phrase]
    assert (expr.value, expr.type) == (value, "SET")


# Times of day keep the day's value ------------------------------------------------------------

@pytest.mark.parametrize(("text", "phrase", "value"), [
    ("The blast happened at 6.30 p.m. on Tuesday.", "6.30 p.m. on Tuesday", "2024-01-23"),
    ("The blast happened on Tuesday at 6.30 p.m. local time.", "Tuesday at 6.30 p.m. local time",
     "2024-01-23"),
    ("Troops withdrew late on Tuesday.", "late on Tuesday", "2024-01-23"),
    ("Shots were heard on Saturday night.", "Saturday night", "2024-01-20"),
    ("Police arrived last night.", "last night", "2024-01-23"),
    ("The minister spoke this morning.", "this morning", "2024-01-24"),
])
def test_times_of_day_keep_the_day_value(text, phrase, value):
    expr = times(text)[phrase]
    assert (expr.value, expr.type, expr.precision) == (value, "TIME", "day")


def test_a_bare_clock_time_takes_the_day_named_in_its_sentence():
    found = times("On Sunday the polls opened; voting ended at 8 p.m. in most places.")
    assert found["8 p.m."].value == "2024-01-21"
    assert times("Voting ended at 8 p.m. in most places.")["8 p.m."].value == PUB


# The future and words that are not dates ------------------------------------------------------

def test_a_future_clause_resolves_forward():
    found = times("The summit will be held on Friday and talks are set to resume on February 3.")
    assert found["Friday"].value == "2024-01-26"
    assert found["February 3"].value == "2024-02-03"
    assert value_of("The president said Tuesday that he will resign.", "Tuesday") == "2024-01-23"


def test_next_and_last_weekdays():
    found = times("She left last Wednesday and returns next Wednesday.")
    assert found["last Wednesday"].value == "2024-01-17"
    assert found["next Wednesday"].value == "2024-01-31"


@pytest.mark.parametrize("text", [
    "Theresa May met 2,000 supporters.",
    "About 2000 troops were deployed.",
    "The Sunday Times reported the claim.",
    "It may rain, and we march on.",
    "Good Friday traffic was heavy.",
])
def test_words_that_are_not_time_expressions(text):
    assert times(text) == {}


# Without a publication date nothing relative is resolved --------------------------------------

@pytest.mark.parametrize(("text", "phrase", "value"), [
    ("The vote took place on Tuesday.", "Tuesday", "XXXX-WXX-2"),
    ("Police said the raid on Oct. 17 left four dead.", "Oct. 17", "XXXX-10-17"),
    ("The strike began in December.", "December", "XXXX-12"),
    ("Turnout was lower last year.", "last year", "XXXX"),
    ("Prices have risen this month.", "this month", "XXXX-XX"),
    ("Talks stalled last week.", "last week", "XXXX-WXX"),
    ("The convoy left two days ago.", "two days ago", "XXXX-XX-XX"),
    ("Shares fell yesterday.", "yesterday", "XXXX-XX-XX"),
    ("Profits fell in the fourth quarter.", "the fourth quarter", "XXXX-Q4"),
    ("The blast happened at 6.30 p.m. on Tuesday.", "6.30 p.m. on Tuesday", "XXXX-WXX-2"),
])
def test_without_publication_date_relative_expressions_stay_unresolved(text, phrase, value):
    expr = times(text, None)[phrase]
    assert (expr.value, expr.relative, expr.low, expr.high) == (value, False, None, None)


def test_without_publication_date_absolute_dates_and_durations_still_resolve():
    found = times("On January 24, 2024 the talks, which lasted three days, ended.", None)
    assert found["January 24, 2024"].value == "2024-01-24"
    assert found["three days"].value == "P3D"


@pytest.mark.parametrize("published", ["2024-01-24T23:30:00+05:00", "Wed, 24 Jan 2024 10:00:00 GMT",
                                       "2024-01-24"])
def test_publication_date_forms(published):
    assert value_of("The vote took place on Tuesday.", "Tuesday", published) == "2024-01-23"


@pytest.mark.parametrize("published", ["0001-01-01", "9999-12-31", PUB])
def test_dates_off_the_calendar_are_dropped_not_raised(published):
    found = times("Last year, next decade, in January, 90 centuries ago, later this year.", published)
    assert ("90 centuries ago" in found) == (published == "9999-12-31")


def test_unusable_publication_date_resolves_nothing():
    assert value_of("The vote took place on Tuesday.", "Tuesday", "not a date") == "XXXX-WXX-2"


# Fiscal years, vague stretches and periods named by reference ---------------------------------

@pytest.mark.parametrize(("text", "phrase", "value", "relative"), [
    ("The carrier expects a loss in fiscal 2025.", "fiscal 2025", "FY2025", False),
    ("Its FY24 accounts are late.", "FY24", "FY2024", False),
    ("Its FY 2019 accounts were restated.", "FY 2019", "FY2019", False),
    ("Borrowing rose in the financial year 2022-23.", "financial year 2022-23", "FY2023", False),
    ("Borrowing fell in fiscal year 2021/2022.", "fiscal year 2021/2022", "FY2022", False),
    ("Hiring slowed during the financial year.", "the financial year", "FY2024", True),
    ("Spending will be cut in the next fiscal year.", "next fiscal year", "FY2025", True),
    ("Last fiscal year the mill made a profit.", "Last fiscal year", "FY2023", True),
])
def test_fiscal_years_are_named_by_the_year_they_end_in(text, phrase, value, relative):
    expr = times(text)[phrase]
    assert (expr.value, expr.precision, expr.relative) == (value, "year", relative)
    assert (expr.low, expr.high) == (None, None)  # fiscal calendars differ between organisations


def test_fiscal_years_without_publication_date_and_with_a_modifier():
    assert value_of("Hiring slowed during the financial year.", "the financial year",
                    None) == "FYXXXX"
    expr = times("Orders surged at the very end of the fiscal year.")[
        "the very end of the fiscal year"]
    assert (expr.value, expr.precision) == ("FY2024", "interval")
    assert "FY2023/2025" not in times("A typo read FY2023/2025 in the filing.")


@pytest.mark.parametrize(("text", "phrase"), [
    ("The port was closed for an indefinite period.", "an indefinite period"),
    ("He was held for a long period of time.", "a long period of time"),
    ("Talks stalled for an unspecified period of time.", "an unspecified period of time"),
    ("The border stayed open for a period of time.", "a period of time"),
])
def test_vague_stretches_are_durations_of_unknown_length(text, phrase):
    expr = times(text)[phrase]
    assert (expr.value, expr.type, expr.precision) == ("PXD", "DURATION", "duration")


def test_a_period_of_something_else_is_not_a_duration():
    assert times("After a period of calm, a long spell of rain came.") == {}


@pytest.mark.parametrize(("text", "phrase", "value", "low", "relative"), [
    ("Revenue in the third quarter rose from the same quarter a year earlier.",
     "the same quarter a year earlier", "2022-Q3", "2022-07-01", True),
    ("Exports in March 2023 fell below the same month of 2021.", "the same month of 2021",
     "2021-03", "2021-03-01", False),
    ("Sales on 9 May 2022 beat the same day last year.", "the same day last year", "2021-05-09",
     "2021-05-09", False),
    ("Sales fell on Friday from the same week a year ago.", "the same week a year ago",
     "2023-W03", "2023-01-16", True),
    ("Ticket sales fell compared with the same period last year.", "the same period last year",
     "2023", "2023-01-01", True),
    ("Against the year-earlier quarter, margins narrowed in the second quarter of 2023.",
     "the year-earlier quarter", "2022-Q2", "2022-04-01", False),
    ("Trading in fiscal 2020 beat the corresponding period of the previous year.",
     "the corresponding period of the previous year", "FY2019", None, False),
])
def test_the_same_period_a_year_earlier_refers_to_the_period_named_near_it(
        text, phrase, value, low, relative):
    found = times(text)
    expr = found[phrase]
    assert (expr.value, expr.type, expr.low, expr.relative) == (value, "DATE", low, relative)
    assert "the previous year" not in found and "year-earlier" not in found


def test_the_same_period_without_anything_to_refer_to_or_a_publication_date():
    found = times("Ticket sales fell compared with the same period of the last year.", None)
    assert found["the same period of the last year"].value == "XXXX"
    assert "the last year" not in found
    assert value_of("The same month of 2021 was worse.", "The same month of 2021", None) == "2021"


def test_which_after_a_period_whose_dates_follow_is_that_period():
    text = "Profits jumped in the last quarter, which ended December 31, on strong demand."
    found = times(text)
    assert (found["which"].value, found["which"].precision) == ("2023-Q4", "quarter")
    assert found["December 31"].value == "2023-12-31"


@pytest.mark.parametrize("text", [
    "The strike in March, which ended on April 2, cost millions.",  # "which" is the strike
    "The fourth quarter, which was weak, ended on December 31.",
    "Profits jumped in the last quarter, which ended with a record.",
])
def test_which_is_not_a_time_without_a_period_and_its_dates(text):
    assert "which" not in times(text)


# A spaCy Doc adds candidates and vetoes numbers -----------------------------------------------

def _doc(text: str, *ents: tuple[str, str]):
    """A stand-in for a spaCy Doc: the text and (entity text, label) pairs, found in order."""
    spans = [SimpleNamespace(start_char=text.index(t), end_char=text.index(t) + len(t), label_=lab)
             for t, lab in ents]
    return SimpleNamespace(text=text, ents=spans)


def test_doc_entities_add_a_lone_month_and_veto_numbers():
    text = "January was calm. Since 2000, 1999 people fled."
    found = times(text, PUB, _doc(text, ("January", "DATE"), ("1999", "CARDINAL")))
    assert found["January"].value == "2024-01"
    assert found["2000"].value == "2000"
    assert "1999" not in found
    assert "January" not in times(text)


def test_a_doc_of_other_text_is_ignored():
    text = "January was calm."
    assert times(text, PUB, _doc("January was calm!", ("January", "DATE"))) == {}


@pytest.mark.slow
def test_with_the_spacy_model():
    from newsfuse.nlp import load_model

    text = "The army said on Tuesday that 1,200 troops had left since October 17."
    found = times(text, PUB, load_model()(text))
    assert found["Tuesday"].value == "2024-01-23"
    assert found["October 17"].point == "start"


# Properties -----------------------------------------------------------------------------------

_PIECES = ["on Tuesday", "Oct. 17", "last year", "two days ago", "6.30 p.m.", "late on",
           "since", "early", "mid-", "2024", "the 1990s", "now", "three days", "the fourth quarter",
           "every", "Monday night", "January", "in May", "last summer", "next decade",
           "90 centuries ago", "the weekend", ", ", " ", "\n", "will", "'s", "-", "fiscal 2023",
           "FY24", "the financial year", "the same quarter last year", ", which ended",
           "an indefinite period"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=8)), max_size=14),
       st.one_of(st.none(), st.dates().map(lambda d: d.isoformat())))
def test_spans_slice_the_text_and_do_not_overlap(pieces, published):
    text = " ".join(pieces)
    found = find_times(text, published)
    for expr in found:
        assert text[expr.start:expr.end] == expr.text
        assert 0 <= expr.start < expr.end <= len(text)
        assert expr.type in ("DATE", "TIME", "DURATION", "SET")
        assert not expr.relative or published is not None
    assert all(a.end <= b.start for a, b in pairwise(found))
