from __future__ import annotations

import functools
import hashlib
import operator
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import IntegrityError, connection, connections, models, transaction
from django.db.models import Case, Count, Exists, F, Func, Max, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Length
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords
from simple_history.utils import get_history_manager_for_model

from .importing.dateline import derive_headline, parse_dateline
from .importing.records import ArticleRecord
from .loading import RowLoadedModel
from .search import MatchingIds, SearchableQuerySet, search_words

WHITESPACE = re.compile(r"\s+")
NOT_A_WORD = re.compile(r"[^\w\s]")


def body_fingerprint(body: str) -> str:
    """The same story with other line breaks or spacing has the same fingerprint."""
    normalised = WHITESPACE.sub(" ", unicodedata.normalize("NFKC", body)).strip().casefold()
    return hashlib.sha256(normalised.encode()).hexdigest()


def alias_key(name: str) -> str:
    """The form under which a name is looked up: "the State Department" finds "State Department"."""
    folded = NOT_A_WORD.sub(" ", unicodedata.normalize("NFKC", name).casefold())
    words = folded.split()
    if words and words[0] in {"the", "a", "an"}:
        words = words[1:]
    return " ".join(words)


# Stands for a detail page's one argument while its address is reversed once; both int and slug accept it.
URL_ARGUMENT = "7309146258"
# What a slug or a number is made of, which an address holds as it is.
URL_SAFE = re.compile(r"[-\w]+", re.ASCII)


def detail_url(view_name: str, argument) -> str:
    """``reverse(view_name, args=[argument])`` for a page named by one slug or number.

    A list links each of its rows two or three times, and a reverse() walks the URLconf each time: the
    address is reversed once for each page and script prefix, and the argument put in its place.
    """
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    before, after = reversed_around_argument(view_name, get_script_prefix(), urlconf)
    text = str(argument)
    # quote() was a third of this function's time, and slugs and numbers need none.
    return f"{before}{text if URL_SAFE.fullmatch(text) else quote(text)}{after}"


@functools.cache
def reversed_around_argument(view_name: str, script_prefix: str, urlconf) -> tuple[str, str]:
    before, after = reverse(view_name, args=[URL_ARGUMENT], urlconf=urlconf).split(URL_ARGUMENT)
    return before, after


def record_machine_baselines(model, pks) -> None:
    """Enter rows as the importer stored them into their history, before anyone first changes them.

    Curation writes speakers, aliases, quotes and pledges in bulk without history rows, which keeps
    imports fast; what it wrote can always be extracted again. The history records what people change,
    starting from this baseline.
    """
    history = get_history_manager_for_model(model)
    recorded = set(history.filter(id__in=pks).values_list("id", flat=True))
    missing = [row for row in model.objects.filter(pk__in=pks) if row.pk not in recorded]
    for row in missing:
        row._history_date = getattr(row, "updated_at", None) or getattr(row, "created_at", None) or timezone.now()
    if missing:
        history.bulk_history_create(missing, default_change_reason="as the importer stored it")


def unique_slug(model, text: str, max_length: int = 80, exclude_pk=None) -> str:
    return unique_slugs(model, [text], max_length, exclude_pk)[0]


def unique_slugs(model, texts: list[str], max_length: int = 80, exclude_pk=None) -> list[str]:
    """A free slug for each text, distinct from each other and from the table's: the text's own, or when
    that is held, a number after it ("name-2", "name-3", ...).

    The number follows the last one this process gave the name, when that slug is still held and the next
    is free, both checked in the same query as the texts' own; otherwise it follows the highest held.
    Either way one or two queries, for a name held a thousand times (a syndicated headline) too.
    """
    bases = [slugify(text)[:max_length].strip("-") or model._meta.model_name for text in texts]
    last_given = {base: number for base in set(bases) if (number := LAST_NUMBERS_GIVEN.get((model, base)))}
    looked_up = (
        set(bases)
        | {f"{base}-{number}" for base, number in last_given.items()}
        | {f"{base}-{number + 1}" for base, number in last_given.items()}
    )
    held = set(held_slugs(model, exclude_pk).filter(slug__in=looked_up).values_list("slug", flat=True))
    taken = held & set(bases)
    next_numbers: dict[str, int] = {}
    slugs = []
    for base in bases:
        slug = base
        if base in taken:
            if base not in next_numbers:
                number = last_given.get(base)
                if number is None or f"{base}-{number}" not in held or f"{base}-{number + 1}" in held:
                    number = highest_number(model, base, exclude_pk)
                next_numbers[base] = number + 1
            while (slug := f"{base}-{next_numbers[base]}") in taken:
                next_numbers[base] += 1
        taken.add(slug)
        slugs.append(slug)
    remember_numbers_given(model, next_numbers)
    return slugs


