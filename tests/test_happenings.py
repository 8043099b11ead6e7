"""Dated happenings and the article's event date: the main happening, never background."""

from __future__ import annotations

import pytest

from newsfuse.extract.happenings import Happening, event_date, find_happenings
from newsfuse.extract.times import find_times
from newsfuse.ingest import InputOptions, read_inputs

PUB = "2024-05-16"  # a Thursday


def happenings(nlp, text: str, published: str | None = PUB) -> list[Happening]:
    """The happenings of one text; every span must be exact and at most one may be main."""
    doc = nlp(text)
    times = find_times(text, published, doc)
    found = find_happenings(text, doc, times, published)
    for item in found:
        time = next(t for t in times if (t.start, t.end) == (item.time_start, item.time_end))
        assert text[item.time_start:item.time_end] == time.text
        assert item.date == time.value and (item.low, item.high) == (time.low, time.high)
        assert item.sentence_start <= item.time_start < item.time_end <= item.sentence_end
        assert item.trigger and item.trigger in text[item.sentence_start:item.sentence_end]
    assert sum(item.main for item in found) <= 1
    return found


def main_of(nlp, text: str, published: str | None = PUB) -> Happening | None:
    return event_date(happenings(nlp, text, published))


@pytest.mark.slow
def test_the_main_happening_is_chosen_over_a_background_date(nlp):
    text = ("Coalition jets struck weapons depots near the river port of Alsen on Tuesday, the "
            "defence ministry said. The strikes follow an attack last Saturday on a border post "
            "that wounded three guards.")
    found = happenings(nlp, text)
    assert {(h.date, h.trigger) for h in found} == {("2024-05-14", "struck"),
                                                   ("2024-05-11", "attack")}
    main = event_date(found)
    assert main is not None
    assert (main.date, main.trigger, text[main.time_start:main.time_end]) == (
        "2024-05-14", "struck", "Tuesday")


@pytest.mark.slow
def test_background_first_in_the_text_is_not_main(nlp):
    text = ("After rebels seized the Kell bridge on Sunday, the army shelled their positions in "
            "the hills on Wednesday, officials said.")
    main = main_of(nlp, text)
    assert main is not None
    assert main.date == "2024-05-15"


@pytest.mark.slow
def test_a_caption_or_an_old_dated_line_is_never_main(nlp):
    text = ("FILE PHOTO: Soldiers at the Varro checkpoint after it was attacked on March 3, "
            "2019. REUTERS/Jo Example\n"
            "Militants ambushed an army patrol near Varro on Wednesday, killing five soldiers, "
            "the army said. The same group had attacked the checkpoint on March 3, 2019.")
    main = main_of(nlp, text)
    assert main is not None
    assert (main.date, main.trigger) == ("2024-05-15", "ambushed")
    no_date = main_of(nlp, text, published=None)  # weekdays unresolved: only 2019 is left
    assert no_date is None


@pytest.mark.slow
def test_publication_furniture_is_no_happening(nlp):
    text = ("Updated: May 15, 2024\n"
            "Rebels shelled the eastern suburbs of Kell on Monday, killing two civilians, "
            "residents said. In 2020 the town was shelled for months.")
    found = happenings(nlp, text)
    assert [h.date for h in found] == ["2024-05-13"]
    assert found[0].main


@pytest.mark.slow
def test_durations_give_no_happening(nlp):
    text = ("The siege lasted three weeks before the rebels withdrew. Residents said the "
            "shelling continued for ten days.")
    assert happenings(nlp, text) == []


@pytest.mark.slow
def test_a_future_date_is_not_main(nlp):
    text = ("Gunmen killed four farmers near Dorran on Monday, police said. Talks between the "
            "two sides will resume on May 20.")
    main = main_of(nlp, text)
    assert main is not None
    assert main.date == "2024-05-13"


def test_event_date_is_the_main_one():
    def item(day: str, main: bool) -> Happening:
        return Happening(date=day, time_start=0, time_end=1, sentence_start=0, sentence_end=2,
                         main=main)

    assert event_date([item("2024-05-10", False), item("2024-05-14", True)]) == item(
        "2024-05-14", True)
    assert event_date([item("2024-05-10", False)]) is None
    assert event_date([]) is None


@pytest.mark.slow
@pytest.mark.parametrize(("pattern", "published", "allowed"), [
    ("00[0-3]_*.txt", "2024-01-24", ("2024-01-23", "2024-01-24")),
    ("004_*.txt", "2020-03-12", ("2020-03",)),
])
def test_seed_event_dates(nlp, seeds, pattern, published, allowed):
    """The seeds carry no publication date (read_inputs gives None): it is passed as a user
    would with --published, the day after the strikes."""
    paths = sorted(seeds.glob(pattern))
    assert paths
    for raw in read_inputs(paths, InputOptions(published=published)):
        assert raw.published == published  # type: ignore[union-attr]
        text = raw.text or ""  # type: ignore[union-attr]
        main = main_of(nlp, text, published)
        assert main is not None, raw
        assert main.date.startswith(allowed), (raw, main)
        assert not main.date.startswith("2020-01")
        undated = main_of(nlp, text, None)  # no publication date: no 2020 caption date either
        assert undated is None or not undated.date.startswith("2020-01")
