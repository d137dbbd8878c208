"""The reader's pages for articles, speakers and quotes, their downloads, feeds, API and bad input."""

import csv
import datetime as dt
import io
import json
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.filters import QuoteFilter
from articles.models import CorrectionSuggestion, Quote, Speaker
from articles.tests.factories import make_archive, make_article, make_pledge, make_quote, make_speaker

pytestmark = pytest.mark.django_db

LIST_URLS = ["/articles/", "/speakers/", "/quotes/", "/pledges/"]


@pytest.fixture
def archive():
    return make_archive()


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def text_of(response) -> str:
    return response.content.decode()


def json_ld(response) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', text_of(response), re.S)
    return [json.loads(block) for block in blocks]


# Home


def test_home_shows_latest_articles_quotes_and_a_scorecard(client, archive):
    response = client.get("/")
    assert response.status_code == 200
    page = text_of(response)
    assert archive.harbour.headline in page
    assert archive.troops.text in page
    assert archive.draft.headline not in page
    assert archive.rejected.get_absolute_url() not in page
    assert 'href="/pledges/?status=kept"' in page
    counts = {score.status: score.count for score in response.context["scorecard"]}
    assert counts == {
        "not-yet-rated": 1,
        "in-the-works": 0,
        "stalled": 0,
        "compromise": 0,
        "kept": 1,
        "broken": 1,
        "overdue": 1,  # doubling the aid budget was due by 2019
    }
    assert 'role="search"' in page and 'action="/search/"' in page


# Articles


def headlines(response) -> list[str]:
    return [article.headline for article in response.context["article_list"]]


def test_article_list_shows_published_articles_newest_first(client, archive):
    response = client.get("/articles/")
    assert headlines(response) == [archive.harbour.headline, archive.treaty.headline]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=troops", ["treaty"]),
        ("q=harbour+wall", ["harbour"]),
        ("outlet=licensed-daily", ["harbour"]),
        ("subject=worldnews", ["treaty"]),
        ("place=OTTAWA", ["harbour"]),
        ("after=2018-01-01", ["harbour"]),
        ("before=2017-12-31", ["treaty"]),
        ("after=2017-01-01&before=2017-12-31", ["treaty"]),
        ("speaker=grace-hopper", ["harbour"]),
        ("sort=headline", ["harbour", "treaty"]),
        ("sort=-headline", ["treaty", "harbour"]),
        ("sort=published", ["treaty", "harbour"]),
        ("sort=-published", ["harbour", "treaty"]),
    ],
)
def test_article_filters_and_sorting(client, archive, query, expected):
    response = client.get(f"/articles/?{query}")
    assert response.status_code == 200
    assert headlines(response) == [getattr(archive, name).headline for name in expected]


def test_article_list_paginates(client, archive):
    for n in range(30):
        make_article(headline=f"Filler {n:02}", published=dt.date(2016, 1, 1))
    first = client.get("/articles/")
    assert len(first.context["article_list"]) == 25
    assert 'rel="next" href="?page=2"' in text_of(first)
    second = client.get("/articles/?page=2")
    assert len(second.context["article_list"]) == 7


def test_article_page_marks_quotes_and_pledges_and_lists_the_people(client, archive):
    response = client.get(archive.treaty.get_absolute_url())
    page = text_of(response)
    assert '<a class="mark mark-quote" href="/speakers/ada-lovelace/" title="Ada Lovelace, Minister">' in page
    assert f'href="{archive.send.get_absolute_url()}"' in page
    assert f'id="quote-{archive.troops.pk}"' in page
    assert f'id="pledge-{archive.send.pk}"' in page
    assert "mark-pledge" in page
    people = {speaker.name: roles for speaker, roles, _ in response.context["people"]}
    assert people == {"Ada Lovelace": ["Minister", "Foreign Minister"], "A spokesman": []}
    assert "Ministry of Defence" not in page  # its only quote here was rejected


def test_article_page_has_structured_data_open_graph_and_canonical_link(client, archive):
    response = client.get(archive.treaty.get_absolute_url())
    page = text_of(response)
    (data,) = json_ld(response)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == archive.treaty.headline
    assert data["datePublished"] == "2017-09-13"
    assert data["publisher"]["name"] == "Reuters"
    assert '<meta property="og:title" content="Minister promises troops for peace mission">' in page
    assert '<meta property="og:type" content="article">' in page
    assert f'<link rel="canonical" href="http://testserver{archive.treaty.get_absolute_url()}">' in page


