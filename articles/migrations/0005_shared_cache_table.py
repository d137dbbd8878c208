"""The table of the shared cache (settings.CACHES) when no Redis is configured.

Made by a migration, so that every migrated database has it, whichever cache the settings name at the time:
`make run`, the benchmarks and the test databases need no separate `createcachetable`.
"""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

CACHE_TABLE = "shared_cache"


def create_cache_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_article_list_indexes")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
