"""The online grouper on hand-made features: joins, look-alikes, reasons, determinism."""

from __future__ import annotations

import math

from newsfuse.cluster import GroupingConfig, OnlineGrouper, as_features, regroup
from newsfuse.extract.times import find_times
from newsfuse.features import ArticleFeatures, entity_key, features_of, person_key, title_terms
from newsfuse.model import Analysis, Article, Role


def _features(article_id: str, words: str, people=(), places=(), years=(), quantities=(),
              date=None, weekdays=(), agents=(), title="") -> ArticleFeatures:
    terms = dict.fromkeys(words.split(), 1.0)
    norm = math.sqrt(len(terms))
    people_map = {person_key(p): p for p in people}
    return ArticleFeatures(article_id=article_id, terms=dict.fromkeys(terms, 1 / norm),
                           people=people_map, person_counts=dict.fromkeys(people_map, 2),
                           places={entity_key(p): p for p in places}, years=set(years),
                           quantities=set(quantities), date=date, weekdays=set(weekdays),
                           agents=set(agents), title_terms=title_terms(title))


STRIKE = "strike depot drone militia fuel fire governor ministry kessel"


def test_reports_of_one_happening_join_and_say_why():
    grouper = OnlineGrouper()
    first = grouper.partial_fit(_features("a", STRIKE, ["Lena Ortiz"], ["Kessel"]), 1, "A")
    second = grouper.partial_fit(_features("b", STRIKE + " hospital", ["Ortiz"], ["Kessel"]), 2,
                                 "B")
    assert first.new_event and not second.new_event
    assert second.event_id == first.event_id
    kinds = {r.kind for r in second.reasons}
    assert {"terms", "people", "places"} <= kinds


def test_look_alike_with_other_people_and_years_stays_apart():
    grouper = OnlineGrouper()
    first = grouper.partial_fit(_features("a", STRIKE, ["Lena Ortiz"], years=["2025"]), 1, "A")
    look_alike = STRIKE.replace("kessel", "brannvik terminal")
    other = grouper.partial_fit(_features("b", look_alike, ["Aksel Thorn"], years=["2024"]), 2,
                                "B")
    assert other.new_event and other.event_id != first.event_id
    assert other.runner_up == first.event_id
    assert other.runner_up_score is not None
    assert other.runner_up_score < GroupingConfig().threshold


def test_events_close_after_the_date_window():
    grouper = OnlineGrouper(GroupingConfig(max_gap_days=5))
    first = grouper.partial_fit(_features("a", STRIKE, date="2025-03-01"), 1, "A")
    late = grouper.partial_fit(_features("b", STRIKE, date="2025-03-20"), 2, "B")
    assert late.event_id != first.event_id


def test_a_recurring_story_does_not_chain_into_one_event_beyond_the_span_bound():
    # one report every 40 days: each is within the open window of the last, so without a bound
    # on the event's spread they chain into one event for ever
    days = ["2025-01-01", "2025-02-10", "2025-03-22", "2025-05-01"]
    for limit, expected in ((0, 1), (90, 2)):
        grouper = OnlineGrouper(GroupingConfig(max_gap_days=45, max_span_days=limit))
        events = {grouper.partial_fit(_features(str(i), STRIKE, date=day), i, None).event_id
                  for i, day in enumerate(days)}
        assert len(events) == expected


def test_repair_does_not_merge_events_whose_dates_together_spread_beyond_the_bound():
    config = GroupingConfig(threshold=0.9, merge_threshold=0.3, max_gap_days=45,
                            max_span_days=60)
    grouper = OnlineGrouper(config)
    lone = grouper.partial_fit(_features("a", "strike depot drone militia fuel fire",
                                         date="2025-01-01"), 1, "A")
    grouper.partial_fit(_features("b", STRIKE, ["Lena Ortiz"], date="2025-02-10"), 2, "B")
    grouper.partial_fit(_features("c", STRIKE, ["Lena Ortiz"], date="2025-03-05"), 3, "C")
    grouper.repair(4)
    assert grouper.take_changes() == ([], []) and lone.event_id in grouper.events_


def test_duplicate_joins_its_original_event():
    grouper = OnlineGrouper()
    first = grouper.partial_fit(_features("a", STRIKE), 1, "A")
    copy = grouper.partial_fit(_features("b", "entirely different words"), 2, "B",
                               duplicate_event=first.event_id)
    assert copy.event_id == first.event_id
    assert copy.reasons[0].kind == "duplicate"


