"""Write the whole archive as JSON Lines: what `import_archive` restores into an empty database.

Articles and their revisions, outlets, speakers and aliases, quotes, pledges and their status
history, review decisions, merges and redirects, readers' corrections, the change history, and the
editors' accounts: one object a line in Django's own serialization, so rows keep their ids, and
`loaddata` reads the file back.
"""

import contextlib
import datetime as dt

from django.apps import apps
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.management.base import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder

ARCHIVED_APPS = ("articles", "pledges")
# Summaries that import_archive derives again from the rows.
DERIVED_MODELS = ("articles.SpeakerMonth", "articles.SpeakerRole")
ACCOUNT_MODELS = ("auth.Group", "auth.User")


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, but keeping the microseconds it rounds away, so a round trip changes nothing."""

    def default(self, o):
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def archived_models() -> list:
    models = [
        model
        for app in ARCHIVED_APPS
        for model in apps.get_app_config(app).get_models()
        if model._meta.label not in DERIVED_MODELS
    ]
    models += [apps.get_model(label) for label in ACCOUNT_MODELS]
    # Rows a row refers to come first, so that loading never meets a missing one.
    return serializers.sort_dependencies([(None, models)], allow_cycles=True)


class Command(BaseCommand):
    help = "Write the whole archive to a JSON Lines file (or stdout), for import_archive to restore."

    def add_arguments(self, parser):
        parser.add_argument("--output", default="-", help="a .jsonl file to write; - for stdout (the default)")

    def handle(self, *args, output, verbosity, **options):
        with contextlib.ExitStack() as stack:
            # The raw stream: OutputWrapper would end each of the serializer's writes with a newline.
            stream = self.stdout._out if output == "-" else stack.enter_context(open(output, "w", encoding="utf-8"))
            rows = 0
            for model in archived_models():
                queryset = model._base_manager.order_by(model._meta.pk.name)
                serializers.serialize(
                    "jsonl",
                    queryset.iterator(chunk_size=2000),
                    stream=stream,
                    cls=ExactJSONEncoder,
                    # Permissions, content types and groups by name, as a fresh database makes its own
                    # (the Editors group among them); every other row keeps its id.
                    use_natural_foreign_keys=True,
                    use_natural_primary_keys=model is Group,
                )
                rows += queryset.count()
        if output != "-" and verbosity:
            self.stderr.write(self.style.SUCCESS(f"Wrote {rows:,} rows to {output}."))
