"""The pledge pages: the filtered list with its scorecard, the pledge record, downloads and feed."""

import csv
import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import CorrectionSuggestion
from articles.tests.factories import make_archive, make_pledge
from pledges.models import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive():
    cache.clear()
    return make_archive()


def actions(response) -> list[str]:
    return [pledge.action for pledge in response.context["pledge_list"]]


def test_pledge_list_shows_public_pledges_with_their_status(client, archive):
    response = client.get("/pledges/")
    page = response.content.decode()
    assert actions(response) == [archive.rebuild.action, archive.send.action, archive.double.action]
    assert '<span class="status status-kept">Kept</span>' in page
    assert '<span class="status status-overdue">Overdue</span>' in page
    assert 'class="badge"' in page  # double the aid budget: found by machine, not reviewed


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=kept", ["send"]),
        ("status=broken", ["rebuild"]),
        ("status=not-yet-rated", ["double"]),
        ("status=overdue", ["double"]),
        ("status=stalled", []),
        ("pledger=grace-hopper", ["rebuild"]),
        ("topic=defence", ["send"]),
        ("after=2017-09-13", ["rebuild", "send"]),
        ("before=2017-12-31", ["send", "double"]),
        ("due_after=2019-01-01", ["double"]),
        ("due_before=2018-06-01", ["send"]),
        ("quantity=true", ["send"]),
        ("quantity=false", ["rebuild", "double"]),
        ("q=troops", ["send"]),
        ("q=aid+budget", ["double"]),
        ("sort=made", ["double", "send", "rebuild"]),
        ("sort=-deadline", ["double", "send", "rebuild"]),
        ("pledger=ada-lovelace&status=kept", ["send"]),
    ],
)
def test_pledge_filters(client, archive, query, expected):
    response = client.get(f"/pledges/?{query}")
    assert actions(response) == [getattr(archive, name).action for name in expected]


def test_scorecard_counts_the_current_filter_whatever_the_status(client, archive):
    response = client.get("/pledges/?pledger=ada-lovelace&status=kept")
    counts = {score.status: score.count for score in response.context["scorecard"]}
    assert counts["kept"] == 1 and counts["not-yet-rated"] == 1 and counts["broken"] == 0
    assert 'href="?pledger=ada-lovelace&amp;status=broken"' in response.content.decode()


def test_scorecard_counts_only_so_far(client, archive, monkeypatch):
    monkeypatch.setattr("pledges.models.SCORE_LIMIT", 1)
    for n in range(2):
        make_pledge(f"We will build {n} schools")
    response = client.get("/pledges/")
    scores = {score.status: (score.count, score.more) for score in response.context["scorecard"]}
    assert scores["not-yet-rated"] == (1, True)
    assert scores["broken"] == (1, False)
    assert '<span class="count">1+</span> <span class="label">Not yet rated</span>' in response.content.decode()


def test_a_list_under_a_status_alone_is_counted_by_its_scorecard(client, archive, monkeypatch):
    for n in range(5):
        make_pledge(f"We will build {n} schools", status=Status.STALLED)
    monkeypatch.setattr("pledges.models.SCORE_LIMIT", 3)
    monkeypatch.setattr("articles.pagination.COUNT_AHEAD", 1)
    monkeypatch.setattr("pledges.views.PledgeListView.paginate_by", 1)

    def counted(page: int) -> tuple[int, bool, list]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/pledges/?status=stalled&page={page}")
        counts = [query for query in queries if "COUNT(" in query["sql"] and "pledges_pledge" in query["sql"]]
        return response.context["page_obj"].paginator.count, response.context["paginator"].count_is_capped, counts

    client.get("/pledges/")  # keeps the scorecard of all pledges
    # "3+ stalled" serves the pages it shows to have a next one, without a count of the list's own ...
    assert counted(1) == (2, True, [])
    assert counted(2) == (3, True, [])
    # ... and a page beyond it is counted, as far as a page past it.
    count, capped, counts = counted(3)
    assert (count, capped) == (4, True) and counts
    assert counted(5)[:2] == (5, False)


