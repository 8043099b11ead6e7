"""Compare: claims about the same thing are aligned across reports and given a status."""

from __future__ import annotations

from newsfuse.compare import compare_claims, compare_dates, estimate, subjects_compatible
from newsfuse.model import Claim, Happening

INF = None


def claim(predicate: str, low: float | None, high: float | None, subject: str | None = None,
          value: str = "", attribution: str | None = None, start: int = 0,
          unit: str | None = None, trigger: str | None = None) -> Claim:
    return Claim(predicate=predicate, low=low, high=high, subject=subject, value=value,
                 text=value, start=start, end=start + len(value), attribution=attribution,
                 unit=unit, trigger=trigger)


def statuses(facts):
    return sorted((f.predicate, f.status) for f in facts)


def test_different_lower_bounds_are_a_dispute_of_the_best_estimate():
    facts = compare_claims([("a", claim("killed", 1, INF, "fighter", "at least one")),
                            ("b", claim("killed", 2, INF, "militant", "at least two"))])
    assert statuses(facts) == [("killed", "disputed")]
    assert "at least one" in facts[0].note and "at least two" in facts[0].note


def test_approximation_within_tolerance_is_not_a_dispute():
    facts = compare_claims([("a", claim("attacks", 135, 165, "attack", "about 150")),
                            ("b", claim("attacks", 151, 151, "attack", "151"))])
    assert statuses(facts) == [("attacks", "agreed")]
    assert estimate(facts[0].claims[0].claim) != (None, None)


def test_one_source_is_single_source_and_reprints_do_not_confirm():
    one = compare_claims([("a", claim("facilities", 3, 3, "facility", "three"))])
    assert statuses(one) == [("facilities", "single_source")]
    copied = compare_claims([("a", claim("facilities", 3, 3, "facility", "three")),
                             ("b", claim("facilities", 3, 3, "facility", "three"))],
                            independent={"b": "a"})
    assert statuses(copied) == [("facilities", "single_source")]
    assert {s.root for s in copied[0].claims} == {"a"}


def test_the_same_quoted_source_counts_once():
    facts = compare_claims([
        ("a", claim("wounded", 2, 2, "fighter", "two", attribution="the Popular Forces")),
        ("b", claim("wounded", 2, 2, "fighter", "two", attribution="the Popular Forces"))])
    assert statuses(facts) == [("wounded", "single_source")]
    independent = compare_claims([
        ("a", claim("wounded", 2, 2, "fighter", "two", attribution="the Popular Forces")),
        ("b", claim("wounded", 2, 2, "fighter", "two", attribution="the army"))])
    assert statuses(independent) == [("wounded", "agreed")]


def test_different_people_are_different_facts():
    assert not subjects_compatible("U.S. service members", "Kataib fighters")
    assert subjects_compatible("fighters", "militants")
    assert subjects_compatible("people", "militants")
    facts = compare_claims([("a", claim("wounded", 4, 4, "U.S. service members", "four")),
                            ("b", claim("wounded", 2, 2, "Northern Brigade fighters", "two"))])
    assert statuses(facts) == [("wounded", "single_source"), ("wounded", "single_source")]


def test_dates_of_the_happening_separate_facts():
    facts = compare_claims([("a", claim("wounded", 4, 4, "people", "four", start=5)),
                            ("b", claim("wounded", 2, 2, "people", "two", start=9))],
                           dates={("a", 5): "2031-03-01", ("b", 9): "2031-03-05"})
    assert len(facts) == 2


def test_a_later_larger_toll_is_an_update():
    facts = compare_claims([("a", claim("killed", 5, 5, "people", "five")),
                            ("b", claim("killed", 12, 12, "people", "12"))],
                           published={"a": "2031-03-01T08:00:00", "b": "2031-03-02T09:00:00"})
    assert statuses(facts) == [("killed", "update")]
    same_time = compare_claims([("a", claim("killed", 5, 5, "people", "five")),
                                ("b", claim("killed", 12, 12, "people", "12"))],
                               published={"a": "2031-03-01T08:00:00", "b": "2031-03-01T09:00:00"})
    assert statuses(same_time) == [("killed", "disputed")]


