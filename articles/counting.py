"""Speakers' stored counts of published quotes and pledges, kept true as what they count changes.

Readers' pages sort and filter speakers by these counts, which cannot be counted per request over a
million quotes. A new article's import adds to them (``add_counts``: an increment, which importers
running side by side cannot lose); any other change recounts the speakers it touched from the rows
themselves (``recount``). Saves and deletes of one row are followed through signals; bulk changes
call ``recount`` themselves.
"""

from collections import Counter
from collections.abc import Iterable

from django.db import connection
from django.db.models.signals import post_delete, post_save, pre_save

from pledges.models import Pledge

from .models import Article, Quote, Speaker

# The speakers each kind of item counts towards: a pledge counts for its pledger and for whom it was made.
COUNTED_FIELDS = {Quote: ("speaker_id",), Pledge: ("pledger_id", "on_behalf_of_id")}


def speakers_of(items: Iterable[Quote | Pledge]) -> set[int]:
    """The ids of the speakers that ``items`` count towards."""
    return {pk for item in items for field in COUNTED_FIELDS[type(item)] if (pk := getattr(item, field))}


def speakers_of_articles(article_ids: Iterable[int]) -> set[int]:
    """The ids of the speakers that the quotes and pledges of these articles count towards."""
    article_ids = list(article_ids)
    return {
        pk
        for model, fields in COUNTED_FIELDS.items()
        for row in model.objects.filter(article__in=article_ids).values_list(*fields)
        for pk in row
        if pk
    }


def recount(speaker_ids: Iterable[int]) -> None:
    """Count these speakers' published quotes and pledges afresh."""
    if speaker_ids := sorted(speaker_ids):
        Speaker.objects.filter(pk__in=speaker_ids).recount()


def add_counts(quotes: Iterable[Quote], pledges: Iterable[Pledge]) -> None:
    """Add the quotes and pledges of a new, published article to their speakers' counts, in one statement.

    Written in SQL: the ORM's equivalent (a CASE per speaker) took longer to build than all the rest of
    an article's import to run. Rows are locked in the order of their ids, so that importers running
    side by side never wait on each other in a circle.
    """
    quote_counts = Counter(quote.speaker_id for quote in quotes)
    pledge_counts = Counter(pk for pledge in pledges for pk in speakers_of([pledge]))
    speaker_ids = sorted(quote_counts.keys() | pledge_counts.keys())
    if not speaker_ids:
        return
    added = " UNION ALL ".join(["SELECT %s AS speaker, %s AS quotes, %s AS pledges"] * len(speaker_ids))
    table = connection.ops.quote_name(Speaker._meta.db_table)
    # Only the table's name and placeholders are put in the text; every value is a parameter.
    sql = (
        f"UPDATE {table} SET quote_count = quote_count + added.quotes, pledge_count = pledge_count + added.pledges "  # noqa: S608
        f"FROM ({added}) AS added WHERE {table}.id = added.speaker"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for pk in speaker_ids for value in (pk, quote_counts[pk], pledge_counts[pk])])


def remember_counted_speakers(sender, instance, **kwargs) -> None:
    """Before a quote or pledge is saved: the speakers it counted towards, whom a change may take it from."""
    if instance.pk is not None:
        held = sender.objects.filter(pk=instance.pk).only(*COUNTED_FIELDS[sender])
        instance.counted_speakers = speakers_of(held)


def recount_item_speakers(sender, instance, **kwargs) -> None:
    recount(speakers_of([instance]) | getattr(instance, "counted_speakers", set()))


def remember_article_status(sender, instance, **kwargs) -> None:
    if instance.pk is not None:
        instance.counted_status = Article.objects.filter(pk=instance.pk).values_list("status", flat=True).first()


def recount_article_speakers(sender, instance, created, **kwargs) -> None:
    """An article published or withdrawn takes its quotes and pledges into or out of every count."""
    if not created and getattr(instance, "counted_status", instance.status) != instance.status:
        recount(speakers_of_articles([instance.pk]))


def connect_signals() -> None:
    """Follow single saves and deletes; called by apps.ready()."""
    for model in COUNTED_FIELDS:
        uid = f"counting_{model._meta.label}"
        pre_save.connect(remember_counted_speakers, sender=model, dispatch_uid=f"{uid}_before")
        post_save.connect(recount_item_speakers, sender=model, dispatch_uid=f"{uid}_save")
        post_delete.connect(recount_item_speakers, sender=model, dispatch_uid=f"{uid}_delete")
    pre_save.connect(remember_article_status, sender=Article, dispatch_uid="counting_article_before")
    post_save.connect(recount_article_speakers, sender=Article, dispatch_uid="counting_article_save")
