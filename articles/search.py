"""Ranked full-text search behind one QuerySet method, on PostgreSQL and on SQLite.

PostgreSQL uses its own text search over a stored, generated ``search_document`` column that a GIN
index covers; SQLite uses an FTS5 table kept in step with its model's table by triggers, and a second one
of the newest rows alone, where it ranks the newest matches of a common word. Both are
created by migrations (through the functions below), so a model only names the columns it searches.
Neither is a model field: the database fills them, and queries reach them in SQL of their own.

A searched field may also belong to the rows that point at the model ("aliases__name": the names of a speaker's
aliases). Their text joins the model's own in one document, kept in a table of its own that triggers on both tables
keep current: on PostgreSQL a table of documents by id (documents_table()), on SQLite an FTS5 table holding its own
copy of the text, with no recent table.
"""

import re
from typing import NamedTuple

from django.apps import apps
from django.core.exceptions import FullResultSet
from django.db import connections, migrations, models
from django.db.models import Case, When
from django.db.models.expressions import Expression, RawSQL
from django.db.models.functions import Coalesce

SEARCH_CONFIG = "english"
WORD = re.compile(r"\w+")
# Enough for any real question; keeps a pasted page from becoming a thousand-term query.
MAX_WORDS = 32
# How many matches are ranked by relevance: the newest, so that a word found in half a million rows
# costs no more to rank than a rare one. The rest follow, newest first. Four pages' worth: with 500, finding
# and ranking a common word's newest matches of each kind took two thirds of the search page on PostgreSQL
# (which tests row after row, newest first, for the word) and half of it on SQLite, at 100,000 articles.
RANKED_MATCHES = 100
# How many of the newest rows SQLite also keeps in a second FTS5 table, where the newest matches of a common word
# are ranked (fts5_newest_scored()). FTS5's bm25() first counts every row of its table holding each word, to weigh
# the words: among 1.2 million quotes, that took 15 ms for "the" and 1.6 for "government", against 0.27 and
# 0.14 among the newest 5,000. A word with fewer than RANKED_MATCHES matches among them is rare in them, and
# is ranked in the whole index, whose count of it is short unless it was common once. Keeping the table costs
# imports, which tokenise each row again as it enters and as it leaves: 100,000 articles imported at 139 a
# second on SQLite, against 201 without.
RECENT_ROWS = 5_000


def search_words(text: str) -> list[str]:
    """The words of ``text`` a search looks for, without any query syntax."""
    return WORD.findall(text)[:MAX_WORDS]


class RelatedText(NamedTuple):
    """The text of a field of the rows pointing at a searched model, which its search document includes."""

    table: str  # of the rows pointing at the model
    column: str  # their foreign key to the model
    field: str  # their text
    name: str  # the text's column in an FTS5 table, and part of the names of the SQL that keeps it


def own_and_related(model, fields) -> tuple[list[str], list[RelatedText]]:
    """``model``'s own searched fields, and those of the rows pointing at it ("aliases__name")."""
    own, related = [], []
    for field in fields:
        if "__" not in field:
            own.append(field)
            continue
        relation, related_field = field.split("__")
        pointing = model._meta.get_field(relation)
        related.append(RelatedText(pointing.related_model._meta.db_table, pointing.field.column, related_field, field))
    return own, related


def fts5_match(text: str) -> str:
    """An FTS5 MATCH expression requiring every word, each quoted so that no operator reaches FTS5."""
    return " ".join(f'"{word}"' for word in search_words(text))


def fts5_table(model) -> str:
    return f"{model._meta.db_table}_fts"


def fts5_recent_table(model) -> str:
    return f"{model._meta.db_table}_recent"


def search_index_name(model) -> str:
    return f"{model._meta.db_table}_search"[:30]


