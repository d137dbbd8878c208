"""Full-text search for articles and quotes: a GIN index on PostgreSQL, FTS5 tables on SQLite."""

from django.db import migrations

from articles.search import create_search_index, drop_search_index

SEARCHED = {"article": ("headline", "body"), "quote": ("text",)}


def create(apps, schema_editor):
    for model_name, fields in SEARCHED.items():
        create_search_index(apps.get_model("articles", model_name), fields, schema_editor)


def drop(apps, schema_editor):
    for model_name, fields in SEARCHED.items():
        drop_search_index(apps.get_model("articles", model_name), fields, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_links_to_pledges_and_editors")]

    operations = [migrations.RunPython(create, drop)]