def remember_numbers_given(model, numbers: dict[str, int]) -> None:
    if len(LAST_NUMBERS_GIVEN) + len(numbers) > MAX_NUMBERS_REMEMBERED:
        LAST_NUMBERS_GIVEN.clear()
    LAST_NUMBERS_GIVEN.update(((model, base), number) for base, number in numbers.items())


# Per process: an importer numbers the same syndicated headline, pledge or name again and again.
LAST_NUMBERS_GIVEN: dict[tuple[type[models.Model], str], int] = {}
MAX_NUMBERS_REMEMBERED = 10_000


def held_slugs(model, exclude_pk=None) -> models.QuerySet:
    held = model.objects.order_by()
    return held if exclude_pk is None else held.exclude(pk=exclude_pk)


def highest_number(model, base: str, exclude_pk=None) -> int:
    """The highest n of the slugs "base-n" held; 1 when there are none (the base itself is held)."""
    prefix = f"{base}-"
    held = held_slugs(model, exclude_pk)
    if connection.vendor == "postgresql":
        # Answered by the pattern index Django adds to a unique slug column.
        held = held.filter(slug__startswith=prefix)
    else:
        # SQLite's LIKE ignores case and so its index: a range of byte order instead, "base-0" up to "base-:"
        # (the character after "9").
        held = held.filter(slug__gte=f"{prefix}0", slug__lt=f"{prefix}:")
    numbered = re.compile(rf"{re.escape(prefix)}(\d+)")
    # The highest number is the longest slug, then the last in order, that is "base-" and digits alone:
    # the database sorts the range, and only its head comes back, however often the name is held.
    longest_first = held.annotate(length=Length("slug")).order_by("-length", "-slug").values_list("slug", flat=True)
    for slug in longest_first[:HEAD_OF_RANGE]:
        if found := numbered.fullmatch(slug):
            return int(found[1])
    # All of the head were other names that begin alike ("base-2-more"): read them all.
    numbers = (int(found[1]) for slug in held.values_list("slug", flat=True) if (found := numbered.fullmatch(slug)))
    return max(numbers, default=1)


HEAD_OF_RANGE = 10


