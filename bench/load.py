"""Mixed public traffic while an editor imports articles and changes pledge statuses; nothing may fail or go missing.

Usage: python bench/load.py [--seconds 120] [--connections 16] [--articles 1000] [--database-url URL]

Serves the site with gunicorn as `make run` does, on a scratch SQLite database (or on DATABASE_URL /
--database-url: use an empty, scratch PostgreSQL database), drives --connections readers at it from
127.0.0.1 for --seconds, while one editor process imports --articles new stories and another records
pledge status changes. Then it checks: no 5xx, no "database is locked", every story and status change
present. Prints a summary (JSON with --json) and exits non-zero if any check fails. All traffic stays
on this machine and every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
READER_PATHS = [
    "/",
    "/articles/",
    "/articles/?sort=-published&page=2",
    "/quotes/",
    "/quotes/?kind=direct",
    "/speakers/",
    "/speakers/?sort=-quotes",
    "/pledges/",
    "/pledges/?status=in-the-works",
    "/search/?q=harbour",
    "/api/quotes/",
    "/api/articles/",
    "/healthz",
]
STATUS_SCRIPT = """
import sys, time
from pledges.models import Pledge, Status
deadline = time.monotonic() + {seconds}
done = 0
statuses = [Status.IN_THE_WORKS, Status.STALLED, Status.COMPROMISE, Status.KEPT]
while done < {changes} and time.monotonic() < deadline:
    pledge = Pledge.objects.order_by("?").first()
    if pledge is None:
        time.sleep(0.2)
        continue
    pledge.record_status(statuses[done % len(statuses)], note="load test {{}}".format(done))
    done += 1
    time.sleep({pause})
print(done)
"""


def synthetic_stories(path: Path, count: int, first: int) -> Path:
    """Stories written for the load test, each its own text, each with a quote and a pledge."""
    places = ["OTTAWA", "LONDON", "NAIROBI", "CANBERRA", "LIMA"]
    mayors = ["Ann Lee", "Omar Diallo", "Ines Moreau", "Tom Becker", "Sara Novak"]
    with path.open("w") as out:
        for n in range(first, first + count):
            text = (
                f"{places[n % len(places)]} (Reuters) - The harbour wall in Port {n} will be rebuilt by spring, "
                f"Mayor {mayors[n % len(mayors)]} said on Monday. The government promised to spend up to ${n % 90 + 1} "
                f"million on harbours by 2020. We will not leave the town behind, the mayor told reporters."
            )
            out.write(json.dumps({"id": f"load-{n}", "text": text, "published": f"2017-{n % 12 + 1:02d}-15"}) + "\n")
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env: dict, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT, env=env, capture_output=True, text=True, **kwargs
    )


def wait_until_serving(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer on port {port} within {seconds} s")


class Reader(threading.Thread):
    """One connection reading pages until the deadline; keeps each answer's status and time."""

    def __init__(self, port: int, deadline: float, seed: int):
        super().__init__(daemon=True)
        self.port, self.deadline, self.random = port, deadline, random.Random(seed)
        self.results: list[tuple[int, float]] = []

    def run(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while time.monotonic() < self.deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", self.random.choice(READER_PATHS))
                response = connection.getresponse()
                response.read()
                status = response.status
            except OSError:
                status = 599  # no answer at all counts as a server error
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.results.append((status, time.perf_counter() - started))


def percentile(samples: list[float], share: float) -> float:
    return statistics.quantiles(samples, n=100)[int(share * 100) - 1] if len(samples) > 1 else samples[0]


def run(seconds: float, connections: int, articles: int, status_changes: int, database_url: str, scratch: Path):
    env = os.environ | {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "load-test-only",
        "HTTPS": "off",
        "VAR_DIR": str(scratch),
        "LOG_LEVEL": "WARNING",
    }
    for step in (["migrate", "--no-input"], ["collectstatic", "--no-input"]):
        manage(env, *step, "--verbosity", "0", check=True)
    base = synthetic_stories(scratch / "base.jsonl", 200, first=0)
    manage(env, "import_articles", str(base), "--verbosity", "0", check=True)
    before = json.loads(manage(env, "shell", "--no-imports", "-c", COUNT_SCRIPT, check=True).stdout)

    port = free_port()
    log = (scratch / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "newsarchive.wsgi", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "2", "--threads", "4"],
        cwd=PROJECT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_serving(port)
        deadline = time.monotonic() + seconds
        readers = [Reader(port, deadline, seed) for seed in range(connections)]
        for reader in readers:
            reader.start()
        new = synthetic_stories(scratch / "new.jsonl", articles, first=200)
        pause = max(seconds / max(status_changes, 1) / 2, 0.01)
        script = STATUS_SCRIPT.format(seconds=seconds, changes=status_changes, pause=pause)
        editors = [
            subprocess.Popen(
                [sys.executable, "manage.py", command, *args],
                cwd=PROJECT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for command, args in (("import_articles", [str(new)]), ("shell", ["--no-imports", "-c", script]))
        ]
        outcomes = [editor.communicate(timeout=seconds + 600) for editor in editors]
        for reader in readers:
            reader.join(timeout=seconds + 60)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()

    after = json.loads(manage(env, "shell", "--no-imports", "-c", COUNT_SCRIPT, check=True).stdout)
    results = [result for reader in readers for result in reader.results]
    latencies = [elapsed * 1000 for _, elapsed in results]
    changed = int(outcomes[1][0].strip() or 0)
    server_log = (scratch / "gunicorn.log").read_text()
    summary = {
        "database": database_url.split(":", 1)[0],
        "seconds": seconds,
        "connections": connections,
        "requests": len(results),
        "requests_per_second": round(len(results) / seconds, 1),
        "server_errors": sum(status >= 500 for status, _ in results),
        "database_locked": server_log.count("database is locked")
        + sum(output.count("database is locked") for pair in outcomes for output in pair),
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "articles_imported": after["articles"] - before["articles"],
        "articles_expected": articles,
        "import_exit_status": editors[0].returncode,
        "status_changes_made": changed,
        "status_changes_present": after["status_changes"] - before["status_changes"],
    }
    summary["ok"] = (
        summary["server_errors"] == 0
        and summary["database_locked"] == 0
        and summary["import_exit_status"] == 0
        and summary["articles_imported"] == articles
        and summary["status_changes_present"] == changed
    )
    return summary


COUNT_SCRIPT = (
    "import json; from articles.models import Article; from pledges.models import PledgeStatusChange; "
    "print(json.dumps({'articles': Article.objects.count(), 'status_changes': PledgeStatusChange.objects.count()}))"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--articles", type=int, default=1000, help="stories the editor imports meanwhile")
    parser.add_argument("--status-changes", type=int, default=100, help="pledge status changes meanwhile")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""), help="default: scratch SQLite")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url or f"sqlite://{scratch}/load.sqlite3"
        summary = run(args.seconds, args.connections, args.articles, args.status_changes, url, Path(scratch))
    if args.json:
        sys.stdout.write(json.dumps(summary) + "\n")
    else:
        for key, value in summary.items():
            sys.stdout.write(f"{key:>24}: {value}\n")
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
