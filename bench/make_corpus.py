"""Build a large JSON Lines corpus for benchmarks by varying a given one (or the seeds).

Usage: python bench/make_corpus.py OUTPUT.jsonl [--source ../shared/corpus/pool.jsonl] [--articles 100000]

Each new article is a source article with its numbers changed, its date moved and its people
renamed (one consistent set of new surnames per copy), so no two share a text and de-duplication does
not collapse the corpus, while every story keeps its shape: the same quotes and pledges, by other
people, on other days. Streams: memory stays flat whatever the size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
NUMBER = re.compile(r"\b\d+\b")
# A capitalised word after a title or first name is the likeliest surname; renaming those keeps
# the speakers of one copy consistent with each other and distinct from other copies.
SURNAMES = [
    "Abara",
    "Berglund",
    "Castell",
    "Dimitrov",
    "Esposito",
    "Farrow",
    "Grunwald",
    "Haddad",
    "Ibsen",
    "Jovanovic",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrova",
    "Quist",
    "Romero",
    "Sandoval",
    "Takahashi",
    "Umarov",
    "Varga",
    "Whitlock",
    "Xavier",
    "Yilmaz",
    "Zeller",
]
TITLED_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|President|Minister|Senator|Chancellor|Mayor) ([A-Z][a-z]{2,})\b")


def read_source(path: Path | None):
    files = [path] if path else sorted(SEEDS.glob("*.jsonl"))
    articles = [json.loads(line) for file in files for line in file.open(encoding="utf-8") if line.strip()]
    if not articles:
        raise SystemExit("no articles to vary")
    return articles


def variant(article: dict, copy: int) -> dict:
    """The ``copy``-th variation of an article: other numbers, another date, other surnames."""
    renames = {}

    def rename(match: re.Match) -> str:
        surname = match.group(1)
        if surname not in renames:
            renames[surname] = SURNAMES[(copy + len(renames)) % len(SURNAMES)] + ("" if copy < 26 else f"-{copy}")
        return match.group(0).replace(surname, renames[surname])

    text = TITLED_NAME.sub(rename, article["text"])
    for old, new in renames.items():
        text = re.sub(rf"\b{re.escape(old)}\b", new, text)
    text = NUMBER.sub(lambda m: str(int(m.group()) + copy), text)
    if copy and text == article["text"]:
        # A story with no numbers or titled names: a wire-style trailer tells the copies apart.
        text += f" (Reporting by the {SURNAMES[copy % len(SURNAMES)]} desk, edition {copy})"
    published = article.get("published") or "2017-01-01"
    moved = dt.date.fromisoformat(published) + dt.timedelta(days=copy % 1500)
    return {
        "id": f"{article.get('id', 'article')}-v{copy}",
        "title": article.get("title", ""),
        "text": text,
        "subject": article.get("subject", ""),
        "published": moved.isoformat(),
        "outlet": article.get("outlet", ""),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output", type=Path)
    parser.add_argument("--source", type=Path, help="articles to vary (JSON Lines); default: seeds/")
    parser.add_argument("--articles", type=int, default=100_000)
    args = parser.parse_args()
    source = read_source(args.source)
    with args.output.open("w", encoding="utf-8") as out:
        for n in range(args.articles):
            copy, index = divmod(n, len(source))
            out.write(json.dumps(variant(source[index], copy), ensure_ascii=False) + "\n")
    sys.stderr.write(f"Wrote {args.articles:,} articles to {args.output}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