def test_regroup_is_deterministic():
    items = [(_features(str(i), STRIKE if i % 2 else "vote election party ballot turnout"), i,
              None, None) for i in range(10)]
    assert regroup(items) == regroup(items)
    assert len(set(regroup(items).values())) == 2


def test_repair_merges_an_early_lone_report_into_the_event_that_grew_around_it():
    grouper = OnlineGrouper(GroupingConfig(threshold=0.9, merge_threshold=0.3))
    lone = grouper.partial_fit(_features("a", "strike depot drone militia fuel fire"), 1, "A")
    first = grouper.partial_fit(_features("b", STRIKE, ["Lena Ortiz"]), 2, "B")
    second = grouper.partial_fit(_features("c", STRIKE, ["Lena Ortiz"]), 3, "C")
    other = grouper.partial_fit(_features("d", "flood river dam rain evacuation"), 4, "D")
    assert lone.new_event and first.new_event and second.event_id == first.event_id
    grouper.repair(5)
    changes, removed = grouper.take_changes()
    assert [(c.event_id, c.other_id) for c in changes] == [(first.event_id, lone.event_id)]
    assert removed == [lone.event_id]
    assert changes[0].article_ids == ("a",)
    assert changes[0].score >= 0.3 and any(r.kind == "terms" for r in changes[0].reasons)
    assert grouper.events_[first.event_id].n_articles == 3
    assert other.event_id in grouper.events_ and lone.event_id not in grouper.events_


def test_regroup_follows_merges():
    config = GroupingConfig(threshold=0.9, merge_threshold=0.3)
    items = [(_features("a", "strike depot drone militia fuel fire"), 1, "A", None),
             (_features("b", STRIKE, ["Lena Ortiz"]), 2, "B", None),
             (_features("c", STRIKE, ["Lena Ortiz"]), 3, "C", None),
             (_features("d", "flood river dam rain evacuation"), 4, "D", None)]
    labels = regroup(items, config)
    assert labels["a"] == labels["b"] == labels["c"] != labels["d"]


def test_a_lone_report_gets_a_last_repair_as_it_leaves_the_window():
    grouper = OnlineGrouper(GroupingConfig(threshold=0.9, merge_threshold=0.3, max_gap_days=5))
    lone = grouper.partial_fit(_features("a", "strike depot drone militia fuel fire",
                                         date="2025-03-01"), 1, "A")
    grown = grouper.partial_fit(_features("b", STRIKE, ["Lena Ortiz"], date="2025-03-02"), 2, "B")
    grouper.partial_fit(_features("c", STRIKE, ["Lena Ortiz"], date="2025-03-02"), 3, "C")
    grouper.take_dirty()  # written by the runner: now they may leave the window
    grouper.partial_fit(_features("d", "flood river dam rain", date="2025-03-20"), 4, "D")
    changes, removed = grouper.take_changes()
    assert [(c.event_id, c.other_id, c.at_seq) for c in changes] == [
        (grown.event_id, lone.event_id, 4)]
    assert removed == [lone.event_id] and lone.event_id not in grouper.events_


def _analysed(text: str, published: str | None = None) -> ArticleFeatures:
    article = Article(id="x", origin="test", text=text, published=published)
    times = tuple(find_times(text, published, None))
    for time in times:
        assert text[time.start:time.end] == time.text
    return features_of(article, Analysis(article_id="x", times=times))


def test_an_undated_article_keeps_the_weekdays_it_names():
    text = ("The ferry Marisol ran aground off Varnholm on Tuesday night, and divers reached "
            "the hull on Wednesday, the harbour office said.")
    assert _analysed(text).weekdays == {"2", "3"}


def test_dated_or_calendar_days_give_no_weekdays():
    assert _analysed("The ferry ran aground on Tuesday night.", "2025-03-06").weekdays == set()
    assert _analysed("The ferry ran aground on Tuesday, 4 March 2025.").weekdays == set()
    assert _analysed("The ferry ran aground last year near Varnholm.").weekdays == set()


