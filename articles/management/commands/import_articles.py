"""Import articles from .txt, .csv and .jsonl files or folders, running extraction on each new story.

Each article is stored in its own transaction. A bad record is reported as FILE:LINE: reason and
the rest of the file is imported; the command then exits non-zero.
"""

import logging
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.importing.readers import FORMATS, read_paths
from articles.importing.records import RejectedRecord
from articles.importing.store import import_article
from articles.models import ImportOutcome

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Import articles from .txt, .csv or .jsonl files, or folders of them."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to import")
        parser.add_argument("--outlet", default="", help="the outlet of records that name none (e.g. BBC)")
        parser.add_argument("--draft", action="store_true", help="import as drafts, hidden from readers")
        parser.add_argument("--no-extract", action="store_true", help="store the articles without extraction")

    def handle(self, *args, paths, outlet, draft, no_extract, verbosity, **options):
        counts = dict.fromkeys((ImportOutcome.CREATED, ImportOutcome.UPDATED, ImportOutcome.UNCHANGED, "rejected"), 0)
        progress = Progress(self.stderr, total=count_records(paths)) if verbosity and sys.stderr.isatty() else None
        for record in read_paths(paths):
            if isinstance(record, RejectedRecord):
                counts["rejected"] += 1
                self.report(progress, str(record))
            else:
                try:
                    outcome = import_article(record, draft=draft, default_outlet=outlet, run_extraction=not no_extract)
                except Exception as error:  # one story that cannot be stored must not stop the others
                    logger.exception("%s: could not be stored", record.where)
                    counts["rejected"] += 1
                    self.report(progress, f"{record.where}: could not be stored: {error}")
                else:
                    counts[outcome.action] += 1
                    if verbosity >= 2:
                        self.report(progress, f"{record.where}: {outcome.action} {outcome.article.slug}")
            if progress:
                progress.advance()
        if progress:
            progress.finish()
        summary = ", ".join(f"{count} {action}" for action, count in counts.items())
        if counts["rejected"]:
            raise CommandError(f"Finished with rejections: {summary}.")
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Done: {summary}."))

    def report(self, progress, message):
        if progress:
            progress.clear()
        self.stderr.write(message)


def count_records(paths) -> int:
    """An estimate for the progress bar: a line a record, read in blocks so memory stays flat."""
    total = 0
    for path in map(Path, paths):
        files = [p for p in path.rglob("*") if p.suffix in FORMATS] if path.is_dir() else [path]
        for file in files:
            if file.suffix == ".txt":
                total += 1
            elif file.is_file():
                with file.open("rb") as stream:
                    total += sum(block.count(b"\n") for block in iter(lambda s=stream: s.read(1 << 20), b""))
    return max(total, 1)


class Progress:
    """A one-line progress bar on a terminal: count, rate and time left."""

    WIDTH = 30

    def __init__(self, stream, total: int):
        self.stream, self.total, self.done = stream, total, 0
        self.started = self.shown = time.monotonic()

    def advance(self):
        self.done += 1
        now = time.monotonic()
        if now - self.shown >= 0.2:
            self.shown = now
            self.draw(now)

    def draw(self, now):
        rate = self.done / max(now - self.started, 1e-6)
        share = min(self.done / self.total, 1.0)
        left = max(self.total - self.done, 0) / rate if rate else 0
        bar = "#" * int(share * self.WIDTH)
        self.stream.write(
            f"\r[{bar:<{self.WIDTH}}] {self.done:,}/{self.total:,} {rate:,.0f} articles/s, {left:,.0f} s left",
            ending="",
        )
        self.stream.flush()

    def clear(self):
        self.stream.write("\r\033[K", ending="")

    def finish(self):
        self.draw(time.monotonic())
        self.stream.write("")
