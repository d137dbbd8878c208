"""Test set-up shared by every app.

The suite runs on SQLite, and on PostgreSQL when DATABASE_URL names a server: `make test` runs it
against both. A PostgreSQL run whose server does not answer is skipped with a message, unless
REQUIRE_POSTGRES is set (as CI sets it), when it fails.
"""

import os

import psycopg
import pytest
from django.conf import settings


def pytest_configure(config):
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        return
    try:
        psycopg.connect(
            host=database["HOST"],
            port=database["PORT"] or 5432,
            user=database["USER"],
            password=database["PASSWORD"],
            dbname=database["NAME"],
            connect_timeout=3,
        ).close()
    except psycopg.OperationalError as error:
        where = f"{database['HOST']}:{database['PORT'] or 5432}"
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.exit(f"PostgreSQL at {where} is required (REQUIRE_POSTGRES) but does not answer: {error}", 1)
        pytest.exit(f"PostgreSQL at {where} does not answer, so the PostgreSQL run is skipped: {error}", 0)


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Templates find static files without running collectstatic first."""
    settings.STATIC_ROOT = None
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