def create_search_index(model, fields, schema_editor):
    """Create what ``SearchableQuerySet.search()`` needs on this database: a document column and its GIN
    index, or an FTS5 table."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in postgresql_statements(model, fields, schema_editor.quote_name):
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        for statement in fts5_statements(model, fields):
            schema_editor.execute(statement)


def postgresql_statements(model, fields, quote) -> list[str]:
    """A tsvector column that PostgreSQL computes as each row is written, and its GIN index.

    Stored, so that neither matching nor ranking parses a row's text again: computed on the fly, the
    document cost ~10 µs a row, and a common word's newest matches took a scan of thousands of rows.
    Stored in the row itself (STORAGE MAIN): an article's document, ~3 KB, went out of line, and each row that
    scan tests cost a look-up in the TOAST table (articles holding "government": 1.35 ms, against 0.52 inline).
    """
    table = quote(model._meta.db_table)
    own, related = own_and_related(model, fields)
    if related:
        return postgresql_related_statements(model, fields, quote)
    text = postgresql_text(own, quote, "")
    return [
        f"ALTER TABLE {table} ADD COLUMN search_document tsvector "
        f"GENERATED ALWAYS AS (to_tsvector('{SEARCH_CONFIG}'::regconfig, {text})) STORED",
        documents_in_rows(table),
        f"CREATE INDEX {quote(search_index_name(model))} ON {table} USING gin (search_document)",
    ]


def postgresql_text(fields, quote, row: str) -> str:
    """SQL for the text of ``fields`` of a row, each column prefixed by ``row``: "NEW." in a row's trigger, a table's
    name and a dot, or nothing."""
    return " || ' ' || ".join(f"COALESCE({row}{quote(field)}, '')" for field in fields)


def postgresql_related_statements(model, fields, quote) -> list[str]:
    """A table of search documents (documents_table()) that triggers keep current: as a row of ``model`` is written,
    and after each statement writing rows that point at it, for the rows of ``model`` they point at (before and after,
    for a row moved to another); its GIN index and its first fill.

    A generated column can read its own row alone. A table of their own, not a column that the triggers write:
    importers side by side lock the speakers they count in the order of their ids (counting.add_counts()), and a
    speaker's row locked earlier, as its aliases were added, made them deadlock. The triggers lock documents in
    the order of their ids, and nothing else writes them. Triggers for each statement, not each row: an import adds
    its aliases in one statement. A document is kept without the words' positions (strip()), which nothing ranks it
    by, and a statement adding rows appends their words: made afresh from all of a speaker's aliases each time, the
    most quoted speakers' documents cost an import more as the archive grew, 185 articles a second in the first
    10,000 and 155 in the fifth (appended: 186 and 197; with no such documents: 197 and 188).
    """
    own, related = own_and_related(model, fields)
    table, documents = quote(model._meta.db_table), quote(documents_table(model, fields))
    functions = postgresql_functions(model, related)
    related_text = " || ' ' || ".join(
        f"COALESCE((SELECT string_agg({quote(text.field)}, ' ') FROM {quote(text.table)} "
        f"WHERE {quote(text.column)} = row_id), '')"
        for text in related
    )
    document = functions["document"]
    statements = [
        f"CREATE TABLE {documents} (id bigint PRIMARY KEY, search_document tsvector NOT NULL)",
        documents_in_rows(documents),
        f"CREATE FUNCTION {document}(row_id bigint, own_text text) RETURNS tsvector LANGUAGE sql STABLE AS $$ "
        f"SELECT strip(to_tsvector('{SEARCH_CONFIG}'::regconfig, own_text || ' ' || {related_text})) $$",
        f"CREATE FUNCTION {functions['row']}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP = 'DELETE' THEN DELETE FROM {documents} WHERE id = OLD.id; "
        f"ELSE INSERT INTO {documents} VALUES (NEW.id, {document}(NEW.id, {postgresql_text(own, quote, 'NEW.')})) "
        f"ON CONFLICT (id) DO UPDATE SET search_document = excluded.search_document; END IF; RETURN NULL; END $$",
        f"CREATE TRIGGER {functions['row']} AFTER INSERT OR DELETE OR UPDATE OF {', '.join(map(quote, own))} "
        f"ON {table} FOR EACH ROW EXECUTE FUNCTION {functions['row']}()",
    ]
    for text in related:
        rewritten, added, column = functions[text.name], functions[f"{text.name}_added"], quote(text.column)
        lock = f"PERFORM 1 FROM {documents} WHERE id IN (SELECT {column} FROM changed) ORDER BY id FOR UPDATE; "
        words_added = (
            f"SELECT {column} AS row_id, strip(to_tsvector('{SEARCH_CONFIG}'::regconfig, "
            f"string_agg({quote(text.field)}, ' '))) AS document FROM changed GROUP BY {column}"
        )
        own_text = postgresql_text(own, quote, f"{table}.")
        rewrite = (
            f"UPDATE {documents} SET search_document = {document}({table}.id, {own_text}) FROM {table} "
            f"WHERE {documents}.id = {table}.id AND {table}.id IN (SELECT {column} FROM changed); "
        )
        statements += [
            f"CREATE FUNCTION {added}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {lock}"
            f"UPDATE {documents} SET search_document = {documents}.search_document || added.document "
            f"FROM ({words_added}) AS added WHERE {documents}.id = added.row_id; RETURN NULL; END $$",
            f"CREATE TRIGGER {added} AFTER INSERT ON {quote(text.table)} "
            f"REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION {added}()",
            f"CREATE FUNCTION {rewritten}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {lock}{rewrite}"
            f"RETURN NULL; END $$",
        ]
        for trigger, event, rows in [
            ("delete", "DELETE", "OLD"),
            ("update_old", "UPDATE", "OLD"),
            ("update_new", "UPDATE", "NEW"),
        ]:
            statements.append(
                f"CREATE TRIGGER {rewritten}_{trigger} AFTER {event} ON {quote(text.table)} "
                f"REFERENCING {rows} TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION {rewritten}()"
            )
    return [
        *statements,
        f"INSERT INTO {documents} SELECT id, {document}(id, {postgresql_text(own, quote, '')}) FROM {table}",
        f"CREATE INDEX {quote(search_index_name(model))} ON {documents} USING gin (search_document)",
    ]


def documents_table(model, fields) -> str:
    """The table holding the search documents over ``fields`` of ``model`` on PostgreSQL: its own, or one of their
    own where they hold the text of rows pointing at it (postgresql_related_statements())."""
    return f"{model._meta.db_table}_documents" if own_and_related(model, fields)[1] else model._meta.db_table


def postgresql_functions(model, related: list[RelatedText]) -> dict[str, str]:
    """The names of the functions that keep the search document of ``model`` current, by their part: "document"
    computes a row's and "row" is its row trigger's; for each text of ``related``, its name's rewrites the
    documents of the rows that rows removed or changed pointed at, and its name and "_added" appends added rows'."""
    prefix = f"{model._meta.db_table}_search"
    functions = {"document": f"{prefix}_document", "row": f"{prefix}_row"}
    for text in related:
        functions |= {text.name: f"{prefix}_{text.name}", f"{text.name}_added": f"{prefix}_{text.name}_added"}
    return functions


