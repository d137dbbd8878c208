"""Batch extraction over JSON lines: one article in, one gold-shaped record out."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import TextIO

from .pipeline import extract


def parse_published(value: str | None) -> dt.date | None:
    """The publication date of an article record (ISO date), or None when missing or unreadable."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def extract_jsonl(lines: Iterable[str], out: TextIO) -> int:
    """Read article records (``id``, ``text``, ``published``) and write one ``as_gold`` line each.

    Returns the number of articles written.
    """
    count = 0
    for line in lines:
        if not line.strip():
            continue
        article = json.loads(line)
        extraction = extract(article.get("text") or "", parse_published(article.get("published")))
        out.write(json.dumps(extraction.as_gold(str(article.get("id"))), ensure_ascii=False) + "\n")
        count += 1
    return count
