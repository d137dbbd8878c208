"""Restore an archive written by `export_archive` into an empty, migrated database, in one transaction."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.models import Article, Quote, Speaker
from pledges.models import Pledge


class Command(BaseCommand):
    help = "Restore an archive written by export_archive into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("path", help="a .jsonl file written by export_archive")

    def handle(self, *args, path, verbosity, **options):
        if not path.endswith(".jsonl"):
            raise CommandError(f"{path}: expected a .jsonl file written by export_archive")
        if Article.objects.exists() or Speaker.objects.exists() or Pledge.objects.exists():
            raise CommandError("The database already holds an archive; restore into an empty, migrated one.")
        with transaction.atomic():
            call_command("loaddata", path, verbosity=verbosity, stdout=self.stdout)
            # What is derived from the rows is derived again: an archive from an older release lacks it.
            Quote.objects.refresh_public()
            Pledge.objects.refresh_public()
            Speaker.objects.recount()