def documents_in_rows(table: str) -> str:
    """SQL that keeps the PostgreSQL search documents of ``table`` (quoted) in their rows, from its next write on."""
    return f"ALTER TABLE {table} ALTER COLUMN search_document SET STORAGE MAIN"


def search_indexes(app_label: str, searched: dict[str, tuple[str, ...]]) -> migrations.RunPython:
    """A migration's operation: create the search index of each model named in ``searched`` over its
    fields, or drop them when the migration is reversed."""

    def create(apps, schema_editor):
        for model_name, fields in searched.items():
            create_search_index(apps.get_model(app_label, model_name), fields, schema_editor)

    def drop(apps, schema_editor):
        for model_name, fields in searched.items():
            drop_search_index(apps.get_model(app_label, model_name), fields, schema_editor)

    return migrations.RunPython(create, drop)


def drop_search_index(model, fields, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        quote = schema_editor.quote_name
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(search_index_name(model))}")
        related = own_and_related(model, fields)[1]
        if not related:
            schema_editor.execute(f"ALTER TABLE {quote(model._meta.db_table)} DROP COLUMN IF EXISTS search_document")
            return
        # Each trigger goes with its function, and the document's function last, as they were made.
        for function in reversed(postgresql_functions(model, related).values()):
            schema_editor.execute(f"DROP ROUTINE IF EXISTS {function} CASCADE")
        schema_editor.execute(f"DROP TABLE IF EXISTS {quote(documents_table(model, fields))}")
    elif vendor == "sqlite":
        for statement in fts5_drop_statements(model, fields):
            schema_editor.execute(statement)