def test_disputed_facts_come_first():
    facts = compare_claims([("a", claim("facilities", 3, 3, "facility", "three")),
                            ("b", claim("facilities", 3, 3, "facility", "three")),
                            ("a", claim("killed", 1, INF, "fighter", "at least one", start=40)),
                            ("b", claim("killed", 2, INF, "fighter", "at least two", start=40))])
    assert [f.status for f in facts] == ["disputed", "agreed"]


def test_dates_of_the_main_happening_are_compared():
    def main(day: str) -> Happening:
        return Happening(date=day, time_start=0, time_end=7, sentence_start=0, sentence_end=20,
                         main=True)
    fact = compare_dates([("a", main("2031-01-23")), ("b", main("2031-01-24"))])
    assert fact is not None and fact.status == "disputed"
    assert "2031-01-23" in fact.note and "2031-01-24" in fact.note
    agreed = compare_dates([("a", main("2031-01-23")), ("b", main("2031-01-23"))])
    assert agreed is not None and agreed.status == "agreed"
    assert compare_dates([]) is None


def test_a_bound_agrees_with_an_exact_figure_above_it_and_vague_words_with_any():
    facts = compare_claims([("a", claim("count", 201, INF, "protester", "more than 200")),
                            ("b", claim("count", 226, 226, "protester", "226"))])
    assert statuses(facts) == [("count", "agreed")]
    far = compare_claims([("a", claim("count", 201, INF, "protester", "more than 200")),
                          ("b", claim("count", 900, 900, "protester", "900"))])
    assert statuses(far) == [("count", "disputed")]
    vague = compare_claims([("a", claim("count", 61, INF, "woman", "more than 60")),
                            ("b", claim("count", 24, INF, "woman", "dozens"))])
    assert statuses(vague) == [("count", "agreed")]


def test_measures_dispute_only_when_they_name_the_same_thing():
    unnamed = compare_claims([("a", claim("percentage", 56, 56, None, "56%")),
                              ("b", claim("percentage", 60, 60, None, "60%"))])
    assert statuses(unnamed) == [("percentage", "single_source"), ("percentage", "single_source")]
    confirmed = compare_claims([("a", claim("money", 110, 110, None, "$110")),
                                ("b", claim("money", 110, 110, "offer", "$110"))])
    assert statuses(confirmed) == [("money", "agreed")]
    named = compare_claims([("a", claim("money", 110, 110, "offer per share", "$110")),
                            ("b", claim("money", 82, 82, "offer per share", "$82"))])
    assert statuses(named) == [("money", "disputed")]


def test_one_report_giving_two_figures_speaks_of_two_things():
    facts = compare_claims([("a", claim("killed", 5, 5, "people", "five", start=0)),
                            ("a", claim("killed", 40, 40, "people", "40", start=50)),
                            ("b", claim("killed", 5, 5, "people", "five"))])
    assert sorted(f.status for f in facts) == ["agreed", "single_source"]


def test_main_dates_days_apart_are_not_one_date_in_dispute():
    def main(day: str) -> Happening:
        return Happening(date=day, time_start=0, time_end=7, sentence_start=0, sentence_end=20,
                         main=True)
    assert compare_dates([("a", main("2031-01-23")), ("b", main("2031-03-02"))]) is None
    assert compare_dates([("a", main("2031-01")), ("b", main("2031-01-23"))]).status == (
        "single_source")


def test_an_individual_is_not_the_toll():
    facts = compare_claims([("a", claim("killed", 1, 1, "man", "a")),
                            ("b", claim("killed", 6, INF, "people", "at least six"))])
    assert statuses(facts) == [("killed", "single_source"), ("killed", "single_source")]


def measure(predicate: str, low: float, subject: str | None, value: str, unit: str) -> Claim:
    return Claim(predicate=predicate, low=low, high=low, subject=subject, value=value,
                 text=value, start=0, end=len(value), unit=unit)


