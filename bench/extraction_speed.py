"""Measure extraction speed on an articles JSON-lines file (extraction only, no I/O in the timing).

Usage: python bench/extraction_speed.py POOL.jsonl [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from articles.extraction import extract  # noqa: E402
from articles.extraction.jsonl import parse_published  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("articles", type=Path, help="articles, one JSON object a line (text, published)")
    parser.add_argument("--repeat", type=int, default=3, help="passes over the file (default 3)")
    args = parser.parse_args()
    with args.articles.open(encoding="utf-8") as lines:
        articles = [json.loads(line) for line in lines if line.strip()]
    inputs = [(a.get("text") or "", parse_published(a.get("published"))) for a in articles]
    characters = sum(len(text) for text, _ in inputs)
    started = time.perf_counter()
    for _ in range(args.repeat):
        for text, published in inputs:
            extract(text, published)
    elapsed = time.perf_counter() - started
    count = len(inputs) * args.repeat
    print(  # noqa: T201 - reporting is what this script is for
        f"{count} extractions of {len(inputs)} articles (mean {characters / max(len(inputs), 1):.0f} chars): "
        f"{count / elapsed:.0f} articles/s, {1000 * elapsed / count:.2f} ms/article"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