def fts5_drop_statements(model, fields) -> list[str]:
    triggers = [f"DROP TRIGGER IF EXISTS {trigger}" for trigger in fts5_triggers(model, fields)]
    return [*triggers, f"DROP TABLE IF EXISTS {fts5_table(model)}", f"DROP TABLE IF EXISTS {fts5_recent_table(model)}"]


def fts5_tables(model, fields) -> list[str]:
    """The FTS5 tables that fts5_statements() makes for ``model``: a recent table only where every field is its own."""
    return [fts5_table(model)] + ([] if own_and_related(model, fields)[1] else [fts5_recent_table(model)])


def fts5_triggers(model, fields) -> list[str]:
    """The names of the triggers that fts5_statements() makes to keep ``model``'s FTS5 tables current."""
    table, events = fts5_table(model), ("insert", "delete", "update")
    related = own_and_related(model, fields)[1]
    return [f"{table}_{event}" for event in events] + [
        f"{table}_{text.name}_{event}" for text in related for event in events
    ]


def fts5_statements(model, fields) -> list[str]:
    """An external-content FTS5 table over ``fields``, and one holding the newest RECENT_ROWS rows (by id) with
    their own copy of the text; triggers that keep both current; and their first fill.

    The recent table holds every row from the RECENT_ROWSth newest id on: a new row is the newest, and pushes
    the oldest out. It keeps its own copy so that pushing a row out can never remove what it did not index.
    """
    own, related = own_and_related(model, fields)
    if related:
        return fts5_related_statements(model, own, related)
    source, table, recent = model._meta.db_table, fts5_table(model), fts5_recent_table(model)
    columns = ", ".join(fields)
    new_values = ", ".join(f"new.{field}" for field in fields)
    old_values = ", ".join(f"old.{field}" for field in fields)
    new_assignments = ", ".join(f"{field} = new.{field}" for field in fields)
    return [
        f"CREATE VIRTUAL TABLE {table} USING fts5({columns}, content='{source}', content_rowid='id', {FTS5_TOKENIZE})",
        f"CREATE VIRTUAL TABLE {recent} USING fts5({columns}, {FTS5_TOKENIZE})",
        f"CREATE TRIGGER {table}_insert AFTER INSERT ON {source} BEGIN "
        f"INSERT INTO {table}(rowid, {columns}) VALUES (new.id, {new_values}); "
        f"INSERT INTO {recent}(rowid, {columns}) VALUES (new.id, {new_values}); "
        f"DELETE FROM {recent} WHERE rowid <= new.id - {RECENT_ROWS}; END",
        f"CREATE TRIGGER {table}_delete AFTER DELETE ON {source} BEGIN "
        f"INSERT INTO {table}({table}, rowid, {columns}) VALUES ('delete', old.id, {old_values}); "
        f"DELETE FROM {recent} WHERE rowid = old.id; END",
        f"CREATE TRIGGER {table}_update AFTER UPDATE OF {columns} ON {source} BEGIN "
        f"INSERT INTO {table}({table}, rowid, {columns}) VALUES ('delete', old.id, {old_values}); "
        f"INSERT INTO {table}(rowid, {columns}) VALUES (new.id, {new_values}); "
        f"UPDATE {recent} SET {new_assignments} WHERE rowid = old.id; END",
        f"INSERT INTO {table}({table}) VALUES ('rebuild')",
        f"INSERT INTO {recent}(rowid, {columns}) SELECT id, {columns} FROM {source} "
        f"WHERE id > (SELECT MAX(id) FROM {source}) - {RECENT_ROWS}",
    ]


