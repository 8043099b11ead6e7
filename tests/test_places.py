"""Places: toponyms found in the text, geocoded offline from the shipped gazetteer."""

from __future__ import annotations

import pytest

from newsfuse.extract.places import (
    Place,
    add_place_ruler,
    distance_km,
    find_places,
    gazetteer,
    lookup,
    normalize,
)


def places(nlp, text: str) -> list[Place]:
    """Parse and geocode one text; every span must slice the text exactly."""
    found = find_places(text, nlp(text))
    assert all(text[p.start:p.end] == p.text for p in found)
    return found


def by_text(found: list[Place], text: str) -> Place:
    """The place whose span reads `text`."""
    matches = [p for p in found if p.text == text]
    assert matches, f"{text!r} not among {[p.text for p in found]}"
    return matches[0]


def near(place: Place, lat: float, lon: float, km: float) -> bool:
    """Whether a place was put within `km` of a point."""
    assert place.lat is not None and place.lon is not None, place
    return distance_km(place.lat, place.lon, lat, lon) <= km


def test_normalize_folds_short_forms_accents_and_the():
    assert normalize("U.S.") == normalize("US") == normalize("U. S.") == "us"
    assert normalize("the United States") == "united states"
    assert normalize("São Paulo") == "sao paulo"
    assert normalize("St. Marc") == normalize("Saint Marc")
    assert normalize("al-Qa'im") == normalize("Al Qaim")
    assert normalize("KwaZulu-Natal") == "kwazulu natal"


def test_every_entry_names_its_source():
    index = gazetteer().index
    assert len(index) > 100_000
    for name in ("baghdad", "texas", "united kingdom", "al asad airbase", "europe"):
        assert index[name] and all(c.entry.source for c in index[name])


def test_short_forms_are_in_the_gazetteer():
    for name, country in (("UK", "United Kingdom"), ("DRC", "Democratic Republic of the Congo"),
                          ("Britain", "United Kingdom"), ("USA", "United States")):
        assert country in {c.entry.name for c in lookup(name) if c.entry.kind == "country"}


@pytest.mark.slow
def test_spans_slice_the_text(nlp):
    text = ("Health officials in Rockville, Maryland, said on Friday that the patient had "
            "travelled from Lagos, Nigeria, through Frankfurt to the United States.")
    found = places(nlp, text)
    assert {"Rockville", "Maryland", "Lagos", "Nigeria", "Frankfurt", "United States"} <= {
        p.text for p in found}
    assert near(by_text(found, "Rockville"), 39.08, -77.15, 20)
    assert near(by_text(found, "Lagos"), 6.45, 3.39, 30)


@pytest.mark.slow
def test_baghdad_is_the_capital_of_iraq(nlp):
    found = places(nlp, "A car bomb exploded in a market in Baghdad on Monday, police said.")
    baghdad = by_text(found, "Baghdad")
    assert baghdad.name == "Baghdad" and baghdad.kind == "city"
    assert near(baghdad, 33.3, 44.4, 20)
    assert baghdad.geonameid and baghdad.source


@pytest.mark.slow
def test_paris_in_an_article_about_texas_is_paris_texas(nlp):
    text = ("A tornado hit Paris on Sunday night. The town of 25,000 people in northeast Texas "
            "lost power for two days.")
    assert near(by_text(places(nlp, text), "Paris"), 33.66, -95.56, 20)
    alone = places(nlp, "The museum in Paris reopened on Sunday.")
    assert near(by_text(alone, "Paris"), 48.86, 2.35, 20)


@pytest.mark.slow
def test_paris_comma_state(nlp):
    found = places(nlp, "The fair in Paris, Tennessee, drew large crowds.")
    assert near(by_text(found, "Paris"), 36.30, -88.33, 20)


@pytest.mark.slow
def test_washington_is_the_capital_unless_the_article_lists_states(nlp):
    found = places(nlp, "Officials in Washington and London condemned the attack.")
    assert near(by_text(found, "Washington"), 38.9, -77.0, 20)
    found = places(nlp, "New cases were reported in Oregon, Idaho and Washington this week.")
    assert near(by_text(found, "Washington"), 47.3, -120.2, 150)


