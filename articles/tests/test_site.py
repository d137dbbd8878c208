"""What `make run` serves from the seeds: the home page, the seed article, the health check."""

import html
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError

from articles.models import Article

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("import_articles", str(SEEDS), verbosity=0)


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_when_the_database_is_down(client):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("gone")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_home_lists_the_seed(client, seeded):
    response = client.get("/")
    assert response.status_code == 200
    assert "Canada will not be sending hundreds of peacekeepers" in response.text


def test_seed_article_page(client, seeded):
    response = client.get("/")
    link = response.context["articles"][0].get_absolute_url()
    page = client.get(link)
    assert page.status_code == 200
    for expected in (
        "Canada will not be sending hundreds",
        "Vancouver",
        "Reuters",
        "15 November 2017",
        "Jean-Pierre Lacroix",
    ):
        assert expected in page.text


def test_missing_article_is_a_404(client):
    assert client.get("/articles/no-such-story/").status_code == 404


def test_stripped_apostrophes_are_put_back_for_readers(client, seeded):
    article = Article.objects.get()
    page = html.unescape(client.get(article.get_absolute_url()).text)
    assert "Queen's University" in page
    assert "I'm sure there's a strong determination" in page
    assert "Queen s University" in article.body  # the stored text stays as imported
    lacroix = html.unescape(client.get("/speakers/jean-pierre-lacroix/").text)
    assert "I'm sure there's" in lacroix
    assert "Also written as: Jean-Pierre Lacroix" not in lacroix


def test_favicon_leads_to_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/icon.svg")