FTS5_TOKENIZE = "tokenize='porter unicode61 remove_diacritics 2'"


def fts5_related_statements(model, own, related: list[RelatedText]) -> list[str]:
    """An FTS5 table holding its own copy of each row's own text and of the text of the rows pointing at it (one
    column each); triggers on both tables that keep it current; and its first fill."""
    source, table = model._meta.db_table, fts5_table(model)

    def related_text(text: RelatedText, row_id: str) -> str:
        return f"(SELECT group_concat({text.field}, ' ') FROM {text.table} WHERE {text.column} = {row_id})"

    def rewrite(text: RelatedText, row_id: str) -> str:
        return f"UPDATE {table} SET {text.name} = {related_text(text, row_id)} WHERE rowid = {row_id};"

    def values(row: str) -> str:
        return ", ".join([*(f"{row}.{field}" for field in own), *(related_text(text, f"{row}.id") for text in related)])

    columns = ", ".join([*own, *(text.name for text in related)])
    statements = [
        f"CREATE VIRTUAL TABLE {table} USING fts5({columns}, {FTS5_TOKENIZE})",
        f"CREATE TRIGGER {table}_insert AFTER INSERT ON {source} BEGIN "
        f"INSERT INTO {table}(rowid, {columns}) VALUES (new.id, {values('new')}); END",
        f"CREATE TRIGGER {table}_delete AFTER DELETE ON {source} BEGIN DELETE FROM {table} WHERE rowid = old.id; END",
        f"CREATE TRIGGER {table}_update AFTER UPDATE OF {', '.join(own)} ON {source} BEGIN "
        f"UPDATE {table} SET {', '.join(f'{field} = new.{field}' for field in own)} WHERE rowid = old.id; END",
    ]
    for text in related:
        moved = f"{rewrite(text, f'old.{text.column}')} {rewrite(text, f'new.{text.column}')}"
        statements += [
            f"CREATE TRIGGER {table}_{text.name}_insert AFTER INSERT ON {text.table} BEGIN "
            f"{rewrite(text, f'new.{text.column}')} END",
            f"CREATE TRIGGER {table}_{text.name}_delete AFTER DELETE ON {text.table} BEGIN "
            f"{rewrite(text, f'old.{text.column}')} END",
            f"CREATE TRIGGER {table}_{text.name}_update AFTER UPDATE OF {text.field}, {text.column} "
            f"ON {text.table} BEGIN {moved} END",
        ]
    return [*statements, f"INSERT INTO {table}(rowid, {columns}) SELECT id, {values(source)} FROM {source}"]


# The order of a search's results: by relevance (the newest matches), then newest first.
SEARCH_ORDER = ("-rank", "-pk")


