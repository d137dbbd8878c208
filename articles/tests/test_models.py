"""Articles as imports store them: one row per story, revisions for re-issues, editors' changes kept."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse, set_script_prefix

from articles.importing.records import ArticleRecord
from articles.models import (
    Article,
    ImportOutcome,
    Outlet,
    Quote,
    Speaker,
    SpeakerAlias,
    alias_key,
    body_fingerprint,
    detail_url,
    unique_slugs,
)
from articles.pagination import capped_count, capped_count_sql, counted_together
from articles.tests.factories import make_article, make_quote, make_speaker

pytestmark = pytest.mark.django_db

STORY = "VANCOUVER (Reuters) - Canada will send 200 troops, officials said. The mission starts in May."


def record(**overrides) -> ArticleRecord:
    fields = {"body": STORY, "where": "test.jsonl:1", "published": dt.date(2017, 11, 15), "external_id": "r-1"}
    return ArticleRecord(**(fields | overrides))


def test_import_creates_an_article_from_its_dateline():
    outcome = Article.objects.import_record(record(subject="worldnews"))
    article = outcome.article
    assert outcome.action == ImportOutcome.CREATED
    assert article.headline == "Canada will send 200 troops, officials said"
    assert article.headline_derived
    assert (article.place, article.outlet.name, article.published) == ("Vancouver", "Reuters", dt.date(2017, 11, 15))
    assert article.body == STORY
    assert article.slug == "canada-will-send-200-troops-officials-said"
    assert article.status == Article.Status.PUBLISHED


def test_import_is_idempotent():
    Article.objects.import_record(record())
    again = Article.objects.import_record(record())
    assert again.action == ImportOutcome.UNCHANGED
    assert Article.objects.count() == 1


def test_same_text_under_another_id_is_the_same_story():
    Article.objects.import_record(record())
    outcome = Article.objects.import_record(record(external_id="copy", body=STORY.replace(" ", "  ")))
    assert outcome.action == ImportOutcome.UNCHANGED
    assert Article.objects.count() == 1


def test_corrected_story_with_a_known_id_becomes_a_revision():
    first = Article.objects.import_record(record()).article
    corrected = STORY.replace("200 troops", "250 troops")
    outcome = Article.objects.import_record(record(body=corrected))
    assert outcome.action == ImportOutcome.UPDATED and outcome.needs_extraction
    first.refresh_from_db()
    assert (first.body, first.revision) == (corrected, 2)
    assert first.revisions.get().body == STORY
    assert Article.objects.count() == 1


def test_known_url_identifies_a_story_too():
    Article.objects.import_record(record(external_id="", url="https://example.com/a"))
    outcome = Article.objects.import_record(record(external_id="", url="https://example.com/a", body=STORY + " More."))
    assert outcome.action == ImportOutcome.UPDATED
    assert Article.objects.count() == 1


def test_reimport_keeps_what_an_editor_changed():
    article = Article.objects.import_record(record()).article
    article.headline = "Canada splits its peacekeepers"
    article.edited_fields = ["headline"]
    article.save()
    outcome = Article.objects.import_record(record(subject="worldnews"))
    article.refresh_from_db()
    assert outcome.action == ImportOutcome.UPDATED and not outcome.needs_extraction
    assert article.headline == "Canada splits its peacekeepers"
    assert article.subject == "worldnews"


def test_draft_import_and_default_outlet():
    article = Article.objects.import_record(
        record(body="The minister said the bridge would open.", external_id="bbc-1"), draft=True, default_outlet="BBC"
    ).article
    assert article.status == Article.Status.DRAFT
    assert article.outlet == Outlet.objects.get(name="BBC")
    assert article.place == ""
    assert Article.objects.published().count() == 0


def test_fingerprint_ignores_spacing_and_case():
    assert body_fingerprint("A  story.\nTwo") == body_fingerprint("a story. two")


def test_fingerprints_and_slugs_are_unique_in_the_database():
    article = make_article()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(headline="Another", body=article.body)
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(headline="Another", body="Different text.", slug=article.slug)


def test_a_headline_held_many_times_finds_a_free_slug_in_a_few_queries(django_assert_max_num_queries):
    Article.objects.bulk_create(
        Article(
            headline="Talks resume",
            slug="talks-resume" if n == 1 else f"talks-resume-{n}",
            body=f"Story {n}.",
            fingerprint=body_fingerprint(f"Story {n}."),
        )
        for n in range(1, 301)
    )
    Article.objects.create(headline="Talks resume", slug="talks-resume-2-in-geneva", body="Another story.")
    with django_assert_max_num_queries(2):
        assert unique_slugs(Article, ["Talks resume", "Talks end", "Talks resume"]) == [
            "talks-resume-301",
            "talks-end",
            "talks-resume-302",
        ]


def test_a_name_numbered_again_follows_the_number_last_given(django_assert_num_queries):
    held = [make_article(headline="Talks resume").slug for _ in range(3)]
    assert held == ["talks-resume", "talks-resume-2", "talks-resume-3"]
    with django_assert_num_queries(1):
        assert unique_slugs(Article, ["Talks resume", "Talks resume"]) == ["talks-resume-4", "talks-resume-5"]


def test_a_number_taken_elsewhere_since_it_was_given_is_not_given_again():
    make_article(headline="Talks resume")
    make_article(headline="Talks resume")
    # Another importer numbers the name meanwhile, and an editor deletes the last one this process gave.
    Article.objects.create(headline="Talks resume", slug="talks-resume-3", body="Another importer's story.")
    assert make_article(headline="Talks resume").slug == "talks-resume-4"
    Article.objects.filter(slug__in=["talks-resume-3", "talks-resume-4"]).delete()
    assert unique_slugs(Article, ["Talks resume"]) == ["talks-resume-3"]


def test_a_slug_numbered_past_names_that_begin_alike(monkeypatch):
    monkeypatch.setattr("articles.models.HEAD_OF_RANGE", 1)
    for slug in ("talks-resume", "talks-resume-2", "talks-resume-2-in-geneva", "talks-resume-2-in-oslo"):
        Article.objects.create(headline="Talks resume", slug=slug, body=f"Story {slug}.")
    assert unique_slugs(Article, ["Talks resume"]) == ["talks-resume-3"]


def test_quote_offsets_must_match_its_text():
    quote = make_quote()
    with pytest.raises(IntegrityError), transaction.atomic():
        Quote.objects.filter(pk=quote.pk).update(end=quote.end + 5)


def test_quote_clean_checks_the_article_body():
    quote = make_quote()
    quote.start, quote.end = quote.start + 1, quote.end + 1
    quote.text = quote.article.body[quote.start : quote.end]
    quote.full_clean()  # still the article's words
    quote.text = "x" * len(quote.text)
    with pytest.raises(Exception, match="article's words"):
        quote.full_clean()


def test_one_speaker_per_alias():
    SpeakerAlias.objects.create(speaker=make_speaker(name="Justin Trudeau"), name="Justin Trudeau")
    with pytest.raises(IntegrityError), transaction.atomic():
        SpeakerAlias.objects.create(speaker=make_speaker(name="J. Trudeau"), name="justin  TRUDEAU")


def test_unnamed_sources_belong_to_an_article():
    with pytest.raises(IntegrityError), transaction.atomic():
        Speaker.objects.create(name="a Canadian official", kind=Speaker.Kind.UNNAMED)
    article = make_article()
    Speaker.objects.create(name="a Canadian official", kind=Speaker.Kind.UNNAMED, article=article)
    with pytest.raises(IntegrityError), transaction.atomic():
        Speaker.objects.create(name="a Canadian official", kind=Speaker.Kind.UNNAMED, article=article)


@pytest.mark.parametrize(
    ("name", "key"),
    [("the State Department", "state department"), ("Jean-Pierre Lacroix", "jean pierre lacroix"), ("U.N.", "u n")],
)
def test_alias_key(name, key):
    assert alias_key(name) == key


def test_a_correction_whose_text_is_another_held_story_keeps_both_once():
    Article.objects.import_record(record())
    other = Article.objects.import_record(record(external_id="r-2", body="A different story.")).article
    outcome = Article.objects.import_record(record(body="A different story.", subject="corrected"))
    assert outcome.action == ImportOutcome.UPDATED and not outcome.needs_extraction
    assert outcome.article.body == STORY and outcome.article.subject == "corrected"
    assert Article.objects.filter(body="A different story.").get() == other


def test_counts_run_together_are_each_what_capped_count_gives_in_one_query(django_assert_num_queries):
    article = make_article(body="We will build one bridge, two roads and three schools, the mayor said.")
    for text in ("one bridge", "two roads", "three schools"):
        make_quote(article=article, text=text)
    first = Quote.objects.get(text="one bridge").start
    quotes = Quote.objects.all()
    lists = [quotes, quotes.filter(start__gt=first), quotes.none(), quotes.filter(pk=-1)]
    with django_assert_num_queries(1):
        counted = counted_together([capped_count_sql(rows, 2) for rows in lists], 2, "default")
    assert counted == [capped_count(quotes, 2) for quotes in lists] == [(2, True), (2, False), (0, False), (0, False)]


@pytest.mark.parametrize("script_prefix", ["/", "/archive/"])
def test_detail_urls_are_what_reverse_gives(script_prefix):
    pages = [("articles:article_detail", "a-story-2"), ("articles:quote_detail", 42), ("pledges:pledge_detail", "p-7")]
    set_script_prefix(script_prefix)
    try:
        for view_name, argument in pages:
            assert detail_url(view_name, argument) == reverse(view_name, args=[argument])
            assert detail_url(view_name, argument).startswith(script_prefix)
    finally:
        set_script_prefix("/")