class Outlet(RowLoadedModel):
    class Display(models.TextChoices):
        FULL_TEXT = "full", "Full text"
        EXCERPT = "excerpt", "Excerpt with a link to the original"

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    website = models.URLField(blank=True)
    display = models.CharField(
        max_length=10,
        choices=Display,
        default=Display.FULL_TEXT,
        help_text="Whether readers see the whole story, or an excerpt where the licence forbids republishing.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Outlet, self.name)
        super().save(*args, **kwargs)


class ArticleQuerySet(SearchableQuerySet):
    search_fields = ("headline", "body")

    def published(self):
        """Articles readers may see."""
        return self.filter(status=Article.Status.PUBLISHED)

    def listed(self):
        """With what a list shows of each article (templates/_items.html), and only that: a list's rows are
        then read, converted and built from 10 of the 22 columns of an article and its outlet."""
        return self.select_related("outlet").only(
            "headline", "slug", "place", "published", "subject", "body", "outlet__name"
        )

    def exported(self):
        """With what the API and the downloads give of each article (serializers.py), and only that: no
        text, the most of a row by far."""
        return self.select_related("outlet").only(
            "headline", "slug", "place", "published", "subject", "source_url", "outlet__name", "outlet__slug"
        )

    def quoting(self, speaker):
        """Articles in which ``speaker`` is quoted."""
        return self.filter(quotes__speaker=speaker).distinct()

    def import_record(self, record: ArticleRecord, *, draft: bool = False, default_outlet: str = "") -> ImportOutcome:
        """Create or revise the article a record describes; a story already held is left as it is.

        A record is the same story as an article when it has the article's id or URL (a re-issued or
        corrected story, which becomes a new revision) or the same text. Fields an editor changed are
        never overwritten. Call it inside a transaction.
        """
        fingerprint = body_fingerprint(record.body)
        article = self.match_record(record, fingerprint)
        values = article_values(record, default_outlet)
        if article is None:
            status = Article.Status.DRAFT if draft else Article.Status.PUBLISHED
            article = Article(**values, external_id=record.external_id or None, status=status)
            # Its text can always be imported again; history starts with its first change (Article.save).
            article.skip_history_when_saving = True
            for last_try in (False, True):
                try:
                    with transaction.atomic():
                        article.save()
                    del article.skip_history_when_saving
                    return ImportOutcome(article, ImportOutcome.CREATED)
                except IntegrityError:
                    # Another importer stored the same story, or took the slug, since we looked.
                    if held := self.match_record(record, fingerprint):
                        return ImportOutcome(held, ImportOutcome.UNCHANGED)
                    if last_try:
                        raise
                    article.slug = ""  # save() finds the next free one
        named_by_record = (record.external_id and record.external_id == article.external_id) or (
            record.url and record.url == article.source_url
        )
        if not named_by_record:
            # The same text under another id or URL: a copy of a story already held.
            return ImportOutcome(article, ImportOutcome.UNCHANGED)
        kept = set(article.edited_fields)
        if article.fingerprint == fingerprint or self.holds_text(record.body):
            kept.add("body")  # only spacing differs, or the new text is another story held already
        if "headline" in kept:
            kept.add("headline_derived")
        changes = {
            name: value for name, value in values.items() if name not in kept and getattr(article, name) != value
        }
        if not changes:
            return ImportOutcome(article, ImportOutcome.UNCHANGED)
        ArticleRevision.objects.create(
            article=article, number=article.revision, headline=article.headline, body=article.body
        )
        for name, value in changes.items():
            setattr(article, name, value)
        article.revision += 1
        article.save()
        return ImportOutcome(article, ImportOutcome.UPDATED, body_changed="body" in changes)

    def holds_text(self, body: str) -> bool:
        """Whether a story with this text (spacing aside) is already held."""
        return self.filter(fingerprint=body_fingerprint(body)).exists()

    def match_record(self, record: ArticleRecord, fingerprint: str):
        """The held article that a record is a version of, or None."""
        identity = functools.reduce(operator.or_, (Q(item) for item in identity_of(record, fingerprint)))
        # Locked, so that two imports of one story revise it one after the other.
        candidates = list(self.filter(identity).select_related("outlet").select_for_update(of=("self",)))
        # An id or URL names the story even when its text has since been corrected.
        candidates.sort(key=lambda a: (a.external_id != (record.external_id or None), a.fingerprint != fingerprint))
        return candidates[0] if candidates else None

    def new_stories(self, records: list[ArticleRecord], fingerprints: list[str]) -> list[int]:
        """The positions of the records (with their texts' fingerprints) that import_record() would create as new
        articles, each whatever the others do: stories not held, that no other of ``records`` tells either."""
        identities = [
            identity_of(record, fingerprint) for record, fingerprint in zip(records, fingerprints, strict=True)
        ]
        told = Counter(item for identity in identities for item in identity)
        named = Q(pk__in=[])
        for field in ("fingerprint", "external_id", "source_url"):
            if values := {value for name, value in told if name == field}:
                named |= Q(**{f"{field}__in": values})
        held = {
            item
            for row in self.filter(named).values("fingerprint", "external_id", "source_url")
            for item in row.items()
        }
        return [
            position
            for position, identity in enumerate(identities)
            if all(told[item] == 1 and item not in held for item in identity)
        ]

    def create_from_records(
        self, records: list[ArticleRecord], fingerprints: list[str], *, draft: bool = False, default_outlet: str = ""
    ) -> list[Article]:
        """What import_record() creates for each of the records new_stories() chose, in one insert (which, like
        import_record(), starts no history)."""
        outlets = {}
        status = Article.Status.DRAFT if draft else Article.Status.PUBLISHED
        articles = [
            Article(
                **article_values(record, default_outlet, outlets),
                external_id=record.external_id or None,
                fingerprint=fingerprint,
                status=status,
            )
            for record, fingerprint in zip(records, fingerprints, strict=True)
        ]
        for article, slug in zip(
            articles, unique_slugs(Article, [article.headline for article in articles]), strict=True
        ):
            article.slug = slug
        return self.bulk_create(articles)


def identity_of(record: ArticleRecord, fingerprint: str) -> list[tuple[str, str]]:
    """What makes a held article the story a record tells: the same text, or the same id or URL."""
    identity = [("fingerprint", fingerprint)]
    if record.external_id:
        identity.append(("external_id", record.external_id))
    if record.url:
        identity.append(("source_url", record.url))
    return identity


@dataclass(frozen=True)
class ImportOutcome:
    CREATED, UPDATED, UNCHANGED = "imported", "updated", "unchanged"

    article: Article
    action: str
    body_changed: bool = True

    @property
    def needs_extraction(self) -> bool:
        return self.action == self.CREATED or (self.action == self.UPDATED and self.body_changed)


def article_values(record: ArticleRecord, default_outlet: str, outlets: dict | None = None) -> dict:
    """The Article fields a record sets; ``outlets`` keeps the outlets found by name, for the next records."""
    dateline = parse_dateline(record.body)
    outlet_name = record.outlet or (dateline.outlet if dateline else "") or default_outlet
    outlet = None
    if outlet_name:
        outlets = {} if outlets is None else outlets
        if outlet_name not in outlets:
            outlets[outlet_name], _ = Outlet.objects.get_or_create(
                name__iexact=outlet_name, defaults={"name": outlet_name}
            )
        outlet = outlets[outlet_name]
    return {
        "headline": record.headline or derive_headline(record.body),
        "headline_derived": not record.headline,
        "outlet": outlet,
        "place": dateline.place if dateline else "",
        "published": record.published,
        "subject": record.subject,
        "body": record.body,
        "source_url": record.url,
    }


class Article(RowLoadedModel):
    class Status(models.TextChoices):
        PUBLISHED = "published", "Published"
        DRAFT = "draft", "Draft"

    # Fields an import may set; an editor's change to any of them is kept on re-import.
    IMPORTED_FIELDS = ("headline", "headline_derived", "outlet", "place", "published", "subject", "body", "source_url")

    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, null=True, blank=True, related_name="articles")
    headline = models.CharField(max_length=300)
    headline_derived = models.BooleanField(
        default=False, help_text="The story came without a headline; this one is its first sentence."
    )
    slug = models.SlugField(max_length=120, unique=True)
    place = models.CharField(max_length=100, blank=True, help_text="The dateline's place, e.g. Vancouver.")
    published = models.DateField(null=True, blank=True, help_text="Empty for an undated story.")
    subject = models.CharField(max_length=60, blank=True)
    body = models.TextField(help_text="The story exactly as imported.")
    source_url = models.URLField(max_length=500, blank=True)
    external_id = models.CharField(
        max_length=200, null=True, blank=True, unique=True, help_text="The record's id in the file it came from."
    )
    fingerprint = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status, default=Status.PUBLISHED)
    revision = models.PositiveIntegerField(default=1, editable=False)
    edited_fields = models.JSONField(
        default=list, blank=True, editable=False, help_text="Fields an editor changed; imports leave them alone."
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published", "-id"]
        indexes = [
            # Lists show the newest first; with the filtered column leading, a filtered list reads its
            # first page straight off the index instead of sorting every match.
            models.Index(fields=["-published", "-id"], name="article_newest"),
            models.Index(fields=["status", "-published", "-id"], name="article_status_newest"),
            models.Index(fields=["subject", "-published", "-id"], name="article_subject_newest"),
            models.Index(fields=["place", "-published", "-id"], name="article_place_newest"),
            models.Index(fields=["outlet", "-published", "-id"], name="article_outlet_newest"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["source_url"], condition=~Q(source_url=""), name="article_unique_url"),
        ]

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        return detail_url("articles:article_detail", self.slug)

    def save(self, *args, **kwargs):
        self.fingerprint = body_fingerprint(self.body)
        if not self.slug:
            self.slug = unique_slug(Article, self.headline, exclude_pk=self.pk)
        if self.pk is not None:
            record_machine_baselines(Article, [self.pk])
            # Before the article's own row, so that whatever follows its save (counts) sees them current.
            self.quotes.all().refresh_public(self)
            self.pledges.all().refresh_public(self)
        super().save(*args, **kwargs)


class ArticleRevision(models.Model):
    """The text an article had before a re-issued or corrected story replaced it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    headline = models.CharField(max_length=300)
    body = models.TextField()
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="revision_unique_number")]

    def __str__(self):
        return f"{self.article} (revision {self.number})"


# How many of the most quoted speakers a search of the newest matches always looks at as well.
MOST_QUOTED_SEARCHED = 200


class SpeakerQuerySet(SearchableQuerySet):
    # One document holds a speaker's name and all its aliases': one search of one index, where a name and its
    # aliases searched apart made a union of four searches, with every alias of the most quoted speakers read
    # (12,516 at 100,000 articles): the speakers holding "minister" took 4.8 ms on PostgreSQL, against 1.0.
    search_fields = ("name", "aliases__name")

    def named(self):
        """People and bodies, which are shared across articles."""
        return self.exclude(kind=Speaker.Kind.UNNAMED)

    def search(self, text: str):
        """Speakers whose name, or one of whose aliases, holds every word of ``text``; in this queryset's order."""
        if not search_words(text):
            return self.none()
        return self.filter(pk__in=MatchingIds(self, text))

    def ranked_matches(self, text: str) -> list[int]:
        """The ids of this queryset's speakers whose name or an alias holds every word of ``text``, among the newest
        RANKED_MATCHES and among the MOST_QUOTED_SEARCHED most quoted speakers; the most quoted first."""
        if not search_words(text) or self.query.is_empty():
            return []
        # A common word's newest matches are mostly stories' unnamed sources ("a Trump aide"): the best-known
        # speakers, whose rows are among the oldest, are looked for among the most quoted as well.
        table = connections[self.db].ops.quote_name(Speaker._meta.db_table)
        most_quoted = f"SELECT id FROM {table} ORDER BY quote_count DESC LIMIT {MOST_QUOTED_SEARCHED}"  # noqa: S608
        newest, newest_params = self.matching_ids(text, ranked_only=True)
        among, among_params = self.matching_within(text, (most_quoted, ()))
        conditions, params = self.own_conditions()
        where = f"id IN ({newest} UNION {among})" + (f" AND ({conditions})" if conditions else "")
        sql = f"SELECT id FROM {table} WHERE {where} ORDER BY quote_count DESC, name, id"  # noqa: S608 - parameters
        return self.ids_of(sql, (*newest_params, *among_params, *params))

    def public(self):
        """Speakers readers may see: those with a published quote or pledge."""
        return self.filter(Q(quote_count__gt=0) | Q(pledge_count__gt=0))

    def listed(self):
        """With what a list shows of each speaker: a speaker's row is its name, kind and counts, all shown."""
        return self

    def recount(self) -> None:
        """Store afresh each speaker's counts of published quotes and pledges (see articles/counting.py)."""
        from pledges.models import Pledge  # pledges.models imports this module

        self.update(
            quote_count=count_of(Quote.objects.published().filter(speaker=OuterRef("pk"))),
            pledge_count=count_of(Pledge.objects.published().for_speaker(OuterRef("pk"))),
            pledged_for_count=count_of(Pledge.objects.published().made_for_by_another(OuterRef("pk"))),
        )
        self.summarise_quotes()

    def summarise_quotes(self) -> None:
        """Store afresh each speaker's published quotes counted by month and by role (see articles/counting.py)."""
        speakers = self.values("pk")
        SpeakerMonth.objects.filter(speaker__in=speakers).delete()
        SpeakerRole.objects.filter(speaker__in=speakers).delete()
        quotes = Quote.objects.published().filter(speaker__in=speakers)
        SpeakerMonth.objects.bulk_create(
            (
                SpeakerMonth(speaker_id=speaker, month=month, quote_count=count)
                for (speaker, month), count in quotes.counts_by_speaker_and_month().items()
            ),
            batch_size=500,
        )
        SpeakerRole.objects.bulk_create(
            (
                SpeakerRole(speaker_id=speaker, speaker_role=role, first=first, last=last, quote_count=count)
                for speaker, role, first, last, count in quotes.roles_by_speaker().iterator()
            ),
            batch_size=500,
        )


def count_of(queryset) -> Coalesce:
    """The number of rows in ``queryset`` as a subquery; unlike Count() over joins, two never multiply."""
    counted = queryset.order_by().annotate(count=Func("pk", function="COUNT")).values("count")
    return Coalesce(Subquery(counted), 0)


class Speaker(RowLoadedModel):
    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANISATION = "organisation", "Organisation or government"
        UNNAMED = "unnamed", "Unnamed source"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=15, choices=Kind, default=Kind.PERSON)
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="unnamed_sources",
        help_text="The article an unnamed source belongs to; empty for people and bodies.",
    )
    wikidata_id = models.CharField(
        "Wikidata ID",
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^Q[1-9]\d*$", "A Wikidata ID looks like Q12345.")],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Stored, not counted per request: pages sort a million quotes' speakers by them (articles/counting.py).
    quote_count = models.PositiveIntegerField(default=0, editable=False, help_text="Published quotes.")
    pledge_count = models.PositiveIntegerField(default=0, editable=False, help_text="Published pledges.")
    # Of those, the ones made on its behalf: a handful of governments have any, and the others' pages need not
    # look for them.
    pledged_for_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Published pledges made on its behalf by another speaker."
    )

    objects = SpeakerQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["quote_count", "pledge_count", "pledged_for_count"])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="unnamed") & Q(article__isnull=False))
                | (~Q(kind="unnamed") & Q(article__isnull=True)),
                name="speaker_unnamed_belongs_to_article",
            ),
            models.UniqueConstraint(
                fields=["article", "name"], condition=Q(kind="unnamed"), name="speaker_unique_unnamed_per_article"
            ),
        ]
        indexes = [models.Index(fields=["-quote_count", "name"], name="speaker_most_quoted")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return detail_url("articles:speaker_detail", self.slug)

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Speaker, self.name, exclude_pk=self.pk)
        if self.pk is not None:
            record_machine_baselines(Speaker, [self.pk])
        super().save(*args, **kwargs)


