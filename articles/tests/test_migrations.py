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
