"""Migrations run from zero, forwards and back, on whichever database the suite uses."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_migrations_from_zero_and_back():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    ours = [(app, None) for app in ("pledges", "articles")]
    executor.migrate(ours)
    executor.loader.build_graph()
    tables = connection.introspection.table_names()
    assert "articles_article" not in tables and "pledges_pledge" not in tables
    executor.migrate(leaves)
    assert {"articles_article", "articles_quote", "pledges_pledge"} <= set(connection.introspection.table_names())


@pytest.mark.django_db(transaction=True)
def test_the_count_of_pledges_made_on_a_speakers_behalf_is_filled_in():
    before = [("articles", "0012_speaker_summaries"), ("pledges", "0007_pledger_status_index")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    Speaker, Article, Pledge = (
        apps.get_model(name) for name in ("articles.Speaker", "articles.Article", "pledges.Pledge")
    )
    trudeau, canada = (Speaker.objects.create(name=name, slug=name.lower()) for name in ("Justin Trudeau", "Canada"))
    article = Article.objects.create(headline="Peacekeepers", slug="peacekeepers", body="...", fingerprint="f")

    def pledge(slug: str, pledger, on_behalf_of, public: bool = True):
        Pledge.objects.create(
            article=article,
            text="...",
            start=0,
            end=3,
            slug=slug,
            pledger=pledger,
            on_behalf_of=on_behalf_of,
            action="contribute troops",
            public=public,
        )

    pledge("for-canada", trudeau, canada)
    pledge("rejected-for-canada", trudeau, canada, public=False)
    pledge("canada-for-itself", canada, canada)
    pledge("his-own", trudeau, None)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    from articles.models import Speaker as CurrentSpeaker

    counts = dict(CurrentSpeaker.objects.values_list("name", "pledged_for_count"))
    assert counts == {"Justin Trudeau": 0, "Canada": 1}