class SpeakerMonth(RowLoadedModel):
    """How many of a speaker's published quotes came out in a month: the speaker page's chart, stored as the
    counts are (articles/counting.py), since a busy speaker's quotes are too many to count per request."""

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="months")
    month = models.DateField(help_text="The month's first day.")
    quote_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["speaker", "month"], name="speaker_month_unique")]

    def __str__(self):
        return f"{self.speaker_id} {self.month:%Y-%m}: {self.quote_count}"


class SpeakerRole(RowLoadedModel):
    """A role the stories give a speaker as written, with how many published quotes give it and when: the speaker
    page's list of roles, stored for the same reason as SpeakerMonth."""

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="roles")
    speaker_role = models.CharField(max_length=300)
    first = models.DateField(null=True)
    last = models.DateField(null=True)
    quote_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["speaker", "speaker_role"], name="speaker_role_unique")]

    def __str__(self):
        return f"{self.speaker_id} {self.speaker_role}: {self.quote_count}"


class SpeakerAlias(RowLoadedModel):
    """A name under which a person or body is found across articles; each leads to one speaker."""

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    key = models.CharField(max_length=200, unique=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "speaker aliases"

    def __str__(self):
        return self.name

    def clean(self):
        if self.speaker_id and self.speaker.kind == Speaker.Kind.UNNAMED:
            raise ValidationError("Unnamed sources belong to one article and take no aliases.")
        taken = SpeakerAlias.objects.filter(key=alias_key(self.name)).exclude(pk=self.pk).first()
        if taken:
            raise ValidationError({"name": f"{self.name!r} already names {taken.speaker}."})

    def save(self, *args, **kwargs):
        self.key = alias_key(self.name)
        if self.pk is not None:
            record_machine_baselines(SpeakerAlias, [self.pk])
        super().save(*args, **kwargs)


class SpeakerRedirect(models.Model):
    """The slug of a speaker merged into another: its old page leads to the speaker it became."""

    old_slug = models.SlugField(max_length=120, unique=True)
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="redirects")
    merge = models.ForeignKey("SpeakerMerge", on_delete=models.CASCADE, related_name="redirects")

    class Meta:
        ordering = ["old_slug"]

    def __str__(self):
        return f"{self.old_slug} → {self.speaker.slug}"