def test_scorecard_is_hidden_when_the_filters_are_invalid(client, archive):
    response = client.get("/pledges/?after=2017-13-45")
    assert response.context["scorecard"] == []
    assert "Enter a valid date." in response.content.decode()


def test_scorecard_counts_the_other_filters_when_only_the_status_is_invalid(client, archive):
    response = client.get("/pledges/?pledger=ada-lovelace&status=no-such-status")
    counts = {score.status: score.count for score in response.context["scorecard"]}
    assert counts["kept"] == 1 and counts["not-yet-rated"] == 1
    assert list(response.context["pledge_list"]) == []
    assert "Select a valid choice." in response.content.decode()


def test_pledge_page_shows_words_fields_and_timeline(client, archive):
    response = client.get(archive.send.get_absolute_url())
    page = response.content.decode()
    assert "Minister Ada Lovelace said the government would <mark>send 600 troops to the mission</mark>." in page
    assert "600 troops" in page and "the mission" in page and "1 January 2018" in page
    changes = list(response.context["status_changes"])
    assert [c.status for c in changes] == [Status.IN_THE_WORKS, Status.KEPT]
    assert "Troops arrived." in page and "Planning began." in page
    assert f'href="{archive.harbour.get_absolute_url()}"' in page  # the evidence
    assert f'id="change-{changes[1].pk}"' in page


def test_unrated_pledge_says_so(client, archive):
    page = client.get(archive.double.get_absolute_url()).content.decode()
    assert "No editor has rated this pledge yet." in page
    assert "(“by 2019”)" in page


def test_rejected_pledges_are_not_public(client, archive):
    hidden = make_pledge("the plan was under review", article=archive.treaty, review="rejected")
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert hidden.action not in actions(client.get("/pledges/"))
    assert client.get("/pledges/no-such-pledge/").status_code == 404


def test_pledge_correction_lands_in_the_review_queue(client, archive):
    response = client.post(f"{archive.send.get_absolute_url()}correction/", {"message": "It was 500 troops."})
    assert response.status_code == 302
    assert CorrectionSuggestion.objects.get().pledge == archive.send


def test_csv_download_follows_the_filters(client, archive):
    response = client.get("/pledges/?status=kept&format=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(row["slug"], row["status"], row["quantity_value"]) for row in rows] == [
        (archive.send.slug, "kept", "600.00")
    ]


def test_json_download_follows_the_filters(client, archive):
    rows = client.get("/pledges/?status=overdue&format=json").json()
    assert [(row["action"], row["overdue"]) for row in rows] == [("double the aid budget", True)]


def test_status_feed_lists_changes_of_the_filtered_pledges(client, archive):
    xml = client.get("/pledges/feed/?pledger=ada-lovelace").content.decode()
    assert xml.count("<entry>") == 2
    assert "Kept: Ada Lovelace: send 600 troops" in xml
    assert "#change-" in xml
    assert "Broken" not in xml


def test_pledge_list_query_budget(client, archive, django_assert_max_num_queries):
    for n in range(30):
        make_pledge(f"We will build {n} schools", made_on=dt.date(2017, 1, 1))
    # Choices (from the cache, once it holds them) and validation for pledger and topic, the scorecard's
    # seven counts in one query, then the list's count and page.
    client.get("/pledges/")
    with django_assert_max_num_queries(8):
        response = client.get("/pledges/?status=not-yet-rated&pledger=ada-lovelace&topic=aid")
    assert response.status_code == 200
    with django_assert_max_num_queries(11):
        assert len(client.get("/pledges/").context["pledge_list"]) == 25


def test_pledge_page_query_budget(client, archive, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert client.get(archive.send.get_absolute_url()).status_code == 200