def test_landing_and_arrival_times_are_one_fact():
    facts = compare_claims([("a", measure("time", 1335, "arrive", "10:15 p.m.", "minute_of_day")),
                            ("b", measure("time", 615, "land", "10:15 a.m.", "minute_of_day"))])
    assert statuses(facts) == [("time", "disputed")]
    agreed = compare_claims([("a", measure("time", 5, "leave", "12:05 am", "minute_of_day")),
                             ("b", measure("time", 5, "take-off", "12:05 a.m.",
                                           "minute_of_day"))])
    assert statuses(agreed) == [("time", "agreed")]


def test_departure_and_arrival_times_are_different_facts():
    facts = compare_claims([("a", measure("time", 300, "land", "5 a.m.", "minute_of_day")),
                            ("b", measure("time", 600, "take-off", "10 a.m.", "minute_of_day"))])
    assert statuses(facts) == [("time", "single_source"), ("time", "single_source")]


def test_the_same_figure_in_other_words_confirms_itself():
    facts = compare_claims([("a", measure("money", 4e9, "hit", "$4 billion", "USD")),
                            ("b", measure("money", 4e9, "estimate", "$4 billion", "USD"))])
    assert statuses(facts) == [("money", "agreed")]
    charges = compare_claims([("a", measure("money", 4e9, "charge", "$4 billion", "USD")),
                              ("b", measure("money", 6e9, "hit", "$6 billion", "USD"))])
    assert statuses(charges) == [("money", "disputed")]
    owners = compare_claims([("a", measure("money", 4e9, "Norvale charge", "$4 billion", "USD")),
                             ("b", measure("money", 4e9, "Kestrel charge", "$4 billion", "USD"))])
    assert statuses(owners) == [("money", "single_source"), ("money", "single_source")]


def test_stated_dates_are_compared_as_days():
    facts = compare_claims([("a", measure("date", 20190309, "release", "March 9", "date")),
                            ("b", measure("date", 20190310, "release", "March 10", "date"))])
    assert statuses(facts) == [("date", "disputed")]


def test_days_without_a_year_dispute_each_other_but_never_a_full_date():
    def day(article: str, low: float, unit: str) -> tuple[str, Claim]:
        return article, measure("date", low, "sink", "November 19", unit)

    assert statuses(compare_claims([day("a", 1118, "month_day"), day("b", 1119, "month_day")])
                    ) == [("date", "disputed")]
    assert statuses(compare_claims([day("a", 1119, "month_day"), day("b", 1119, "month_day")])
                    ) == [("date", "agreed")]
    apart = compare_claims([day("a", 1231, "month_day"), day("b", 101, "month_day")])
    assert statuses(apart) == [("date", "disputed")]  # a day of the year is no magnitude
    mixed = compare_claims([day("a", 1119, "month_day"), day("b", 20081119, "date")])
    assert statuses(mixed) == [("date", "single_source"), ("date", "single_source")]


def test_a_dispute_names_each_value_once_whatever_its_case():
    facts = compare_claims([("a", claim("count", 3, 3, "tank", "three")),
                            ("b", claim("count", 3, 3, "tank", "Three")),
                            ("d", claim("count", 3, 3, "tank", "3")),
                            ("c", claim("count", 4, INF, "tank", "at least four"))])
    assert statuses(facts) == [("count", "disputed")]
    assert facts[0].note.lower().count("three") + facts[0].note.count("3") == 1
    assert "at least four" in facts[0].note


def test_a_claim_joins_the_group_whose_figures_it_agrees_with():
    facts = compare_claims([("a", claim("arrested", 17, 17, "man", "17", start=10)),
                            ("a", claim("arrested", 18, 18, "people", "17 men and one woman",
                                        start=10)),
                            ("b", claim("arrested", 18, 18, "individual", "18", start=40))])
    agreed = [f for f in facts if f.status == "agreed"]
    assert [[s.claim.value for s in f.claims] for f in agreed] == [["17 men and one woman", "18"]]
    assert "update" not in statuses(facts) and "disputed" not in {f.status for f in facts}