class SpeakerMerge(models.Model):
    """Duplicates an editor merged into one speaker, with what moved, so that the merge can be undone."""

    # Null once the kept speaker is itself merged away; undo that later merge first.
    target = models.ForeignKey(Speaker, on_delete=models.SET_NULL, null=True, related_name="merges")
    target_name = models.CharField(max_length=200)
    # Each duplicate's own fields and the ids of the quotes, pledges and aliases that moved from it.
    moved = models.JSONField()
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]

    def __str__(self):
        names = ", ".join(duplicate["name"] for duplicate in self.moved)
        return f"{names} merged into {self.target_name}"


class Origin(models.TextChoices):
    EXTRACTOR = "extractor", "Found by the extractor"
    EDITOR = "editor", "Added by an editor"


class Review(models.TextChoices):
    UNREVIEWED = "unreviewed", "Not yet reviewed"
    APPROVED = "approved", "Approved"
    EDITED = "edited", "Edited"
    REJECTED = "rejected", "Rejected"


# What a list shows of any quote or pledge: its words, and whether a machine found it unreviewed.
LISTED_ITEM_FIELDS = ("text", "origin", "review")
# What the API and the downloads give of any quote or pledge (serializers.ReviewedItemSerializer).
EXPORTED_ITEM_FIELDS = (
    *LISTED_ITEM_FIELDS,
    "start",
    "end",
    "article__slug",
    "article__headline",
    "article__published",
)