def test_licensed_outlet_shows_an_excerpt_with_a_link_but_keeps_quotes(client, archive):
    response = client.get(archive.harbour.get_absolute_url())
    page = text_of(response)
    assert 'href="https://example.org/harbour"' in page
    assert "licence does not allow" in page
    assert "mark-quote" not in page
    assert "Grace Hopper" in page
    archive.licensed.display = "full"
    archive.licensed.save()
    assert "mark-quote" in text_of(client.get(archive.harbour.get_absolute_url()))


def test_draft_and_missing_articles_are_real_404_pages(client, archive):
    for url in (archive.draft.get_absolute_url(), "/articles/no-such-story/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Not found" in text_of(response)


# Speakers


def names(response) -> list[str]:
    return [speaker.name for speaker in response.context["speaker_list"]]


def test_speaker_list_counts_public_quotes_and_pledges(client, archive):
    response = client.get("/speakers/")
    counts = {s.name: (s.quote_count, s.pledge_count) for s in response.context["speaker_list"]}
    assert counts == {"Ada Lovelace": (2, 2), "Grace Hopper": (1, 1), "A spokesman": (1, 0)}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sort=-quotes", ["Ada Lovelace", "Grace Hopper", "A spokesman"]),  # ties in the order made
        ("sort=name", ["A spokesman", "Ada Lovelace", "Grace Hopper"]),
        ("sort=-pledges", ["Ada Lovelace", "Grace Hopper", "A spokesman"]),
        ("q=hopper", ["Grace Hopper"]),
        ("q=lovelace", ["Ada Lovelace"]),
        ("kind=unnamed", ["A spokesman"]),
        ("kind=organisation", []),
    ],
)
def test_speaker_filters_and_sorting(client, archive, query, expected):
    response = client.get(f"/speakers/?{query}")
    assert names(response)[: len(expected) or None] == expected


def test_speaker_page_shows_aliases_roles_pledges_quotes_and_a_chart(client, archive):
    make_quote(
        "the troops are ready",
        article=make_article(body="Lovelace said the troops are ready.", published=dt.date(2017, 11, 2)),
        speaker=archive.ada,
    )
    response = client.get("/speakers/ada-lovelace/")
    page = text_of(response)
    assert "Also written as: Lovelace" in page
    roles = {role.speaker_role: role.first for role in response.context["roles"]}
    assert roles == {"Minister": dt.date(2017, 9, 13), "Foreign Minister": dt.date(2017, 9, 13)}
    assert archive.send.action.capitalize() in page and "Kept" in page
    assert [bar.label for bar in response.context["chart"]] == ["Sep 2017", "Oct 2017", "Nov 2017"]
    assert [bar.count for bar in response.context["chart"]] == [2, 0, 1]
    assert len(response.context["quotes"]) == 3
    assert f'href="{archive.treaty.get_absolute_url()}"' in page
    assert '<link rel="alternate" type="application/atom+xml"' in page and "/speakers/ada-lovelace/feed/" in page


def test_a_bodys_page_names_who_made_the_pledges_made_on_its_behalf(client, archive):
    canada = make_speaker("Canada", kind=Speaker.Kind.ORGANISATION)
    make_pledge("Canada will train peacekeepers", pledger=canada, action="train peacekeepers")
    make_pledge(
        "We will send 600 troops to the mission", pledger=archive.ada, on_behalf_of=canada, action="send 600 troops"
    )
    items = re.findall(r'<li class="pledge-item">.*?</li>', client.get("/speakers/canada/").content.decode(), re.S)
    assert len(items) == 2
    on_behalf, own = sorted(items, key=lambda item: "train peacekeepers" in item.lower())
    assert 'href="/speakers/ada-lovelace/">Ada Lovelace</a>' in on_behalf
    assert 'href="/speakers/canada/"' not in own


def test_a_speakers_page_shows_the_newest_quotes_and_links_to_all_of_them(client, archive, monkeypatch):
    monkeypatch.setattr("articles.views.QUOTES_SHOWN", 1)
    response = client.get("/speakers/ada-lovelace/")
    assert [quote.text for quote in response.context["quotes"]] == [archive.troops.text]
    page = response.content.decode()
    assert 'href="/quotes/?speaker=ada-lovelace">All 2 quotes' in page
    # Searching them is the list of all of them, searched.
    assert '<input type="hidden" name="speaker" value="ada-lovelace">' in page and 'action="/quotes/"' in page
    assert "All 1 quote" not in text_of(client.get("/speakers/grace-hopper/"))


