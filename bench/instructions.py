"""Instructions each public page costs, counted by callgrind: the same figures on every run, however busy the machine.

Usage: python bench/instructions.py DATABASE [--requests 5] [--only PAGE...] [--path PATH...]

DATABASE is a filled SQLite file or PostgreSQL URL, as for bench/pages.py, whose pages this measures. Each page is
requested through Django's test client in one process run under valgrind's callgrind, uncached
(PAGE_CACHE_SECONDS=0), after three requests to warm it; instructions are counted only during the measured requests
(`callgrind_control -i on/off`). Each page's count is shown with /healthz's divided by it: the in-process side of
bench/pages.py's ratio, which adds what gunicorn and wrk cost each request (about 1.2 million instructions here),
so that a wrk ratio of 0.10 wants a page under about 25 million. The database's own work in another process (a
PostgreSQL server's) is not counted; SQLite's, in this one, is.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import PROJECT, django_setup, pages, prepare  # noqa: E402 - the benchmarks' own folder, put on the path above

INNER = "--inside-callgrind"


def count_instructions(paths: dict[str, str], requests: int, dumps: Path) -> dict[str, float]:
    """Millions of instructions per request of each path; run inside callgrind, with instrumentation off."""
    from django.test import Client

    client, pid, counts = Client(HTTP_HOST="127.0.0.1"), str(os.getpid()), {}

    def callgrind(*arguments: str) -> None:
        subprocess.run([shutil.which("callgrind_control"), *arguments, pid], check=True, capture_output=True)

    for name, path in paths.items():
        for _ in range(3):
            if (status := client.get(path).status_code) != 200:
                raise SystemExit(f"{path} answered {status}")
        callgrind("-z")
        callgrind("-i", "on")
        for _ in range(requests):
            client.get(path)
        before = set(dumps.glob("callgrind.out*"))
        callgrind("-d")
        callgrind("-i", "off")
        (dump,) = set(dumps.glob("callgrind.out*")) - before
        counts[name] = total_instructions(dump) / requests / 1e6
    return counts


def total_instructions(dump: Path) -> int:
    with dump.open() as lines:
        return next(int(line.split()[1]) for line in lines if line.startswith(("summary:", "totals:")))


def report(counts: dict[str, float], paths: dict[str, str]) -> None:
    limit = counts["/healthz"]
    sys.stdout.write(f"{'page':<20} {'M instructions':>15} {'/healthz ratio':>15}  path\n")
    for name, millions in counts.items():
        sys.stdout.write(f"{name:<20} {millions:>15.2f} {limit / millions:>15.3f}  {paths[name]}\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database", help="a SQLite file or a postgres:// URL, already filled")
    parser.add_argument("--requests", type=int, default=5, help="measured requests of each page")
    parser.add_argument("--only", nargs="+", metavar="PAGE", help="measure only these pages (and /healthz)")
    parser.add_argument("--path", nargs="+", default=[], metavar="PATH", help="measure these addresses too")
    parser.add_argument(INNER, metavar="DIR", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.inside_callgrind:
        django_setup(options.database)
        paths = {name: path for name, path in pages(options.database).items() if not name.startswith("_")}
        if options.only:
            paths = {name: path for name, path in paths.items() if name in {"/healthz", *options.only}}
        paths |= {path: path for path in options.path}
        report(count_instructions(paths, options.requests, Path(options.inside_callgrind)), paths)
        return 0
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is needed (Debian's package valgrind)")
    prepare(options.database)
    with tempfile.TemporaryDirectory(prefix="bench-instructions-") as dumps:
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={dumps}/callgrind.out",
            sys.executable,
            __file__,
            *sys.argv[1:],
            INNER,
            dumps,
        ]
        # valgrind's own messages go to its log, not between the figures.
        finished = subprocess.run(
            command, cwd=PROJECT, check=False, env={**os.environ, "VALGRIND_OPTS": f"--log-file={dumps}/valgrind.log"}
        )
        if finished.returncode:
            sys.stderr.write(Path(dumps, "valgrind.log").read_text()[-2000:])
        return finished.returncode


if __name__ == "__main__":
    sys.exit(main())