@pytest.mark.slow
def test_town_placed_by_the_country_named_in_its_sentence(nlp):
    text = ("Islamic State fighters retook Palmyra, the ancient city in central Syria, on Sunday. "
            "U.S. officials said strikes would continue.")
    assert near(by_text(places(nlp, text), "Palmyra"), 34.56, 38.28, 20)


@pytest.mark.slow
def test_short_country_names_get_country_points(nlp):
    text = "Officials in the U.S. and Britain said the outbreak began in England last month."
    found = places(nlp, text)
    us, britain, england = (by_text(found, t) for t in ("U.S.", "Britain", "England"))
    assert (us.name, britain.name, england.name) == ("United States", "United Kingdom", "England")
    assert all(p.kind == "country" for p in (us, britain, england))
    assert near(us, 39.8, -98.6, 300)  # the middle of the contiguous states, not a city
    assert near(britain, 54.0, -2.5, 250)
    assert near(england, 52.5, -1.5, 150)


@pytest.mark.slow
def test_facility_from_the_project_gazetteer(nlp):
    found = places(nlp, "Rockets struck the Ain al-Asad air base in western Iraq on Wednesday.")
    base = by_text(found, "Ain al-Asad air base")
    assert base.kind == "facility" and base.name == "Al Asad Airbase"
    assert base.source.startswith("Wikipedia:")
    assert near(base, 33.79, 42.44, 10)
    assert near(by_text(found, "Iraq"), 33.0, 43.8, 300)


@pytest.mark.slow
@pytest.mark.parametrize("spelling", ["al-Qa'im", "Al Qaim", "al-Qaim", "Qaim"])
def test_facility_spellings(nlp, spelling):
    found = places(nlp, f"Militias crossed the border near {spelling} overnight.")
    assert near(by_text(found, spelling), 34.37, 41.09, 15)


@pytest.mark.slow
def test_lower_case_phrase_is_not_a_facility(nlp):
    found = places(nlp, "They want an international zone for trade.")
    assert not [p for p in found if p.kind == "facility"]


@pytest.mark.slow
def test_unknown_name_has_no_point(nlp):
    from spacy.tokens import Span

    text = "Fighting was reported near Vexmoorbridge, the ministry said."
    doc = nlp(text)
    doc.ents = [Span(doc, 4, 5, label="GPE")]  # fix the entity: the test is about geocoding
    [place] = find_places(text, doc)
    assert place.text == "Vexmoorbridge"
    assert place.lat is None and place.lon is None and place.geonameid is None


def test_place_ruler_marks_facilities_and_initialisms():
    import spacy

    blank = spacy.blank("en")
    add_place_ruler(blank)
    doc = blank("Troops at Camp Taji and Tanf garrison met U.S. officials.")
    assert {(e.text, e.label_) for e in doc.ents} >= {
        ("Camp Taji", "FAC"), ("Tanf garrison", "FAC"), ("U.S.", "GPE")}


@pytest.mark.slow
def test_a_named_persons_surname_and_a_word_of_an_organisation_are_not_places():
    from newsfuse.nlp import load_model

    text = ("Defense Secretary Lloyd Austin said the strikes hit three sites in Iraq. "
            "U.S. Central Command said the targets were destroyed, Austin added.")
    names = {p.text for p in find_places(text, load_model()(text))}
    assert "Iraq" in names
    assert "Austin" not in names and "Central" not in names


def test_a_dropped_last_mention_leaves_no_dangling_container(nlp):
    text = "In the old kingdom of Macedon, Philip ruled for years."
    places = find_places(text, nlp(text))
    for place in places:
        assert text[place.start:place.end] == place.text


def test_country_points_are_not_on_one_island():
    # Consensus of the main-landmass centroid, the whole centroid and the atlas reference
    # point: an archipelago is not placed on its largest island alone.
    philippines = next(c.entry for c in lookup("Philippines") if c.entry.kind == "country")
    assert distance_km(philippines.lat, philippines.lon, 12.9, 121.8) < 150
    canada = next(c.entry for c in lookup("Canada") if c.entry.kind == "country")
    assert distance_km(canada.lat, canada.lon, 56.1, -106.3) < 600


