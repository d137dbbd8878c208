"""Tests of the extraction engine (plain Python, no Django): rules, sources, pledges, the seed."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import unicodedata

import pytest

from articles.extraction import Quantity, extract, extract_jsonl, repair_apostrophes
from articles.extraction.dates import resolve_deadline, resolve_when
from articles.extraction.quantities import find_quantity

SEED_TEXT = (
    "VANCOUVER (Reuters) - Canada will not be sending hundreds of peacekeepers to support a United "
    "Nations mission in Mali in the near future, officials said on Wednesday, a move likely to disappoint"
    " allies who want Canadians to play a role in the West African country.\n"
    "Prime Minister Justin Trudeau last year promised to contribute up to 600 troops to peacekeeping "
    "operations and Canadian defense experts made three trips to Mali, where soldiers under the U.N. are "
    "fighting Islamist militants.\n"
    "Canada said it would split its soldiers among various missions instead, with no more than 200 going "
    "to any one spot, and will offer transport aircraft and helicopters in a series of smart pledge "
    "initiatives.\n"
    "It will also help train peacekeepers.\n"
    "U.N. officials downplayed concerns, saying that if Canada had pledged its troops and equipment to a "
    "single mission, like Mali, then those assets could not be deployed to support other missions in the "
    "region.\n"
    "This is exactly what we need, we need flexibility... we need to be able to allocate these resources "
    "where we need them the most, Jean-Pierre Lacroix, a U.N. under-secretary general for peacekeeping "
    "operations, told reporters.\n"
    "Lacroix said talks continue on how Canadian assets will be deployed, but added, I m sure there s a "
    "strong determination to turn this commitment into a concrete action on the ground.\n"
    "Earlier on Wednesday, a Canadian official told reporters the option of sending forces to Mali one "
    "day was still alive, but added the planning process took at least six months, So you re not going to"
    " going to see some kind of rapid deployment to any mission, let alone a complex one like Mali.\n"
    "Trudeau sidestepped questions about the likely international reaction at a news conference, saying "
    "the varied measures Canada was proposing would serve the U.N. better.\n"
    "Unhappy allies this year said Canada s bid for a U.N. Security Council seat could suffer unless "
    "Trudeau lived up to his promises.\n"
    "This approach will be a disappointment to some, and the Canadian government will have to work hard "
    "to overcome the credibility it has lost in not following through on its initial pledge, said Jane "
    "Boulden, a security studies expert at Queen s University in Kingston.\n"
    "Government insiders said enthusiasm for the Mali mission faded as the extent of likely casualties "
    "and the complex nature of the conflict became clear.\n"
    "More than 80 members have been killed since 2013, making Mali the world s deadliest peacekeeping "
    "operation."
)

SEED_PUBLISHED = dt.date(2017, 11, 15)

_HONORIFICS = {"mr", "mrs", "ms", "dr", "sir", "president", "prime", "minister", "lord"}


def _name_tokens(name: str) -> list[str]:
    words = re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", name).lower())
    while words and words[0] in ("a", "an", "the"):
        words = words[1:]
    return [word for word in words if word not in _HONORIFICS] or words


def same_source(predicted: str, expected: str) -> bool:
    """The scorer's lenient match: equal after normalising, or the same surname for a person."""
    p, e = _name_tokens(predicted), _name_tokens(expected)
    return p == e or (expected[:1].isupper() and bool(p) and bool(e) and p[-1] == e[-1] and len(e[-1]) > 1)


def quote_by_text(extraction, fragment: str):
    matches = [quote for quote in extraction.quotes if fragment in quote.text]
    assert matches, f"no quote contains {fragment!r}: {[q.text for q in extraction.quotes]}"
    return matches[0]


def pledge_by_text(extraction, fragment: str):
    matches = [pledge for pledge in extraction.pledges if fragment in pledge.text]
    assert matches, f"no pledge contains {fragment!r}: {[p.text for p in extraction.pledges]}"
    return matches[0]


def assert_consistent(text: str, extraction) -> None:
    """Offsets point at the item text and every speaker or pledger is a listed source."""
    names = {source.name for source in extraction.sources}
    for item in (*extraction.quotes, *extraction.pledges):
        assert text[item.start : item.end] == item.text
        assert 0.0 <= item.confidence <= 1.0
        assert item.method
    for quote in extraction.quotes:
        assert quote.speaker in names
    for pledge in extraction.pledges:
        assert pledge.pledger in names


# --- Statements: one construction at a time, in stripped, straight and curly forms ----------------

TRAILING_SAID = {
    "stripped": "We will not give up on the harbour plan, Maria Lopez said.",
    "straight": '"We will not give up on the harbour plan," Maria Lopez said.',
    "curly": "“We will not give up on the harbour plan,” Maria Lopez said.",
}


@pytest.mark.parametrize("form", sorted(TRAILING_SAID))
def test_trailing_said_gives_a_direct_quote(form):
    text = TRAILING_SAID[form]
    extraction = extract(text)
    quote = quote_by_text(extraction, "We will not give up on the harbour plan")
    assert quote.text == "We will not give up on the harbour plan"
    assert quote.speaker == "Maria Lopez"
    assert quote.kind == "direct"
    assert quote.cue == "said"
    assert_consistent(text, extraction)