def dates_of(*claims_: tuple[str, float, float, str, int]) -> list[tuple[str, Claim]]:
    return [(article, Claim(predicate="date", low=low, high=high, unit="date", value=wording,
                            text=wording, start=start, end=start + len(wording)))
            for article, low, high, wording, start in claims_]


def test_a_year_alone_is_not_compared_with_a_day():
    facts = compare_claims(dates_of(("a", 20180101, 20180101, "Jan. 1, 2018", 5),
                                    ("b", 20170101, 20171231, "2017", 9)))
    assert statuses(facts) == [("date", "single_source"), ("date", "single_source")]


def test_a_day_restated_in_one_report_stays_one_fact():
    facts = compare_claims(dates_of(("a", 20171231, 20171231, "Dec. 31, 2017", 5),
                                    ("a", 20171231, 20171231, "December 31", 90),
                                    ("b", 20171231, 20171231, "New Year's Eve", 7)))
    assert statuses(facts) == [("date", "agreed")] and len(facts[0].claims) == 3


def units(*claims_: tuple[str, float, str, str, str]) -> list[tuple[str, Claim]]:
    return [(article, Claim(predicate="fraction", low=v, high=v, unit=unit, value=wording,
                            text=wording, subject=subject, start=0, end=len(wording)))
            for article, v, unit, wording, subject in claims_]


def test_shares_of_the_same_total_compare_and_of_others_do_not():
    agreed = compare_claims(units(("a", 7, "of 16", "7 of 16", "Quarterback Jo Bell"),
                                  ("b", 7, "of 16", "seven out of 16", "attempt")))
    assert statuses(agreed) == [("fraction", "agreed")]
    disputed = compare_claims(units(("a", 7, "of 16", "7 of 16", "Jo Bell"),
                                    ("b", 8, "of 16", "8 of 16", "Jo Bell")))
    assert statuses(disputed) == [("fraction", "disputed")]
    apart = compare_claims(units(("a", 7, "of 16", "7 of 16", "Jo Bell"),
                                 ("b", 7, "of 17", "7 of 17", "Jo Bell")))
    assert "disputed" not in {f.status for f in apart}


def test_an_estimated_figure_and_a_figure_further_off_disagree():
    facts = compare_claims([("a", claim("money", 1.71e9, 2.09e9, "earnings",
                                        "an estimated $1.9 billion")),
                            ("b", claim("money", 2.07e9, 2.07e9, "earnings", "$2.07 billion"))])
    assert statuses(facts) == [("money", "disputed")]
    near = compare_claims([("a", claim("count", 135, 165, "car", "an estimated 150")),
                           ("b", claim("count", 151, 151, "car", "151"))])
    assert statuses(near) == [("count", "agreed")]
    about = compare_claims([("a", claim("money", 1.71e9, 2.09e9, "earnings", "about $1.9 billion")),
                            ("b", claim("money", 2.07e9, 2.07e9, "earnings", "$2.07 billion"))])
    assert statuses(about) == [("money", "agreed")]


def test_market_figures_quoted_at_other_moments_are_updates_not_disputes():
    def move(value: float, trigger: str, subject: str | None = "Orvane share") -> Claim:
        return claim("percentage", value, value, subject, f"{value}%", trigger=trigger)

    moved = compare_claims([("a", move(4.3, "fell")), ("b", move(1.5, "fell")),
                            ("c", move(6.6, "dropped"))])
    assert statuses(moved) == [("percentage", "update")]
    assert "different moments" in moved[0].note
    fixed = compare_claims([("a", move(4.3, "cut")), ("b", move(1.5, "cut"))])
    assert statuses(fixed) == [("percentage", "disputed")]  # a stated cut is one figure
    revenue = compare_claims([("a", move(8, "rose", "quarterly revenue")),
                              ("b", move(12, "rose", "quarterly revenue"))])
    assert statuses(revenue) == [("percentage", "disputed")]  # no market figure


