"""Anonymous readers read from a replica; editors, writes, transactions and commands use the primary.

`replica1` is the test database itself under another connection (TEST MIRROR, set up in conftest.py), so each
test sees which connection a query took. The tests are transactional: rows must be committed for a second
connection to see them, and a test transaction held open on the primary would route every read there.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from articles.routing import ReplicaRouter, reads_from
from articles.tests.factories import make_article, make_quote

PROJECT = Path(__file__).resolve().parents[2]
REPLICA_MIDDLEWARE = "articles.routing.ReplicaReadsMiddleware"
REPLICATION_WAIT_SECONDS = 10

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica1"])


def with_replica_middleware(middleware: list[str]) -> list[str]:
    """The project's middleware with replica reads added where settings.py adds them."""
    after = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
    return [*middleware[:after], REPLICA_MIDDLEWARE, *middleware[after:]]


def switch_on_replicas(settings, replicas: list[str]) -> None:
    settings.DATABASE_REPLICAS = replicas
    settings.DATABASE_ROUTERS = ["articles.routing.ReplicaRouter"]
    settings.MIDDLEWARE = with_replica_middleware(settings.MIDDLEWARE)


@pytest.fixture
def replica_routing(settings):
    switch_on_replicas(settings, ["replica1"])


class Queries:
    """The SQL each of the two connections ran inside the block."""

    def __enter__(self):
        self.primary = CaptureQueriesContext(connections["default"]).__enter__()
        self.replica = CaptureQueriesContext(connections["replica1"]).__enter__()
        return self

    def __exit__(self, *exc_info):
        self.replica.__exit__(*exc_info)
        self.primary.__exit__(*exc_info)

    @staticmethod
    def reads_of(captured: CaptureQueriesContext, table: str) -> list[str]:
        return [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT") and table in q["sql"]]


def test_an_anonymous_reader_reads_from_the_replica(client, replica_routing):
    article = make_article()
    with Queries() as queries:
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert article.headline in response.text
    assert Queries.reads_of(queries.replica, "articles_article")
    assert not Queries.reads_of(queries.primary, "articles_article")


def test_an_editor_reads_own_writes_from_the_primary(client, replica_routing, django_user_model):
    client.force_login(django_user_model.objects.create_user("editor", password="a-long-test-password"))
    article = make_article()
    with Queries() as queries:
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert Queries.reads_of(queries.primary, "articles_article")
    assert queries.replica.captured_queries == []


def test_a_post_reads_and_writes_on_the_primary(client, replica_routing):
    quote = make_quote()
    with Queries() as queries:
        response = client.post(f"/quotes/{quote.pk}/correction/", {"message": "She said 500 bridges."})
    assert response.status_code == 302
    assert Queries.reads_of(queries.primary, "articles_quote")
    assert queries.replica.captured_queries == []
    assert quote.corrections.count() == 1


def test_writes_go_to_the_primary_and_later_reads_follow_them(replica_routing):
    with reads_from("replica1"):
        with Queries() as before_writing:
            Article.objects.count()
        with Queries() as writing:
            article = make_article()
        with Queries() as after_writing:
            Article.objects.get(pk=article.pk)
    assert Queries.reads_of(before_writing.replica, "articles_article")
    assert [q for q in writing.primary.captured_queries if q["sql"].startswith("INSERT")]
    assert writing.replica.captured_queries == after_writing.replica.captured_queries == []
    assert Queries.reads_of(after_writing.primary, "articles_article")


def test_reads_inside_a_transaction_use_the_primary(replica_routing):
    with reads_from("replica1"), Queries() as queries, transaction.atomic():
        Article.objects.count()
    assert queries.replica.captured_queries == []
    assert Queries.reads_of(queries.primary, "articles_article")


def test_commands_and_other_code_outside_requests_read_from_the_primary(replica_routing):
    with Queries() as queries:
        Article.objects.count()
    assert queries.replica.captured_queries == []


def test_migrations_only_on_the_primary_and_relations_across_replicas(settings):
    settings.DATABASE_REPLICAS = ["replica1"]
    router = ReplicaRouter()
    assert router.allow_migrate("default", "articles") is True
    assert router.allow_migrate("replica1", "articles") is False
    on_primary, on_replica = Article(), Article()
    on_primary._state.db, on_replica._state.db = "default", "replica1"
    assert router.allow_relation(on_primary, on_replica) is True
    on_replica._state.db = "elsewhere"
    assert router.allow_relation(on_primary, on_replica) is None


def database_settings(tmp_path, **env) -> dict:
    """DATABASES, DATABASE_ROUTERS and MIDDLEWARE as a fresh process reads them from ``env``."""
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'DATABASES': s.DATABASES, 'ROUTERS': s.DATABASE_ROUTERS, 'MIDDLEWARE': s.MIDDLEWARE},"
        " default=str))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DATABASE_REPLICA_URLS"}}
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=clean | {"DJANGO_SETTINGS_MODULE": "newsarchive.settings", "VAR_DIR": str(tmp_path), "DEBUG": "1"} | env,
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.mark.django_db(databases=[])
def test_replica_urls_make_mirrored_aliases_a_router_and_the_middleware(tmp_path):
    configured = database_settings(
        tmp_path,
        DATABASE_URL="postgres://archive@db1/news",
        DATABASE_REPLICA_URLS="postgres://archive@db2/news, postgres://archive@db3:6543/news",
    )
    databases = configured["DATABASES"]
    assert list(databases) == ["default", "replica1", "replica2"]
    assert (databases["replica2"]["HOST"], databases["replica2"]["PORT"]) == ("db3", "6543")
    assert databases["replica1"]["TEST"]["MIRROR"] == databases["replica2"]["TEST"]["MIRROR"] == "default"
    assert configured["ROUTERS"] == ["articles.routing.ReplicaRouter"]
    middleware = configured["MIDDLEWARE"]
    assert middleware == with_replica_middleware([m for m in middleware if m != REPLICA_MIDDLEWARE])


