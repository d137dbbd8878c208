"""Settings come from the environment, and an unsafe production configuration refuses to start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db.backends.sqlite3.base import DatabaseWrapper

from newsarchive.settings import database_from_url, sqlite_database

PROJECT = Path(__file__).resolve().parents[2]


def start_django(tmp_path, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=clean | {"DJANGO_SETTINGS_MODULE": "newsarchive.settings", "VAR_DIR": str(tmp_path)} | env,
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_refuses_to_start_without_a_secret_key(tmp_path):
    result = start_django(tmp_path)
    assert result.returncode != 0
    assert "No secret key: set SECRET_KEY, or run `make run` once" in result.stderr


@pytest.mark.parametrize("env", [{"SECRET_KEY": "x" * 50}, {"DEBUG": "1"}])
def test_starts_with_a_key_or_in_debug(tmp_path, env):
    assert start_django(tmp_path, **env).returncode == 0


def test_key_file_is_read(tmp_path):
    (tmp_path / "secret_key").write_text("y" * 50 + "\n")
    assert start_django(tmp_path).returncode == 0


def test_postgres_url():
    database = database_from_url("postgres://archive:s%40cret@db.example:6543/news")
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["USER"], database["PASSWORD"], database["HOST"], database["PORT"], database["NAME"]) == (
        "archive",
        "s@cret",
        "db.example",
        "6543",
        "news",
    )


def test_postgresql_statements_are_prepared_unless_turned_off():
    assert database_from_url("postgres://archive@db.example/news")["OPTIONS"] == {
        "server_side_binding": True,
        "prepare_threshold": 5,
    }
    script = "from newsarchive.settings import database_from_url as d; print(d('postgres://a@db.example/n')['OPTIONS'])"
    turned_off = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT,
        env=os.environ | {"PREPARED_STATEMENTS": "off", "SECRET_KEY": "x" * 50},
        capture_output=True,
        text=True,
        check=True,
    )
    assert turned_off.stdout.strip() == "{}"


@pytest.mark.django_db
def test_a_statement_postgresql_is_given_again_and_again_is_prepared():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    with connection.cursor() as cursor:
        for _ in range(6):
            cursor.execute("SELECT %s::int", [1])
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'SELECT $1::int%%'")
        assert cursor.fetchone()[0] == 1


def test_sqlite_url_keeps_wal_and_immediate_transactions(tmp_path):
    database = database_from_url(f"sqlite://{tmp_path}/a.sqlite3")
    assert database["NAME"] == tmp_path / "a.sqlite3"
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]


def test_unknown_scheme():
    with pytest.raises(Exception, match="unsupported scheme 'mysql'"):
        database_from_url("mysql://localhost/news")


@pytest.mark.django_db
def test_sqlite_file_database_runs_in_wal_mode(tmp_path):
    connection = DatabaseWrapper(
        sqlite_database(tmp_path / "archive.sqlite3")
        | {"TIME_ZONE": None, "CONN_HEALTH_CHECKS": False, "CONN_MAX_AGE": 0, "AUTOCOMMIT": True},
        alias="probe",
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
    finally:
        connection.close()
