"""Full-text search for pledges: a GIN index on PostgreSQL, an FTS5 table on SQLite."""

from django.db import migrations

from articles.search import search_indexes


class Migration(migrations.Migration):
    dependencies = [("pledges", "0001_initial"), ("articles", "0003_search")]

    operations = [search_indexes("pledges", {"pledge": ("text", "action")})]