@pytest.mark.parametrize(("query", "count"), [("q=aid", 1), ("after=2017-10-01", 0), ("before=2017-09-13", 2)])
def test_a_speakers_filtered_quotes_are_the_list_of_quotes_filtered(client, archive, query, count):
    # The speaker's page once held this list: its addresses lead to the list, filters and all.
    response = client.get(f"/speakers/ada-lovelace/?{query}&utm_source=x")
    assert response.status_code == 301
    assert response["Location"] == f"/quotes/?speaker=ada-lovelace&{query}"
    assert len(client.get(response["Location"]).context["quote_list"]) == count


def test_an_unnamed_sources_quotes_are_listed_too(client, archive):
    response = client.get("/quotes/", {"speaker": archive.spokesman.slug})
    assert [quote.text for quote in response.context["quote_list"]] == [archive.review.text]


def test_speaker_with_nothing_public_is_a_404(client, archive):
    assert client.get("/speakers/ministry-of-defence/").status_code == 404
    assert client.get("/speakers/nobody/").status_code == 404


# Quotes


def quote_texts(response) -> list[str]:
    return [quote.text for quote in response.context["quote_list"]]


def test_quote_list_shows_speaker_role_article_and_date(client, archive):
    response = client.get("/quotes/")
    page = text_of(response)
    assert set(quote_texts(response)) == {q.text for q in (archive.troops, archive.aid, archive.review, archive.wall)}
    assert 'href="/speakers/grace-hopper/"' in page and ", Mayor" in page
    assert f'href="{archive.harbour.get_absolute_url()}"' in page
    assert '<time datetime="2018-02-01">1 Feb 2018</time>' in page
    assert 'class="badge"' in page  # the machine-found, unreviewed quote is marked


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("speaker=grace-hopper", ["wall"]),
        ("outlet=licensed-daily", ["wall"]),
        ("after=2018-01-01", ["wall"]),
        ("before=2017-12-31&kind=direct", ["aid"]),
        ("kind=indirect", ["troops", "review"]),
        ("q=aid+budget", ["aid"]),
        ("speaker=ada-lovelace&q=troops", ["troops"]),
        ("sort=speaker", ["review", "troops", "aid", "wall"]),
    ],
)
def test_quote_filters(client, archive, query, expected):
    response = client.get(f"/quotes/?{query}")
    assert quote_texts(response) == [getattr(archive, name).text for name in expected]


def test_filtersets_made_one_after_another_each_filter_by_their_own_values(archive):
    # Each FilterSet copies its class's filters and fields shallowly (CopiedShallow): a method filter must call
    # the method of its own FilterSet, and no copy may keep another's values.
    ada = QuoteFilter({"speaker": "ada-lovelace", "q": "troops"}, queryset=Quote.objects.published())
    grace = QuoteFilter({"speaker": "grace-hopper"}, queryset=Quote.objects.published())
    invalid = QuoteFilter({"speaker": "nobody-at-all"}, queryset=Quote.objects.published())
    assert [quote.text for quote in grace.qs] == [archive.wall.text]
    assert [quote.text for quote in ada.qs] == [archive.troops.text]
    assert ada.filters["speaker"].parent is ada and grace.filters["speaker"].parent is grace
    assert not invalid.is_valid() and "speaker" in invalid.errors and grace.is_valid()
    assert QuoteFilter.base_filters["speaker"].method == "said_by"


def test_quote_permalink_shows_the_sentence_in_context_and_structured_data(client, archive):
    response = client.get(f"/quotes/{archive.troops.pk}/")
    page = text_of(response)
    assert "Minister Ada Lovelace said <mark>the government would send 600 troops to the mission</mark>." in page
    (data,) = json_ld(response)
    assert data["@type"] == "Quotation"
    assert data["spokenByCharacter"]["name"] == "Ada Lovelace"
    assert data["url"] == f"http://testserver/quotes/{archive.troops.pk}/"
    assert 'name="csrfmiddlewaretoken"' in page and "Suggest a correction" in page


def test_rejected_and_draft_quotes_have_no_page(client, archive):
    assert client.get(f"/quotes/{archive.rejected.pk}/").status_code == 404
    assert client.get(f"/quotes/{archive.in_draft.pk}/").status_code == 404
    assert client.get("/quotes/999999/").status_code == 404


