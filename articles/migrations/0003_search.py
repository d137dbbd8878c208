"""Full-text search for articles and quotes: a GIN index on PostgreSQL, FTS5 tables on SQLite."""

from django.db import migrations

from articles.search import search_indexes


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_links_to_pledges_and_editors")]

    operations = [search_indexes("articles", {"article": ("headline", "body"), "quote": ("text",)})]
