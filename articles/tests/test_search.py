"""Ranked full-text search behind one QuerySet method, on SQLite's FTS5 and PostgreSQL's own."""

import html
import re
import threading
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection, transaction

from articles.extraction import repair_apostrophes
from articles.models import Article, Quote, Speaker, SpeakerAlias
from articles.presentation import snippet
from articles.search import fts5_drop_statements, fts5_match, fts5_recent_table, fts5_statements, search_words
from articles.tests.factories import make_article, make_pledge, make_quote, make_speaker
from pledges.models import Pledge

pytestmark = pytest.mark.django_db


def test_search_needs_every_word():
    both = make_article(headline="Troops for Mali", body="Canada will send peacekeepers to Mali.")
    make_article(headline="Troops at home", body="Soldiers stay in barracks.")
    assert list(Article.objects.search("troops mali")) == [both]


def test_search_matches_other_forms_of_a_word():
    article = make_article(headline="A pledge", body="The minister pledged more peacekeeping troops.")
    assert list(Article.objects.search("pledges")) == [article]
    assert list(Article.objects.search("Peacekeeping TROOP")) == [article]


def test_better_matches_rank_first():
    passing = make_article(headline="Budget day", body="The budget mentions a harbour once, among many other things.")
    focused = make_article(headline="Harbour wall", body="The harbour wall, the harbour road, the harbour.")
    results = list(Article.objects.search("harbour"))
    assert results == [focused, passing]
    assert results[0].rank > results[1].rank


def test_only_the_newest_matches_are_ranked(monkeypatch):
    monkeypatch.setattr("articles.search.RANKED_MATCHES", 2)
    focused_but_old = make_article(headline="Harbour wall", body="The harbour wall, the harbour road, the harbour.")
    passing = make_article(headline="Budget day", body="The budget mentions a harbour once, among other things.")
    focused = make_article(headline="Harbour road", body="The harbour road, the harbour gate, the harbour.")
    assert Article.objects.ranked_matches("harbour") == [focused.pk, passing.pk]
    # Every match is there; the unranked ones follow, newest first.
    assert list(Article.objects.search("harbour")) == [focused, passing, focused_but_old]


def test_ranked_matches_are_those_of_the_queryset_best_first(monkeypatch):
    monkeypatch.setattr("articles.search.RANKED_MATCHES", 3)
    make_article(headline="Harbour wall", body="The harbour wall, the harbour road, the harbour.")
    passing = make_article(headline="Budget day", body="The budget mentions a harbour once, among other things.")
    make_article(headline="Harbour draft", body="The harbour, the harbour.", status=Article.Status.DRAFT)
    focused = make_article(headline="Harbour road", body="The harbour road, the harbour gate, the harbour.")
    make_article(headline="Inland", body="No water here.")
    # The newest three matches, the draft among them, and of those the published ones.
    assert Article.objects.published().ranked_matches("harbour") == [focused.pk, passing.pk]
    assert Article.objects.published().filter(headline__startswith="Budget").ranked_matches("harbour") == [passing.pk]
    assert Article.objects.published().ranked_matches("NEAR(") == []
    assert Article.objects.none().ranked_matches("harbour") == []
    with pytest.raises(ValueError, match="own columns"):
        Article.objects.filter(outlet__name="Reuters").ranked_matches("harbour")


def test_any_slice_of_a_search_is_that_slice_of_its_order(monkeypatch, django_assert_max_num_queries):
    """A slice is read as the ranked newest matches and the older ones, in two queries of their own; it is the
    same rows, in the same order, as the whole list read at once."""
    monkeypatch.setattr("articles.search.RANKED_MATCHES", 2)
    harbour = [make_article(headline=f"Harbour {n}", body="The harbour road." + " harbour" * n) for n in range(5)]
    make_article(headline="Inland", body="No water here.")
    searched = Article.objects.published().search("harbour")
    whole = list(searched.order_by(*searched.query.order_by, "pk"))
    assert whole[:2] == [harbour[4], harbour[3]]
    assert whole[2:] == [harbour[2], harbour[1], harbour[0]]
    for start in range(7):
        for stop in (*range(start, 8), None):
            with django_assert_max_num_queries(4):
                assert searched[start:stop] == whole[start:stop], (start, stop)
    assert searched.values_list("headline", flat=True)[1:4] == [article.headline for article in whole[1:4]]
    assert searched.filter(headline__endswith="1")[0:5] == [harbour[1]]
    assert (searched.first(), searched.last()) == (whole[0], whole[-1])


