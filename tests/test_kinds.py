"""Event type: ACLED types and sub-types from trigger words, with exact trigger spans."""

from __future__ import annotations

import pytest

from newsfuse.extract.kinds import TYPES, EventType, event_type_of, find_event_type
from newsfuse.ingest import read_inputs


def kind(nlp, text: str) -> EventType | None:
    """The event type of one text; its trigger span must slice the text exactly."""
    found = find_event_type(text, nlp(text))
    if found is not None:
        assert text[found.start:found.end] == found.trigger
        assert found.sub_type in TYPES[found.event_type]
        assert 0.0 < found.score <= 1.0
    return found


# One fiction sentence for each sub-type the rules can tell apart ------------------------------

CASES = [
    ('Government troops clashed with rebels near the border town of Marvel on Sunday, leaving six fighters dead.',
     'Battles', 'Armed clash', 'clashed'),
    ('The army recaptured the town of Dorran from insurgents after a week of fighting.',
     'Battles', 'Government regains territory', 'recaptured'),
    ('Rebel fighters overran an army outpost and seized the district capital of Kell on Friday.',
     'Battles', 'Non-state actor overtakes territory', 'overran'),
    ('A drone strike hit a militia convoy north of the capital on Monday, killing four fighters.',
     'Explosions/Remote violence', 'Air/drone strike', 'strike'),
    ('Warplanes carried out airstrikes on rebel positions in the hills overnight, the military said.',
     'Explosions/Remote violence', 'Air/drone strike', 'airstrikes'),
    ('Rebels shelled the eastern suburbs of the city on Tuesday, wounding twelve civilians.',
     'Explosions/Remote violence', 'Shelling/artillery/missile attack', 'shelled'),
    ('A roadside bomb exploded under an army truck near Tessa, killing two soldiers.',
     'Explosions/Remote violence', 'Remote explosive/landmine/IED', 'bomb'),
    ('A suicide bomber blew himself up at a police checkpoint in the market, killing nine people.',
     'Explosions/Remote violence', 'Suicide bomb', 'bomber'),
    ('An attacker threw a grenade into a crowded bar on Saturday night, wounding fifteen people.',
     'Explosions/Remote violence', 'Grenade', 'grenade'),
    ('Doctors said the victims showed signs of exposure to chlorine after the bombardment of the village, which killed three civilians.',
     'Explosions/Remote violence', 'Chemical weapon', 'chlorine'),
    ('Gunmen stormed a village in the north and massacred 30 civilians, local officials said.',
     'Violence against civilians', 'Attack', 'massacred'),
    ('Armed men kidnapped eleven students from their school in Varro on Thursday.',
     'Violence against civilians', 'Abduction/forced disappearance', 'kidnapped'),
    ('Soldiers raped at least five women during a raid on the camp, a rights group said.',
     'Violence against civilians', 'Sexual violence', 'raped'),
    ('Thousands of teachers marched peacefully through the capital to protest against low pay.',
     'Protests', 'Peaceful protest', 'marched'),
    ('Police fired tear gas to disperse protesters who gathered outside parliament on Monday.',
     'Protests', 'Protest with intervention', 'protesters'),
    ('Security forces opened fire on protesters in the square, killing four demonstrators.',
     'Protests', 'Excessive force against protesters', 'protesters'),
    ('Rioters torched cars and smashed shop windows in the port city after the verdict.',
     'Riots', 'Violent demonstration', 'Rioters'),
    ('A mob lynched two men accused of theft in a village outside the city.',
     'Riots', 'Mob violence', 'mob'),
    ('The two warring parties signed a ceasefire in the capital on Wednesday.',
     'Strategic developments', 'Agreement', 'ceasefire'),
    ('Police arrested fourteen opposition activists in a series of dawn raids, officials said.',
     'Strategic developments', 'Arrests', 'arrested'),
    ('Army engineers defused a bomb planted near the bridge before it could go off.',
     'Strategic developments', 'Disrupted weapons use', 'defused'),
    ('Militiamen looted the warehouses of an aid agency in the town after troops withdrew.',
     'Strategic developments', 'Looted property', 'looted'),
]


