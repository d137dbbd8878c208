"""What is stored for speed (speakers' counts, quotes' copies of their article's date and visibility) stays
equal to what it derives from, whatever changes it."""

import datetime as dt
from collections import Counter, defaultdict

import pytest

from articles.curation import extract_article
from articles.importing.records import ArticleRecord
from articles.importing.store import import_article
from articles.merging import merge_speakers, undo_merge
from articles.models import Article, Quote, Review, Speaker, SpeakerMonth, SpeakerRole
from articles.reviewing import record_review
from articles.tests.factories import make_archive, make_article, make_pledge, make_quote, make_speaker
from pledges.models import Pledge

pytestmark = pytest.mark.django_db

STORY = (
    "OTTAWA (Reuters) - Canada will send 200 engineers to the mission, Defence Minister Harjit Sajjan said on Monday. "
    "We are ready to help, Sajjan told reporters. "
    "Prime Minister Justin Trudeau promised to contribute up to 600 troops to peacekeeping operations."
)


def stored_counts() -> dict[str, tuple[int, int, int]]:
    return {
        speaker.name: (speaker.quote_count, speaker.pledge_count, speaker.pledged_for_count)
        for speaker in Speaker.objects.all()
    }


def true_counts() -> dict[str, tuple[int, int, int]]:
    """Counted here the slow way, one row at a time."""

    def published(item) -> bool:
        return item.article.status == Article.Status.PUBLISHED and item.review != Review.REJECTED

    quotes = [quote for quote in Quote.objects.select_related("article") if published(quote)]
    pledges = [pledge for pledge in Pledge.objects.select_related("article") if published(pledge)]
    return {
        speaker.name: (
            sum(quote.speaker_id == speaker.pk for quote in quotes),
            sum(speaker.pk in {pledge.pledger_id, pledge.on_behalf_of_id} for pledge in pledges),
            sum(speaker.pk == pledge.on_behalf_of_id != pledge.pledger_id for pledge in pledges),
        )
        for speaker in Speaker.objects.all()
    }


def stored_summaries() -> tuple[set, set]:
    months = {(row.speaker.name, row.month, row.quote_count) for row in SpeakerMonth.objects.select_related("speaker")}
    roles = {
        (row.speaker.name, row.speaker_role, row.first, row.last, row.quote_count)
        for row in SpeakerRole.objects.select_related("speaker")
    }
    return months, roles


def true_summaries() -> tuple[set, set]:
    """Each speaker's published quotes by month and by role, gathered here one quote at a time."""
    months, roles = Counter(), defaultdict(list)
    for quote in Quote.objects.select_related("article", "speaker"):
        if quote.article.status != Article.Status.PUBLISHED or quote.review == Review.REJECTED:
            continue
        if quote.article.published:
            months[quote.speaker.name, quote.article.published.replace(day=1)] += 1
        if quote.speaker_role:
            roles[quote.speaker.name, quote.speaker_role].append(quote.article.published)
    return (
        {(*key, count) for key, count in months.items()},
        {
            (*key, min(filter(None, dates), default=None), max(filter(None, dates), default=None), len(dates))
            for key, dates in roles.items()
        },
    )


def assert_counts_true():
    """The stored counts and summaries, and the copies each quote and pledge keeps of its article, as they
    should be."""
    assert stored_counts() == true_counts()
    assert stored_summaries() == true_summaries()
    for quote in Quote.objects.select_related("article"):
        visible = quote.article.status == Article.Status.PUBLISHED and quote.review != Review.REJECTED
        assert (quote.article_published, quote.public) == (quote.article.published, visible), quote
    for pledge in Pledge.objects.select_related("article"):
        visible = pledge.article.status == Article.Status.PUBLISHED and pledge.review != Review.REJECTED
        assert pledge.public == visible, pledge


@pytest.fixture
def archive():
    archive = make_archive()
    assert_counts_true()
    return archive


