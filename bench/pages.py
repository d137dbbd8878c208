"""Throughput and latency of the public pages at scale, against /healthz on the same server, and against Datasette.

Usage: python bench/pages.py DATABASE [--seconds 10] [--connections 8] [--no-datasette] [--queries-only]

DATABASE is a SQLite file or a PostgreSQL URL, already filled (e.g. by `import_articles` of a corpus that
bench/make_corpus.py made). The database is migrated, and nothing else is written to it but the shared cache
and the planner's statistics (ANALYZE). The site is served with gunicorn as `make run` serves it (HTTPS=off,
two workers) and each page is driven with wrk (Debian's; `apt-get install wrk`) from 127.0.0.1: uncached
(PAGE_CACHE_SECONDS=0), then with the page cache warm. Each page's rate is divided by that of /healthz, the limit
of this server, measured for half as long just before the page and again just after (the /healthz row, so
divided, shows how far the machine drifts). Each page is first requested for WARM_UP_SECONDS, unmeasured, so that
every worker's database cache holds what it reads. "search, many words" asks for SEARCHED_WORDS in turn.
On SQLite, Datasette (from a separate virtualenv, DATASETTE, default
/tmp/datasette-venv/bin/datasette) serves the same file, and its filtered quotes table page is measured the
same way. Finally, for each page, the number of queries and the plan (EXPLAIN) of the slowest one, through
Django's test client in this process.
All traffic stays on this machine; every wait is bounded.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
DATASETTE = Path(os.environ.get("DATASETTE", Path(tempfile.gettempdir()) / "datasette-venv/bin/datasette"))
WRK_LINE = re.compile(r"^\s+(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)
UNITS_IN_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
WARM_UP_SECONDS = 2
# Words of the news, common and less so, that "search, many words" asks for in turn: one word asked again and
# again is the best case of a search (its pages cached by the database, and on PostgreSQL its statements planned
# once), and a word found in a few thousand quotes costs PostgreSQL more than one found in most.
SEARCHED_WORDS = """
government minister troops election police court president economy trade talks security border army climate health
refugees protest budget oil energy bank market prices vote parliament party leader war peace ceasefire sanctions
nuclear missile attack hospital school water food farmers workers strike union company shares investors growth
inflation taxes reform law judge prison rights women children
""".split()  # noqa: SIM905 - reads as the paragraph of words it is
EACH_WORD = "{word}"
# The word in place of EACH_WORD where one request stands for the row: one of middling frequency, PostgreSQL's
# costly case, so that its queries and plan are reported.
SAMPLE_WORD = "missile"


def pages(database: str) -> dict[str, str]:
    """The pages measured, with their parameters taken from the data: the busiest speaker, the newest half-year."""
    django_setup(database)
    from django.db.models import Count, Max

    from articles.models import Article, Quote, Speaker
    from pledges.models import Pledge

    speaker = Speaker.objects.named().order_by("-quote_count").values_list("slug", flat=True).first()
    newest = Article.objects.published().aggregate(newest=Max("published"))["newest"]
    status = Pledge.objects.values_list("status", flat=True).annotate(n=Count("pk")).order_by("-n").first()
    article = Article.objects.published().order_by("-published", "-id").first()
    pledge = Pledge.objects.published().order_by("-made_on", "-id").first()
    word = "government"
    return {
        "/healthz": "/healthz",
        "home": "/",
        "articles": "/articles/",
        "article": article.get_absolute_url(),
        "quotes by speaker": f"/quotes/?speaker={speaker}",
        "quotes by dates": f"/quotes/?after={newest.replace(month=1, day=1)}&before={newest}",
        "pledges by status": f"/pledges/?status={status}",
        "pledge": pledge.get_absolute_url(),
        "speakers": "/speakers/",
        "speaker": f"/speakers/{speaker}/",
        "search": f"/search/?q={word}",
        "search, many words": f"/search/?q={EACH_WORD}",
        "api articles": "/api/articles/",
        "api quotes": "/api/quotes/",
        "api speakers": "/api/speakers/",
        "api pledges": "/api/pledges/",
        "_speaker_id": str(Speaker.objects.get(slug=speaker).pk),
        "_quotes": str(Quote.objects.count()),
        "_settings": database_settings(),
    }


def database_settings() -> str:
    """The PostgreSQL server's settings that the figures depend on (README, "PostgreSQL's settings"); "" on SQLite."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        shown = []
        for setting in ("shared_buffers", "random_page_cost"):
            cursor.execute(f"SHOW {setting}")
            shown.append(f"{setting} {cursor.fetchone()[0]}")
    return f"; {', '.join(shown)}"