@pytest.mark.slow
@pytest.mark.parametrize(("text", "event_type", "sub_type", "trigger"), CASES)
def test_each_acled_type_with_its_trigger(nlp, text, event_type, sub_type, trigger):
    found = kind(nlp, text)
    assert found is not None
    assert (found.event_type, found.sub_type, found.trigger) == (event_type, sub_type, trigger)


def test_every_acled_type_is_covered():
    assert {c[1] for c in CASES} == set(TYPES)


@pytest.mark.slow
@pytest.mark.parametrize("text", [
    "Dorran Rovers beat Kessel City 3-1 in the cup final on Saturday. Their striker scored twice "
    "in the second half, and the coach said the clash with the league leaders next season would "
    "be harder. Fans celebrated in the stadium until late.",
    "Shares in Halvard Motors rose 4% on Tuesday after the carmaker raised its profit forecast. "
    "Investors expect the central bank to cut interest rates as inflation eases, and the index "
    "closed at a record. Traders said the rally in bank stocks could continue.",
])
def test_sport_and_business_stories_have_no_event_type(nlp, text):
    assert kind(nlp, text) is None


@pytest.mark.slow
def test_a_labour_strike_is_a_protest(nlp):
    text = "Dock workers went on strike at the port of Alsen on Monday, demanding higher wages."
    found = kind(nlp, text)
    assert found is not None
    assert (found.event_type, found.sub_type, found.trigger) == (
        "Protests", "Peaceful protest", "strike")


@pytest.mark.slow
def test_a_lead_trigger_outweighs_background_ones(nlp):
    text = ("Police arrested twelve suspects in raids across the capital on Friday. "
            "Last year a bomb exploded near the ministry, and the group had kidnapped two "
            "engineers in 2019.")
    found = kind(nlp, text)
    assert found is not None
    assert (found.sub_type, found.trigger) == ("Arrests", "arrested")


def test_without_a_parse_the_lexicon_still_works():
    text = "Rebels shelled the town on Sunday, killing three civilians."
    found = find_event_type(text, None)
    assert found is not None
    assert found.event_type == "Explosions/Remote violence"
    assert text[found.start:found.end] == found.trigger == "shelled"


def _type(event_type: str, sub_type: str, score: float, start: int = 0) -> EventType:
    return EventType(event_type=event_type, sub_type=sub_type, trigger="x", start=start,
                     end=start + 1, score=score)


def test_event_vote_sums_scores_type_first():
    votes = [_type("Battles", "Armed clash", 0.5), _type("Explosions/Remote violence",
             "Air/drone strike", 0.4), _type("Explosions/Remote violence",
             "Shelling/artillery/missile attack", 0.3, 5)]
    chosen = event_type_of(votes)
    assert chosen is not None
    assert (chosen.event_type, chosen.sub_type) == ("Explosions/Remote violence",
                                                    "Air/drone strike")
    assert event_type_of([]) is None


def test_event_vote_ties_are_deterministic():
    a, b = _type("Riots", "Mob violence", 0.5), _type("Battles", "Armed clash", 0.5)
    assert event_type_of([a, b]) == event_type_of([b, a]) == b  # ACLED's order breaks the tie


@pytest.mark.slow
def test_seed_strike_reports(nlp, seeds):
    paths = sorted(seeds.glob("00[0-3]_*.txt"))
    assert len(paths) == 4
    for raw in read_inputs(paths):
        text = raw.text or ""  # type: ignore[union-attr]
        found = kind(nlp, text)
        assert found is not None, raw
        assert (found.event_type, found.sub_type) == ("Explosions/Remote violence",
                                                      "Air/drone strike")
