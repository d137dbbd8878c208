"""Import articles from .txt, .csv and .jsonl files or folders, running extraction on each new story.

Each article is stored in its own transaction or savepoint, and a batch of new stories together (a story
that cannot be stored rolls back alone). A bad record is reported as FILE:LINE: reason and the rest of
the file is imported; the command then exits non-zero. Workers (one per core by default)
import side by side; --shard I/N splits a large import across machines sharing one database.
"""

import argparse
import contextlib
import functools
import itertools
import logging
import multiprocessing
import os
import sys
import time
import weakref
from collections.abc import Iterator
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction

from articles.caching import new_generation, throttle_page_changes
from articles.importing.readers import FORMATS, read_paths
from articles.importing.records import RejectedRecord
from articles.importing.store import read_article, store_article, store_new_articles
from articles.models import ImportOutcome
from articles.search import compact_recent_tables

logger = logging.getLogger(__name__)
RELAXED_CONNECTIONS = weakref.WeakSet()
# Readers see an import's new articles within this time; the page cache is not emptied per article.
PAGE_CHANGE_SECONDS = 1.0
# Records read (extracted) ahead of the writer on SQLite: enough to keep every worker busy; also
# how many it stores in one transaction.
READ_AHEAD = 64
# Records a worker imports in one transaction on PostgreSQL: few, so that workers side by side seldom
# wait on each other's new speakers and counts.
WORKER_BATCH = 16
# SQLite's page cache while importing (256 MiB), for the indexes of a large archive.
IMPORT_CACHE_KIB = 262_144


class Command(BaseCommand):
    help = "Import articles from .txt, .csv or .jsonl files, or folders of them."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to import")
        parser.add_argument("--outlet", default="", help="the outlet of records that name none (e.g. BBC)")
        parser.add_argument("--draft", action="store_true", help="import as drafts, hidden from readers")
        parser.add_argument("--no-extract", action="store_true", help="store the articles without extraction")
        parser.add_argument(
            "--workers",
            type=int,
            help="processes importing side by side (default: one per core)",
        )
        parser.add_argument(
            "--shard",
            type=shard,
            default=(1, 1),
            metavar="I/N",
            help="import only the I-th of N shares of the records, e.g. 2/3 on the second of three machines",
        )

    def handle(self, *args, paths, outlet, draft, no_extract, workers, shard, verbosity, **options):
        counts = dict.fromkeys((ImportOutcome.CREATED, ImportOutcome.UPDATED, ImportOutcome.UNCHANGED, "rejected"), 0)
        index, shares = shard
        total = count_records(paths) // shares
        progress = Progress(self.stderr, total=max(total, 1)) if verbosity and sys.stderr.isatty() else None
        records = (record for n, record in enumerate(read_paths(paths)) if n % shares == index - 1)
        options = {"draft": draft, "default_outlet": outlet, "run_extraction": not no_extract}
        throttle_page_changes(PAGE_CHANGE_SECONDS)
        try:
            with worker_pool(workers or os.cpu_count() or 1) as pool:
                for action, message in import_records(records, pool, options):
                    counts[action] += 1
                    if message and (action == "rejected" or verbosity >= 2):
                        self.report(progress, message)
                    if progress:
                        progress.advance()
        finally:
            throttle_page_changes(0)
            new_generation()
        if progress:
            progress.finish()
        if counts[ImportOutcome.CREATED] or counts[ImportOutcome.UPDATED]:
            compact_recent_tables()
            refresh_statistics()
        summary = ", ".join(f"{count} {action}" for action, count in counts.items())
        if counts["rejected"]:
            raise CommandError(f"Finished with rejections: {summary}.")
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Done: {summary}."))

    def report(self, progress, message):
        if progress:
            progress.clear()
        self.stderr.write(message)


def refresh_statistics() -> None:
    """Fresh statistics for the query planner after a large write.

    On SQLite there are none until ANALYZE runs, and a search over a large archive then takes seconds
    instead of milliseconds. On PostgreSQL, VACUUM also marks the new rows' pages as visible to all, so
    that the lists' indexes answer alone (index-only scans); it cannot run inside a transaction.
    """
    statement = (
        "VACUUM (ANALYZE)" if connection.vendor == "postgresql" and not connection.in_atomic_block else "ANALYZE"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement)


def import_records(records, pool, options) -> Iterator[tuple[str, str]]:
    """What happened to each record, and what to tell the user.

    On PostgreSQL, each worker imports whole records, WORKER_BATCH at a time, side by side. SQLite lets
    one writer in at a time, so there the workers read the records (extraction) and this process writes
    them all, READ_AHEAD at a time; as a single process does on either database.
    """
    if pool is None:
        return store_in_batches(((record, read_record(record, options)) for record in records), options)
    if connection.vendor == "sqlite":
        read = functools.partial(read_record, options=options)
        return store_in_batches(zip_read(pool, read, records), options)
    batches = pool.imap(functools.partial(import_batch, options=options), itertools.batched(records, WORKER_BATCH))
    return itertools.chain.from_iterable(batches)