class ExtractedItemQuerySet(SearchableQuerySet):
    search_fields = ("text",)

    def published(self):
        """Items readers may see: from published articles, not rejected by an editor (the stored ``public``)."""
        return self.filter(public=True)

    def refresh_public(self, article: Article | None = None) -> int:
        """Store afresh what each item copies from its article: from ``article`` as it is about to be saved,
        or else from each item's article row."""
        return self.update(**self.model.copies_of_article(article))

    def awaiting_review(self):
        """Machine-found items no editor has looked at."""
        return self.filter(review=Review.UNREVIEWED)


class ExtractedItem(RowLoadedModel):
    """What quotes and pledges share: a span of an article, who found it, and its review."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="%(class)ss")
    text = models.TextField(help_text="The words as written in the article.")
    start = models.PositiveIntegerField(help_text="Offset of the first character in the article body.")
    end = models.PositiveIntegerField(help_text="Offset just past the last character.")
    cue = models.CharField(max_length=100, blank=True)
    origin = models.CharField(max_length=10, choices=Origin, default=Origin.EDITOR)
    review = models.CharField(max_length=12, choices=Review, default=Review.UNREVIEWED, db_index=True)
    review_note = models.TextField(blank=True, help_text="Why it was rejected or edited.")
    confidence = models.FloatField(null=True, blank=True)
    method = models.CharField(max_length=60, blank=True, help_text="The extraction rule that found it.")
    # The span the extractor found, kept when an editor moves the offsets, so that a re-run
    # recognises the item and never adds it again.
    extraction_key = models.CharField(max_length=40, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised by every save, so that an editor's form opened at an older version is told of the change.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Whether readers may see the item, copied from its review and its article's status by save(),
    # Article.save() and refresh_public(): lists and counts read it off their indexes, where a lookup
    # of each item's article would read every item a list or a count goes through.
    public = models.BooleanField(default=False, editable=False)

    class Meta:
        abstract = True

    @staticmethod
    def span_constraints(prefix: str) -> list:
        return [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")) & Q(end=F("start") + Length("text")),
                name=f"{prefix}_span_matches_text",
            ),
            models.UniqueConstraint(
                fields=["article", "extraction_key"],
                condition=Q(extraction_key__isnull=False),
                name=f"{prefix}_unique_extraction",
            ),
        ]

    @property
    def is_unreviewed_machine_item(self) -> bool:
        return self.origin == Origin.EXTRACTOR and self.review == Review.UNREVIEWED

    def clean(self):
        body = self.article.body if self.article_id else None
        if body is None or self.start is None or self.end is None:
            return
        if self.end > len(body):
            raise ValidationError({"end": f"The article is only {len(body)} characters long."})
        if body[self.start : self.end] != self.text:
            raise ValidationError({"text": "The text must be the article's words between the two offsets."})

    def save(self, *args, **kwargs):
        if self.pk is not None:
            self.version += 1
            record_machine_baselines(type(self), [self.pk])
        for name, value in self.copied_from(self.article, self.review).items():
            setattr(self, name, value)
        super().save(*args, **kwargs)

    @classmethod
    def copied_from(cls, article: Article, review: str) -> dict:
        """The values an item with ``review`` keeps of ``article``: as copies_of_article() sets them in SQL."""
        return {"public": article.status == Article.Status.PUBLISHED and review != Review.REJECTED}

    @classmethod
    def copies_of_article(cls, article: Article | None = None) -> dict:
        """What an update sets to copy from ``article``, or from each row's own article when None."""
        if article is None:
            article_is_published = Exists(Article.objects.published().filter(pk=OuterRef("article_id")))
        else:
            article_is_published = Value(article.status == Article.Status.PUBLISHED)
        return {"public": Case(When(review=Review.REJECTED, then=Value(False)), default=article_is_published)}


