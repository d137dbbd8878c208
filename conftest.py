"""Test set-up shared by every app.

Browser tests (marked `browser`) drive Debian's Chromium through Playwright; where it is absent they
skip with a message, unless REQUIRE_BROWSER is set (as CI sets it), when they fail.

The suite runs on SQLite, and on PostgreSQL when DATABASE_URL names a server: `make test` runs it
against both. A PostgreSQL run whose server does not answer is skipped with a message, unless
REQUIRE_POSTGRES is set (as CI sets it), when it fails.
"""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.template.backends import jinja2 as jinja2_backend
from django.test.signals import template_rendered

from newsarchive.settings import database_from_url

PROJECT = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def report_jinja2_renders():
    """Send Django's template_rendered signal for Jinja2 templates too, as it sends for its own in tests.

    From it the test client learns a response's templates and context (``response.context``).
    """
    render = jinja2_backend.Template.render

    def render_and_report(self, context=None, request=None):
        context = {} if context is None else context
        template_rendered.send(sender=self, template=self, context=context)
        return render(self, context, request)

    jinja2_backend.Template.render = render_and_report


def pytest_configure(config):
    report_jinja2_renders()
    # The test client and the live server speak plain HTTP; the HTTPS-only settings of production have
    # tests of their own (newsarchive/tests/test_security.py).
    settings.SECURE_SSL_REDIRECT = settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_HSTS_SECONDS = 0
    # A read replica as production has (articles/routing.py): `replica1` is the test database itself (TEST MIRROR),
    # so tests see which connection a query takes. The router stays off unless a test switches it on.
    settings.DATABASES.setdefault("replica1", {**settings.DATABASES["default"], "TEST": {"MIRROR": "default"}})
    settings.DATABASE_ROUTERS = []
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
    if replica_url := os.environ.get("TEST_REPLICA_URL"):
        # A real streaming replica of this server (.ci/start-replica): the primary's options at the replica's
        # address; as a mirror it reads this run's test database.
        settings.DATABASES["streaming_replica"] = {
            **database,
            **database_from_url(replica_url),
            "TEST": {"MIRROR": "default"},
        }


@pytest.fixture(autouse=True)
def pages_uncached(settings):
    """Pages are rendered afresh: a test's changes never commit, so the cache would never learn of them.

    The cache itself is tested where changes commit for real (articles/tests/test_caching.py).
    """
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Templates find static files without running collectstatic first."""
    settings.STATIC_ROOT = None
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright, shared by every browser test."""
    if not CHROMIUM.exists():
        message = f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"REQUIRE_BROWSER is set, but {message}")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls beside it are the tests' own.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def shared_database_url(transactional_db, tmp_path):
    """A migrated database that other processes reach: this run's PostgreSQL test database, or a SQLite file
    (the SQLite test database lives in this process's memory)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        db = connection.settings_dict
        url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    else:
        url = f"sqlite://{tmp_path}/archive.sqlite3"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
        cwd=PROJECT,
        env=os.environ | {"DATABASE_URL": url, "SECRET_KEY": "tests-only"},
        check=True,
        timeout=300,
    )
    return url