class SearchableQuerySet(models.QuerySet):
    """A QuerySet whose ``search()`` ranks rows by relevance to the words of a reader's query."""

    search_fields: tuple[str, ...] = ()

    def __getitem__(self, index):
        """A slice of every match of a search, still in its order, is read in parts (ranked_then_older())."""
        if (
            isinstance(index, slice)
            and index.step is None
            and (index.start or 0) >= 0
            and (index.stop or 0) >= 0
            and self.searched_for()
            and self._result_cache is None
            and self.query.order_by == SEARCH_ORDER
            and self.query.standard_ordering
        ):
            return self.ranked_then_older(index.start or 0, index.stop)
        return super().__getitem__(index)

    def searched_for(self) -> str:
        """The words of the search() whose every match this queryset holds; "" when it holds no such search.

        Kept on the query, which every clone of the queryset copies whole.
        """
        return getattr(self.query, "searched_for", "")

    def search(self, text: str):
        """Rows holding every word of ``text``, each annotated with its ``rank``: the newest RANKED_MATCHES by
        relevance, then the rest newest first."""
        if not search_words(text):
            return self.none()
        matching = MatchingIds(self, text)
        newest = RawSQL(*self.matching_ids(text, ranked_only=True))
        rank = Case(When(pk__in=newest, then=self.rank_of_newest(text)), default=models.Value(0.0))
        searched = self.filter(pk__in=matching).annotate(rank=rank).order_by(*SEARCH_ORDER)
        searched.query.searched_for = text
        return searched

    def ranked_matches(self, text: str) -> list[int]:
        """The ids of this queryset's rows among the newest RANKED_MATCHES holding every word of ``text``, best
        first: what a search page shows of each kind, at the same cost however common the words.

        One statement of our own, not composed by the ORM: the newest matches are found and ranked in one pass
        of the full-text index, then joined to this queryset's conditions, which may name only its own columns.
        Composed by the ORM, with a second pass for the ranks, the quotes holding "government" took 3.1 ms at
        100,000 articles on SQLite (0.45 to build the SQL), against 2.5.
        """
        if not search_words(text) or self.query.is_empty():
            return []
        conditions, condition_params = self.own_conditions()
        connection = connections[self.db]
        table = connection.ops.quote_name(self.model._meta.db_table)
        if connection.vendor == "postgresql":
            newest, params = self.matching_ids(text, ranked_only=True)
            rank = postgresql_rank(table, text)
        else:
            newest, params = fts5_newest_scored(self.model, text)
            rank = "newest.score"
        return self.ids_of(
            f"SELECT newest.id, {rank} AS rank FROM ({newest}) AS newest JOIN {table} ON {table}.id = newest.id"
            f"{f' WHERE {conditions}' if conditions else ''} ORDER BY rank DESC, newest.id DESC",
            (*params, *condition_params),
        )

    def ids_of(self, sql: str, params: tuple) -> list[int]:
        """The first column of each row that ``sql`` selects, in its order."""
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]

    def own_conditions(self) -> tuple[str, list]:
        """This queryset's filters as SQL over its own table's columns ("" for none), and their parameters."""
        if len(self.query.alias_map) > 1:
            raise ValueError(f"ranked_matches() needs filters on {self.model.__name__}'s own columns, not joins")
        try:
            return self.query.get_compiler(self.db).compile(self.query.where)
        except FullResultSet:
            return "", []

    def ranked_then_older(self, start: int, stop: int | None) -> list:
        """Rows ``start`` to ``stop`` of every match of a search, in its order, read as two parts: the newest
        matches, ranked, and the older ones, newest first off the primary key.

        One query for both reads, joins and sorts every match of a common word for each page: 0.4 to 0.8 s for
        the first page of the quotes holding "government" at 100,000 articles, against 31 ms in parts on
        PostgreSQL. The ranked part asks for the newest matches alone (MatchingIds).
        """
        plain = self._chain()
        plain.query.searched_for = ""
        oldest_ranked, newest_count = self.newest_matches(self.searched_for())
        if not newest_count:
            return []
        ranked = plain._chain()
        ranked.query.newest_matches_only = True
        rows = list(ranked[start:stop])
        # Fewer matches in all than are ranked: none is older than the ranked ones.
        if newest_count < RANKED_MATCHES or (stop is not None and len(rows) == stop - start):
            return rows
        ranked_count = start + len(rows) if rows else ranked.order_by().count()
        older = plain.filter(pk__lt=oldest_ranked).order_by("-pk")
        return rows + list(older[max(start - ranked_count, 0) : None if stop is None else stop - ranked_count])

    def newest_matches(self, text: str) -> tuple[int | None, int]:
        """The smallest id among the newest RANKED_MATCHES rows holding every word of ``text``, and how many
        there are (fewer when that is every match)."""
        sql, params = self.matching_ids(text, ranked_only=True)
        with connections[self.db].cursor() as cursor:
            cursor.execute(f"SELECT MIN(id), COUNT(*) FROM ({sql}) AS matched", params)  # noqa: S608 - params
            return cursor.fetchone()

    def matching_ids(self, text: str, ranked_only: bool = False) -> tuple[str, tuple]:
        """SQL for the ids of the rows holding every word of ``text`` (only the newest RANKED_MATCHES with
        ``ranked_only``), and its parameters.

        On PostgreSQL the newest come through the GIN index, or for a common word off the primary key's
        index backwards, whichever the planner finds cheaper; FTS5 reads them from the end of its index.
        """
        if connections[self.db].vendor == "postgresql":
            table = connections[self.db].ops.quote_name(documents_table(self.model, self.search_fields))
            sql, params = f"SELECT id FROM {table} WHERE {table}.search_document @@ {postgresql_tsquery(text)}", ()
            newest = "id"
        else:
            table = fts5_table(self.model)
            sql, params = f"SELECT rowid AS id FROM {table} WHERE {table} MATCH %s", (fts5_match(text),)
            newest = "rowid"
        if ranked_only:
            sql = f"SELECT id FROM ({sql} ORDER BY {newest} DESC LIMIT {RANKED_MATCHES}) AS newest"
        return sql, params

    def matching_within(self, text: str, within: tuple[str, tuple]) -> tuple[str, tuple]:
        """SQL for the ids of the rows holding every word of ``text`` that are among the few ids that the SQL
        ``within`` selects; and its parameters.

        On PostgreSQL each of those ids' rows is tested for the words. FTS5 reads every match and looks each up
        among those ids, where looking up each of the ids' rows among the matches first listed every match of a
        common word: at 100,000 articles, the 200 most quoted speakers named "government" took 0.38 ms, not 0.95.
        """
        within_sql, within_params = within
        if connections[self.db].vendor == "postgresql":
            table = connections[self.db].ops.quote_name(documents_table(self.model, self.search_fields))
            condition = f"id IN ({within_sql}) AND {table}.search_document @@ {postgresql_tsquery(text)}"
            return f"SELECT id FROM {table} WHERE {condition}", within_params
        # The unary plus keeps SQLite from looking up each of the ids in FTS5, one search of its index each.
        fts, params = fts5_table(self.model), (fts5_match(text), *within_params)
        return f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s AND +rowid IN ({within_sql})", params

    def rank_of_newest(self, text: str) -> Expression:
        """Each row's relevance to ``text``, higher for better; rows past the newest matches may get 0."""
        if connections[self.db].vendor == "postgresql":
            table = connections[self.db].ops.quote_name(self.model._meta.db_table)
            return RawSQL(postgresql_rank(table, text), (), output_field=models.FloatField())
        # Ranked in the pass that finds the newest matches, which SQLite runs once and keeps; a rank computed for
        # each row of the outer query would run the match again for every row.
        (newest, params), source = fts5_newest_scored(self.model, text), self.model._meta.db_table
        score = f'SELECT newest.score FROM ({newest}) AS newest WHERE newest.id = "{source}"."id"'
        return Coalesce(
            RawSQL(score, params),
            models.Value(0.0),
            output_field=models.FloatField(),
        )


