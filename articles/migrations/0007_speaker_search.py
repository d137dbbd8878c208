"""Full-text search for speakers' names and aliases: GIN indexes on PostgreSQL, FTS5 tables on SQLite."""

from django.db import migrations

from articles.search import search_indexes


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_speaker_counts")]

    operations = [search_indexes("articles", {"speaker": ("name",), "speakeralias": ("name",)})]
