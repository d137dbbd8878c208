"""Run quote and pledge extraction on article files, or on stored articles.

With --input/--output it reads articles (.jsonl, or one .txt article) and writes one line per
article in the gold format of the corpus, touching no database. With --store it re-runs
extraction on stored articles and curates the result: editors' decisions are kept.
"""

import contextlib
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.curation import CurationOutcome, extract_article
from articles.extraction import extract
from articles.importing.readers import read_stream
from articles.importing.records import RejectedRecord
from articles.models import Article


class Command(BaseCommand):
    help = "Extract quotes and pledges from article files (--input/--output) or stored articles (--store)."

    def add_arguments(self, parser):
        parser.add_argument("--input", help="articles to read: .jsonl, or one .txt article; - for stdin (JSON Lines)")
        parser.add_argument("--output", default="-", help="where to write the predictions; - for stdout")
        parser.add_argument("--store", action="store_true", help="re-run extraction on stored articles")
        parser.add_argument("--article", metavar="SLUG", action="append", help="with --store: only this article")
        parser.add_argument("--dry-run", action="store_true", help="with --store: report, but change nothing")

    def handle(self, *args, **options):
        if options["store"] == bool(options["input"]):
            raise CommandError("Give either --input (with --output) or --store.")
        if options["store"]:
            self.store(options["article"], options["dry_run"], options["verbosity"])
        else:
            self.predict(options["input"], options["output"])

    def predict(self, source: str, target: str):
        name = "stdin.jsonl" if source == "-" else source
        if source != "-" and not Path(source).is_file():
            raise CommandError(f"{source}: no such file")
        rejected = 0
        with open_binary(source) as stream, open_output(target, self.stdout) as out:
            for record in read_stream(stream, name):
                if isinstance(record, RejectedRecord):
                    rejected += 1
                    self.stderr.write(str(record))
                    continue
                found = extract(record.body, record.published)
                article_id = record.external_id or record.where
                out.write(json.dumps(found.as_gold(article_id), ensure_ascii=False) + "\n")
        if rejected:
            raise CommandError(f"{rejected} records could not be read.")

    def store(self, slugs, dry_run: bool, verbosity: int):
        articles = Article.objects.all()
        if slugs:
            articles = articles.filter(slug__in=slugs)
            missing = set(slugs) - set(articles.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"No article with the slug {', '.join(sorted(missing))}.")
        total = CurationOutcome()
        for article in articles.iterator(chunk_size=200):
            with transaction.atomic():
                outcome = extract_article(article)
                if dry_run:
                    transaction.set_rollback(True)
            total += outcome
            if verbosity >= 2:
                self.stdout.write(f"{article.slug}: {describe(outcome)}")
        prefix = "Would change" if dry_run else "Done"
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"{prefix}: {describe(total)}."))


def describe(outcome: CurationOutcome) -> str:
    return (
        f"{outcome.added} added, {outcome.refreshed} refreshed, {outcome.removed} removed, "
        f"{outcome.kept} kept as editors left them, {len(outcome.speakers_created)} new speakers"
    )


def open_output(target: str, stdout):
    return contextlib.nullcontext(stdout) if target == "-" else open(target, "w", encoding="utf-8")


def open_binary(source: str):
    return contextlib.nullcontext(sys.stdin.buffer) if source == "-" else open(source, "rb")
