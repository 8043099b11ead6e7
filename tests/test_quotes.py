"""Quotes: direct and reported speech with the cue verb and the speaker resolved."""

from __future__ import annotations

import re

import pytest

from newsfuse.extract.quotes import Quote, find_quotes, scan_quotes
from newsfuse.model import Actor, Mention

pytestmark = pytest.mark.slow


def local_actors(doc) -> list[Actor]:
    """Stand-in actors from the model's PERSON/ORG entities, one per distinct name."""
    found: dict[str, list[Mention]] = {}
    kinds: dict[str, str] = {}
    for ent in doc.ents:
        if ent.label_ in ("PERSON", "ORG"):
            name = ent.text.removeprefix("the ")
            found.setdefault(name, []).append(Mention(text=ent.text, start=ent.start_char,
                                                      end=ent.end_char))
            kinds[name] = "person" if ent.label_ == "PERSON" else "organisation"
    return [Actor(key="p:" + name.lower(), name=name, kind=kinds[name], mentions=tuple(ms))
            for name, ms in found.items()]


def quotes(nlp, text: str, actors: str = "local") -> list[Quote]:
    """The quotes of a text; every span must slice the text exactly."""
    doc = nlp(text)
    chosen = local_actors(doc) if actors == "local" else ()
    if actors == "real":
        from newsfuse.extract.actors import find_actors
        from newsfuse.extract.places import find_places

        chosen = find_actors(text, doc, find_places(text, doc))
    found = find_quotes(text, doc, chosen)
    for quote in found:
        assert text[quote.start:quote.end] == quote.text, quote
    assert [q.start for q in found] == sorted(q.start for q in found)
    return found


def one(found: list[Quote], start: str) -> Quote:
    """The quote whose text begins with `start`."""
    matches = [q for q in found if q.text.startswith(start)]
    assert len(matches) == 1, [q.text for q in found]
    return matches[0]


# --- quote marks ---------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    '"The bridge will reopen on Monday," the mayor said.',
    "“The bridge will reopen on Monday,” the mayor said.",
    "« The bridge will reopen on Monday », the mayor said.",
    "‘The bridge will reopen on Monday,’ the mayor said.",
    "'The bridge will reopen on Monday,' the mayor said.",
])
def test_every_quote_style_with_its_speaker(nlp, text):
    found = quotes(nlp, text)
    assert len(found) == 1
    quote = found[0]
    assert quote.text.strip(",") == "The bridge will reopen on Monday"
    assert quote.direct and quote.cue == "say" and quote.speaker == "the mayor"


def test_apostrophes_are_not_quote_marks():
    text = ("The farmers' union says it won't pay. ‘We don’t have the money for the ’90s "
            "pumps,’ its chair said. Rock 'n' roll is not the issue, and Nils' barn isn't either.")
    found = scan_quotes(text)
    assert [text[p.start:p.end] for p in found] == [
        "We don’t have the money for the ’90s pumps,", "n"]


def test_single_quotes_inside_double_quotes_stay_inside(nlp):
    text = '"They told us \'leave now\' and we left," said Ana Brekk, a farmer in Orsby.'
    found = quotes(nlp, text)
    assert [q.text for q in found] == ["They told us 'leave now' and we left,"]
    assert found[0].speaker == "Ana Brekk"


def test_quote_running_over_paragraphs(nlp):
    text = ("“We have lost the barn and the animals,” said farmer Jonas Vik. “The water came "
            "at night and nobody warned us.\n\n“It took the car too. We are starting again "
            "from nothing.\n\n“Nobody from the ministry has called,” he added.")
    found = quotes(nlp, text)
    assert [q.text[:12] for q in found] == ["We have lost", "The water ca", "It took the ",
                                            "Nobody from "]
    assert {q.speaker for q in found} == {"Jonas Vik"}
    assert "\n" not in "".join(q.text for q in found)


def test_quote_split_by_its_attribution(nlp):
    text = ('"We will respond," Defence Minister Hanna Lidgren said, "at a time of our '
            'choosing." The ministry gave no details.')
    found = quotes(nlp, text)
    assert [q.text for q in found] == ["We will respond,", "at a time of our choosing."]
    assert all(q.speaker == "Hanna Lidgren" and q.cue == "say" for q in found)
    assert found[0].speaker_key == "p:hanna lidgren"


def test_he_added_is_the_last_named_speaker(nlp):
    text = ('"The port is closed until further notice," harbour master Erik Solberg said on '
            'Tuesday. Three ships were waiting outside the breakwater.\n\n'
            '"We cannot risk another collision," he added.')
    found = quotes(nlp, text)
    added = one(found, "We cannot")
    assert added.speaker == "Erik Solberg" and added.cue == "add"
    assert added.speaker_key == "p:erik solberg"


def test_quote_paragraph_after_an_attributed_one(nlp):
    text = ('"Talks will resume next week," Foreign Minister Tove Aralind said.\n\n'
            '"Both sides have agreed to the agenda. Nobody expects a quick result."')
    found = quotes(nlp, text)
    assert one(found, "Both sides").speaker == "Tove Aralind"


def test_colon_attribution_before_the_quote(nlp):
    text = 'The governor, Paul Steen, said: "Everyone who lost a home will get help."'
    assert one(quotes(nlp, text), "Everyone").speaker == "Paul Steen"


# --- sources and reported speech -----------------------------------------------------------

def test_unnamed_official(nlp):
    text = ("A senior Norland defence official told the Harbour Times that the depot had been "
            "hit twice during the night.")
    quote = one(quotes(nlp, text), "the depot")
    assert quote.text == "the depot had been hit twice during the night"
    assert not quote.direct and quote.cue == "tell"
    assert quote.speaker == "unnamed senior Norland defence official" and quote.speaker_key is None