def test_leading_said_that_drops_the_that():
    text = "Mayor Tom Baxter said that the bridge would reopen after the inspection."
    quote = quote_by_text(extract(text), "the bridge would reopen")
    assert quote.text.startswith("the bridge")
    assert quote.speaker == "Tom Baxter"
    assert quote.speaker_role == "Mayor"
    assert quote.kind == "indirect"


def test_inverted_said_with_appositive_role():
    text = (
        "The river has never been this low in living memory, said Anna Kowalski, "
        "a hydrologist at the University of Leeds."
    )
    extraction = extract(text)
    quote = quote_by_text(extraction, "The river has never been this low")
    assert quote.speaker == "Anna Kowalski"
    assert quote.speaker_role == "hydrologist at the University of Leeds"
    source = next(s for s in extraction.sources if s.name == "Anna Kowalski")
    assert source.kind == "person"


def test_told_reporters_with_appositive_role_before_the_cue():
    text = "We need more boats on the lake, Peter Olsen, the regional harbour master, told reporters."
    quote = quote_by_text(extract(text), "We need more boats")
    assert quote.speaker == "Peter Olsen"
    assert quote.speaker_role == "regional harbour master"
    assert quote.cue == "told reporters"


def test_told_reporters_with_reported_content():
    text = "A local official told reporters the water supply was safe to drink."
    quote = quote_by_text(extract(text), "the water supply was safe")
    assert quote.speaker == "A local official"
    assert quote.cue == "told reporters"


def test_told_a_broadcaster():
    text = "“The tunnel will be finished on time,” Karen Hill told CNN."
    quote = quote_by_text(extract(text), "The tunnel will be finished")
    assert quote.speaker == "Karen Hill"
    assert quote.cue == "told CNN"


def test_said_on_a_weekday_skips_the_time_phrase():
    text = "The port authority said on Tuesday that cargo volumes had doubled since March."
    quote = quote_by_text(extract(text), "cargo volumes had doubled")
    assert quote.text.startswith("cargo volumes")
    assert quote.speaker.lower().endswith("port authority")


def test_in_a_statement():
    text = "The Transport Ministry said in a statement that two new ferries would be ordered this spring."
    quote = quote_by_text(extract(text), "two new ferries")
    assert quote.text.startswith("two new ferries")
    assert quote.speaker == "Transport Ministry"


@pytest.mark.parametrize(
    "text",
    [
        "Food prices rose sharply in the north, according to the Farmers Union.",
        "According to the Farmers Union, food prices rose sharply in the north.",
    ],
)
def test_according_to(text):
    quote = quote_by_text(extract(text), "food prices rose sharply".capitalize() if text[0] == "F" else "food prices")
    assert quote.speaker == "Farmers Union"
    assert quote.kind == "indirect"


def test_participle_saying_takes_the_subject_of_the_clause():
    text = "Local farmers criticised the decision, saying that the new dam would flood their fields."
    quote = quote_by_text(extract(text), "the new dam would flood")
    assert quote.speaker == "Local farmers"
    assert quote.cue == "saying"


def test_added_after_said_gives_two_items_for_one_speaker():
    text = "Helen Marsh said repairs would take a month, but added, I m confident we can open before the holidays."
    extraction = extract(text)
    first = quote_by_text(extraction, "repairs would take a month")
    second = quote_by_text(extraction, "confident we can open")
    assert first.speaker == second.speaker == "Helen Marsh"
    assert second.kind == "direct"
    assert "but added" not in first.text


def test_quotation_interrupted_by_its_attribution_is_two_items():
    text = "“The first phase is done,” Omar Haddad said, “and the second will start in May.”"
    extraction = extract(text)
    first = quote_by_text(extraction, "The first phase is done")
    second = quote_by_text(extraction, "the second will start in May")
    assert first.speaker == second.speaker == "Omar Haddad"
    assert first.end < second.start


@pytest.mark.parametrize("mark", ['"', "“"])
def test_quotation_running_on_keeps_the_previous_speaker(mark):
    close = '"' if mark == '"' else "”"
    text = (
        f"{mark}We have done everything we promised,{close} Lucy Grant said. "
        f"{mark}Nobody in this town will be left behind.{close}"
    )
    run_on = quote_by_text(extract(text), "Nobody in this town will be left behind")
    assert run_on.speaker == "Lucy Grant"
    assert run_on.cue == ""
    assert run_on.kind == "direct"


def test_said_with_colon_in_straight_quotes():
    text = 'Schools Minister Alan Reed said: "Every child deserves a warm classroom."'
    quote = quote_by_text(extract(text), "Every child deserves a warm classroom")
    assert quote.speaker == "Alan Reed"
    assert quote.speaker_role == "Schools Minister"
    assert quote.kind == "direct"


# --- Sources ----------------------------------------------------------------------------------------


def test_surname_and_pronoun_resolve_to_the_full_name():
    text = (
        "Foreign Minister Sara Lindqvist said the talks had been useful. "
        "Lindqvist said the next round would take place in Oslo. "
        "She said both sides had agreed to keep the details private."
    )
    extraction = extract(text)
    speakers = {quote.speaker for quote in extraction.quotes}
    assert speakers == {"Sara Lindqvist"}
    source = extraction.sources[0]
    assert source.role == "Foreign Minister"
    assert "Lindqvist" in source.aliases


def test_title_is_split_off_as_role():
    text = "Prime Minister Jonas Berg said the budget would be balanced within two years."
    extraction = extract(text)
    quote = quote_by_text(extraction, "the budget would be balanced")
    assert quote.speaker == "Jonas Berg"
    assert quote.speaker_role == "Prime Minister"


