"""Import one record: store the article, then curate what extraction finds, in one transaction."""

from django.db import transaction

from ..curation import extract_article
from ..models import Article, ImportOutcome
from .records import ArticleRecord


def import_article(
    record: ArticleRecord, *, draft: bool = False, default_outlet: str = "", run_extraction: bool = True
) -> ImportOutcome:
    with transaction.atomic():
        outcome = Article.objects.import_record(record, draft=draft, default_outlet=default_outlet)
        if run_extraction and outcome.needs_extraction:
            extract_article(outcome.article)
    return outcome