# Search


def test_search_ranks_each_kind_and_marks_the_words(client, archive):
    response = client.get("/search/?q=troops")
    sections = {name: (count, list(results)) for name, (count, results) in response.context["sections"].items()}
    assert sections["articles"][0] == 1
    assert sections["quotes"][1] == [archive.troops]
    assert sections["pledges"][1] == [archive.send]
    assert "<mark>troops</mark>" in text_of(response)


def test_search_finds_speakers_by_alias(client, archive):
    response = client.get("/search/?q=Lovelace")
    assert list(response.context["sections"]["speakers"][1]) == [archive.ada]


def test_search_result_leads_to_the_full_list(client, archive):
    for n in range(6):
        make_quote(f"troops number {n}", speaker=archive.ada)
    page = text_of(client.get("/search/?q=troops"))
    assert 'href="/quotes/?q=troops">All 7 quotes' in page


def test_search_of_a_common_word_counts_only_the_newest_matches(client, archive, monkeypatch):
    for module in ("articles.search", "articles.views"):
        monkeypatch.setattr(f"{module}.RANKED_MATCHES", 3)
    for n in range(6):
        make_quote(f"troops number {n}", speaker=archive.ada)
    response = client.get("/search/?q=troops")
    count, results = response.context["sections"]["quotes"]
    assert count == 3
    assert len(results) == 3
    assert 'href="/quotes/?q=troops">All 3+ quotes' in text_of(response)


def test_search_without_a_query_shows_the_form(client):
    response = client.get("/search/")
    assert response.status_code == 200
    assert response.context["sections"] == {}


# About, sitemap, robots


def test_about_page_explains_the_status_scale(client, archive):
    page = text_of(client.get("/about/"))
    for label in ("Not yet rated", "In the works", "Stalled", "Compromise", "Kept", "Broken", "Overdue"):
        assert label in page
    assert "<strong>2</strong> articles" in page


def test_sitemap_lists_public_pages_only(client, archive):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = text_of(response)
    assert f"http://testserver{archive.treaty.get_absolute_url()}" in xml
    assert f"http://testserver/quotes/{archive.troops.pk}/" in xml
    assert "/speakers/ada-lovelace/" in xml
    assert archive.send.get_absolute_url() in xml
    assert archive.draft.get_absolute_url() not in xml
    assert f"/quotes/{archive.rejected.pk}/" not in xml
    assert "/speakers/ministry-of-defence/" not in xml


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in text_of(response)


# Downloads and feeds


@pytest.mark.parametrize(
    ("url", "column", "expected"),
    [
        ("/articles/?outlet=reuters&format=csv", "headline", ["Minister promises troops for peace mission"]),
        ("/speakers/?kind=person&sort=name&format=csv", "name", ["Ada Lovelace", "Grace Hopper"]),
        ("/quotes/?speaker=grace-hopper&format=csv", "text", ["The harbour wall will be rebuilt by spring"]),
        ("/speakers/ada-lovelace/?q=aid&format=csv", "text", ["We will double the aid budget by 2019"]),
    ],
)
def test_csv_download_follows_the_filters(client, archive, url, column, expected):
    response = client.get(url, follow=True)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row[column] for row in rows] == expected


def test_json_download_follows_the_filters(client, archive):
    response = client.get("/quotes/?kind=indirect&speaker=ada-lovelace&format=json")
    rows = response.json()
    assert [row["text"] for row in rows] == [archive.troops.text]
    assert rows[0]["speaker"] == "ada-lovelace"
    assert rows[0]["url"] == f"http://testserver/quotes/{archive.troops.pk}/"


def test_download_of_an_invalid_filter_is_empty(client, archive):
    assert client.get("/quotes/?after=2017-13-45&format=json").json() == []


@pytest.mark.parametrize("url", LIST_URLS)
def test_each_list_advertises_its_atom_feed(client, archive, url):
    page = text_of(client.get(url))
    assert re.search(r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="/[^"]*feed/\?"', page)


def test_article_feed_follows_the_filters(client, archive):
    response = client.get("/articles/feed/?outlet=licensed-daily")
    assert response["Content-Type"].startswith("application/atom+xml")
    xml = text_of(response)
    assert "Harbour wall to be rebuilt" in xml
    assert "Minister promises troops" not in xml