@pytest.mark.parametrize(
    ("text", "speaker", "kind"),
    [
        ("Norway said it was ready to host the talks.", "Norway", "organisation"),
        ("The State Department said the embassy would stay open.", "State Department", "organisation"),
        ("A Danish official said the border checks had been lifted.", "A Danish official", "unnamed"),
        ("U.N. officials said the convoy had reached the city.", "U.N. officials", "unnamed"),
        ("Officials said the road had been cleared overnight.", "Officials", "unnamed"),
    ],
)
def test_bodies_and_unnamed_sources_speak(text, speaker, kind):
    extraction = extract(text)
    assert [quote.speaker for quote in extraction.quotes] == [speaker]
    assert next(s for s in extraction.sources if s.name == speaker).kind == kind


def test_dateline_and_places_are_not_people():
    text = (
        "OSLO (Reuters) - The fishing quota will be cut by a tenth, Norway said on Monday. "
        "Fishermen in Bergen said the cut was unfair."
    )
    extraction = extract(text)
    names = {source.name for source in extraction.sources}
    assert "OSLO" not in names and "Bergen" not in names
    assert all(source.kind != "person" for source in extraction.sources)
    quote = quote_by_text(extraction, "The fishing quota will be cut")
    assert quote.speaker == "Norway"
    assert not quote.text.startswith("OSLO")


DESCRIBED_AS = {
    "stripped": "The farmers union described the new levy as a  daylight robbery  and walked out.",
    "straight": 'The farmers union described the new levy as a "daylight robbery" and walked out.',
    "curly": "The farmers union described the new levy as a “daylight robbery” and walked out.",
}


@pytest.mark.parametrize("form", sorted(DESCRIBED_AS))
def test_described_as_gives_the_description(form):
    text = DESCRIBED_AS[form]
    extraction = extract(text)
    quote = quote_by_text(extraction, "daylight robbery")
    assert quote.text == "daylight robbery"
    assert quote.speaker == "farmers union"
    assert_consistent(text, extraction)


def test_described_without_as_is_not_a_statement():
    assert not extract("The report described long queues at the border crossing.").quotes


def test_capitalised_group_with_relative_clause_speaks():
    text = "Teachers who met the minister said the talks had been useful but short."
    quote = quote_by_text(extract(text), "the talks had been useful")
    assert quote.speaker == "Teachers who met the minister"


def test_surname_that_is_also_a_modal_verb():
    text = "Home Secretary Alice May had said the border checks would be reviewed in the spring."
    quote = quote_by_text(extract(text), "the border checks would be reviewed")
    assert quote.speaker == "Alice May"


def test_new_speech_cues():
    text = "Senator Tom Reed criticised the board for its slow response to the flooding."
    quote = quote_by_text(extract(text), "the board for its slow response")
    assert quote.speaker == "Tom Reed"


# --- Pledges ----------------------------------------------------------------------------------------


def test_promise_with_quantity_time_and_leader():
    text = "Canada said it would help. Prime Minister Jonas Berg last year promised to send up to 300 medics."
    extraction = extract(text, dt.date(2017, 11, 15))
    pledge = pledge_by_text(extraction, "promised to send up to 300 medics")
    assert pledge.pledger == "Jonas Berg"
    assert pledge.quantity == Quantity(300, "medics", "up to")
    assert pledge.when == "last year"
    assert pledge.when_date == dt.date(2016, 1, 1)
    assert pledge.cue == "promised"
    assert "Canada" in pledge.pledger_aliases
    assert_consistent(text, extraction)


def test_said_it_would_and_it_will_are_pledges_of_the_body():
    text = "Norway said it would build two new bridges by 2020. It will also train local engineers."
    extraction = extract(text, dt.date(2017, 5, 2))
    bridges = pledge_by_text(extraction, "build two new bridges")
    assert bridges.pledger == "Norway"
    assert bridges.deadline == "by 2020"
    assert bridges.deadline_date == dt.date(2020, 12, 31)
    training = pledge_by_text(extraction, "train local engineers")
    assert training.pledger == "Norway"


def test_list_of_actions_gives_a_pledge_for_each():
    text = "Finance Minister Ana Ruiz is to freeze fuel duty, fund 500 new nurses and extend free school meals."
    extraction = extract(text)
    freeze = pledge_by_text(extraction, "freeze fuel duty")
    assert freeze.text == "Finance Minister Ana Ruiz is to freeze fuel duty"
    nurses = pledge_by_text(extraction, "fund 500 new nurses")
    assert nurses.text == "fund 500 new nurses"
    assert nurses.quantity == Quantity(500, "nurses", "")
    meals = pledge_by_text(extraction, "extend free school meals")
    assert {freeze.pledger, nurses.pledger, meals.pledger} == {"Ana Ruiz"}
    assert_consistent(text, extraction)


def test_coordinated_verbs_of_one_action_stay_together():
    text = "The party said it would repeal and replace the housing law."
    pledge = pledge_by_text(extract(text), "repeal and replace the housing law")
    assert pledge.pledger == "party"


