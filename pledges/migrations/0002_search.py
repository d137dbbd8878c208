"""Full-text search for pledges: a GIN index on PostgreSQL, an FTS5 table on SQLite."""

from django.db import migrations

from articles.search import create_search_index, drop_search_index

FIELDS = ("text", "action")


def create(apps, schema_editor):
    create_search_index(apps.get_model("pledges", "pledge"), FIELDS, schema_editor)


def drop(apps, schema_editor):
    drop_search_index(apps.get_model("pledges", "pledge"), FIELDS, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("pledges", "0001_initial"), ("articles", "0003_search")]

    operations = [migrations.RunPython(create, drop)]