def test_speaker_feed_holds_their_quotes(client, archive):
    xml = text_of(client.get("/speakers/ada-lovelace/feed/"))
    assert "<title>Quotes from Ada Lovelace</title>" in xml
    assert xml.count("<entry>") == 2
    assert client.get("/speakers/nobody/feed/").status_code == 404


def test_quote_feed_with_invalid_filters_is_empty(client, archive):
    response = client.get("/quotes/feed/?after=2017-13-45")
    assert response.status_code == 200
    assert "<entry>" not in text_of(response)


# API


def test_api_lists_public_rows_with_the_same_filters(client, archive):
    response = client.get("/api/quotes/?speaker=ada-lovelace&kind=direct")
    body = response.json()
    assert body["count"] == 1
    assert body["results"][0]["text"] == archive.aid.text
    assert body["results"][0]["unreviewed"] is True
    assert client.get("/api/articles/").json()["count"] == 2
    assert {s["slug"] for s in client.get("/api/speakers/").json()["results"]} == {
        "ada-lovelace",
        "grace-hopper",
        archive.spokesman.slug,
    }


def test_api_detail_and_missing_rows(client, archive):
    assert client.get(f"/api/articles/{archive.treaty.slug}/").json()["headline"] == archive.treaty.headline
    assert client.get(f"/api/quotes/{archive.rejected.pk}/").status_code == 404
    assert client.get(f"/api/articles/{archive.draft.slug}/").status_code == 404


def test_api_paginates(client, archive):
    for n in range(30):
        make_quote(f"word number {n}", speaker=archive.grace)
    body = client.get("/api/quotes/").json()
    assert body["count"] == 34 and len(body["results"]) == 25
    assert body["next"].endswith("/api/quotes/?page=2")


def test_api_rows_link_to_the_site_each_request_was_made_to(client, archive):
    # The serializers' fields are built once and copied for each request: no request's address leaks into another's.
    for host in ("localhost", "127.0.0.1", "localhost"):
        urls = [row["url"] for row in client.get("/api/quotes/", HTTP_HOST=host).json()["results"]]
        assert urls and all(url.startswith(f"http://{host}/quotes/") for url in urls)


@pytest.mark.parametrize("query", ["after=2017-13-45", "speaker=abc", "page=99999", "page=-1", "q=%00"])
def test_api_rejects_bad_input_without_a_500(client, archive, query):
    assert client.get(f"/api/quotes/?{query}").status_code in (400, 404)


def test_openapi_document_describes_the_lists_and_their_filters(client):
    document = client.get("/api/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert {"/api/articles/", "/api/speakers/", "/api/quotes/", "/api/pledges/"} <= set(document["paths"])
    parameters = {p["name"]: p for p in document["paths"]["/api/pledges/"]["get"]["parameters"]}
    assert {"q", "status", "pledger", "after", "before", "page"} <= set(parameters)
    assert "kept" in parameters["status"]["schema"]["enum"]
    assert parameters["after"]["schema"] == {"type": "string", "format": "date"}


# Corrections


def test_suggesting_a_correction_lands_in_the_review_queue(client, archive):
    response = client.post(f"/quotes/{archive.troops.pk}/correction/", {"message": "She said 500 troops."})
    assert response.status_code == 302
    assert response["Location"] == archive.troops.get_absolute_url()
    (suggestion,) = CorrectionSuggestion.objects.all()
    assert suggestion.quote == archive.troops and not suggestion.resolved
    assert "Thank you" in text_of(client.get(response["Location"]))


def test_correction_needs_a_message_and_a_csrf_token(client, archive):
    response = client.post(f"/quotes/{archive.troops.pk}/correction/", {"message": ""})
    assert response.status_code == 200
    assert "This field is required." in text_of(response)
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"/quotes/{archive.troops.pk}/correction/", {"message": "Wrong"}).status_code == 403
    assert not CorrectionSuggestion.objects.exists()


def test_corrections_are_rate_limited(client, archive, settings):
    settings.CORRECTIONS_PER_HOUR = 2
    url = f"/quotes/{archive.troops.pk}/correction/"
    assert [client.post(url, {"message": "Wrong"}).status_code for _ in range(3)] == [302, 302, 429]
    assert CorrectionSuggestion.objects.count() == 2


def test_no_corrections_for_hidden_quotes(client, archive):
    assert client.post(f"/quotes/{archive.rejected.pk}/correction/", {"message": "x"}).status_code == 404