@pytest.mark.django_db(databases=[])
def test_one_database_needs_no_router(tmp_path):
    configured = database_settings(tmp_path)
    assert list(configured["DATABASES"]) == ["default"]
    assert configured["ROUTERS"] == []
    assert REPLICA_MIDDLEWARE not in configured["MIDDLEWARE"]


def streaming_replica_or_skip() -> dict:
    """The `streaming_replica` alias's settings; where none answers, a skip (a failure under REQUIRE_REPLICA)."""
    if connections["default"].vendor != "postgresql":
        pytest.skip("the streaming replica test belongs to the PostgreSQL run")
    if "streaming_replica" not in connections:
        missing = "TEST_REPLICA_URL names no streaming replica (.ci/start-replica starts one)"
    else:
        replica = connections["streaming_replica"].settings_dict
        try:
            # The server's own database: this run's test database may not have reached the replica yet.
            with connect(replica, dbname="postgres") as replica_server:
                in_recovery = replica_server.execute("select pg_is_in_recovery()").fetchone()[0]
        except psycopg.OperationalError as error:
            missing = f"the streaming replica at {replica['HOST']}:{replica['PORT']} does not answer: {error}"
        else:
            assert in_recovery, f"{replica['HOST']}:{replica['PORT']} is a primary, not a streaming replica"
            return replica
    if os.environ.get("REQUIRE_REPLICA"):
        pytest.fail(f"REQUIRE_REPLICA is set, but {missing}")
    pytest.skip(missing)


def connect(database: dict, dbname: str | None = None) -> psycopg.Connection:
    return psycopg.connect(
        host=database["HOST"],
        port=database["PORT"] or 5432,
        user=database["USER"],
        password=database["PASSWORD"],
        dbname=dbname or database["NAME"],
        connect_timeout=3,
        autocommit=True,
    )


def replicated(replica: dict, article: Article) -> bool:
    """Whether the replica holds the article yet; its copy of the test database may itself still be on the way."""
    try:
        with connect(replica) as replica_connection:
            found = replica_connection.execute("select 1 from articles_article where id = %s", [article.pk])
            return found.fetchone() is not None
    except psycopg.OperationalError:
        return False


@pytest.mark.replica
# Every alias: `streaming_replica` is there only when TEST_REPLICA_URL names one.
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_a_streaming_replica_serves_an_anonymous_reader_what_the_primary_wrote(client, settings):
    replica = streaming_replica_or_skip()
    switch_on_replicas(settings, ["streaming_replica"])
    article = make_article(headline="Written on the primary, read on the replica")

    deadline = time.monotonic() + REPLICATION_WAIT_SECONDS
    while not replicated(replica, article):
        assert time.monotonic() < deadline, f"the article did not reach the replica in {REPLICATION_WAIT_SECONDS} s"
        time.sleep(0.05)

    with CaptureQueriesContext(connections["streaming_replica"]) as replica_queries:
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert article.headline in response.text
    assert any("articles_article" in q["sql"] for q in replica_queries.captured_queries)
    assert connections["streaming_replica"].connection.info.port == int(replica["PORT"])