def test_amount_in_the_subject_of_an_announced_action():
    text = "The commission said 2.5 billion euros would be spent on new rail links by 2021."
    pledge = pledge_by_text(extract(text), "would be spent")
    assert pledge.quantity == Quantity(2.5e9, "euros", "")
    text = "General Ray Holt said over 1,200 troops would be training local forces next year."
    pledge = pledge_by_text(extract(text), "would be training")
    assert pledge.pledger == "Ray Holt"
    assert pledge.quantity == Quantity(1200, "troops", "over")


def test_committed_to_is_a_pledge_and_a_participle_clause_ends_the_action():
    text = "The mayor said the city was committed to opening three shelters, citing the cold winter."
    pledge = pledge_by_text(extract(text), "opening three shelters")
    assert pledge.action == "opening three shelters"


def test_announced_action_of_a_named_body_with_an_article():
    text = "Jane Holt said the Greens would publish their costings before the vote."
    pledge = pledge_by_text(extract(text), "publish their costings")
    assert pledge.pledger == "Jane Holt"


def test_singular_pronoun_skips_a_pair_of_people():
    text = (
        "Finance Minister Omar Diallo met Tom Reed and Sara Lind on Monday. Reed and Lind asked for more money. "
        "He promised to raise the school budget by 2020."
    )
    pledge = pledge_by_text(extract(text), "raise the school budget")
    assert pledge.pledger == "Omar Diallo"


def test_no_publication_date_leaves_dates_empty():
    text = "The city council on Wednesday pledged to plant 5,000 trees by 2030."
    pledge = pledge_by_text(extract(text), "plant 5,000 trees")
    assert pledge.when == "on Wednesday"
    assert pledge.when_date is None
    assert pledge.deadline_date is None
    assert pledge.quantity == Quantity(5000, "trees", "")


@pytest.mark.parametrize(
    "text",
    [
        "Norway will not send troops to the region, officials said.",  # a refusal
        "Analysts said the economy would grow by 2 percent next year.",  # a prediction
        "The government is considering whether to raise the pension age.",  # still under consideration
        "The union demanded that the company pay its workers more.",  # a demand on others
    ],
)
def test_refusals_predictions_and_demands_are_not_pledges(text):
    assert extract(text).pledges == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("up to 600 troops", Quantity(600, "troops", "up to")),
        ("$1.5 billion in aid", Quantity(1_500_000_000, "dollars", "")),
        ("200 million euros for schools", Quantity(200_000_000, "euros", "")),
        ("£10m for flood defences", Quantity(10_000_000, "pounds", "")),
        ("pounds 1,400 a year", Quantity(1400, "pounds", "")),
        ("at least 40 new buses", Quantity(40, "buses", "at least")),
        ("no more than 200 soldiers", Quantity(200, "soldiers", "no more than")),
        ("nine months of paid leave", Quantity(9, "months", "")),
    ],
)
def test_quantity_parsing(text, expected):
    found = find_quantity(text)
    assert found is not None
    assert found[0] == expected


def test_years_are_not_quantities():
    assert find_quantity("by 2020 at the latest") is None


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("last year", dt.date(2016, 1, 1)),
        ("this year", dt.date(2017, 1, 1)),
        ("on Wednesday", dt.date(2017, 11, 15)),
        ("on Monday", dt.date(2017, 11, 13)),
        ("yesterday", dt.date(2017, 11, 14)),
        ("in 2016", dt.date(2016, 1, 1)),
        ("last month", dt.date(2017, 10, 1)),
        ("in March", dt.date(2017, 3, 1)),
    ],
)
def test_when_resolution(phrase, expected):
    assert resolve_when(phrase, dt.date(2017, 11, 15)) == expected


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("by 2020", dt.date(2020, 12, 31)),
        ("by the end of 2017", dt.date(2017, 12, 31)),
        ("by mid-2018", dt.date(2018, 6, 30)),
        ("by March", dt.date(2018, 3, 31)),
        ("within two years", dt.date(2019, 11, 15)),
        ("by the end of next year", dt.date(2018, 12, 31)),
    ],
)
def test_deadline_resolution(phrase, expected):
    assert resolve_deadline(phrase, dt.date(2017, 11, 15)) == expected


@pytest.mark.parametrize("phrase", ["on June 31", "on February 30, 2019"])
def test_a_day_the_calendar_lacks_gives_no_date(phrase):
    assert resolve_when(phrase, dt.date(2017, 11, 15)) is None


@pytest.mark.parametrize("phrase", ["within 9000 years", "within 99999999 days"])
def test_a_deadline_past_the_calendar_gives_no_date(phrase):
    assert resolve_deadline(phrase, dt.date(2017, 11, 15)) is None


def test_a_story_naming_a_day_the_calendar_lacks_is_still_read():
    found = extract(
        "GENEVA (Reuters) - Prime Minister Ada Lovelace said on June 31 that Canada would send 600 troops to Mali.",
        dt.date(2017, 11, 15),
    )
    assert [(pledge.pledger, pledge.when, pledge.when_date) for pledge in found.pledges] == [
        ("Ada Lovelace", "on June 31", None)
    ]


def test_dates_need_a_publication_date():
    assert resolve_when("last year", None) is None
    assert resolve_deadline("by 2020", None) is None


# --- Apostrophes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stripped", "repaired"),
    [
        ("at Queen s University", "at Queen's University"),
        ("I m sure", "I'm sure"),
        ("there s a chance", "there's a chance"),
        ("you re not going", "you're not going"),
        ("Canada s bid", "Canada's bid"),
        ("we don t know", "we don't know"),
        ("the world s largest", "the world's largest"),
        ("Omar Ra ad al-Tamimi spoke", "Omar Ra'ad al-Tamimi spoke"),  # an apostrophe inside a name
    ],
)
def test_repair_apostrophes(stripped, repaired):
    assert repair_apostrophes(stripped) == repaired


