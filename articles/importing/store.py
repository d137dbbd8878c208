"""Import records: read each (extraction), then store the article and curate what extraction found.

Reading is computation alone and may run in another process; storing is one transaction. The new stories
of many records may be stored together (store_new_articles), as each would be alone.
"""

from django.db import transaction

from ..curation import apply_extraction, curate_new_articles
from ..extraction import Extraction, extract
from ..models import Article, ImportOutcome, body_fingerprint
from .records import ArticleRecord


def import_article(
    record: ArticleRecord, *, draft: bool = False, default_outlet: str = "", run_extraction: bool = True
) -> ImportOutcome:
    found = read_article(record) if run_extraction else None
    return store_article(record, found, draft=draft, default_outlet=default_outlet, run_extraction=run_extraction)


def read_article(record: ArticleRecord) -> Extraction | None:
    """What extraction finds in a record, or None for a story already held, which needs none.

    Runs outside the transaction, so that importers working side by side hold the database's write
    lock only while they write.
    """
    return None if Article.objects.holds_text(record.body) else extract(record.body, record.published)


def store_article(
    record: ArticleRecord,
    found: Extraction | None,
    *,
    draft: bool = False,
    default_outlet: str = "",
    run_extraction: bool = True,
) -> ImportOutcome:
    """Store a record and what read_article() found in it, in one transaction."""
    with transaction.atomic():
        outcome = Article.objects.import_record(record, draft=draft, default_outlet=default_outlet)
        if run_extraction and outcome.needs_extraction:
            article = outcome.article
            if found is None or article.published != record.published:
                found = extract(article.body, article.published)
            apply_extraction(article, found, new_article=outcome.action == ImportOutcome.CREATED)
    return outcome


def store_new_articles(
    read: list[tuple[ArticleRecord, Extraction | None]], *, draft: bool = False, default_outlet: str = ""
) -> dict[int, ImportOutcome]:
    """Store the records of ``read`` (each with what read_article() found) that are new stories, and curate what
    was found in them, all together in one savepoint: what store_article() of each would do, by position.

    A record that is not plainly a new story (already held, told twice here, or without an extraction) is left
    for store_article(); if any new one cannot be stored, nothing is, and an exception says why.
    """
    records = [
        (position, record, found) for position, (record, found) in enumerate(read) if isinstance(found, Extraction)
    ]
    fingerprints = [body_fingerprint(record.body) for _, record, _ in records]
    new = Article.objects.new_stories([record for _, record, _ in records], fingerprints)
    if not new:
        return {}
    with transaction.atomic():
        articles = Article.objects.create_from_records(
            [records[i][1] for i in new], [fingerprints[i] for i in new], draft=draft, default_outlet=default_outlet
        )
        curate_new_articles([(article, records[i][2]) for article, i in zip(articles, new, strict=True)])
    return {
        records[i][0]: ImportOutcome(article, ImportOutcome.CREATED) for article, i in zip(articles, new, strict=True)
    }