def test_a_searched_list_can_ask_for_its_newest_matches_alone(monkeypatch):
    """What the ranked part of a slice reads (ranked_then_older()): every other match is left out in SQL."""
    monkeypatch.setattr("articles.search.RANKED_MATCHES", 2)
    articles = [make_article(headline=f"Harbour {n}", body=f"The harbour, number {n}.") for n in range(3)]
    make_article(headline="Inland", body="No water here.")
    searched = Article.objects.search("harbour")
    newest = searched.filter(headline__startswith="Harbour")
    newest.query.newest_matches_only = True
    assert set(newest.values_list("pk", flat=True)) == {articles[1].pk, articles[2].pk}
    assert set(searched.values_list("pk", flat=True)) == {article.pk for article in articles}


def test_a_search_sorted_otherwise_is_sliced_as_any_list():
    make_article(headline="Harbour B", body="The harbour.")
    first = make_article(headline="Harbour A", body="A harbour, and a harbour wall.")
    by_headline = Article.objects.search("harbour").order_by("headline")
    assert list(by_headline[:1]) == [first]
    assert by_headline[:1].query.low_mark == 0  # a QuerySet still, sliced by the database


def test_search_composes_with_other_filters():
    make_article(headline="Draft about troops", body="Troops.", status=Article.Status.DRAFT)
    published = make_article(headline="Troops", body="Troops arrive.")
    assert list(Article.objects.published().search("troops")) == [published]


@pytest.mark.parametrize(
    "text", ['"""', "NEAR(", "troops AND", "*", "(", "-", "a:b", "'", "\\", "OR NOT", "100%", "troops'", "l'armée"]
)
def test_query_syntax_is_never_passed_through(text):
    make_article(headline="Troops", body="Troops arrive.")
    list(Article.objects.search(text))  # no error


def test_text_without_words_finds_nothing():
    make_article()
    assert not Article.objects.search("!!! ???").exists()


def test_quotes_and_pledges_are_searched_too():
    quote = make_quote("the troops are ready")
    pledge = make_pledge("We will send 600 troops", action="send 600 troops to the mission")
    assert list(Quote.objects.search("troops ready")) == [quote]
    assert list(Pledge.objects.search("mission")) == [pledge]  # the action is searched as well as the words


def test_the_index_follows_changes_and_deletions():
    article = make_article(headline="Old headline", body="Nothing here.")
    article.body = "Now about icebreakers."
    article.save()
    assert list(Article.objects.search("icebreakers")) == [article]
    assert not Article.objects.search("nothing").exists()
    article.delete()
    assert not Article.objects.search("icebreakers").exists()


def test_speakers_are_found_by_a_word_of_their_name_or_of_an_alias():
    trudeau = make_speaker("Justin Trudeau")
    SpeakerAlias.objects.create(speaker=trudeau, name="Prime Minister Justin Trudeau")
    make_speaker("Justine Greening")
    assert list(Speaker.objects.search("trudeau")) == [trudeau]
    assert list(Speaker.objects.search("prime minister")) == [trudeau]
    trudeau.name = "Pierre Trudeau"
    trudeau.save()
    assert list(Speaker.objects.search("pierre")) == [trudeau]
    assert list(Speaker.objects.search("pierre minister")) == [trudeau]  # a word of the name and one of an alias
    assert not Speaker.objects.search("greening trudeau").exists()


