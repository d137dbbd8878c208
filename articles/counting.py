"""Speakers' stored counts of published quotes and pledges (in all, by month and by role), kept true as what they
count changes.

Readers' pages sort and filter speakers by these counts, which cannot be counted per request over a
million quotes. A new article's import adds to them (``add_counts``: an increment, which importers
running side by side cannot lose); any other change recounts the speakers it touched from the rows
themselves (``recount``). Saves and deletes of one row are followed through signals; bulk changes
call ``recount`` themselves.
"""

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db import connection
from django.db.models.signals import post_delete, post_save, pre_save

from pledges.models import Pledge

from .models import Article, Quote, Speaker, SpeakerMonth, SpeakerRole

# Rows changed in bulk are changed this many at a time: their ids are the parameters of a statement, and PostgreSQL
# takes at most 65,535 parameters a statement.
BATCH_SIZE = 10_000
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
    for batch in itertools.batched(sorted(speaker_ids), BATCH_SIZE):
        Speaker.objects.filter(pk__in=batch).recount()


def add_counts(quotes: Iterable[Quote], pledges: Iterable[Pledge]) -> None:
    """Add the quotes and pledges of a new, published article to their speakers' counts, in one statement.

    Written in SQL: the ORM's equivalent (a CASE per speaker) took longer to build than all the rest of
    an article's import to run. Rows are locked first, in the order of their ids, so that importers running
    side by side never wait on each other in a circle; and by a statement of their own, so that the
    increment reads counts that another importer has committed meanwhile: an UPDATE that waited for a lock
    of another transaction left out that transaction's increments (59 speakers of 60 in a test on
    PostgreSQL), and counts drifted under importers side by side.
    """
    quotes = list(quotes)
    quote_counts = Counter(quote.speaker_id for quote in quotes)
    pledges = list(pledges)
    pledge_counts = Counter(pk for pledge in pledges for pk in speakers_of([pledge]))
    pledged_for_counts = Counter(
        pledge.on_behalf_of_id for pledge in pledges if pledge.on_behalf_of_id not in (None, pledge.pledger_id)
    )
    speaker_ids = sorted(quote_counts.keys() | pledge_counts.keys())
    if not speaker_ids:
        return
    if connection.features.has_select_for_update:
        list(Speaker.objects.filter(pk__in=speaker_ids).order_by("pk").select_for_update().values_list("pk"))
    added = " UNION ALL ".join(
        ["SELECT %s AS speaker, %s AS quotes, %s AS pledges, %s AS pledged_for"] * len(speaker_ids)
    )
    table = connection.ops.quote_name(Speaker._meta.db_table)
    # Only the table's name and placeholders are put in the text; every value is a parameter.
    sql = (
        f"UPDATE {table} SET quote_count = quote_count + added.quotes, pledge_count = pledge_count + added.pledges, "  # noqa: S608
        f"pledged_for_count = pledged_for_count + added.pledged_for FROM ({added}) AS added "
        f"WHERE {table}.id = added.speaker"
    )
    rows = [(pk, quote_counts[pk], pledge_counts[pk], pledged_for_counts[pk]) for pk in speaker_ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])
    add_summaries(quotes)


def add_summaries(quotes: list[Quote]) -> None:
    """Add new, published quotes to their speakers' counts by month and by role, creating the rows they lack.

    Upserts (the same words in SQLite and PostgreSQL), run after ``add_counts`` has locked the speakers' rows:
    importers side by side take turns on a speaker's summary as on its counts.
    """
    date = connection.ops.adapt_datefield_value
    months = Counter(
        (quote.speaker_id, quote.article_published.replace(day=1)) for quote in quotes if quote.article_published
    )
    role_counts = Counter()
    role_dates = defaultdict(list)
    for quote in quotes:
        if quote.speaker_role:
            role_counts[quote.speaker_id, quote.speaker_role] += 1
            if quote.article_published:
                role_dates[quote.speaker_id, quote.speaker_role].append(quote.article_published)
    upsert(
        SpeakerMonth,
        ("speaker_id", "month", "quote_count"),
        [(speaker, date(month), count) for (speaker, month), count in sorted(months.items())],
        "quote_count = {table}.quote_count + excluded.quote_count",
    )
    upsert(
        SpeakerRole,
        ("speaker_id", "speaker_role", "first", "last", "quote_count"),
        [
            (*key, date(min(role_dates[key], default=None)), date(max(role_dates[key], default=None)), count)
            for key, count in sorted(role_counts.items())
        ],
        "quote_count = {table}.quote_count + excluded.quote_count, "
        # The earlier of two first dates and the later of two last dates, an empty date giving way to any.
        '"first" = CASE WHEN excluded."first" < {table}."first" THEN excluded."first" '
        'ELSE COALESCE({table}."first", excluded."first") END, '
        '"last" = CASE WHEN excluded."last" > {table}."last" THEN excluded."last" '
        'ELSE COALESCE({table}."last", excluded."last") END',
    )


def upsert(model, columns: tuple[str, ...], rows: list[tuple], update: str) -> None:
    """Insert ``rows`` of ``columns`` into ``model``'s table; where a row with the same unique key (the first
    two columns) is held, apply ``update`` to it instead."""
    if not rows:
        return
    quote_name = connection.ops.quote_name
    table = quote_name(model._meta.db_table)
    values = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(rows))
    # Only names and placeholders are put in the text; every value is a parameter.
    sql = (
        f"INSERT INTO {table} ({', '.join(map(quote_name, columns))}) VALUES {values} "  # noqa: S608
        f"ON CONFLICT ({', '.join(map(quote_name, columns[:2]))}) DO UPDATE SET {update.format(table=table)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])


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