# What a list shows of each quote and its article (templates/_items.html).
LISTED_QUOTE_FIELDS = (
    *LISTED_ITEM_FIELDS,
    "kind",
    "speaker_role",
    "article__headline",
    "article__slug",
    "article__published",
)


class QuoteQuerySet(ExtractedItemQuerySet):
    def newest_first(self):
        """In the order of the lists, which the indexes beginning with ``public`` hold."""
        return self.order_by("-article_published", "-article_id", "start")

    def for_speaker(self, speaker):
        """Quotes said by ``speaker``."""
        return self.filter(speaker=speaker)

    def listed(self):
        """With what a list shows of each quote, its speaker and its article (templates/_items.html), and
        only that: a page's rows are then read, converted and built from 15 of the 47 columns of a quote,
        its speaker, its article and the article's outlet, about a tenth of a quote list's time."""
        return (
            self.select_related(None)
            .select_related("speaker", "article")
            .only(*LISTED_QUOTE_FIELDS, "speaker__name", "speaker__slug")
        )

    def in_story(self):
        """With what an article's page shows of each of its quotes (its mark, and who is quoted), and only that, in
        the story's order: the order of the models starts with the article's, which joins the article to sort one
        article's quotes."""
        return (
            self.select_related("speaker")
            .only("origin", "review", "start", "end", "speaker_role", "speaker__name", "speaker__slug")
            .order_by("start")
        )

    def listed_for_speaker(self, speaker):
        """``speaker``'s quotes, with what their list shows of each but the speaker, whom the speaker's page names
        once: not joined and read again for each quote."""
        return self.for_speaker(speaker).select_related(None).select_related("article").only(*LISTED_QUOTE_FIELDS)

    def exported(self):
        """With what the API and the downloads give of each quote (serializers.py), and only that: the
        article's text, the most of its row by far, stays out of a download of 10,000 quotes."""
        return (
            self.select_related(None)
            .select_related("speaker", "article__outlet")
            .only(
                *EXPORTED_ITEM_FIELDS,
                "kind",
                "speaker_role",
                "cue",
                "speaker__name",
                "speaker__slug",
                "article__outlet__name",
            )
        )

    def counts_by_speaker_and_month(self) -> Counter:
        """How many of these quotes each speaker has in each month of publication, keyed by (speaker id,
        the month's first day); quotes from undated articles are left out.

        Counted by day, in the order of the index the dates are read from, and the days added up into months
        here: grouped by month in SQL, a function would cut every quote's date, and the groups be sorted
        again. COUNT(*), not of the ids, so that PostgreSQL reads the index alone.
        """
        days = (
            self.filter(article_published__isnull=False)
            .values_list("speaker", "article_published")
            .annotate(count=Count("*"))
            .order_by()
        )
        months = Counter()
        for speaker, day, count in days.iterator():
            months[speaker, day.replace(day=1)] += count
        return months

    def roles_by_speaker(self):
        """Rows of (speaker id, role as written, first date, last date, count) for the roles these quotes give
        their speakers (off the quote_speaker_roles index alone)."""
        return (
            self.exclude(speaker_role="")
            .values_list("speaker", "speaker_role")
            .annotate(first=Min("article_published"), last=Max("article_published"), count=Count("*"))
            .order_by()
        )


