"""Run the extractor over an articles JSON-lines file and write gold-shaped predictions.

Usage: python bench/score_dev.py INPUT.jsonl OUTPUT.jsonl
then:  python3 score_extraction.py GOLD.jsonl OUTPUT.jsonl
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from articles.extraction import extract_jsonl  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("input", type=Path, help="articles, one JSON object a line (id, text, published)")
    parser.add_argument("output", type=Path, help="where to write one extraction a line")
    args = parser.parse_args()
    with args.input.open(encoding="utf-8") as lines, args.output.open("w", encoding="utf-8") as out:
        count = extract_jsonl(lines, out)
    sys.stderr.write(f"{count} articles -> {args.output}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
