"""Import with extraction as the archive grows: articles per second and peak memory, chunk by chunk.

Usage: python bench/import_speed.py CORPUS.jsonl [--articles 100000] [--chunk 10000] [--database-url URL]

Imports the first --articles records of CORPUS (make one with bench/make_corpus.py) into a scratch
SQLite database (or an empty scratch PostgreSQL database named by --database-url), --chunk records at
a time, each chunk by `manage.py import_articles` with its default options, and prints for each chunk
the archive's size, the rate and the importing process's peak memory. The rate must not fall and the
memory must stay flat as the archive grows.
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def write_chunk(source, path: Path, size: int) -> int:
    with path.open("w", encoding="utf-8") as out:
        lines = list(itertools.islice(source, size))
        out.writelines(lines)
    return len(lines)


def timed_import(env: dict, path: Path) -> tuple[float, int]:
    """Seconds and peak resident memory (KiB) of one import_articles run."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_articles", str(path), "--verbosity", "0"], cwd=PROJECT, env=env
    )
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"import_articles failed with exit status {process.returncode}")
    return time.perf_counter() - started, usage.ru_maxrss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--chunk", type=int, default=10_000)
    parser.add_argument("--database-url", default="", help="an empty scratch database; default: scratch SQLite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch, args.corpus.open(encoding="utf-8") as source:
        url = args.database_url or f"sqlite://{scratch}/import.sqlite3"
        env = os.environ | {"DATABASE_URL": url, "SECRET_KEY": "bench-only", "VAR_DIR": scratch, "LOG_LEVEL": "ERROR"}
        subprocess.run([sys.executable, "manage.py", "migrate", "--verbosity", "0"], cwd=PROJECT, env=env, check=True)
        sys.stdout.write(f"{'archive size':>14} {'chunk':>7} {'seconds':>8} {'articles/s':>11} {'peak MiB':>9}\n")
        held = 0
        while held < args.articles:
            chunk = Path(scratch, "chunk.jsonl")
            count = write_chunk(source, chunk, min(args.chunk, args.articles - held))
            if not count:
                break
            seconds, peak = timed_import(env, chunk)
            held += count
            sys.stdout.write(f"{held:>14,} {count:>7,} {seconds:>8.1f} {count / seconds:>11.1f} {peak / 1024:>9.0f}\n")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