def test_a_look_alike_on_another_weekday_stays_apart_and_says_why():
    sinking = "ferry aground varnholm harbour divers hull coastguard passengers rescued"
    look_alike = "ferry aground harbour divers coastguard trawler kelso reef crew"
    grouper = OnlineGrouper()
    first = grouper.partial_fit(_features("a", sinking, weekdays=["2"]), 1, "A")
    same_day = grouper.partial_fit(_features("b", sinking, weekdays=["2", "3"]), 2, "B")
    other_day = grouper.partial_fit(_features("c", look_alike, weekdays=["5"]), 3, "C")
    assert same_day.event_id == first.event_id
    assert other_day.new_event and other_day.runner_up == first.event_id
    penalty = GroupingConfig().weekday_conflict
    assert other_day.runner_up_score == round(0.8 * 5 / 9 - penalty, 4)
    event = grouper.events_[first.event_id]
    scored = grouper.score(_features("d", look_alike, weekdays=["5", "6"]), event)
    assert [(r.kind, r.value) for r in scored.reasons if r.weight < 0] == [
        ("weekdays_differ", "Friday, Saturday")]
    # the same words on a weekday the event named would have joined
    assert grouper.score(_features("e", look_alike, weekdays=["2"]), event).score >= 0.25


def test_no_weekday_on_either_side_costs_nothing():
    grouper = OnlineGrouper()
    sinking = "ferry aground varnholm harbour divers hull coastguard passengers rescued"
    first = grouper.partial_fit(_features("a", sinking, weekdays=["2"]), 1, "A")
    unnamed = grouper.partial_fit(_features("b", sinking), 2, "B")
    assert unnamed.event_id == first.event_id
    assert not any(r.kind == "weekdays_differ" for r in unnamed.reasons)


def test_an_event_seen_as_one_article_keeps_its_weekdays():
    grouper = OnlineGrouper()
    first = grouper.partial_fit(_features("a", STRIKE, weekdays=["2"]), 1, "A")
    grouper.partial_fit(_features("b", STRIKE, weekdays=["3"]), 2, "B")
    assert as_features(grouper.events_[first.event_id]).weekdays == {"2", "3"}


BID = "pitcher contract offer year million agent winter club record talks"


def test_another_doer_of_the_same_deed_is_a_look_alike_and_says_why():
    grouper = OnlineGrouper()
    first = grouper.partial_fit(_features("a", BID, ["Tomas Varga"], agents=["offer|gulls"]), 1,
                                "A")
    event = grouper.events_[first.event_id]
    rival = grouper.score(_features("b", BID, ["Tomas Varga"], agents=["offer|owls"]), event)
    same = grouper.score(_features("c", BID, ["Tomas Varga"], agents=["offer|gulls"]), event)
    other_deed = grouper.score(_features("d", BID, ["Tomas Varga"], agents=["meet|owls"]), event)
    unnamed = grouper.score(_features("e", BID, ["Tomas Varga"]), event)
    penalty = GroupingConfig().agent_conflict
    assert [(r.kind, r.value, r.weight) for r in rival.reasons if r.weight < 0] == [
        ("agents_differ", "offer: owls", -penalty)]
    assert math.isclose(same.score - rival.score, penalty, abs_tol=1e-4)
    assert other_deed.score == same.score == unnamed.score  # another deed, or no doer: no cost


def test_one_shared_doer_is_enough_and_agents_survive_a_merge():
    grouper = OnlineGrouper()
    first = grouper.partial_fit(_features("a", BID, agents=["offer|gulls"]), 1, "A")
    grouper.partial_fit(_features("b", BID, agents=["offer|gulls", "offer|varga"]), 2, "B")
    event = grouper.events_[first.event_id]
    both = grouper.score(_features("c", BID, agents=["offer|varga", "offer|harbor"]), event)
    assert not any(r.kind == "agents_differ" for r in both.reasons)
    assert as_features(event).agents == {"offer|gulls", "offer|varga"}
    assert event.state["agents"] == {"offer|gulls": 2, "offer|varga": 1}


def test_named_agents_of_the_lead_become_keys_with_their_deed():
    roles = (Role(role="agent", text="the Harbor Gulls", start=0, end=16, label="ORG",
                  head="gulls", trigger="offer"),
             Role(role="agent", text="team", start=20, end=24, head="team", trigger="offer"),
             Role(role="patient", text="Tomas Varga", start=30, end=41, label="PERSON",
                  head="varga", trigger="offer"))
    article = Article(id="x", origin="test", text="x" * 50)
    features = features_of(article, Analysis(article_id="x", roles=roles))
    assert features.agents == {"offer|gulls"}  # a plain noun names no one; patients are not doers
    assert features_of(article, Analysis(article_id="x")).agents == set()


def test_headline_terms_keep_uncommon_words_in_a_crude_singular():
    found = title_terms("Top Female Bankers Send Rebuke to the Regulator's Board")
    assert found == {"banker", "rebuke", "regulator", "female"}  # "the", "send", "board" common
    assert title_terms(None) == set() and title_terms("") == set()


