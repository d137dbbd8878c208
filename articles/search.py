"""Ranked full-text search behind one QuerySet method, on PostgreSQL and on SQLite.

PostgreSQL uses its own text search over an expression that a GIN index covers; SQLite uses an FTS5
table kept in step with its model's table by triggers. Both are created by migrations (through the
functions below), so a model only names the columns it searches.
"""

import re

from django.apps import apps
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections, models
from django.db.models import Case, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

SEARCH_CONFIG = "english"
WORD = re.compile(r"\w+")
# Enough for any real question; keeps a pasted page from becoming a thousand-term query.
MAX_WORDS = 32
# How many matches are ranked by relevance: the newest, so that a word found in half a million rows
# costs no more to rank than a rare one. The rest follow, newest first.
RANKED_MATCHES = 500


def search_words(text: str) -> list[str]:
    """The words of ``text`` a search looks for, without any query syntax."""
    return WORD.findall(text)[:MAX_WORDS]


def fts5_match(text: str) -> str:
    """An FTS5 MATCH expression requiring every word, each quoted so that no operator reaches FTS5."""
    return " ".join(f'"{word}"' for word in search_words(text))


def fts5_table(model) -> str:
    return f"{model._meta.db_table}_fts"


def search_vector(*fields: str) -> SearchVector:
    """PostgreSQL's document for ``fields``; the GIN index is built on exactly this expression."""
    return SearchVector(*fields, config=SEARCH_CONFIG)


def search_index(model, fields) -> GinIndex:
    return GinIndex(search_vector(*fields), name=f"{model._meta.db_table}_search"[:30])


def create_search_index(model, fields, schema_editor):
    """Create what ``SearchableQuerySet.search()`` needs on this database: a GIN index or an FTS5 table."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.add_index(model, search_index(model, fields))
    elif vendor == "sqlite":
        for statement in fts5_statements(model, fields):
            schema_editor.execute(statement)


def drop_search_index(model, fields, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.remove_index(model, search_index(model, fields))
    elif vendor == "sqlite":
        table = fts5_table(model)
        for trigger in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_{trigger}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {table}")


def fts5_statements(model, fields) -> list[str]:
    """An external-content FTS5 table over ``fields``, triggers that keep it current, and its first fill."""
    source, table = model._meta.db_table, fts5_table(model)
    columns = ", ".join(fields)
    new_values = ", ".join(f"new.{field}" for field in fields)
    old_values = ", ".join(f"old.{field}" for field in fields)
    return [
        f"CREATE VIRTUAL TABLE {table} USING fts5({columns}, content='{source}', content_rowid='id', "
        "tokenize='porter unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER {table}_insert AFTER INSERT ON {source} BEGIN "
        f"INSERT INTO {table}(rowid, {columns}) VALUES (new.id, {new_values}); END",
        f"CREATE TRIGGER {table}_delete AFTER DELETE ON {source} BEGIN "
        f"INSERT INTO {table}({table}, rowid, {columns}) VALUES ('delete', old.id, {old_values}); END",
        f"CREATE TRIGGER {table}_update AFTER UPDATE OF {columns} ON {source} BEGIN "
        f"INSERT INTO {table}({table}, rowid, {columns}) VALUES ('delete', old.id, {old_values}); "
        f"INSERT INTO {table}(rowid, {columns}) VALUES (new.id, {new_values}); END",
        f"INSERT INTO {table}({table}) VALUES ('rebuild')",
    ]


class SearchableQuerySet(models.QuerySet):
    """A QuerySet whose ``search()`` ranks rows by relevance to the words of a reader's query."""

    search_fields: tuple[str, ...] = ()

    def search(self, text: str, *, ranked_only: bool = False):
        """Rows holding every word of ``text``, each annotated with its ``rank``: the newest RANKED_MATCHES
        by relevance, then the rest newest first.

        ``ranked_only``: only those newest matches, as a search page shows, whose cost stays the same
        however common the words.
        """
        if not search_words(text):
            return self.none()
        if connections[self.db].vendor == "postgresql":
            return self.postgresql_search(text, ranked_only)
        return self.sqlite_search(text, ranked_only)

    def postgresql_search(self, text: str, ranked_only: bool):
        vector = search_vector(*self.search_fields)
        query = SearchQuery(" ".join(search_words(text)), search_type="websearch", config=SEARCH_CONFIG)
        newest = self.model._base_manager.alias(document=vector).filter(document=query).order_by("-pk")
        newest = newest.values("pk")[:RANKED_MATCHES]
        if ranked_only:
            return self.filter(pk__in=newest).annotate(rank=SearchRank(vector, query)).order_by("-rank", "-pk")
        rank = Case(When(pk__in=newest, then=SearchRank(vector, query)), default=models.Value(0.0))
        return self.alias(document=vector).filter(document=query).annotate(rank=rank).order_by("-rank", "-pk")

    def sqlite_search(self, text: str, ranked_only: bool):
        """FTS5 finds the newest matches from the end of its index and ranks them (bm25) in the same pass,
        which SQLite runs once and keeps; a rank computed for each row of the outer query would run the
        match again for every row.
        """
        table, source = fts5_table(self.model), self.model._meta.db_table
        match = fts5_match(text)
        newest = (
            f"SELECT rowid, -rank AS score FROM {table} WHERE {table} MATCH %s "
            f"ORDER BY rowid DESC LIMIT {RANKED_MATCHES}"
        )
        # rank is bm25(), lower for better matches; negated so that both databases sort rank descending.
        rank = Coalesce(
            RawSQL(f'SELECT newest.score FROM ({newest}) AS newest WHERE newest.rowid = "{source}"."id"', (match,)),
            models.Value(0.0),
            output_field=models.FloatField(),
        )
        if ranked_only:
            matching = RawSQL(f"SELECT rowid FROM ({newest})", (match,))
        else:
            matching = RawSQL(f"SELECT rowid FROM {table} WHERE {table} MATCH %s", (match,))
        return self.filter(pk__in=matching).annotate(rank=rank).order_by("-rank", "-pk")


def restore_sqlite_search(using="default", **kwargs):
    """Re-create any FTS5 table or trigger that a migration dropped, and refill that table.

    SQLite alters a table by building a new one and dropping the old, and the old table's
    triggers go with it, so a later migration of a searched model silently stops the index.
    Connected to post_migrate.
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {name for (name,) in cursor.fetchall()}
    for model in apps.get_models():
        queryset_class = getattr(model._default_manager, "_queryset_class", None)
        if not (queryset_class and issubclass(queryset_class, SearchableQuerySet)):
            continue
        table = fts5_table(model)
        needed = {table, *(f"{table}_{trigger}" for trigger in ("insert", "delete", "update"))}
        if needed <= present or model._meta.db_table not in present:
            continue
        with connection.schema_editor() as schema_editor:
            drop_search_index(model, queryset_class.search_fields, schema_editor)
            create_search_index(model, queryset_class.search_fields, schema_editor)