class Quote(ExtractedItem):
    class Kind(models.TextChoices):
        DIRECT = "direct", "Direct"
        INDIRECT = "indirect", "Reported"

    # Indexed by quote_speaker_newest, which starts with it: every index is one more write for each quote.
    speaker = models.ForeignKey(Speaker, on_delete=models.PROTECT, related_name="quotes", db_index=False)
    speaker_role = models.CharField(max_length=300, blank=True, help_text="The role as this article writes it.")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.DIRECT)
    # A copy of the article's date, kept as ``public`` is: the lists filter and sort a million quotes by
    # both through an index, where a join to the articles would read every quote a speaker or a date range has.
    article_published = models.DateField(null=True, blank=True, editable=False)

    objects = QuoteQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["article_published", "public"])

    class Meta:
        ordering = ["article", "start"]
        indexes = [
            models.Index(fields=["public", "-article_published", "-article", "start"], name="quote_public_newest"),
            models.Index(
                fields=["speaker", "public", "-article_published", "-article", "start"], name="quote_speaker_newest"
            ),
            # A speaker's roles with their first and last dates, read off the index alone.
            models.Index(fields=["speaker", "public", "speaker_role", "article_published"], name="quote_speaker_roles"),
        ]
        constraints = ExtractedItem.span_constraints("quote")

    def __str__(self):
        return f"{self.speaker}: {self.text[:60]}"

    @classmethod
    def copied_from(cls, article: Article, review: str) -> dict:
        return super().copied_from(article, review) | {"article_published": article.published}

    @classmethod
    def copies_of_article(cls, article: Article | None = None) -> dict:
        published = (
            Subquery(Article.objects.filter(pk=OuterRef("article_id")).values("published")[:1])
            if article is None
            else Value(article.published)
        )
        return super().copies_of_article(article) | {"article_published": published}

    def get_absolute_url(self):
        return detail_url("articles:quote_detail", self.pk)


class CorrectionSuggestion(models.Model):
    """A reader's note that a quote or pledge is wrong; it waits in the editors' review queue."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, null=True, blank=True, related_name="corrections")
    pledge = models.ForeignKey(
        "pledges.Pledge", on_delete=models.CASCADE, null=True, blank=True, related_name="corrections"
    )
    message = models.TextField(max_length=2000, help_text="What is wrong, and how the reader knows.")
    email = models.EmailField(blank=True, help_text="Optional: only used to ask the reader a question.")
    created_at = models.DateTimeField(auto_now_add=True)
    resolved = models.BooleanField(default=False, help_text="An editor has dealt with it.")

    class Meta:
        ordering = ["resolved", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(quote__isnull=False) & Q(pledge__isnull=True))
                | (Q(quote__isnull=True) & Q(pledge__isnull=False)),
                name="correction_names_one_item",
            ),
        ]

    def __str__(self):
        return f"Correction to {self.item}"

    @property
    def item(self):
        return self.quote or self.pledge

    def get_absolute_url(self):
        return self.item.get_absolute_url()