class MatchingIds(Expression):
    """The ids of a searched queryset's rows that hold every word of ``text``, for an IN: of every such row, or of
    the newest RANKED_MATCHES alone where the query compiled says ``newest_matches_only``.

    The ranked part of a searched list reads only the newest matches. Asked for among every match, SQLite read
    each match's row to find them: 0.18 s for a page of the articles holding "government" at 100,000 articles.
    """

    def __init__(self, searched: SearchableQuerySet, text: str):
        super().__init__()
        self.searched, self.text = searched, text

    def as_sql(self, compiler, connection):
        return self.searched.matching_ids(self.text, getattr(compiler.query, "newest_matches_only", False))


def fts5_newest_scored(model, text: str) -> tuple[str, tuple]:
    """SQL for the newest RANKED_MATCHES rows of ``model`` that hold every word of ``text``, the ``id`` and
    ``score`` of each, higher for better; and its parameters.

    FTS5 ranks (bm25, lower for better, so negated) only in the pass that finds the matches: in the recent table
    when it holds RANKED_MATCHES of them, which are then the newest of all, or else in the whole index. A LIMIT
    of 0 keeps SQLite from opening the other; a condition on its rows, or on its rowids, still had it start.
    """
    table, recent = fts5_table(model), fts5_recent_table(model)
    held = f"(SELECT COUNT(*) FROM (SELECT 1 FROM {recent} WHERE {recent} MATCH %s LIMIT {RANKED_MATCHES}))"

    def newest_of(source: str, when: str) -> str:
        limit = f"CASE WHEN {held} {when} {RANKED_MATCHES} THEN {RANKED_MATCHES} ELSE 0 END"
        return (
            f"SELECT * FROM (SELECT rowid AS id, -rank AS score FROM {source} WHERE {source} MATCH %s "
            f"ORDER BY rowid DESC LIMIT {limit})"
        )

    sql = f"{newest_of(recent, '=')} UNION ALL {newest_of(table, '<')}"
    return sql, (fts5_match(text),) * 4


