"""Property-based tests: whatever a reader sends, the site answers without a server error, and whatever
a file holds, the importer stores whole articles or reports the record, never half of one."""

import io
import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from articles.importing.readers import read_stream
from articles.importing.records import ArticleRecord, RejectedRecord
from articles.importing.store import import_article
from articles.models import Article, ImportOutcome
from articles.tests.factories import make_archive

pytestmark = pytest.mark.django_db

LISTS = ["/articles/", "/quotes/", "/speakers/", "/pledges/", "/search/", "/speakers/ada-lovelace/"]
PARAMETERS = [
    "q",
    "speaker",
    "pledger",
    "outlet",
    "subject",
    "place",
    "status",
    "kind",
    "after",
    "before",
    "sort",
    "page",
    "format",
    "quantity",
    "due_after",
    "due_before",
    "topic",
    "made_after",
]
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "-1",
            "0",
            "99999",
            "2017-13-45",
            "2017-11-15",
            "-published",
            "csv",
            "json",
            "kept",
            "overdue",
            "person",
            '"""',
            "NEAR(",
            "\x00",
            "a\x00b",
            "x" * 3000,
            "%",
            "' OR 1=1 --",
        ]
    ),
)
queries = st.dictionaries(st.one_of(st.sampled_from(PARAMETERS), st.text(max_size=8)), values, max_size=5)


@pytest.fixture
def archive():
    return make_archive()


@FUZZ
@given(path=st.sampled_from(LISTS), query=queries)
def test_no_list_answers_a_server_error(client, archive, path, query):
    response = client.get(path, query)
    assert response.status_code in {200, 301, 302, 404}, (path, query)


# Read while tests are collected, before any test database exists: so past the page cache, which lives there.
with override_settings(PAGE_CACHE_SECONDS=0):
    api = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture
def connection_kept_open():
    """As Django's test client does: a request's end must not close the test's database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@api.parametrize()
@FUZZ
def test_api_never_answers_a_server_error(case, archive, connection_kept_open):
    case.call_and_validate(checks=[not_a_server_error])


record_lines = st.lists(
    st.one_of(
        st.builds(
            lambda text, date, ident: json.dumps({"id": ident, "text": text, "published": date}),
            st.text(max_size=300),
            st.one_of(st.just(""), st.just("2017-11-15"), st.text(max_size=12)),
            st.text(max_size=10),
        ),
        st.binary(max_size=80).map(lambda raw: raw.decode("latin-1")),
    ),
    max_size=6,
)


@FUZZ
@given(lines=record_lines, suffix=st.sampled_from([".jsonl", ".csv", ".txt"]))
def test_importer_stores_whole_articles_or_reports_the_record(lines, suffix):
    raw = "\n".join(lines).encode("utf-8", "surrogateescape")
    for record in read_stream(io.BytesIO(raw), f"fuzz{suffix}"):
        assert isinstance(record, ArticleRecord | RejectedRecord)
        if isinstance(record, RejectedRecord):
            assert record.reason and record.where.startswith("fuzz")
            continue
        outcome = import_article(record)
        article = Article.objects.get(pk=outcome.article.pk)
        if outcome.action == ImportOutcome.CREATED:
            assert article.body == record.body
        for item in [*article.quotes.all(), *article.pledges.all()]:
            assert article.body[item.start : item.end] == item.text
