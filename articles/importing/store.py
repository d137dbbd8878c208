"""Import one record: read it (extraction), then store the article and curate what extraction found.

Reading is computation alone and may run in another process; storing is one transaction.
"""

from django.db import transaction

from ..curation import apply_extraction
from ..extraction import Extraction, extract
from ..models import Article, ImportOutcome
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
