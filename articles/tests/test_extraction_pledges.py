"""Pledge rules: nominal commitments, hypotheticals, lists and who a pledger's pronoun means."""

from __future__ import annotations

import pytest

from articles.extraction import extract


def pledge_by_text(extraction, fragment: str):
    matches = [pledge for pledge in extraction.pledges if fragment in pledge.text]
    assert matches, f"no pledge contains {fragment!r}: {[p.text for p in extraction.pledges]}"
    return matches[0]


def pledge_texts(text: str) -> list[str]:
    return [pledge.text for pledge in extract(text).pledges]


@pytest.mark.parametrize(
    "possessive",
    ["the union's", "the union’s", "the union s"],
    ids=["straight", "curly", "stripped"],
)
def test_commitment_noun_after_a_possessive_is_not_a_verb(possessive):
    text = (
        f"The Dockers Union met on Friday. Its leader praised {possessive} promises to "
        "build three new training centres, hire 40 instructors and open a pension fund."
    )
    pledges = extract(text).pledges
    assert pledges, "the nominal pledges are found"
    assert all("praised" not in pledge.pledger for pledge in pledges)
    assert len(pledges) == 3


def test_won_with_pledges_belongs_to_the_clause_subject():
    text = "The Green Alliance won the regional vote with pledges to close two coal plants and plant forests."
    pledge = pledge_by_text(extract(text), "close two coal plants")
    assert pledge.pledger == "Green Alliance"
    assert "plant forests" in pledge.text, "two actions joined by 'and' stay one pledge"


def test_opening_participle_is_not_a_pledger():
    text = "Campaigning on pledges to cut fares, the Transit Party took 12 seats in the city council."
    assert all(pledge.pledger.lower() != "campaigning" for pledge in extract(text).pledges)


def test_passive_agreement_is_not_a_pledge():
    text = "The final text has not been signed, but it has been agreed to a degree that talks may end soon."
    assert pledge_texts(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Minister Karl Brandt said his country would be forced to sell its bonds if the tariff passed.",
        "Governor Ada Moss said she would be open to raising the levy next year.",
        "Mayor Tim Ochs said the city would close the bridge if the river rose further.",
    ],
    ids=["forced", "open-to", "hypothetical"],
)
def test_constraints_states_and_hypotheticals_are_not_pledges(text):
    assert pledge_texts(text) == []


def test_election_condition_keeps_a_campaign_pledge():
    text = "The Harbour Party will cut ferry fares by half if it wins the election, its leader Jo Kerr said."
    pledge = pledge_by_text(extract(text), "cut ferry fares")
    assert pledge.pledger in ("Harbour Party", "Jo Kerr")


def test_verbs_sharing_an_object_are_one_pledge():
    text = "Senator Lea Park said on Monday that she would unveil a bill to repeal and replace the housing act."
    pledges = extract(text).pledges
    assert len(pledges) == 1
    assert "replace the housing act" in pledges[0].text


def test_comma_list_of_actions_is_split():
    text = "The Treasury is to freeze rents, fund 300 new homes and build two clinics."
    texts = pledge_texts(text)
    assert len(texts) == 3


@pytest.mark.parametrize("mark", ['"', "“"], ids=["straight", "curly"])
def test_third_person_subject_in_own_words_is_not_the_speaker(mark):
    close = "”" if mark == "“" else '"'
    text = f"{mark}In the end, they will regret the decision,{close} said Prime Minister Ana Silva."
    assert pledge_texts(text) == []


def test_it_in_own_words_is_a_thing_not_the_speakers_side():
    text = 'Ghana sent a trade team. "It will send a bad signal to investors," said analyst Kofi Mensah.'
    assert pledge_texts(text) == []


def test_he_means_the_latest_person_named_not_an_earlier_speaker():
    text = (
        "Economist Lara Quinn said the figures were plausible. Chancellor Mark Doyle's budget was cautious. "
        "In his speech, he set out a childcare plan. He also promised to extend free nursery places to 20 hours."
    )
    pledge = pledge_by_text(extract(text), "extend free nursery places")
    assert pledge.pledger == "Mark Doyle"


def test_he_skips_a_person_named_as_an_object():
    text = (
        "President Paul Girard has talked up ties with Omar Haddad. At the same time, he has offered to "
        "mediate in three regional disputes."
    )
    pledge = pledge_by_text(extract(text), "mediate in three regional disputes")
    assert pledge.pledger == "Paul Girard"


def test_he_skips_a_name_with_an_honorific_of_the_other_sex():
    text = (
        "Mr Ian Holt met the press. Mrs Eva Stone, the minister, spoke first. He promised to publish the audit by June."
    )
    pledge = pledge_by_text(extract(text), "publish the audit")
    assert pledge.pledger == "Ian Holt"