def test_america_alone_is_the_united_states_and_latin_america_a_region():
    assert {c.entry.name for c in lookup("America") if c.entry.kind == "country"} == {
        "United States"}
    [latin] = lookup("Latin America")
    assert latin.entry.kind == "region"
    assert distance_km(latin.entry.lat, latin.entry.lon, -5.0, -65.0) < 2000


@pytest.mark.slow
def test_state_after_a_name_means_the_state(nlp):
    found = places(nlp, "A dairy herd in Washington state tested positive, officials said.")
    washington = by_text(found, "Washington")
    assert washington.kind == "admin1"
    assert near(washington, 47.3, -120.2, 150)


@pytest.mark.slow
def test_province_after_a_city_name_keeps_the_province(nlp):
    for text in ("Police in Basra province said the bridge was closed.",
                 "Police in the Basra Province said the bridge was closed."):
        [basra] = [p for p in places(nlp, text) if p.text.startswith("Basra")]
        assert basra.kind == "admin1"


@pytest.mark.slow
def test_a_missed_name_before_city_is_found(nlp):
    text = "Health workers in Zibo city vaccinated children last week."
    doc = nlp(text)
    doc.ents = []  # as if the model had missed the name: the head word must find it
    [zibo] = find_places(text, doc)
    assert (zibo.text, zibo.kind) == ("Zibo", "city")
    assert text[zibo.start:zibo.end] == zibo.text
    assert near(zibo, 36.8, 118.0, 40)


@pytest.mark.slow
def test_a_lower_case_head_alone_finds_nothing(nlp):
    text = "The state said each province and every city must report cases."
    doc = nlp(text)
    doc.ents = []
    assert find_places(text, doc) == []


@pytest.mark.slow
def test_unknown_name_opening_with_a_place_is_that_place(nlp):
    from spacy.tokens import Span

    text = "Tankers queued at the Suez Canal while the Chile quake relief went on."
    doc = nlp(text)
    doc.ents = [Span(doc, 4, 6, label="FAC"), Span(doc, 8, 10, label="LOC")]
    found = find_places(text, doc)
    assert all(text[p.start:p.end] == p.text for p in found)
    assert near(by_text(found, "Suez"), 29.97, 32.53, 30)
    assert by_text(found, "Chile").kind == "country"


@pytest.mark.slow
def test_a_list_of_states_is_not_a_town_and_its_state(nlp):
    # Delaware, Ohio is a town; in a list of states the comma only separates the items.
    found = places(nlp, "Outbreaks were reported in Delaware, Ohio and Kentucky this spring.")
    delaware = by_text(found, "Delaware")
    assert delaware.kind == "admin1"
    assert near(delaware, 39.0, -75.5, 100)
    alone = places(nlp, "A plant in Delaware, Ohio, closed after the outbreak.")
    assert near(by_text(alone, "Delaware"), 40.30, -83.07, 20)


@pytest.mark.slow
def test_a_state_named_elsewhere_does_not_make_a_big_city_its_village(nlp):
    text = ("The mayor of Boston said schools would close for a week. Hospitals reported more "
            "cases than in any winter before. Later, the governor of New York declared an "
            "emergency.")
    assert near(by_text(places(nlp, text), "Boston"), 42.36, -71.06, 30)


def test_of_the_is_optional_in_country_names():
    assert normalize("Democratic Republic of Congo") == normalize(
        "the Democratic Republic of the Congo")
    [congo] = [c for c in lookup("Democratic Republic of Congo") if c.entry.kind == "country"]
    assert distance_km(congo.entry.lat, congo.entry.lon, -2.9, 23.6) < 300


@pytest.mark.slow
def test_a_town_not_in_the_named_state_gets_no_point(nlp):
    # Only an American town of this name is known: "X, England" must not put it in Virginia.
    found = places(nlp, "Tests on swans found near Yorkshire, England, came back positive.")
    yorkshire = by_text(found, "Yorkshire")
    assert yorkshire.lat is None and yorkshire.lon is None
    assert by_text(found, "England").kind == "country"
    kept = places(nlp, "Tests on swans found near Leeds, England, came back positive.")
    assert near(by_text(kept, "Leeds"), 53.80, -1.55, 20)