@pytest.mark.parametrize(
    "text",
    [
        "Plan B s rollout",  # a single letter: possessive or a list?
        "the U.S. s position",  # an abbreviation
        "the driver's and the pilot s seats",  # an apostrophe already nearby
        "He said it was a normal day in the city.",
        "Mr Li is here and In an Old Town",  # real words between capitalised ones
    ],
)
def test_repair_leaves_unclear_or_normal_text_alone(text):
    assert repair_apostrophes(text) == text


def test_repair_keeps_length_and_offsets():
    text = "I m sure Canada s bid, as Queen s staff say, won t fail."
    repaired = repair_apostrophes(text)
    assert len(repaired) == len(text)
    changed = [i for i, (a, b) in enumerate(zip(text, repaired, strict=True)) if a != b]
    assert len(changed) == 4
    assert all(text[i] == " " and repaired[i] == "'" for i in changed)


# --- Batch output -----------------------------------------------------------------------------------


def test_extract_jsonl_writes_gold_shaped_lines():
    lines = [json.dumps({"id": "a1", "text": TRAILING_SAID["curly"], "published": "2017-11-15"}), ""]
    out = io.StringIO()
    assert extract_jsonl(lines, out) == 1
    record = json.loads(out.getvalue())
    assert record["id"] == "a1"
    assert record["quotes"][0]["speaker"] == "Maria Lopez"
    assert set(record) == {"id", "quotes", "pledges", "people"}


# --- The seed article -------------------------------------------------------------------------------

SEED_QUOTES = [
    ("Canada will not be sending hundreds of peacekeepers", "officials"),
    ("if Canada had pledged its troops and equipment", "U.N. officials"),
    ("This is exactly what we need, we need flexibility", "Jean-Pierre Lacroix"),
    ("talks continue on how Canadian assets will be deployed", "Jean-Pierre Lacroix"),
    ("I m sure there s a strong determination", "Jean-Pierre Lacroix"),
    ("the option of sending forces to Mali one day was still alive", "a Canadian official"),
    ("the planning process took at least six months", "a Canadian official"),
    ("the varied measures Canada was proposing would serve the U.N. better", "Justin Trudeau"),
    ("Canada s bid for a U.N. Security Council seat could suffer", "Unhappy allies"),
    ("This approach will be a disappointment to some", "Jane Boulden"),
    ("enthusiasm for the Mali mission faded", "Government insiders"),
]

SEED_PLEDGES = [
    ("promised to contribute up to 600 troops", "Justin Trudeau", Quantity(600, "troops", "up to")),
    (
        "it would split its soldiers among various missions",
        "Canada",
        Quantity(200, "soldiers", "no more than"),
    ),
    ("will offer transport aircraft and helicopters", "Canada", None),
    ("It will also help train peacekeepers", "Canada", None),
]


@pytest.fixture(scope="module")
def seed():
    return extract(SEED_TEXT, SEED_PUBLISHED)


@pytest.mark.parametrize(("fragment", "speaker"), SEED_QUOTES)
def test_seed_quotes_are_found_and_attributed(seed, fragment, speaker):
    quote = quote_by_text(seed, fragment)
    assert same_source(quote.speaker, speaker), quote


@pytest.mark.parametrize(("fragment", "pledger", "quantity"), SEED_PLEDGES)
def test_seed_pledges_are_found_and_attributed(seed, fragment, pledger, quantity):
    pledge = pledge_by_text(seed, fragment)
    assert same_source(pledge.pledger, pledger), pledge
    if quantity is not None:
        assert (pledge.quantity.value, pledge.quantity.unit) == (quantity.value, quantity.unit)


def test_seed_items_have_valid_offsets_and_listed_sources(seed):
    assert_consistent(SEED_TEXT, seed)
    assert len(seed.pledges) == len(SEED_PLEDGES)


def test_seed_roles_and_dates(seed):
    sources = {source.name: source for source in seed.sources}
    assert sources["Justin Trudeau"].role == "Prime Minister"
    assert sources["Jane Boulden"].role == "security studies expert at Queen s University in Kingston"
    assert sources["Jean-Pierre Lacroix"].role == "U.N. under-secretary general for peacekeeping operations"
    promise = pledge_by_text(seed, "promised to contribute")
    assert promise.when == "last year"
    assert promise.when_date == dt.date(2016, 1, 1)
    assert "Canada" in promise.pledger_aliases


# --- Run-on quotations, objects of speech verbs, questions --------------------------------------------


def test_stripped_quotation_runs_on_over_sentences_after_its_attribution():
    text = (
        "Nobody wants a long fight,  Tom Baker told reporters on Monday.  The talks went badly. "
        "That is not good enough.  Baker later left the room."
    )
    extraction = extract(text)
    run_on = quote_by_text(extraction, "The talks went badly. That is not good enough")
    assert run_on.speaker == "Tom Baker" and run_on.cue == ""
    assert not any("later left" in quote.text for quote in extraction.quotes)


def test_stripped_closing_mark_does_not_open_a_run_on():
    text = "Tom Baker said:  We will win.  The vote is on Friday. It was called last week by the council."
    assert not any("The vote is on Friday" in quote.text for quote in extract(text).quotes)