# Bad input: the form's error or an empty list, never a 500


BAD_QUERIES = [
    "after=2017-13-45",
    "before=not-a-date",
    "page=-1",
    "page=99999",
    "page=abc",
    "page=%00",
    "speaker=abc",
    "pledger=abc",
    "outlet=abc",
    "status=nonsense",
    "kind=%00",
    "sort=nonsense",
    "sort=%00",
    "format=%00",
    "format=xml",
    "q=%00",
    "q=troops%00",
    'q="""',
    "q=NEAR(",
    "q=*",
    "q=AND+OR+NOT",
    "q=" + "x" * 300,
    "unknown=1&also=%00",
    "after=%00&before=%00&subject=%00&place=%00&topic=%00&quantity=%00",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
@pytest.mark.parametrize("url", [*LIST_URLS, "/speakers/ada-lovelace/", "/search/"])
def test_bad_input_never_breaks_a_page(client, archive, url, query):
    response = client.get(f"{url}?{query}", follow=True)
    assert response.status_code == 200


@pytest.mark.parametrize("url", [*LIST_URLS, "/articles/feed/", "/quotes/feed/", "/pledges/feed/", "/search/"])
def test_a_ten_kilobyte_query_string_is_harmless(client, archive, url):
    response = client.get(url, {"q": "troops " * 1500, "sort": "x" * 2000})
    assert response.status_code == 200


def test_invalid_date_shows_the_form_error_and_an_empty_list(client, archive):
    response = client.get("/quotes/?after=2017-13-45")
    page = text_of(response)
    assert "Enter a valid date." in page
    assert list(response.context["quote_list"]) == []
    # Asked to correct the filters, not told that nothing matches them.
    assert "Correct the filters to see results." in page
    assert "No quotes match" not in page
    assert "No quotes match these filters." in text_of(client.get("/quotes/?after=2100-01-01"))


def test_unknown_speaker_shows_the_form_error(client, archive):
    response = client.get("/quotes/?speaker=abc")
    assert "Select a valid choice" in text_of(response)
    assert list(response.context["quote_list"]) == []


def test_search_syntax_is_treated_as_words(client, archive):
    response = client.get('/quotes/?q="troops*+(')
    assert quote_texts(response) == [archive.troops.text]


def test_out_of_range_pages_show_the_nearest_page(client, archive):
    assert client.get("/articles/?page=99999").context["page_obj"].number == 1
    assert client.get("/articles/?page=abc").context["page_obj"].number == 1


def test_unknown_parameters_are_ignored(client, archive):
    response = client.get("/articles/?utm_source=mail&fbclid=x")
    assert len(response.context["article_list"]) == 2


# Query budgets: the same number of queries whatever the page size


def fill_archive(archive, n: int):
    for i in range(n):
        speaker = make_speaker(f"Filler speaker {i}")
        article = make_article(headline=f"Filler {i}", body=f"Filler {i} said the troops are ready.")
        make_quote("the troops are ready", article=article, speaker=speaker)


@pytest.mark.parametrize(
    ("url", "budget"),
    [
        ("/", 10),  # the latest articles and quotes, and a count for each line of the scorecard
        ("/articles/?q=troops&speaker=ada-lovelace&subject=worldnews&outlet=reuters", 11),  # and the cached choices
        ("/speakers/?sort=-quotes", 3),
        ("/quotes/?q=troops&speaker=ada-lovelace&outlet=reuters", 7),
        ("/speakers/ada-lovelace/", 6),  # the speaker, aliases, roles, months, quotes, and the pledges she made
        ("/search/?q=troops", 8),
        ("/about/", 1),  # the totals, kept until the pages change
        ("/articles/feed/", 3),
        ("/quotes/feed/", 3),
        ("/speakers/ada-lovelace/feed/", 4),
        ("/quotes/?format=csv", 4),
        ("/api/quotes/", 2),
        ("/sitemap.xml", 10),
    ],
)
def test_query_budget_does_not_grow_with_the_page(client, archive, django_assert_max_num_queries, url, budget):
    fill_archive(archive, 30)
    client.get(url)  # the filters' choices, kept until the pages change, are then in the cache
    with django_assert_max_num_queries(budget):
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200


@pytest.mark.parametrize(("name", "budget"), [("treaty", 3), ("troops", 1)])
def test_detail_page_query_budget(client, archive, django_assert_max_num_queries, name, budget):
    with django_assert_max_num_queries(budget):
        assert client.get(getattr(archive, name).get_absolute_url()).status_code == 200


def test_list_items_show_only_what_the_listed_rows_hold(archive, django_assert_num_queries):
    from django.template import engines

    from articles.models import Article, Quote
    from pledges.models import Pledge

    make_pledge("We will reopen the port", pledger=archive.grace, action="reopen the port", made_on_text="last year")
    quotes, pledges, articles = (list(model.objects.listed()) for model in (Quote, Pledge, Article))
    items = engines["jinja2"].env.get_template("_items.html").module
    # An item that read a column its list left out would ask the database for it, one query an item.
    with django_assert_num_queries(0):
        shown = [
            *(items.quote_figure(quote, query) for quote in quotes for query in (None, "troops")),
            *(items.pledge_item(pledge, query) for pledge in pledges for query in (None, "aid")),
            *(items.article_item(article, query) for article in articles for query in (None, "troops")),
        ]
    assert len(pledges) == 4 and any(pledge.made_on is None for pledge in pledges)
    assert any("made last year" in item for item in shown)
    assert any("reported speech" in item and "Ada Lovelace" in item for item in shown)
    assert any("GENEVA" in item and "Reuters" in item for item in shown)


def test_the_api_and_downloads_give_only_what_the_exported_rows_hold(archive, django_assert_num_queries):
    from articles.models import Article, Quote
    from articles.serializers import ArticleSerializer, QuoteSerializer
    from pledges.models import Pledge
    from pledges.serializers import PledgeSerializer

    exported = [
        (serializer, list(model.objects.exported()))
        for model, serializer in ((Article, ArticleSerializer), (Quote, QuoteSerializer), (Pledge, PledgeSerializer))
    ]
    # A field that read a column the rows left out would ask the database for it, one query a row.
    with django_assert_num_queries(0):
        rows = [serializer(row).data for serializer, rows in exported for row in rows]
    assert len(rows) == 3 + 6 + 3
    expected = [
        {"headline": "Harbour wall to be rebuilt", "outlet_name": "Licensed Daily", "place": "OTTAWA"},
        {"speaker_name": "Ada Lovelace", "outlet": "Reuters", "article_headline": archive.treaty.headline},
        {"pledger_name": "Ada Lovelace", "deadline_text": "by 2019", "topic": "aid", "start": archive.double.start},
    ]
    assert all(any(values.items() <= row.items() for row in rows) for values in expected)


# At scale


def test_a_speaker_is_found_by_name_as_typed_or_by_slug(client, archive):
    by_name = client.get("/quotes/", {"speaker": "Ada Lovelace"}).context["quote_list"]
    by_slug = client.get("/quotes/", {"speaker": "ada-lovelace"}).context["quote_list"]
    assert list(by_name) == list(by_slug)
    assert {quote.speaker for quote in by_slug} == {archive.ada}


@pytest.mark.parametrize(
    ("filterset_name", "query"),
    [
        ("articles.filters.ArticleFilter", ""),
        ("articles.filters.ArticleFilter", "subject=politics&place=OTTAWA&outlet=reuters&sort=-published"),
        ("articles.filters.QuoteFilter", "q=%22harbour%22+%3Cb%3E&speaker=ada-lovelace&after=2017-01-01&sort=speaker"),
        ("articles.filters.SpeakerFilter", "q=ada&kind=person&sort=-quotes"),
        ("pledges.filters.PledgeFilter", "status=kept&topic=aid&quantity=true&due_before=2019-12-31&sort=deadline"),
    ],
)
def test_filter_controls_are_written_as_djangos_widgets_write_them(rf, archive, filterset_name, query):
    from django.test.html import parse_html
    from django.utils.module_loading import import_string

    from articles.presentation import form_control

    request = rf.get(f"/?{query}")
    form = import_string(filterset_name)(request.GET, request=request).form
    assert form.is_valid(), form.errors
    for field in form:
        # As HTML: Django writes a quote mark in a value as &quot;, MarkupSafe as &#34;, and puts line breaks
        # between a select's options.
        assert parse_html(form_control(field)) == parse_html(str(field)), field.name


def test_the_speaker_filter_does_not_list_every_speaker(client, archive):
    page = client.get("/quotes/").content.decode()
    assert '<input type="text" name="speaker"' in page
    assert "Grace Hopper</option>" not in page


def test_a_long_list_is_counted_only_a_little_past_the_page(client, archive, monkeypatch):
    fill_archive(archive, 30)
    monkeypatch.setattr("articles.pagination.COUNT_AHEAD", 1)
    response = client.get("/quotes/")
    assert response.context["paginator"].count == 26
    assert "26+ quotes" in text_of(response)
    assert "Page 1 of 2+" in text_of(response)
    # The next page counts further on.
    assert client.get("/quotes/?page=2").context["paginator"].count > 26


def test_a_speakers_quotes_are_counted_by_the_speakers_stored_count(client, archive, monkeypatch):
    for n in range(30):
        make_quote(f"the {n} bridges would open in spring", speaker=archive.ada)
    monkeypatch.setattr("articles.pagination.COUNT_AHEAD", 1)
    archive.ada.refresh_from_db()
    for url in ("/quotes/?speaker=ada-lovelace&sort=speaker", "/speakers/ada-lovelace/"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert ("26+ quotes" if url.startswith("/quotes/") else "All 32 quotes") in text_of(response)
        assert not [query for query in queries if "COUNT(" in query["sql"] and "articles_quote" in query["sql"]]
    # Narrowed further, the list is counted.
    narrowed = client.get("/quotes/", {"speaker": "ada-lovelace", "q": "bridges 7"})
    assert narrowed.context["paginator"].count == len(narrowed.context["quote_list"]) == 1


@pytest.mark.parametrize("url", ["/quotes/?q=troops", "/articles/?q=troops", "/api/quotes/?q=troops", "/pledges/"])
def test_a_list_is_counted_without_being_sorted(client, archive, url):
    # A searched list's order is its relevance, which no index holds: sorting every match only to count them
    # took most of such a list's time.
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    counts = [query["sql"] for query in queries if query["sql"].startswith("SELECT COUNT(*)")]
    assert counts
    # The rows counted end with the limit, not with the list's order (a search's own newest matches keep theirs).
    assert not [sql for sql in counts if re.search(r"(ASC|DESC|LAST|FIRST) LIMIT \d+\) subquery$", sql)]


def test_the_api_counts_as_the_pages_do(client, archive, monkeypatch):
    fill_archive(archive, 30)
    monkeypatch.setattr("articles.pagination.COUNT_AHEAD", 1)
    body = client.get("/api/quotes/").json()
    assert body["count"] == 26
    assert body["next"]


def test_a_list_goes_no_deeper_than_its_deepest_page(client, archive, monkeypatch):
    fill_archive(archive, 30)
    monkeypatch.setattr("articles.pagination.DEEPEST_PAGE", 1)
    response = client.get("/quotes/")
    assert "25+ quotes" in text_of(response)
    assert 'rel="next"' not in response.content.decode()
    assert "The list stops at page 1: narrow the dates" in text_of(response)
    # A deeper page shows the deepest; the API has none.
    assert client.get("/quotes/?page=2").context["page_obj"].number == 1
    assert client.get("/api/quotes/?page=2").status_code == 404
    body = client.get("/api/quotes/").json()
    assert (body["count"], body["next"]) == (25, None)
    # Narrowed to fewer than the deepest page holds, the list says nothing of stopping.
    assert "The list stops" not in text_of(client.get("/quotes/", {"speaker": archive.grace.slug}))


@pytest.mark.parametrize("url", ["/api/quotes/", "/quotes/"])
def test_a_page_number_past_any_archive_is_no_page_not_an_error(client, archive, url):
    response = client.get(url, {"page": "41083636053680005120"})
    assert response.status_code in {200, 404}
    if response.status_code == 200:  # the site's lists show their last page
        assert response.context["page_obj"].number == 1


def test_a_speaker_who_made_no_pledge_is_shown_none_without_a_look(client, archive):
    speaker = make_speaker("Ines Moreau", slug="ines-moreau")
    make_quote("the harbour would reopen in May", speaker=speaker)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/speakers/ines-moreau/")
    assert "No pledges recorded." in text_of(page)
    assert not [query for query in queries if "pledges_pledge" in query["sql"]]


def test_a_speakers_page_shows_the_first_pledges_and_links_to_all(client, archive, monkeypatch):
    monkeypatch.setattr("articles.views.PLEDGES_SHOWN", 1)
    page = client.get(f"/speakers/{archive.ada.slug}/")
    assert len(page.context["pledges"]) == 1
    assert "?pledger=ada-lovelace" in text_of(page)