def test_a_speakers_document_follows_its_aliases_however_they_are_written():
    """Aliases are written one by one (the admin), many in one statement (an import), moved between speakers in
    one statement (a merge), and deleted with their speaker."""
    trudeau, harper = make_speaker("Justin Trudeau"), make_speaker("Stephen Harper")
    alias = SpeakerAlias.objects.create(speaker=trudeau, name="Prime Minister Justin Trudeau")
    SpeakerAlias.objects.bulk_create(
        [SpeakerAlias(speaker=harper, name=name, key=name.lower()) for name in ("Mr Harper", "Former premier Harper")]
    )
    assert list(Speaker.objects.search("premier")) == [harper]
    alias.name = "Canadian leader Justin Trudeau"
    alias.save()
    assert list(Speaker.objects.search("leader")) == [trudeau]
    assert not Speaker.objects.search("minister").exists()
    SpeakerAlias.objects.filter(speaker=harper).update(speaker=trudeau)
    assert list(Speaker.objects.search("premier")) == [trudeau]
    assert list(Speaker.objects.search("stephen")) == [harper]  # still by its own name
    alias.delete()
    assert not Speaker.objects.search("leader").exists()
    trudeau.delete()
    assert not Speaker.objects.search("premier").exists()
    assert list(Speaker.objects.search("stephen")) == [harper]


def test_the_most_quoted_speakers_are_found_however_many_newer_speakers_match(monkeypatch):
    monkeypatch.setattr("articles.search.RANKED_MATCHES", 2)
    monkeypatch.setattr("articles.models.MOST_QUOTED_SEARCHED", 2)
    trump = make_speaker("Donald Trump", quote_count=900)
    davis = make_speaker("David Davis", quote_count=400)
    SpeakerAlias.objects.create(speaker=davis, name="Brexit minister David Davis")
    aides = [make_speaker(f"A Trump aide {n}", quote_count=1) for n in range(3)]
    ministers = [make_speaker(f"A minister's spokesman {n}", quote_count=1) for n in range(3)]
    for spokesman in ministers:
        SpeakerAlias.objects.create(speaker=spokesman, name=f"The minister's spokesman {spokesman.pk}")
    # The newest matches alone are stories' unnamed sources; the best-known speakers are older rows.
    # The most quoted first, then by name.
    assert Speaker.objects.ranked_matches("trump") == [trump.pk, aides[1].pk, aides[2].pk]
    assert Speaker.objects.ranked_matches("minister") == [davis.pk, ministers[1].pk, ministers[2].pk]
    assert Speaker.objects.exclude(pk=davis.pk).ranked_matches("minister") == [ministers[1].pk, ministers[2].pk]
    monkeypatch.setattr("articles.models.MOST_QUOTED_SEARCHED", 1)
    assert davis.pk not in Speaker.objects.ranked_matches("minister")


def test_search_words_drop_syntax_and_cap_length():
    assert search_words('"troops" NEAR(mali*') == ["troops", "NEAR", "mali"]
    assert len(search_words("word " * 500)) == 32
    assert fts5_match('say "hi"') == '"say" "hi"'


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite keeps its index in FTS5 tables")
def test_sqlite_index_survives_a_table_rebuild(transactional_db):
    """A later migration that rebuilds a searched table drops its triggers, and a database searched by an older
    version lacks the recent rows' table; post_migrate restores both, and fills them."""
    older = make_quote("the icebreakers are old")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER articles_quote_fts_insert")
        cursor.execute("DROP TRIGGER articles_speaker_fts_aliases__name_insert")  # a rebuilt alias table's
        cursor.execute(f"DROP TABLE {fts5_recent_table(Article)}")
    call_command("migrate", verbosity=0)
    quote = make_quote("the icebreakers are ready")
    assert list(Quote.objects.search("icebreakers")) == [quote, older]
    SpeakerAlias.objects.create(speaker=quote.speaker, name="The harbour master")
    assert list(Speaker.objects.search("harbour")) == [quote.speaker]
    assert recent_ids(Quote) == [older.pk, quote.pk]
    assert recent_ids(Article) == [older.article_id, quote.article_id]


sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite ranks in FTS5 tables")


@pytest.fixture
def three_recent_articles(monkeypatch):
    """The articles' FTS5 tables made afresh (inside the test's transaction) to keep the newest three rows apart,
    of which the newest two matches are ranked."""
    monkeypatch.setattr("articles.search.RECENT_ROWS", 3)
    monkeypatch.setattr("articles.search.RANKED_MATCHES", 2)
    with connection.cursor() as cursor:
        fields = Article.objects.all().search_fields
        for statement in fts5_drop_statements(Article, fields) + fts5_statements(Article, fields):
            cursor.execute(statement)