@pytest.mark.parametrize(
    ("text", "fragment", "speaker"),
    [
        ("Ann Lee urged the city council to repair the old bridge soon.", "the city council to repair", "Ann Lee"),
        ("Ann Lee accused the mayor of hiding the costs of the bridge.", "the mayor of hiding the costs", "Ann Lee"),
        ("Ann Lee chided the two towns for not paying their share.", "the two towns for not paying", "Ann Lee"),
        ("The ministry replied by accusing Ann Lee of spreading rumours online.", "Ann Lee of spreading", "ministry"),
        ("In a long letter, former judge Ann Lee has asked the board to review the case.", "the board to review",
         "Ann Lee"),
        ("A local panel in 2015 called on the town to close the mine.", "the town to close the mine",
         "A local panel"),
    ],
)  # fmt: skip
def test_the_person_addressed_belongs_to_the_statement(text, fragment, speaker):
    quote = quote_by_text(extract(text), fragment)
    assert same_source(quote.speaker, speaker), quote


def test_told_reporters_that_still_leaves_the_addressee_out():
    quote = quote_by_text(extract("Ann Lee told reporters on Monday that the bridge would reopen."), "the bridge")
    assert quote.text == "the bridge would reopen"


@pytest.mark.parametrize("charge", ["the allegations", "wrongdoing", "the charges"])
def test_a_denied_charge_is_a_short_statement(charge):
    quote = quote_by_text(extract(f"Acme Holdings on Monday denied {charge}."), charge)
    assert quote.text == charge and same_source(quote.speaker, "Acme Holdings")


def test_denial_of_other_short_objects_is_not_a_statement():
    assert not extract("The guards denied entry.").quotes


@pytest.mark.parametrize(
    "text",
    [
        "Ann Lee spoke on Monday. “Is it fair that we never talk about this?” Lee asked in an interview.",
        'Ann Lee spoke on Monday. "Is it fair that we never talk about this?" Lee asked in an interview.',
    ],
)
def test_a_question_and_its_attribution_stay_one_sentence(text):
    quote = quote_by_text(extract(text), "Is it fair that we never talk about this")
    assert same_source(quote.speaker, "Ann Lee")


def test_a_question_before_a_new_reported_sentence_still_ends_the_sentence():
    extraction = extract("Who will pay for it?  Ann Lee said the town would ask the state for money.")
    quote = quote_by_text(extraction, "the town would ask the state")
    assert quote.text.startswith("the town")


def test_a_name_with_a_lost_apostrophe_stays_whole():
    quote = quote_by_text(extract("Omar Ra ad al-Tamimi said the border would stay closed for a week."), "border")
    assert quote.speaker == "Omar Ra'ad al-Tamimi"


# --- Concerns, dismissals, settings, relative clauses, unnamed persons ----------------------------------

CONCERN = {
    "stripped": "Maria Lopez voiced concerns over the  rushed  harbour dredging plan.",
    "straight": 'Maria Lopez voiced concerns over the "rushed" harbour dredging plan.',
    "curly": "Maria Lopez voiced concerns over the “rushed” harbour dredging plan.",
}


@pytest.mark.parametrize("form", sorted(CONCERN))
def test_a_voiced_concern_gives_what_it_is_about(form):
    quote = quote_by_text(extract(CONCERN[form]), "harbour dredging plan")
    assert quote.text.startswith("the ") and same_source(quote.speaker, "Maria Lopez")


def test_an_event_raising_concerns_is_not_a_statement():
    assert not extract("The port closed on Monday, raising concerns about fuel supplies in the north.").quotes


DISMISSED_AS = {
    "stripped": "The port authority dismissed as  speculation  on Monday reports that the harbour would close.",
    "straight": 'The port authority dismissed as "speculation" on Monday reports that the harbour would close.',
    "curly": "The port authority dismissed as “speculation” on Monday reports that the harbour would close.",
}


@pytest.mark.parametrize("form", sorted(DISMISSED_AS))
def test_dismissed_as_gives_the_dismissal(form):
    quote = quote_by_text(extract(DISMISSED_AS[form]), "speculation")
    assert quote.text == "speculation" and same_source(quote.speaker, "port authority")


def test_he_may_mean_an_unnamed_official():
    text = "A senior port official said the dredging would start in May. He added that the cost had doubled."
    quote = quote_by_text(extract(text), "the cost had doubled")
    assert quote.speaker == "A senior port official"


def test_a_capitalised_title_after_the_is_a_body():
    quote = quote_by_text(extract("The New Harbour Gazette reported that the port would close."), "port would")
    assert quote.speaker == "New Harbour Gazette"


def test_a_document_seen_by_an_agency_speaks():
    quote = quote_by_text(extract("The port will close in May, according to a memo seen by the Gazette."), "port")
    assert quote.speaker == "a memo seen by the Gazette"


def test_a_home_place_after_a_name_stays_with_the_name():
    text = "Senator Ann Tully of Oregon, the senior Democrat on the panel, said the bill was dead."
    quote = quote_by_text(extract(text), "the bill was dead")
    assert same_source(quote.speaker, "Ann Tully")


def test_a_setting_between_an_apposition_and_the_verb():
    text = "Maria Lopez, the port spokeswoman, at a briefing on Monday accused the union of delaying the work."
    quote = quote_by_text(extract(text), "the union of delaying")
    assert same_source(quote.speaker, "Maria Lopez")