GALE = "storm gale coast flood warning evacuation river levee rainfall"


def test_dated_reports_sharing_headline_words_score_higher_and_say_why():
    grouper = OnlineGrouper()
    first = grouper.partial_fit(_features("a", GALE, date="2025-11-02",
                                          title="Gale floods Dunmarrow levee"), 1, "A")
    event = grouper.events_[first.event_id]
    same = grouper.score(_features("b", GALE, date="2025-11-02",
                                   title="Dunmarrow levee breaks in gale"), event)
    plain = grouper.score(_features("c", GALE, date="2025-11-02", title="Weather update"), event)
    bonus = [r for r in same.reasons if r.kind == "titles"]
    assert bonus and "dunmarrow" in bonus[0].value and "levee" in bonus[0].value
    assert math.isclose(same.score - plain.score, bonus[0].weight, abs_tol=1e-4)
    assert 0 < bonus[0].weight <= GroupingConfig().titles
    # undated sets (no publication date) are compared without headlines
    undated = grouper.score(_features("d", GALE, title="Dunmarrow levee breaks in gale"), event)
    assert not any(r.kind == "titles" for r in undated.reasons)
    assert as_features(event).title_terms == title_terms("Gale floods Dunmarrow levee")


def test_the_date_penalty_is_whole_after_date_gap_days():
    config = GroupingConfig()
    grouper = OnlineGrouper(config)
    first = grouper.partial_fit(_features("a", GALE, date="2025-11-02"), 1, "A")
    event = grouper.events_[first.event_id]
    near = grouper.score(_features("b", GALE, date="2025-11-03"), event)
    mid = grouper.score(_features("c", GALE, date="2025-11-12"), event)
    far = grouper.score(_features("d", GALE, date="2025-12-20"), event)
    assert not any(r.kind == "date_gap" for r in near.reasons)
    assert math.isclose(near.score - mid.score, config.date_gap * 10 / config.date_gap_days,
                        abs_tol=1e-4)
    assert math.isclose(near.score - far.score, config.date_gap, abs_tol=1e-4)


def test_events_are_kept_apart_by_language_when_the_input_names_it():
    from dataclasses import replace

    grouper = OnlineGrouper()
    english = replace(_features("a", STRIKE, ["Lena Ortiz"], ["Kessel"]), language="en")
    first = grouper.partial_fit(english, 1, "A")
    other = replace(_features("b", STRIKE, ["Lena Ortiz"], ["Kessel"]), language="de")
    assert grouper.partial_fit(other, 2, "B").new_event
    unknown = _features("c", STRIKE, ["Lena Ortiz"], ["Kessel"])
    assert grouper.partial_fit(unknown, 3, "C").event_id == first.event_id
    assert as_features(grouper.events_[first.event_id]).language == "en"


def test_the_language_comes_from_the_input_fields():
    def article(metadata: dict) -> Article:
        return Article(id="x", origin="t", text="Words.", metadata=metadata)

    analysis = Analysis(article_id="x")
    assert features_of(article({"lang": "en-GB"}), analysis).language == "en"
    assert features_of(article({"inLanguage": "de_DE"}), analysis).language == "de"
    assert features_of(article({"lang": "English please"}), analysis).language is None
    assert features_of(article({}), analysis).language is None


def test_an_event_growing_one_article_at_a_time_is_indexed_as_a_loaded_one():
    grouper = OnlineGrouper()
    people = [["Lena Ortiz"], ["Ortiz", "Aksel Thorn"], ["Rafe Imrie"]]
    places = [["Kessel"], ["Kessel", "Brannvik"], ["Osterby"]]
    for n, (who, where) in enumerate(zip(people, places, strict=True)):
        grouper.partial_fit(_features(f"a{n}", STRIKE, who, where, agents=[f"strike|{n}"]), n,
                            None)
    (record,) = grouper.events_.values()
    loaded = OnlineGrouper().load([record])
    assert loaded.keys_[record.id] <= grouper.keys_[record.id]
    assert {"p:thorn", "p:imrie", "g:brannvik", "g:osterby"} <= grouper.keys_[record.id]
    probe = _features("z", STRIKE, ["Thorn"], ["Osterby"], agents=["strike|9"])
    mine, theirs = grouper.score(probe, record), loaded.score(probe, record)
    assert mine == theirs and any(r.kind == "agents_differ" for r in mine.reasons)