def recent_ids(model) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid FROM {fts5_recent_table(model)} ORDER BY rowid")  # noqa: S608 - a table name
        return [rowid for (rowid,) in cursor.fetchall()]


@sqlite_only
def test_the_recent_table_holds_the_newest_rows_as_they_change(three_recent_articles):
    articles = [make_article(headline=f"Harbour {n}", body=f"The harbour, number {n}.") for n in range(5)]
    assert recent_ids(Article) == [article.pk for article in articles[2:]]
    articles[4].delete()
    articles[3].body = "Now about icebreakers."
    articles[3].save()
    assert recent_ids(Article) == [articles[2].pk, articles[3].pk]
    assert Article.objects.ranked_matches("icebreakers") == [articles[3].pk]
    # The one that still says "harbour" twice first.
    assert Article.objects.ranked_matches("harbour") == [articles[2].pk, articles[3].pk]


@sqlite_only
def test_a_common_words_newest_matches_are_ranked_among_the_recent_rows(three_recent_articles):
    make_article(headline="Inland", body="No water here.")
    wall = make_article(headline="Harbour wall", body="The harbour wall, the harbour road, the harbour.")
    focused = make_article(headline="Harbour road", body="The harbour road, the harbour gate, the harbour.")
    passing = make_article(headline="Budget day", body="The budget mentions a harbour once, among other things.")
    assert recent_ids(Article) == [wall.pk, focused.pk, passing.pk]
    assert Article.objects.ranked_matches("harbour") == [focused.pk, passing.pk]
    assert list(Article.objects.search("harbour")) == [focused, passing, wall]


@sqlite_only
def test_a_word_rare_among_the_recent_rows_is_ranked_in_the_whole_index(three_recent_articles):
    make_article(headline="Icebreakers", body="Icebreakers, more icebreakers, and icebreakers.")
    focused = make_article(headline="Icebreakers", body="The icebreakers, the icebreakers.")
    passing = make_article(headline="Budget day", body="The budget buys icebreakers, among other things.")
    for n in range(3):
        make_article(headline=f"Harbour {n}", body=f"Nothing about ships, number {n}.")
    assert Article.objects.ranked_matches("icebreakers") == [focused.pk, passing.pk]


@sqlite_only
def test_an_import_merges_each_recent_table_into_one_segment(transactional_db, tmp_path):
    """Each write adds a segment to an FTS5 table, which reads them all; an import's writes leave many."""
    quotes = [make_quote(f"the harbour is ready, number {n}") for n in range(3)]
    assert segments_of(fts5_recent_table(Quote)) >= 3
    story = tmp_path / "story.txt"
    story.write_text("LONDON (Reuters) - The harbour will open in May, the harbour master said on Monday.")
    call_command("import_articles", str(story), verbosity=0)
    assert segments_of(fts5_recent_table(Article)) == segments_of(fts5_recent_table(Quote)) == 1
    assert Quote.objects.ranked_matches("ready") == [quote.pk for quote in reversed(quotes)]