def store_in_batches(read_records, options) -> Iterator[tuple[str, str]]:
    """Store records as store_record() does, READ_AHEAD to a transaction (store_batch).

    SQLite writes every page a transaction changed when it commits: the index pages that consecutive
    stories share are then written once a batch, not once a story; and the page cache is made larger
    than the indexes a large archive's import walks.
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    for batch in itertools.batched(read_records, READ_AHEAD):
        with transaction.atomic():
            outcomes = store_batch(batch, options)
        yield from outcomes


def store_batch(batch, options) -> list[tuple[str, str]]:
    """store_record() of each record of ``batch`` and what was read in it; the new stories among them are
    stored together (store_new_articles), in a few statements for them all instead of a score for each.

    When one of those cannot be stored, each is stored alone, in a savepoint or transaction of its own: the
    story that cannot be stored is then reported and rolls back alone.
    """
    relax_commit_durability()
    created = {}
    if options["run_extraction"]:
        try:
            created = store_new_articles(batch, draft=options["draft"], default_outlet=options["default_outlet"])
        except Exception:  # each record is stored alone below, where an error is reported with its record
            logger.info("A batch of new stories could not be stored together; storing each alone.", exc_info=True)
    return [
        reported(record, created[position]) if position in created else store_record(record, found, options)
        for position, (record, found) in enumerate(batch)
    ]


def zip_read(pool, read, records):
    """Each record with what ``read`` returned for it in a worker.

    The workers read the next chunk while this process writes the one before; memory holds two
    chunks at most.
    """
    reading = None
    for chunk in itertools.batched(records, READ_AHEAD):
        ahead = chunk, pool.map_async(read, chunk, chunksize=8)
        if reading:
            yield from zip(reading[0], reading[1].get(), strict=True)
        reading = ahead
    if reading:
        yield from zip(reading[0], reading[1].get(), strict=True)


def import_batch(records, options) -> list[tuple[str, str]]:
    """A worker's share on PostgreSQL: a few records read, then stored by store_batch: their new stories in one
    transaction, and any other record, or each of them if that transaction fails, in one of its own.

    Not all in one transaction: a record stored alone after the joint store failed (two workers that wait on
    each other's new speakers fail one of them) would wait again on what the batch's earlier records hold.
    """
    return store_batch([(record, read_record(record, options)) for record in records], options)


def read_record(record, options):
    """What extraction finds in a record, None where it needs none, or the error that stopped it."""
    if isinstance(record, RejectedRecord) or not options["run_extraction"]:
        return None
    try:
        return read_article(record)
    except Exception as error:  # reported with the record, which must not stop the others
        return error


def store_record(record, found, options) -> tuple[str, str]:
    """Store one record and what was read in it: what happened, and what to tell the user."""
    if isinstance(record, RejectedRecord):
        return "rejected", str(record)
    relax_commit_durability()
    try:
        if isinstance(found, Exception):
            raise found
        outcome = store_article(record, found, **options)
    except Exception as error:  # one story that cannot be stored must not stop the others
        logger.exception("%s: could not be stored", record.where)
        return "rejected", f"{record.where}: could not be stored: {error}"
    return reported(record, outcome)


def reported(record, outcome: ImportOutcome) -> tuple[str, str]:
    return outcome.action, f"{record.where}: {outcome.action} {outcome.article.slug}"


def relax_commit_durability() -> None:
    """On PostgreSQL, let this connection's commits return before the WAL reaches the disk.

    A crash may then lose the last moments of an import, never corrupt anything, and importing is
    idempotent: running it again restores what was lost. Each commit no longer waits for a disk flush.
    """
    if connection.vendor != "postgresql":
        return
    connection.ensure_connection()
    if connection.connection in RELAXED_CONNECTIONS:
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    # A setting of the session, once per connection; but inside a transaction, a rollback undoes it.
    if not connection.in_atomic_block:
        RELAXED_CONNECTIONS.add(connection.connection)


@contextlib.contextmanager
def worker_pool(workers: int):
    """Processes that import side by side, or None where they cannot share the work."""
    # An in-memory database is the process's own, and the rows of other processes would escape a
    # transaction that the caller holds (as a test does): there, one process does everything.
    if workers < 2 or connection.in_atomic_block or connection.vendor == "sqlite" and connection.is_in_memory_db():
        yield None
        return
    connections.close_all()  # each process opens its own
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield pool


def shard(text: str) -> tuple[int, int]:
    index, _, shares = text.partition("/")
    try:
        index, shares = int(index), int(shares)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not I/N, e.g. 1/4") from None
    if not 1 <= index <= shares:
        raise argparse.ArgumentTypeError(f"{text!r}: I must be between 1 and N")
    return index, shares


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
