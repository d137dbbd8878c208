"""What the pledge QuerySet answers the pages."""

import datetime as dt

import pytest

from articles.tests.factories import make_pledge, make_speaker
from pledges.models import Pledge

pytestmark = pytest.mark.django_db


def test_a_speakers_latest_pledges_merge_those_made_and_those_made_on_its_behalf():
    canada, trudeau = make_speaker("Canada"), make_speaker("Justin Trudeau")
    own = [make_pledge(f"We will build {n} bridges", pledger=canada, made_on=dt.date(2017, n, 1)) for n in (1, 5)]
    for_it = [
        make_pledge(f"We will hire {n} teachers", pledger=trudeau, on_behalf_of=canada, made_on=dt.date(2017, n, 1))
        for n in (3, 7)
    ]
    undated = make_pledge("We will plant trees", pledger=canada, made_on=None)
    make_pledge("We will open a port", pledger=trudeau, made_on=dt.date(2017, 9, 1))  # Trudeau's own
    canada.refresh_from_db()  # with its count of the pledges made on its behalf
    everything = Pledge.objects.for_speaker(canada).order_by("-made_on", "-id")
    assert Pledge.objects.latest_for_speaker(canada, 10) == list(everything)
    assert set(everything) == {*own, *for_it, undated}
    assert Pledge.objects.latest_for_speaker(canada, 2) == list(everything[:2])


def test_the_latest_pledges_of_a_speaker_nobody_pledged_for_are_read_in_one_query(django_assert_num_queries):
    canada, trudeau = make_speaker("Canada"), make_speaker("Justin Trudeau")
    own = make_pledge("We will open a port", pledger=trudeau, made_on=dt.date(2017, 1, 1))
    for_canada = make_pledge("We will hire teachers", pledger=trudeau, on_behalf_of=canada, made_on=dt.date(2017, 2, 1))
    for_itself = make_pledge("We will plant trees", pledger=canada, on_behalf_of=canada, made_on=dt.date(2017, 3, 1))
    for speaker in (canada, trudeau):
        speaker.refresh_from_db()
    with django_assert_num_queries(1):
        assert Pledge.objects.latest_for_speaker(trudeau, 5) == [for_canada, own]
    with django_assert_num_queries(2):
        assert Pledge.objects.latest_for_speaker(canada, 5) == [for_itself, for_canada]


def test_a_speaker_nobody_pledged_for_is_asked_for_by_pledger_alone():
    canada, trudeau = make_speaker("Canada"), make_speaker("Justin Trudeau")
    own = make_pledge("We will open a port", pledger=trudeau)
    for_canada = make_pledge("We will hire teachers", pledger=trudeau, on_behalf_of=canada)
    assert set(Pledge.objects.for_speaker(trudeau)) == {own, for_canada}
    assert list(Pledge.objects.for_speaker(canada)) == [for_canada]
    # Read off the index that starts with the pledger, with no second speaker column to look in.
    assert "on_behalf_of" not in str(Pledge.objects.for_speaker(trudeau).query).split("WHERE")[1]
    assert "on_behalf_of" in str(Pledge.objects.for_speaker(canada).query).split("WHERE")[1]