def segments_of(fts5_table: str) -> int:
    """How many segments an FTS5 table's index is in: its leaves' ids hold their segment's in the bits from the
    37th up (fts5Int.h)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(DISTINCT rowid >> 37) FROM {fts5_table}_data WHERE rowid >> 37 > 0")  # noqa: S608
        return cursor.fetchone()[0]


postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own search")


@postgresql_only
def test_postgresql_searches_stored_documents_through_gin_indexes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%USING gin (search_document)%'")
        names = {name for (name,) in cursor.fetchall()}
        cursor.execute("SELECT table_name FROM information_schema.columns WHERE column_name = 'search_document'")
        tables = {name for (name,) in cursor.fetchall()}
    searched = {"articles_article", "articles_quote", "pledges_pledge", "articles_speaker"}
    assert {f"{table}_search"[:30] for table in searched} <= names
    # A speaker's document, which holds its aliases' names too, is kept in a table of its own.
    assert searched - {"articles_speaker"} | {"articles_speaker_documents"} <= tables


@postgresql_only
def test_adding_aliases_locks_no_speaker(transactional_db):
    """Importers lock the speakers they count in the order of their ids (counting.add_counts()). Adding aliases
    locked the speakers they name, in another order, when the speakers' own rows held their documents: two
    importers side by side deadlocked."""
    lee, diallo = make_speaker("Ann Lee"), make_speaker("Omar Diallo")
    both_added, failures = threading.Barrier(2, timeout=10), []

    def importer(speaker, alias):
        try:
            with transaction.atomic():
                SpeakerAlias.objects.create(speaker=speaker, name=alias)
                both_added.wait()
                list(Speaker.objects.filter(pk__in=[lee.pk, diallo.pk]).order_by("pk").select_for_update())
        except Exception as error:  # noqa: BLE001 - whatever stops an importer fails the test
            failures.append(error)
        finally:
            connection.close()

    importers = [
        threading.Thread(target=importer, args=(lee, "Mayor Ann Lee")),
        threading.Thread(target=importer, args=(diallo, "Mayor Omar Diallo")),
    ]
    for thread in importers:
        thread.start()
    for thread in importers:
        thread.join(timeout=30)
    assert failures == []
    assert set(Speaker.objects.search("mayor")) == {lee, diallo}


@postgresql_only
def test_postgresql_plans_each_search_for_its_own_words():
    """A statement run again and again is prepared; shared by every search, with the words as a parameter,
    PostgreSQL would soon plan it for no word in particular."""
    quote = make_quote("the peacekeepers are ready")
    for _ in range(12):
        assert Quote.objects.published().ranked_matches("peacekeepers") == [quote.pk]
        assert list(Quote.objects.search("peacekeepers")[:5]) == [quote]
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE '%%tsquery%%'")
        searches = [statement for (statement,) in cursor.fetchall()]
    assert len(searches) >= 2
    assert all("'peacekeepers'" in statement for statement in searches)


@postgresql_only
def test_postgresql_keeps_each_search_document_in_its_row():
    searched = ["articles_article", "articles_quote", "pledges_pledge", "articles_speaker_documents"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attrelid::regclass::text, attstorage FROM pg_attribute "
            "WHERE attname = 'search_document' AND attrelid::regclass::text = ANY(%s)",
            [searched],
        )
        assert dict(cursor.fetchall()) == dict.fromkeys(searched, "m")
    article = make_article(headline="Icebreakers", body="The icebreakers are ready. " * 300)
    assert list(Article.objects.search("icebreakers")) == [article]


@postgresql_only
def test_a_database_searching_through_expression_indexes_gets_stored_documents(transactional_db):
    store_documents = import_module("articles.migrations.0008_stored_search_documents").store_documents
    with connection.cursor() as cursor:  # the quotes' search as the first search migration made it
        cursor.execute("DROP INDEX articles_quote_search")
        cursor.execute("ALTER TABLE articles_quote DROP COLUMN search_document")
        cursor.execute(
            "CREATE INDEX articles_quote_search ON articles_quote "
            "USING gin (to_tsvector('english'::regconfig, COALESCE(text, '')))"
        )
    with connection.schema_editor() as schema_editor:
        store_documents(django_apps, schema_editor)
    quote = make_quote("the icebreakers are ready")
    assert list(Quote.objects.search("icebreakers")) == [quote]


def test_snippet_marks_the_words_and_escapes_the_rest():
    text = "Fish & chips <b>amp</b> " + "filler " * 40 + "the harbour wall " + "filler " * 40
    assert snippet("Fish & chips <b>amp</b>", "amp") == "Fish &amp; chips &lt;b&gt;<mark>amp</mark>&lt;/b&gt;"
    marked = snippet(text, "harbour")
    assert "<mark>harbour</mark> wall" in marked
    assert marked.startswith("…filler") and marked.endswith("filler…")


@pytest.mark.parametrize("query", ["troops", "minister", "harbour", ""])
def test_snippet_mends_what_it_shows_as_in_the_whole_text(query):
    """Only the stretch shown is mended, and it reads as that stretch of the whole text mended."""
    body = (
        "The minister s staff said little. " * 12
        + "Canada s troops will stay, the minister s aide said, and they won t leave. "
        + "We re told the harbour s wall held. " * 12
    )
    shown = html.unescape(re.sub("</?mark>", "", snippet(body, query))).strip("…")
    assert "'s" in shown
    assert shown in repair_apostrophes(body)