def django_setup(database: str) -> None:
    os.environ.update(server_environment(database, cache_seconds=0))
    import django

    sys.path.insert(0, str(PROJECT))
    django.setup()


def database_url(database: str) -> str:
    return database if "://" in database else f"sqlite:///{Path(database).resolve()}"


def server_environment(database: str, cache_seconds: int) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url(database),
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only"),
        "VAR_DIR": os.environ.get("VAR_DIR", str(Path(tempfile.gettempdir()) / "bench-pages-var")),
        "HTTPS": "off",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "newsarchive.settings",
        "PAGE_CACHE_SECONDS": str(cache_seconds),
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(port: int, path: str, seconds: float = 60) -> None:
    if not answers(port, path, seconds):
        raise SystemExit(f"nothing answered {path} on port {port} within {seconds} s")


def answers(port: int, path: str, seconds: float) -> bool:
    """Whether ``path`` answers 200 within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=max(deadline - time.monotonic(), 1))
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return True
        except OSError:
            time.sleep(0.3)
    return False


def start_gunicorn(env: dict, port: int) -> subprocess.Popen:
    command = [str(PROJECT / ".venv/bin/gunicorn"), "newsarchive.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
    return subprocess.Popen(command, cwd=PROJECT, env={**os.environ, **env}, stdout=subprocess.DEVNULL)


def start_datasette(sqlite_file: str, port: int) -> subprocess.Popen:
    command = [str(DATASETTE), "serve", sqlite_file, "-h", "127.0.0.1", "-p", str(port)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=20)


def wrk(port: int, path: str, seconds: int, connections: int) -> tuple[float, float, float]:
    """Requests a second, p50 and p99 in milliseconds, from `wrk --latency`."""
    url = f"http://127.0.0.1:{port}{path}"
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "30s", url]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        if EACH_WORD in path:
            script.write(each_word_in_turn(path))
            script.flush()
            command += ["--script", script.name]
        output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    if "Non-2xx" in output:
        raise SystemExit(f"{path} answered errors under load:\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = {share: float(value) * UNITS_IN_MS[unit] for share, value, unit in WRK_LINE.findall(output)}
    return rate, latency["50"], latency["99"]


def each_word_in_turn(path: str) -> str:
    """A wrk script asking for ``path`` with each of SEARCHED_WORDS in turn in place of EACH_WORD."""
    words = ", ".join(f'"{word}"' for word in SEARCHED_WORDS)
    before, after = path.split(EACH_WORD)
    return (
        f"local words = {{{words}}}\nlocal asked = 0\n"
        "request = function()\n  asked = asked + 1\n"
        f'  return wrk.format(nil, "{before}" .. words[asked % #words + 1] .. "{after}")\nend\n'
    )


def measure(port: int, paths: dict[str, str], seconds: int, connections: int, warm: bool) -> dict[str, tuple]:
    """Each page's rate, p50 and p99, and those of /healthz, its limit, measured for half as long just before it
    and again just after, and averaged: this machine's speed drifts by a fifth from one minute to the next, and a
    page is compared with the server as it was then."""
    results = {}
    half = max(seconds // 2, 1)
    for name, path in paths.items():
        # The first request stores the page; one slower than gunicorn's timeout is never stored, nor measured.
        if warm and not answers(port, path.replace(EACH_WORD, SAMPLE_WORD), 60):
            sys.stdout.write(f"{name}: no answer within 60 s, not measured\n")
            continue
        # Each worker's first requests for a page fill its database cache, which a running server does once: a
        # search's first took 280 ms on SQLite, against 17 after, and three 10 s runs of it read p99s of 206, 117
        # and 96 ms.
        wrk(port, path, WARM_UP_SECONDS, connections)
        wait_until_serving(port, "/healthz", seconds=120)
        before = wrk(port, "/healthz", half, connections)
        page = wrk(port, path, seconds, connections)
        # Requests wrk left in flight, or gave up on, may still occupy the workers: /healthz after the page is
        # measured once they are done, where a slow page's last requests held up its first ones (a p99 of
        # 31 ms, against 8 ms before it, after /search/).
        wait_until_serving(port, "/healthz", seconds=120)
        after = wrk(port, "/healthz", half, connections)
        results[name] = (*page, *((first + second) / 2 for first, second in zip(before, after, strict=True)))
    return results


def report_rates(title: str, results: dict[str, tuple], datasette: tuple | None) -> None:
    out = sys.stdout
    out.write(f"\n{title}\n{'page':<20}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'/healthz':>10}{'p99/hz':>8}")
    out.write(f"{'hz req/s':>10}{'hz p99':>8}")
    out.write(f"{'/datasette':>12}\n" if datasette else "\n")
    for name, (rate, p50, p99, health_rate, _, health_p99) in results.items():
        out.write(f"{name:<20}{rate:>9.1f}{p50:>9.1f}{p99:>9.1f}{rate / health_rate:>10.2f}{p99 / health_p99:>8.1f}")
        out.write(f"{health_rate:>10.1f}{health_p99:>8.1f}")
        out.write(f"{rate / datasette[0]:>12.1f}\n" if datasette else "\n")
    if datasette:
        rate, p50, p99 = datasette
        out.write(f"{'datasette quotes':<20}{rate:>9.1f}{p50:>9.1f}{p99:>9.1f}\n")


def report_queries(paths: dict[str, str]) -> None:
    """Queries per page, and the plan of the slowest one, through the test client in this process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    client = Client()
    out = sys.stdout
    with override_settings(
        ALLOWED_HOSTS=["testserver"],
        STORAGES={"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
    ):
        for name, path in ((name, path.replace(EACH_WORD, SAMPLE_WORD)) for name, path in paths.items()):
            client.get(path)  # once to warm this process's caches, as a serving worker has them
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                status = client.get(path).status_code
                elapsed = (time.perf_counter() - started) * 1000
            slowest = max(captured.captured_queries, key=lambda query: float(query["time"]))
            out.write(
                f"\n{name} {path}: {status}, {len(captured)} queries, {elapsed:.0f} ms in all; "
                f"slowest {float(slowest['time']) * 1000:.0f} ms:\n  {slowest['sql'][:600]}\n"
            )
            for line in explain(connection, slowest["sql"]):
                out.write(f"    {line}\n")


def explain(connection, sql: str) -> list[str]:
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        rows = cursor.fetchall()
    if connection.vendor == "sqlite":
        return [row[-1] for row in rows]
    return [row[0] for row in rows]


def prepare(database: str) -> None:
    """Migrate, collect the static files, and refresh the planner's statistics, as a finished import leaves them."""
    env = {**os.environ, **server_environment(database, cache_seconds=0)}
    for command in (["migrate", "--no-input", "-v0"], ["collectstatic", "--no-input", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=PROJECT, env=env, check=True, timeout=3600)
    analyze = "from articles.management.commands.import_articles import refresh_statistics; refresh_statistics()"
    command = [sys.executable, "manage.py", "shell", "-c", analyze]
    subprocess.run(command, cwd=PROJECT, env=env, check=True, timeout=3600)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database", help="a SQLite file or a postgres:// URL, already filled")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--no-datasette", action="store_true", help="skip the Datasette comparison")
    parser.add_argument("--queries-only", action="store_true", help="only count queries and explain the slowest")
    parser.add_argument("--only", nargs="+", metavar="PAGE", help="measure only these pages (and /healthz)")
    args = parser.parse_args()
    prepare(args.database)
    paths = pages(args.database)
    speaker_id, quotes, settings = paths.pop("_speaker_id"), paths.pop("_quotes"), paths.pop("_settings")
    if args.only:
        paths = {name: path for name, path in paths.items() if name == "/healthz" or name in args.only}
    sys.stdout.write(f"{args.database}: {quotes} quotes{settings}\n")
    if not args.queries_only:
        if not shutil.which("wrk"):
            raise SystemExit("wrk is missing: apt-get install wrk")
        datasette = None
        sqlite_file = "" if "://" in args.database else str(Path(args.database).resolve())
        if sqlite_file and not args.no_datasette:
            port = free_port()
            server = start_datasette(sqlite_file, port)
            table_page = f"/{Path(sqlite_file).stem}/articles_quote?speaker_id={speaker_id}"
            try:
                wait_until_serving(port, table_page)
                datasette = wrk(port, table_page, args.seconds, args.connections)
            finally:
                stop(server)
        for title, cache_seconds in (("Uncached (PAGE_CACHE_SECONDS=0)", 0), ("Cache warm", 300)):
            port = free_port()
            server = start_gunicorn(server_environment(args.database, cache_seconds), port)
            try:
                wait_until_serving(port, "/healthz")
                results = measure(port, paths, args.seconds, args.connections, warm=cache_seconds > 0)
            finally:
                stop(server)
            report_rates(title, results, datasette)
    report_queries(paths)
    return 0


if __name__ == "__main__":
    sys.exit(main())