def test_an_imported_story_adds_to_its_speakers_counts_and_a_draft_adds_nothing():
    draft = import_article(ArticleRecord(body=STORY.replace("200", "300"), where="draft.txt:1"), draft=True)
    assert draft.article.quotes.exists()
    assert not Speaker.objects.public().exists()
    import_article(ArticleRecord(body=STORY, where="story.txt:1"))
    assert_counts_true()
    sajjan = Speaker.objects.get(name="Harjit Sajjan")
    assert sajjan.quote_count == 2
    assert set(Speaker.objects.public()) >= {sajjan, Speaker.objects.get(name="Justin Trudeau")}


def test_stories_imported_one_by_one_add_up_to_the_speakers_months_and_roles():
    for number, published in enumerate([dt.date(2024, 3, 20), dt.date(2024, 3, 5), dt.date(2024, 2, 10), None]):
        story = STORY.replace("200", str(300 + number))
        import_article(ArticleRecord(body=story, published=published, where=f"story.txt:{number}"))
    assert_counts_true()
    sajjan = Speaker.objects.get(name="Harjit Sajjan")
    assert list(sajjan.months.order_by("month").values_list("month", "quote_count")) == [
        (dt.date(2024, 2, 1), 2),
        (dt.date(2024, 3, 1), 4),
    ]
    role = sajjan.roles.get()
    assert (role.speaker_role, role.first, role.last, role.quote_count) == (
        "Defence Minister",
        dt.date(2024, 2, 10),
        dt.date(2024, 3, 20),
        8,
    )


def test_extraction_run_again_recounts(archive):
    article = make_article(body=STORY)
    extract_article(article)
    Quote.objects.filter(article=article).update(speaker=archive.grace)  # as if an earlier run had misread it
    extract_article(article)
    assert_counts_true()
    assert Speaker.objects.get(name="Harjit Sajjan").quote_count == 2


def test_a_review_in_bulk_recounts(archive):
    record_review(Quote.objects.filter(speaker=archive.ada), Review.REJECTED, note="misread")
    assert_counts_true()
    assert Speaker.objects.get(pk=archive.ada.pk).quote_count == 0
    record_review(Quote.objects.filter(speaker=archive.ada), Review.APPROVED)
    assert_counts_true()


def test_a_pledge_rejected_in_bulk_leaves_the_lists_and_comes_back_when_approved(archive):
    pledge = make_pledge(pledger=archive.ada)
    record_review(Pledge.objects.filter(pk=pledge.pk), Review.REJECTED, note="not a pledge")
    assert_counts_true()
    assert pledge not in Pledge.objects.published()
    record_review(Pledge.objects.filter(pk=pledge.pk), Review.APPROVED)
    assert_counts_true()
    assert pledge in Pledge.objects.published()


def test_a_quote_given_to_another_speaker_moves_between_their_counts(archive):
    archive.troops.speaker = archive.grace
    archive.troops.save()
    assert_counts_true()
    archive.troops.delete()
    assert_counts_true()


def test_a_pledge_counts_for_its_pledger_and_for_whom_it_was_made(archive):
    pledge = make_pledge(pledger=archive.ada, on_behalf_of=archive.ministry)
    assert_counts_true()
    pledge.on_behalf_of = None
    pledge.save()
    assert_counts_true()


def test_an_article_withdrawn_or_deleted_leaves_every_count(archive):
    archive.treaty.status = Article.Status.DRAFT
    archive.treaty.save()
    assert_counts_true()
    archive.treaty.status = Article.Status.PUBLISHED
    archive.treaty.published = dt.date(2017, 9, 14)
    archive.treaty.save()
    assert_counts_true()
    archive.harbour.delete()
    assert_counts_true()


def test_a_merge_and_its_undoing_recount(archive):
    duplicate = make_speaker("A. Lovelace")
    make_quote("the budget would build 40 new bridges", speaker=duplicate)
    merge = merge_speakers(archive.ada, [duplicate])
    assert_counts_true()
    undo_merge(merge)
    assert_counts_true()
    assert Speaker.objects.get(name="A. Lovelace").quote_count == 1