def test_ages_align_only_on_the_same_named_person():
    def age(years: float, subject: str) -> Claim:
        return claim("age", years, years, subject, f"{years:g}", unit="year")

    two_men = compare_claims([("a", age(35, "driver")), ("b", age(37, "Finnish driver"))])
    assert statuses(two_men) == [("age", "single_source"), ("age", "single_source")]
    unnamed = compare_claims([("a", age(35, "driver")), ("b", age(37, "driver"))])
    assert statuses(unnamed) == [("age", "single_source"), ("age", "single_source")]
    one_man = compare_claims([("a", age(35, "Lenk")), ("b", age(37, "Tarvo Lenk"))])
    assert statuses(one_man) == [("age", "disputed")]
    same_age = compare_claims([("a", age(37, "driver")), ("b", age(37, "Finnish driver"))])
    assert statuses(same_age) == [("age", "agreed")]


def test_the_same_year_in_two_reports_confirms_itself_whatever_the_subjects():
    def year(subject: str) -> Claim:
        return claim("date", 20160101, 20161231, subject, "2016", unit="date")

    facts = compare_claims([("a", year("win")), ("b", year("title"))])
    assert statuses(facts) == [("date", "agreed")]
    other = claim("date", 20150101, 20151231, "title", "2015", unit="date")
    assert statuses(compare_claims([("a", year("win")), ("b", other)])) == [
        ("date", "single_source"), ("date", "single_source")]


def test_dates_years_apart_are_other_happenings_and_a_year_apart_a_dispute():
    def year(value: int) -> Claim:
        return claim("date", value * 10000 + 101, value * 10000 + 1231, "win", str(value),
                     unit="date")

    apart = compare_claims([("a", year(1908)), ("b", year(2016))])
    assert statuses(apart) == [("date", "single_source"), ("date", "single_source")]
    close = compare_claims([("a", year(2002)), ("b", year(2003))])
    assert statuses(close) == [("date", "disputed")]


def test_ages_of_one_named_person_gathered_around_two_figures_are_one_dispute():
    def age(years: float, subject: str | None) -> Claim:
        return claim("age", years, years, subject, f"{years:g}", unit="year")

    facts = compare_claims([("a", age(61, "Sharron Smith")), ("d", age(61, None)),
                            ("b", age(60, "woman")), ("c", age(60, "Sharron Smith"))])
    assert statuses(facts) == [("age", "disputed")]


def test_parts_of_a_toll_are_not_the_toll():
    facts = compare_claims([("a", claim("killed", 2, 2, "woman", "two")),
                            ("a", claim("killed", 1, 1, "man", "one", start=10)),
                            ("b", claim("killed", 3, 3, "people", "three"))])
    assert "disputed" not in {f.status for f in facts}
    same = compare_claims([("a", claim("killed", 3, 3, "child", "three")),
                           ("b", claim("killed", 3, 3, "people", "three"))])
    assert statuses(same) == [("killed", "agreed")]
    sums = compare_claims([("a", claim("money", 0, 50000, "man", "up to $50,000", unit="USD")),
                           ("b", claim("money", 30000, 50000, None, "$30,000 to $50,000",
                                       unit="USD"))])
    assert statuses(sums) == [("money", "agreed")]  # a sum some men spent is no head count


def test_an_increment_is_not_the_toll():
    facts = compare_claims([("a", claim("killed", 10, 10, "people", "10")),
                            ("b", claim("killed", 10, 10, "people", "10")),
                            ("b", claim("killed", 2, 2, "victim", "two more", start=30))])
    assert statuses(facts) == [("killed", "agreed"), ("killed", "single_source")]


def test_two_magnitudes_of_one_earthquake_are_a_dispute():
    facts = compare_claims([("a", claim("magnitude", 6.1, 6.1, "earthquake", "6.1")),
                            ("b", claim("magnitude", 5.9, 5.9, "earthquake", "5.9")),
                            ("c", claim("magnitude", 4.8, 4.8, "aftershock", "4.8"))])
    assert statuses(facts) == [("magnitude", "disputed"), ("magnitude", "single_source")]