def postgresql_rank(table: str, text: str) -> str:
    """SQL for the relevance to ``text`` of a row of ``table`` on PostgreSQL, higher for better, from its stored
    document: no row's text is parsed again."""
    return f"ts_rank({table}.search_document, {postgresql_tsquery(text)})"


def postgresql_tsquery(text: str) -> str:
    """SQL for the tsquery of every word of ``text``, without any query syntax, the words written in as a literal.

    Not a parameter: a statement run a fifth time is prepared (settings.PREPARED_STATEMENTS), and after five
    more runs PostgreSQL may plan a prepared statement once for any value of its parameters. Shared by every
    search, with the words as a parameter, the statement finding the newest quotes of a search was soon planned
    for no word in particular, and took 0.9 s for "peacekeeping" at 100,000 articles, against 0.4 ms planned for
    it. With the words in the SQL, each search has statements of its own, and one searched often is planned once.
    The words are word characters alone (search_words()): no quote, backslash or percent sign reaches the SQL.
    """
    return f"websearch_to_tsquery('{SEARCH_CONFIG}'::regconfig, '{' '.join(search_words(text))}')"


def restore_sqlite_search(using="default", **kwargs):
    """Re-create any FTS5 table or trigger that a migration dropped, or that an older version of this module
    did not make, and refill those tables.

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
    for model in searched_models():
        search_fields = search_fields_of(model)
        needed = {*fts5_tables(model, search_fields), *fts5_triggers(model, search_fields)}
        tables = {model._meta.db_table, *(text.table for text in own_and_related(model, search_fields)[1])}
        if needed <= present or not tables <= present:
            continue
        with connection.schema_editor() as schema_editor:
            drop_search_index(model, search_fields, schema_editor)
            create_search_index(model, search_fields, schema_editor)


def compact_recent_tables(using="default") -> None:
    """Merge each SQLite recent table into one segment again, after an import has pushed many rows through it.

    FTS5 records a row's removal as a tombstone, kept until segments merge, and each transaction that writes
    adds a segment: after importing 100,000 articles, their recent table held 31 MB for 5,000 articles (9.7 MB
    merged), and ranking its newest matches of "government" took 0.53 ms, against 0.17 merged. Merging them all
    took 0.75 s; each holds RECENT_ROWS rows at most, so it costs no more as the archive grows.
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for model in searched_models():
            recent = fts5_recent_table(model)
            if recent in fts5_tables(model, search_fields_of(model)):
                cursor.execute(f"INSERT INTO {recent}({recent}) VALUES ('optimize')")


def searched_models() -> list[type[models.Model]]:
    """Every model whose default manager's queryset is searchable."""
    return [
        model
        for model in apps.get_models()
        if issubclass(getattr(model._default_manager, "_queryset_class", object), SearchableQuerySet)
    ]


def search_fields_of(model) -> tuple[str, ...]:
    """The fields that a searched model's documents hold."""
    return model._default_manager._queryset_class.search_fields