@pytest.mark.parametrize(("text", "speaker"), [
    ("A medical source said four people were being treated for burns.", "unnamed medical source"),
    ("Officials said the road would stay closed until Friday.", "unnamed officials"),
])
def test_unnamed_sources(nlp, text, speaker):
    quote = quotes(nlp, text)[0]
    assert quote.speaker == speaker and not quote.direct


def test_according_to(nlp):
    text = "At least two people died in the fire, according to the Orsby fire brigade."
    quote = quotes(nlp, text, actors="none")[0]
    assert quote.text == "At least two people died in the fire"
    assert quote.cue == "according to" and not quote.direct
    assert "Orsby fire brigade" in (quote.speaker or "")


def test_reported_speech_with_that(nlp):
    text = ("Mining Minister Lars Ekdal warned that more rain could flood the lower galleries, "
            "and the company confirmed that two pumps had failed.")
    found = quotes(nlp, text)
    warned = one(found, "more rain")
    assert warned.text == "more rain could flood the lower galleries"
    assert warned.speaker == "Lars Ekdal" and warned.cue == "warn" and not warned.direct


def test_inverted_reported_speech(nlp):
    text = "The ferry will be repaired by June, the operator Baltline said on Monday."
    quote = quotes(nlp, text)[0]
    assert quote.text == "The ferry will be repaired by June" and quote.cue == "say"
    assert quote.speaker == "Baltline"


def test_statement_speaks_for_its_author(nlp):
    text = '"The strikes were defensive," a statement from the Norland army said.'
    assert quotes(nlp, text, actors="none")[0].speaker == "the Norland army"


def test_it_is_the_last_organisation(nlp):
    text = ("The Coastal Ferry Company said it would refund every ticket. It added that the "
            "timetable would return to normal next month.")
    found = quotes(nlp, text)
    added = one(found, "the timetable")
    assert added.speaker == "The Coastal Ferry Company"


# --- what is not a quote -------------------------------------------------------------------

def test_scare_quotes_and_titles_are_skipped(nlp):
    text = ('The so-called "peace corridor" was closed again. Critics see the "reform" as '
            'cosmetic. The film "The Long Night Over Kessel" opens on Friday.')
    assert quotes(nlp, text) == []


def test_short_partial_quote_with_a_cue_is_kept(nlp):
    text = 'Fire chief Marta Lind told reporters the blaze was "contained but not out".'
    quote = one(quotes(nlp, text), "contained")
    assert quote.direct and quote.speaker == "Marta Lind"


def test_without_a_parse_only_direct_quotes():
    text = '"We will rebuild the school before winter," the mayor said. A "fresh" start.'
    found = find_quotes(text, None)
    assert [q.text for q in found] == ["We will rebuild the school before winter,"]


def test_same_input_same_output(nlp):
    text = ('"We will respond," she said. Officials said the talks had failed. "The group '
            'will answer for it," Defence Minister Hanna Lidgren said.')
    assert quotes(nlp, text) == quotes(nlp, text)


# --- seeds ---------------------------------------------------------------------------------

def seed_quotes(nlp, path) -> tuple[str, list[Quote]]:
    text = path.read_text(encoding="utf-8")
    return text, quotes(nlp, text, actors="real")


def shingles(text: str, size: int = 5) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i:i + size]) for i in range(len(words) - size + 1)}


def test_seed_defense_secretary_quotes_are_his(nlp, seeds):
    """The Secretary's statement is the long direct quote the four reports repeat: every long
    quote that shares a five-word run with a long quote of another report is his."""
    found = {path.name: [q for q in seed_quotes(nlp, path)[1] if q.direct and
                         len(q.text.split()) >= 10]
             for path in sorted(seeds.glob("00[0-3]_*.txt"))}
    repeated = []
    for name, own in found.items():
        others = set().union(*(shingles(q.text) for other, qs in found.items() if other != name
                               for q in qs))
        repeated += [(name, q) for q in own if shingles(q.text) & others]
    assert len({name for name, _ in repeated}) == 4 and len(repeated) >= 8
    assert {q.speaker for _, q in repeated} == {"Lloyd Austin"}


def test_seed_esper_quote(nlp, seeds):
    path = next(seeds.glob("004_*.txt"))
    _text, found = seed_quotes(nlp, path)
    quote = one(found, "You don't get to shoot at our bases")
    assert quote.speaker == "Mark Esper" and quote.cue == "add"


def test_multi_paragraph_quote_attributed_at_its_end(nlp):
    text = ("The council met on Monday night.\n\n"
            "“Nobody in this town will sleep in a tent this winter. We have the money and "
            "we have the builders.\n\n"
            "“What we do not have is time,” Mayor Ida Strand told the meeting.")
    found = quotes(nlp, text)
    assert len(found) == 2 and {q.speaker for q in found} == {"Ida Strand"}
    assert {q.cue for q in found} == {"tell"}


def test_with_the_real_actor_extractor(nlp):
    text = ('Defence Minister Hanna Lidgren said the army had shot down nine drones. "We will '
            'find those who sent them," Lidgren said. "They will answer for it," she added.')
    found = quotes(nlp, text, actors="real")
    assert [q.direct for q in found] == [False, True, True]
    assert {q.speaker for q in found} == {"Hanna Lidgren"}
    assert len({q.speaker_key for q in found}) == 1 and found[0].speaker_key is not None


@pytest.mark.parametrize("text", [
    '"The nets came up empty again this week," said Skarvik harbour master Aron Falk.',
    '"The nets came up empty again this week," said Aron Falk, a fisherman in Skarvik.',
])
def test_said_before_the_speaker(nlp, text):
    assert quotes(nlp, text)[0].speaker == "Aron Falk"
