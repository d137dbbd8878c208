"""The shared page cache: what it stores, how a change empties it, and what it must never share between readers."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from articles.caching import new_generation, page_generation
from articles.models import Article, Quote, Review, Speaker
from articles.reviewing import record_review
from articles.tests.factories import make_archive, make_article, make_outlet, make_pledge, make_quote, make_speaker
from pledges.models import Status, published_scorecard

pytestmark = pytest.mark.django_db

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def pages_cached(settings):
    settings.PAGE_CACHE_SECONDS = 300


@pytest.fixture
def archive():
    cache.clear()
    return make_archive()


def test_a_page_is_served_from_the_cache_the_second_time(client, archive, django_assert_max_num_queries):
    first = client.get("/quotes/")
    assert first.status_code == 200
    # The generation and the page itself, read together: the page's own queries are not run again.
    with django_assert_max_num_queries(1):
        second = client.get("/quotes/")
    assert second.content == first.content
    assert second.status_code == 200


def test_a_change_made_without_signals_shows_only_when_the_cache_is_off(client, archive, settings):
    client.get(f"/speakers/{archive.ada.slug}/")
    Speaker.objects.filter(pk=archive.ada.pk).update(name="Chief Engineer")
    assert "Chief Engineer" not in client.get(f"/speakers/{archive.ada.slug}/").content.decode()
    settings.PAGE_CACHE_SECONDS = 0
    assert "Chief Engineer" in client.get(f"/speakers/{archive.ada.slug}/").content.decode()


# A change shows when it commits: these tests commit for real.
committing = pytest.mark.django_db(transaction=True)


@committing
def test_an_editors_change_is_visible_once_it_commits(client, archive):
    assert "Chief Engineer" not in client.get("/quotes/").content.decode()
    with transaction.atomic():
        archive.troops.speaker_role = "Chief Engineer"
        archive.troops.save()
        # Until the change commits, readers still see the old rows: the stored page is still right.
        assert "Chief Engineer" not in client.get("/quotes/").content.decode()
    assert "Chief Engineer" in client.get("/quotes/").content.decode()


@committing
def test_a_review_in_bulk_is_visible_at_once(client, archive):
    url = archive.troops.get_absolute_url()
    assert client.get(url).status_code == 200
    record_review(Quote.objects.filter(pk=archive.troops.pk), Review.REJECTED, note="misattributed")
    assert client.get(url).status_code == 404


@committing
def test_a_pledge_status_change_is_visible_at_once(client, archive):
    assert client.get("/pledges/?status=stalled").context["pledge_list"].count() == 0
    archive.double.record_status(Status.STALLED)
    assert [pledge.pk for pledge in client.get("/pledges/?status=stalled").context["pledge_list"]] == [
        archive.double.pk
    ]


@committing
def test_a_new_quote_empties_every_page(client, archive):
    generation = page_generation()
    make_quote("the budget would build 40 new bridges")
    assert page_generation() != generation


@committing
def test_a_lists_choices_are_kept_until_the_pages_change(client, archive, settings):
    settings.PAGE_CACHE_SECONDS = 0
    assert '<option value="science">' not in client.get("/articles/").content.decode()
    Article.objects.filter(pk=archive.harbour.pk).update(
        subject="science"
    )  # no signal: nothing changed, as far as pages know
    assert '<option value="science">' not in client.get("/articles/").content.decode()
    make_article(subject="science")
    assert '<option value="science">' in client.get("/articles/").content.decode()


def test_a_request_reads_the_shared_cache_once_for_every_value_kept(client, archive, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/articles/")
    # Outlets, subjects and places: the generation is read with the first, and the others are this process's.
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/articles/").content.decode()
    assert len([query for query in queries if "shared_cache" in query["sql"]]) == 1
    assert '<option value="reuters">Reuters</option>' in page and '<option value="worldnews">' in page
    # Outside a request, each value asks for the generation.
    published_scorecard()
    with CaptureQueriesContext(connection) as queries:
        published_scorecard()
        published_scorecard()
    assert len([query for query in queries if "shared_cache" in query["sql"]]) == 2


@committing
@pytest.mark.parametrize("url", ["/quotes/", "/api/quotes/", "/pledges/", "/api/pledges/", "/speakers/"])
def test_an_unfiltered_list_is_counted_once_until_readers_pages_change(client, archive, settings, url):
    settings.PAGE_CACHE_SECONDS = 0

    def count(response) -> int:
        return response.json()["count"] if url.startswith("/api/") else response.context["paginator"].count

    before = count(client.get(url))
    with CaptureQueriesContext(connection) as queries:
        assert count(client.get(url)) == before
    assert not [query for query in queries if "COUNT(" in query["sql"]]
    turing = make_speaker("Alan Turing")
    make_quote("the port would reopen in May", speaker=turing)
    make_pledge("We will reopen the port", pledger=turing, status=Status.KEPT)
    assert count(client.get(url)) == before + 1
    # Filtered, the list is counted.
    with CaptureQueriesContext(connection) as queries:
        client.get(url, {"q": "port"})
    assert [query for query in queries if "COUNT(" in query["sql"]]


@committing
def test_a_new_outlet_is_offered_and_accepted_at_once(client, archive, settings):
    settings.PAGE_CACHE_SECONDS = 0
    assert "harbour-times" not in client.get("/quotes/").content.decode()
    make_outlet(name="Harbour Times", slug="harbour-times")
    assert '<option value="harbour-times">Harbour Times</option>' in client.get("/quotes/").content.decode()
    assert client.get("/quotes/", {"outlet": "harbour-times"}).context["filter"].is_valid()


@committing
def test_the_archive_totals_are_counted_once_until_readers_pages_change(client, archive, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/about/")
    kept = client.get("/about/")
    make_article(headline="Harbour news", body="The harbour opened on Monday.")
    after_a_change = client.get("/about/")
    assert "<strong>2</strong> articles" in kept.content.decode()
    assert "<strong>3</strong> articles" in after_a_change.content.decode()


@committing
def test_the_scorecard_of_all_pledges_is_counted_once_until_readers_pages_change(client, archive, settings):
    settings.PAGE_CACHE_SECONDS = 0

    def kept_count(url):
        return {score.status: score.count for score in client.get(url).context["scorecard"]}[Status.KEPT]

    kept_before = kept_count("/")
    assert kept_count("/pledges/?status=stalled") == kept_before
    # The list under a status alone shows the same scorecard, kept, and counts itself by it: nothing is counted.
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/pledges/?status=kept")
    assert {score.status: score.count for score in response.context["scorecard"]}[Status.KEPT] == kept_before
    assert response.context["paginator"].count == kept_before
    assert sum(query["sql"].count("COUNT(") for query in queries) == 0
    archive.double.record_status(Status.KEPT)
    assert kept_count("/pledges/?status=stalled") == kept_before + 1
    assert kept_count("/") == kept_before + 1
    # Narrowed by another filter, the scorecard counts that list's pledges.
    pledger = archive.rebuild.pledger
    assert pledger != archive.double.pledger
    assert kept_count(f"/pledges/?pledger={pledger.slug}") == pledger.pledges.filter(status=Status.KEPT).count() == 0


@committing
def test_a_transaction_of_many_changes_starts_one_generation(archive, django_capture_on_commit_callbacks):
    with transaction.atomic(), django_capture_on_commit_callbacks() as callbacks:
        make_quote("the budget would build 40 new bridges")
        make_quote("the ministry would hire 300 new teachers")
        archive.double.record_status(Status.STALLED)
    assert callbacks == [new_generation]


def test_signed_in_readers_are_never_served_or_given_cached_pages(client, archive):
    editor = get_user_model().objects.create_user("editor", password="a long enough password")
    client.get("/quotes/")
    Quote.objects.filter(pk=archive.troops.pk).update(speaker_role="Chief Engineer")
    signed_in = Client()
    signed_in.force_login(editor)
    assert "Chief Engineer" in signed_in.get("/quotes/").content.decode()
    Quote.objects.filter(pk=archive.troops.pk).update(speaker_role="Chief Cook")
    assert "Chief Cook" in signed_in.get("/quotes/").content.decode()


def test_the_admin_and_the_health_check_are_never_cached(client, archive, django_assert_num_queries):
    client.get("/healthz")
    with django_assert_num_queries(1):
        assert client.get("/healthz").status_code == 200
    client.get("/admin/login/")
    assert client.get("/admin/login/").context is not None  # rendered again


def test_a_cached_quote_page_gives_each_reader_their_own_csrf_token(archive):
    url = archive.troops.get_absolute_url()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page = first.get(url)
    second_page = second.get(url)
    assert second_page.context is None  # served from the cache
    first_token, second_token = (CSRF_INPUT.search(page.content.decode())[1] for page in (first_page, second_page))
    assert first_token != second_token
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    # Each reader's form posts with their own token; another reader's would be refused.
    correction = {"message": "The quote is from another minister."}
    assert second.post(f"{url}correction/", {**correction, "csrfmiddlewaretoken": second_token}).status_code == 302
    assert first.post(f"{url}correction/", {**correction, "csrfmiddlewaretoken": second_token}).status_code == 403


def test_a_reader_with_a_message_waiting_is_not_served_the_cached_page(archive):
    url = archive.troops.get_absolute_url()
    reader = Client()
    reader.get(url)
    response = reader.post(f"{url}correction/", {"message": "The quote is from another minister."}, follow=True)
    assert "an editor will look at your suggestion" in response.content.decode()
    assert "an editor will look at your suggestion" not in Client().get(url).content.decode()


def redis_cache_settings() -> dict:
    return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}


REDIS_URL = "redis://127.0.0.1:6379/15"


@committing
def test_pages_are_cached_in_redis_too(archive):
    pytest.importorskip("redis", reason="the redis package is not installed")
    with override_settings(CACHES=redis_cache_settings()):
        try:
            caches["default"].clear()
        except Exception as error:  # noqa: BLE001 - any failure to reach Redis means there is none to test
            pytest.skip(f"no Redis answers at {REDIS_URL}: {error}")
        client = Client()
        assert "Chief Engineer" not in client.get("/quotes/").content.decode()
        Quote.objects.filter(pk=archive.troops.pk).update(speaker_role="Chief Engineer")
        assert "Chief Engineer" not in client.get("/quotes/").content.decode()
        archive.troops.refresh_from_db()
        archive.troops.save()
        assert "Chief Engineer" in client.get("/quotes/").content.decode()
        caches["default"].clear()
