"""Readers for article files: one per format, each streaming records one at a time.

Each yields an ArticleRecord per good record and a RejectedRecord (FILE:LINE: reason) per bad
one, so a bad record never stops the rest of the file.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from .dateline import parse_date
from .records import ArticleRecord, RejectedRecord

FORMATS = (".txt", ".csv", ".jsonl")
MAX_TEXT_CHARS = 2_000_000  # far beyond any story; a larger field is a broken file, not an article
MAX_LINE_BYTES = 4 * MAX_TEXT_CHARS
BINARY_SNIFF_BYTES = 8192

Record = ArticleRecord | RejectedRecord


def read_paths(paths: Iterable[str | os.PathLike]) -> Iterator[Record]:
    """Every record of every file named, walking folders in name order."""
    for path in map(Path, paths):
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    if name.endswith(FORMATS):
                        yield from read_file(Path(root, name))
        elif path.exists():
            yield from read_file(path)
        else:
            yield RejectedRecord(str(path), "no such file or folder")


def read_file(path: Path) -> Iterator[Record]:
    with path.open("rb") as stream:
        yield from read_stream(stream, str(path))


def read_stream(stream: BinaryIO, name: str) -> Iterator[Record]:
    """Records from an open binary file, its format told by the name's ending."""
    reader = {".txt": read_txt, ".csv": read_csv, ".jsonl": read_jsonl}.get(Path(name).suffix.lower())
    if reader is None:
        yield RejectedRecord(name, f"not an article file: expected one of {', '.join(FORMATS)}")
        return
    if b"\0" in stream.read(BINARY_SNIFF_BYTES):
        yield RejectedRecord(f"{name}:1", "binary file, not text")
        return
    stream.seek(0)
    yield from reader(stream, name)


def text_problem(text: str) -> str | None:
    if not text.strip():
        return "missing or empty text"
    if len(text) > MAX_TEXT_CHARS:
        return f"text of {len(text):,} characters is over the limit of {MAX_TEXT_CHARS:,}"
    if "\0" in text:
        return "NUL character in the text"  # no database column can hold one
    return None


def read_txt(stream: BinaryIO, name: str) -> Iterator[Record]:
    """One article a file: the body alone, or a headline line, a blank line, then the body."""
    raw = stream.read(MAX_LINE_BYTES + 1)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        yield RejectedRecord(f"{name}:{line}", "undecodable bytes: not UTF-8 text")
        return
    headline, body = "", text.strip()
    first, blank, rest = body.partition("\n\n")
    if blank and rest.strip() and len(first) <= 300 and "\n" not in first.strip():
        headline, body = first.strip(), rest.strip()
    if problem := text_problem(body):
        yield RejectedRecord(f"{name}:1", problem)
        return
    yield ArticleRecord(body=body, where=f"{name}:1", headline=headline)


def read_jsonl(stream: BinaryIO, name: str) -> Iterator[Record]:
    """One JSON object a line: id, title, text, subject, published, url, outlet."""
    for number, line in enumerate(limited_lines(stream), 1):
        where = f"{name}:{number}"
        if line is None:
            yield RejectedRecord(where, f"line longer than {MAX_LINE_BYTES:,} bytes")
            continue
        if not line.strip():
            continue
        try:
            row = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError:
            yield RejectedRecord(where, "undecodable bytes: not UTF-8 text")
            continue
        except json.JSONDecodeError as error:
            yield RejectedRecord(where, f"invalid JSON: {error.msg} at column {error.colno}")
            continue
        if not isinstance(row, dict):
            yield RejectedRecord(where, "expected a JSON object")
            continue
        yield record_from_row(row, where, date_key="published")


def read_csv(stream: BinaryIO, name: str) -> Iterator[Record]:
    """The ISOT columns title, text, subject, date (and optionally id, url, outlet)."""
    # surrogateescape keeps undecodable bytes visible per row instead of failing the file.
    lines = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    csv.field_size_limit(MAX_LINE_BYTES)
    reader = csv.reader(lines)
    try:
        header = [column.strip().lower() for column in next(reader)]
    except StopIteration:
        return
    except csv.Error as error:
        yield RejectedRecord(f"{name}:1", f"invalid CSV header: {error}")
        return
    if "text" not in header:
        yield RejectedRecord(f"{name}:1", "no 'text' column in the header")
        return
    while True:
        first_line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield RejectedRecord(f"{name}:{first_line}", f"invalid CSV row: {error}")
            continue
        where = f"{name}:{first_line}"
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            yield RejectedRecord(where, f"expected {len(header)} columns, found {len(cells)}")
            continue
        if any(has_undecodable(cell) for cell in cells):
            yield RejectedRecord(where, "undecodable bytes: not UTF-8 text")
            continue
        yield record_from_row(dict(zip(header, cells, strict=True)), where, date_key="date")


def has_undecodable(text: str) -> bool:
    return any("\udc80" <= char <= "\udcff" for char in text)


def record_from_row(row: dict, where: str, date_key: str) -> Record:
    text = row.get("text")
    if not isinstance(text, str):
        return RejectedRecord(where, "missing or empty text")
    if problem := text_problem(text):
        return RejectedRecord(where, problem)
    fields = {key: row.get(key) for key in ("title", "subject", "url", "id", "outlet", date_key)}
    for key, value in fields.items():
        if value is not None and not isinstance(value, str | int):
            return RejectedRecord(where, f"{key!r} must be text")
        if isinstance(value, str) and len(value) > 2000:
            return RejectedRecord(where, f"{key!r} is {len(value):,} characters long")
        if isinstance(value, str) and "\0" in value:
            return RejectedRecord(where, f"NUL character in {key!r}")
    date_text = str(fields[date_key] or "").strip()
    published = parse_date(date_text)
    if date_text and published is None:
        return RejectedRecord(where, f"unreadable date {date_text[:40]!r}: use 2017-11-15 or November 15, 2017")
    return ArticleRecord(
        body=text.strip(),
        where=where,
        headline=str(fields["title"] or "").strip(),
        subject=str(fields["subject"] or "").strip(),
        published=published,
        url=str(fields["url"] or "").strip(),
        external_id=str(fields["id"] or "").strip(),
        outlet=str(fields["outlet"] or "").strip(),
    )


def limited_lines(stream: BinaryIO) -> Iterator[bytes | None]:
    """Lines of at most MAX_LINE_BYTES; None for a longer one, which is skipped, not held in memory."""
    while line := stream.readline(MAX_LINE_BYTES + 1):
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while (rest := stream.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass
            yield None
        else:
            yield line
