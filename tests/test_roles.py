"""Roles: the lead happening's agent, patient and size, read from the parse (fiction texts)."""

from __future__ import annotations

from newsfuse.extract.roles import find_roles
from newsfuse.model import Analysis, Role


def roles(nlp, text: str) -> list[Role]:
    """Parse and read the roles of one text; every span must slice the text exactly."""
    found = find_roles(text, nlp(text))
    assert all(text[r.start:r.end] == r.text for r in found)
    assert found == sorted(found, key=lambda r: (r.start, r.end, r.role))
    return found


def of(found: list[Role], role: str) -> set[str]:
    """The texts of the roles of one kind."""
    return {r.text for r in found if r.role == role}


def test_speech_verb_gives_way_to_what_was_said(nlp):
    text = ("The Riverton Owls offered outfielder Dale Okafor a six-year contract, general "
            "manager Ina Brook said Friday night.")
    found = roles(nlp, text)
    assert "Owls" in of(found, "agent")
    assert all(r.label for r in found if r.text == "Owls")  # a name, typed or not, is a name
    assert "Dale Okafor" in of(found, "patient")
    assert {r.trigger for r in found} == {"offer"}
    assert not any("Brook" in r.text for r in found)  # the speaker is not the happening's agent


def test_light_verb_takes_its_object_as_the_happening(nlp):
    text = ("The Harbor City Gulls have made pitcher Tomas Varga a five-year, $90 million offer, "
            "the team's owner said on Tuesday.")
    found = roles(nlp, text)
    assert any(r.role == "agent" and r.head == "gulls" and r.label for r in found)
    assert "$90 million" in of(found, "size")
    assert {r.trigger for r in found} == {"offer"}


def test_magnitude_next_to_the_subject_is_a_size(nlp):
    text = "A 5.8-magnitude earthquake struck the island of Marova on Sunday, injuring four people."
    found = roles(nlp, text)
    assert of(found, "size") == {"5.8-magnitude"}
    assert "earthquake" in of(found, "agent")
    assert "Marova" in of(found, "patient")  # the island's name, through "of"
    assert "Sunday" not in {r.text for r in found}  # a time is not an argument
    assert "four" not in {r.text for r in found}  # the toll is another clause


def test_measuring_clause_gives_the_size(nlp):
    text = "An earthquake measuring 6.3 on the Richter scale jolted the coast of Tellar on Sunday."
    found = roles(nlp, text)
    assert "6.3" in of(found, "size")
    assert "Tellar" in of(found, "patient")


def test_passive_by_agent_and_subject_patient(nlp):
    text = "The central bank in Corvale was robbed by a masked gang early on Monday."
    found = roles(nlp, text)
    assert "gang" in of(found, "agent")
    assert "bank" in of(found, "patient")
    assert {r.trigger for r in found} == {"rob"}


def test_controlled_verb_gives_its_object(nlp):
    text = "Officials said Ferrox Motors agreed to acquire the Lumin Group for $2.4 billion."
    found = roles(nlp, text)
    assert any(r.head == "motors" for r in found if r.role == "agent")
    assert any("Lumin" in r.text for r in found if r.role == "patient")


def test_pronouns_are_no_arguments(nlp):
    found = roles(nlp, "He signed the water treaty with Velmar in the capital.")
    assert not of(found, "agent")
    assert "treaty" in of(found, "patient")


def test_furniture_lines_are_skipped_and_the_lead_is_short(nlp):
    text = ("Updated 4 March 2031 10:12 GMT\n"
            "Rebels seized the town of Ostrava Vale on Monday.\n"
            "Government troops shelled the hills near Kessa.\n"
            "Farmers harvested the wheat in Dunmore.")
    found = roles(nlp, text)
    assert not any(r.start < text.index("Rebels") for r in found)
    assert "Rebels" in of(found, "agent")
    assert not any(r.text in ("Farmers", "wheat") for r in found)  # past the lead


def test_no_parse_no_roles(nlp):
    text = "Rebels seized the town on Monday."
    assert find_roles(text, None) == []
    assert find_roles(text, nlp("Another text altogether.")) == []


def test_same_input_same_roles(nlp):
    text = "Striking dockers blocked the port of Sallow Bay on Thursday, the union said."
    assert roles(nlp, text) == roles(nlp, text)


def test_analyses_stored_before_roles_still_load():
    stored = Analysis(article_id="a1").model_dump_json(exclude={"roles"})
    assert "roles" not in stored
    assert Analysis.model_validate_json(stored).roles == ()