def test_a_coordinated_verb_after_an_auxiliary_keeps_the_subject():
    text = "The ministry has never ruled out a strike ban, and has warned that any walkout would be illegal."
    quote = quote_by_text(extract(text), "any walkout would be illegal")
    assert same_source(quote.speaker, "ministry")


def test_a_stripped_question_before_its_speaker():
    text = (
        "Former minister Tom Reyes spoke on Monday.  Is it right that we never discuss this?  "
        "Reyes asked in an interview."
    )
    quote = quote_by_text(extract(text), "Is it right that we never discuss this")
    assert same_source(quote.speaker, "Tom Reyes")


@pytest.mark.parametrize("mark", ["", '"', "“"])
def test_a_relative_clause_between_speaker_and_verb(mark):
    close = "”" if mark == "“" else mark
    text = f"Maria Lopez, who said on Monday that the port was safe, said {mark}the dredging would start in May.{close}"
    quote = quote_by_text(extract(text), "the dredging would start")
    assert same_source(quote.speaker, "Maria Lopez")


@pytest.mark.parametrize(("opening", "closing"), [('"', '"'), ("“", "”")])
def test_a_short_quoted_phrase_ends_a_reported_statement(opening, closing):
    text = f"This time the mayor, who took office in May, was {opening}largely absent,{closing} Lopez said."
    quote = quote_by_text(extract(text), "This time the mayor")
    assert same_source(quote.speaker, "Lopez")


# --- Possessive subjects, quoted-as, pronouns after a statement, passive participles ----------------------


@pytest.mark.parametrize("possessive", ["Peru s", "Peru's", "Peru’s"])
def test_a_possessive_opens_the_subject_phrase(possessive):
    text = f"{possessive} foreign ministry quickly responded by accusing the mayor of hiding the costs."
    quote = quote_by_text(extract(text), "the mayor of hiding")
    assert "foreign ministry" in quote.speaker


QUOTED_AS = {
    "stripped": "The state agency quoted a port official as saying  the harbour would close in May.",
    "straight": 'The state agency quoted a port official as saying "the harbour would close in May."',
    "curly": "The state agency quoted a port official as saying “the harbour would close in May.”",
}


@pytest.mark.parametrize("form", sorted(QUOTED_AS))
def test_quoted_as_saying_gives_the_source_quoted(form):
    quote = quote_by_text(extract(QUOTED_AS[form]), "the harbour would close")
    assert quote.speaker == "a port official"


VOCATIVE = {
    "stripped": "Tom Baxter won. Ann Lee spoke after it.  For me, Mr Baxter, do not avoid the issue,  she said.",
    "straight": 'Tom Baxter won. Ann Lee spoke after it. "For me, Mr Baxter, do not avoid the issue," she said.',
    "curly": "Tom Baxter won. Ann Lee spoke after it. “For me, Mr Baxter, do not avoid the issue,” she said.",
}


@pytest.mark.parametrize("form", sorted(VOCATIVE))
def test_a_name_inside_the_statement_is_not_the_pronoun_speaker(form):
    quote = quote_by_text(extract(VOCATIVE[form]), "do not avoid the issue")
    assert quote.speaker == "Ann Lee"


PASSIVE_AGENT = {
    "stripped": "Tom Baker published the survey. It was welcomed by shadow minister Ann Lee.  Voters must be heard,  "
    "she said.",
    "straight": 'Tom Baker published the survey. It was welcomed by shadow minister Ann Lee. "Voters must be heard," '
    "she said.",
    "curly": "Tom Baker published the survey. It was welcomed by shadow minister Ann Lee. “Voters must be heard,” "
    "she said.",
}


@pytest.mark.parametrize("form", sorted(PASSIVE_AGENT))
def test_the_agent_of_a_passive_is_a_pronoun_antecedent(form):
    quote = quote_by_text(extract(PASSIVE_AGENT[form]), "Voters must be heard")
    assert quote.speaker == "Ann Lee"


@pytest.mark.parametrize(
    "text",
    [
        "A rival bill proposed by the council would have raised local taxes sharply.",
        "The ships proposed to be seized are listed in the annex to the report.",
    ],
)
def test_a_participle_describing_a_noun_is_not_speech(text):
    assert not extract(text).quotes


def test_whom_a_letter_was_written_to_is_not_the_statement():
    text = "In a letter seen by the Gazette, Maria Lopez, the port chief, wrote to the mayor on Friday."
    assert not extract(text).quotes


def test_the_phrase_after_wrote_to_is_not_a_speaker():
    text = "The Bishop of Leeds, a large northern city, wrote to local school heads on Friday."
    assert not any(quote.speaker.startswith("to ") for quote in extract(text).quotes)


SETTING_FIRST = {
    "stripped": "In a letter seen by the Gazette, Maria Lopez, the port chief, wrote that the harbour would close.",
    "straight": 'In a letter seen by the Gazette, Maria Lopez, the port chief, wrote that the "harbour" would close.',
    "curly": "In a letter seen by the Gazette, Maria Lopez, the port chief, wrote that the “harbour” would close.",
}


@pytest.mark.parametrize("form", sorted(SETTING_FIRST))
def test_an_opening_setting_is_not_the_statement(form):
    extraction = extract(SETTING_FIRST[form])
    assert not any(quote.text.startswith("In a letter") for quote in extraction.quotes)
    assert same_source(quote_by_text(extraction, "would close").speaker, "Maria Lopez")


