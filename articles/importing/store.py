"""Import one record: store the article, then curate what extraction finds, in one transaction."""

from django.db import transaction

from ..curation import apply_extraction
from ..extraction import extract
from ..models import Article, ImportOutcome
from .records import ArticleRecord


def import_article(
    record: ArticleRecord, *, draft: bool = False, default_outlet: str = "", run_extraction: bool = True
) -> ImportOutcome:
    # Extraction is computation alone, so it runs before the transaction: importers working side by
    # side then hold the database's write lock only while they write. A story already held needs none.
    found = None
    if run_extraction and not Article.objects.holds_text(record.body):
        found = extract(record.body, record.published)
    with transaction.atomic():
        outcome = Article.objects.import_record(record, draft=draft, default_outlet=default_outlet)
        if run_extraction and outcome.needs_extraction:
            article = outcome.article
            if found is None or article.published != record.published:
                found = extract(article.body, article.published)
            apply_extraction(article, found, new_article=outcome.action == ImportOutcome.CREATED)
    return outcome