def test_a_stripped_run_on_that_names_the_speaker_is_the_reporter():
    text = (
        "Nobody wants a long fight,  Tom Baker said.  Baker has tried to stay neutral in the dispute.  "
        "The vote is due in May."
    )
    assert not any("tried to stay neutral" in quote.text for quote in extract(text).quotes)


def test_a_stripped_quotation_does_not_reach_back_over_another_attribution():
    text = (
        "The port closed last week.  Ann Lee told reporters that the union had shut it. "
        "Lee expects more closures soon. We are all losing money,  she said."
    )
    quote = quote_by_text(extract(text), "We are all losing money")
    assert quote.text == "We are all losing money"


def test_a_policy_maker_is_one_person():
    text = (
        "Jorge Campos leads the port agency. More rules are needed for the ports, a senior policy maker said. "
        "A simple way would be a new tax, he said."
    )
    quote = quote_by_text(extract(text), "A simple way would be a new tax")
    assert quote.speaker == "a senior policy maker"


APPOSITION_WITHOUT_CLOSING_COMMA = {
    "stripped": "The law must change now,  Ann Lee, a member of the U.N. panel on detention told reporters.",
    "straight": '"The law must change now," Ann Lee, a member of the U.N. panel on detention told reporters.',
    "curly": "“The law must change now,” Ann Lee, a member of the U.N. panel on detention told reporters.",
}


@pytest.mark.parametrize("form", sorted(APPOSITION_WITHOUT_CLOSING_COMMA))
def test_an_apposition_without_its_closing_comma(form):
    quote = quote_by_text(extract(APPOSITION_WITHOUT_CLOSING_COMMA[form]), "The law must change now")
    assert quote.speaker == "Ann Lee"
    assert quote.speaker_role.startswith("member of")


@pytest.mark.parametrize(
    "tail", [", as both unions push for a deal before May.", ", strained by years of neglect and by the storms."]
)
def test_the_reporters_context_after_a_reported_statement_is_left_out(tail):
    text = f"The port authority insisted that work is continuing on the old harbour{tail}"
    quote = quote_by_text(extract(text), "work is continuing")
    assert quote.text == "work is continuing on the old harbour"


@pytest.mark.parametrize(("opening", "closing"), [(" ", " "), ('"', '"'), ("“", "”")])
def test_a_quoted_statement_keeps_its_own_as_clause(opening, closing):
    text = f"Ann Lee said {opening}work is continuing on the harbour, as both unions know.{closing}"
    quote = quote_by_text(extract(text), "work is continuing")
    assert quote.text.endswith("as both unions know")


def test_a_stripped_quotation_runs_on_past_inner_double_spaces():
    text = (
        "Nobody wants a long fight,  Tom Baker said on Monday, looking back at the talks.  "
        "That is what it was about   to keep the port open for trade.  Baker then left."
    )
    run_on = quote_by_text(extract(text), "That is what it was about")
    assert run_on.text.endswith("to keep the port open for trade") and run_on.speaker == "Tom Baker"


def test_a_stripped_run_on_never_swallows_another_attribution():
    text = (
        "Nobody wants a long fight,  Tom Baker said.  The port has been shut for a month. "
        "On Monday the mayor said the port would reopen in the spring.  The vote is due in May."
    )
    extraction = extract(text)
    assert not any("shut for a month" in quote.text for quote in extraction.quotes)
    assert quote_by_text(extraction, "the port would reopen").speaker == "the mayor"


@pytest.mark.parametrize(
    "rest", ["at a debate between leaders of the smaller parties.", "referring to the new harbour tax."]
)
@pytest.mark.parametrize(("opening", "closing"), [("", "  "), ('"', '"'), ("“", "”")])
def test_trailing_attribution_followed_by_a_setting(rest, opening, closing):
    text = f"{opening}We will not give up on the harbour,{closing} Maria Lopez said {rest}"
    quote = quote_by_text(extract(text), "We will not give up")
    assert quote.text == "We will not give up on the harbour" and quote.speaker == "Maria Lopez"


def test_a_first_person_attribution_in_a_stripped_text_belongs_to_the_quotation():
    text = (
        "It was my decision,  Ann Lee said.  I said that in my view the port had to close. "
        "Today we have the proof.  The vote is due in May."
    )
    run_on = quote_by_text(extract(text), "I said that in my view")
    assert run_on.speaker == "Ann Lee"


ROLE_FIRST = {
    "stripped": "The port chief of the northern region, Maria Lopez, told state radio the harbour would close.",
    "straight": 'The port chief of the northern region, Maria Lopez, told state radio the harbour would "close".',
    "curly": "The port chief of the northern region, Maria Lopez, told state radio the harbour would “close”.",
}


@pytest.mark.parametrize("form", sorted(ROLE_FIRST))
def test_a_role_before_the_name_is_not_the_statement(form):
    extraction = extract(ROLE_FIRST[form])
    assert not any(quote.text.startswith("The port chief") for quote in extraction.quotes)
    assert quote_by_text(extraction, "the harbour would").speaker == "Maria Lopez"


def test_a_wide_layout_gap_does_not_open_a_stripped_run_on():
    text = "Nobody wants a long fight,  Tom Baker said.      The port has been shut for a month.  The vote is in May."
    assert not any("shut for a month" in quote.text for quote in extract(text).quotes)
