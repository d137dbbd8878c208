import datetime as dt
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from articles.caching import until_pages_change
from articles.loading import RowLoadedModel
from articles.models import (
    EXPORTED_ITEM_FIELDS,
    LISTED_ITEM_FIELDS,
    Article,
    ExtractedItem,
    ExtractedItemQuerySet,
    Quote,
    Speaker,
    detail_url,
    unique_slug,
)
from articles.pagination import capped_count_sql, counted_together


class Status(models.TextChoices):
    """PolitiFact's scale; the values are the ones used in URLs."""

    NOT_YET_RATED = "not-yet-rated", "Not yet rated"
    IN_THE_WORKS = "in-the-works", "In the works"
    STALLED = "stalled", "Stalled"
    COMPROMISE = "compromise", "Compromise"
    KEPT = "kept", "Kept"
    BROKEN = "broken", "Broken"


# Derived, never stored: a deadline has passed with the pledge neither kept nor broken.
OVERDUE = "overdue"
# get_status_display() builds a dict of the choices at each call, for each pledge of a list.
STATUS_LABELS = dict(Status.choices)
SETTLED = (Status.KEPT, Status.BROKEN)


class Score(NamedTuple):
    status: str
    label: str
    count: int
    more: bool  # there are more than ``count``


SCORE_LIMIT = 1_000
# Stands for each status in the scorecard's one compiled count; no pledge has it.
STATUS_SLOT = "scorecard-status"


# A pledge's terms, in the order the API and the downloads give them (serializers.py).
TERMS = (
    "action",
    "quantity_value",
    "quantity_qualifier",
    "quantity_unit",
    "recipient",
    "made_on",
    "deadline",
    "deadline_text",
    "topic",
    "status",
)


class PledgeQuerySet(ExtractedItemQuerySet):
    search_fields = ("text", "action")

    def listed(self, *more_fields: str):
        """With what a list shows of each pledge and its pledger (templates/_items.html), and ``more_fields``, and
        only those."""
        return (
            self.select_related(None)
            .select_related("pledger")
            .only(
                *LISTED_ITEM_FIELDS,
                *more_fields,
                "slug",
                "action",
                "status",
                "made_on",
                "made_on_text",
                "deadline",
                "pledger__name",
                "pledger__slug",
            )
        )

    def exported(self):
        """With what the API and the downloads give of each pledge (serializers.py), and only that."""
        return (
            self.select_related(None)
            .select_related("pledger", "article")
            .only(*EXPORTED_ITEM_FIELDS, "slug", *TERMS, "pledger__name", "pledger__slug")
        )

    def for_speaker(self, speaker):
        """Pledges made by ``speaker`` or on its behalf.

        Asked of one speaker on whose behalf no pledge was made (all but a few countries and governments), only
        its own pledges are asked for: they are read in order, and counted by status, off the indexes that start
        with the pledger, where asking for either of two read and sorted every pledge of a prolific speaker.
        """
        if isinstance(speaker, Speaker) and not self.model.objects.using(self.db).filter(on_behalf_of=speaker).exists():
            return self.filter(pledger=speaker)
        return self.filter(Q(pledger=speaker) | Q(on_behalf_of=speaker))

    def made_for_by_another(self, speaker):
        """Pledges made on behalf of ``speaker`` by another speaker."""
        return self.filter(on_behalf_of=speaker).exclude(pledger=speaker)

    def latest_for_speaker(self, speaker, count: int) -> list:
        """The ``count`` latest pledges made by ``speaker`` or on its behalf, newest first.

        Each side is read off its own index, newest first, and the two merged here: one query asking
        for either would read and sort every pledge of a prolific speaker. The pledges made on its behalf are
        looked for only where its stored count (of published pledges, as readers' pages read) holds any.

        The pledges ``speaker`` made are read without their related rows (select_related()) and given
        ``speaker``: joined, it was read again for each.
        """
        newest_first = ("-made_on", "-id")
        made = list(self.filter(pledger=speaker).select_related(None).order_by(*newest_first)[:count])
        for pledge in made:
            pledge.pledger = speaker
        if not speaker.pledged_for_count:
            return made
        on_behalf = self.made_for_by_another(speaker).order_by(*newest_first)[:count]
        # As the database orders them: where it holds an empty date larger than any (PostgreSQL), first.
        nulls_first = connections[self.db].features.nulls_order_largest

        def newest(pledge):
            return ((pledge.made_on is None) == nulls_first, pledge.made_on or dt.date.min, pledge.pk)

        return sorted([*made, *on_behalf], key=newest, reverse=True)[:count]

    def overdue(self, today: dt.date | None = None):
        """Pledges past their deadline and neither kept nor broken."""
        return self.filter(deadline__lt=today or timezone.localdate()).exclude(status__in=SETTLED)

    def with_status(self, status: str, today: dt.date | None = None):
        """Pledges at ``status``: one of Status, or ``overdue``."""
        if status == OVERDUE:
            return self.overdue(today)
        return self.filter(status=status)

    def scorecard(self, today: dt.date | None = None) -> list[Score]:
        """A Score for each status and for overdue pledges.

        Each is counted as the lists are, only so far (SCORE_LIMIT, then "1,000+"), through the indexes that
        start with ``public`` and the status or the deadline, all in one query: a count of every pledge under
        each status would read them all on every page.
        """
        today = today or timezone.localdate()
        # Each in the order of the index its filter starts: SQLite's statistics see nearly every pledge
        # "not yet rated" and would otherwise read the whole table for the rarer statuses.
        # One status's count is compiled once, then run with each status: compiling six took longer than running
        # them all.
        by_status = capped_count_sql(self.filter(status=STATUS_SLOT).order_by("-made_on", "-id"), SCORE_LIMIT)
        counts = [
            by_status and (by_status[0], [status if value == STATUS_SLOT else value for value in by_status[1]])
            for status in Status
        ]
        counts.append(capped_count_sql(self.overdue(today).order_by("deadline"), SCORE_LIMIT))
        scores = [*Status.choices, (OVERDUE, "Overdue")]
        counted = counted_together(counts, SCORE_LIMIT, self.db)
        return [Score(status, label, *count) for (status, label), count in zip(scores, counted, strict=True)]


def published_scorecard() -> list[Score]:
    """The scorecard of every published pledge, kept until readers' pages next change (or the day does, for the
    overdue ones): the home page shows it, and so does the list of pledges under no filter but a status. Counting
    it took a fifth of that list's work at 100,000 articles."""
    today = timezone.localdate()
    return until_pages_change(f"scorecard:{today.isoformat()}", lambda: Pledge.objects.published().scorecard(today))


class Pledge(ExtractedItem):
    Status = Status
    SLUG_LENGTH = 70

    slug = models.SlugField(max_length=120, unique=True)
    pledger = models.ForeignKey(Speaker, on_delete=models.PROTECT, related_name="pledges")
    on_behalf_of = models.ForeignKey(
        Speaker,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pledges_on_behalf",
        help_text="The government or body a leader committed, e.g. Canada for its prime minister.",
    )
    action = models.TextField(help_text="What was committed: contribute up to 600 troops to peacekeeping operations.")
    quantity_value = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    quantity_unit = models.CharField(max_length=40, blank=True, help_text="A plural noun: troops, dollars, euros.")
    quantity_qualifier = models.CharField(max_length=40, blank=True, help_text="As written: up to, at least.")
    recipient = models.CharField(max_length=300, blank=True)
    made_on = models.DateField(null=True, blank=True, help_text="When the pledge was made, resolved.")
    made_on_text = models.CharField(max_length=100, blank=True, help_text="When it was made, as written.")
    deadline = models.DateField(null=True, blank=True, help_text="When it is due, resolved.")
    deadline_text = models.CharField(max_length=100, blank=True, help_text="When it is due, as written.")
    topic = models.CharField(max_length=100, blank=True)
    status = models.CharField(
        max_length=15,
        choices=Status,
        default=Status.NOT_YET_RATED,
        editable=False,
        help_text="The latest status change; record a new one to change it.",
    )

    objects = PledgeQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["public"])

    class Meta:
        ordering = ["article", "start"]
        indexes = [
            models.Index(fields=["status"], name="pledge_status"),
            # Lists show the latest made first; with the status leading, a status's first page is read off the
            # index, and the scorecard counts each status there.
            models.Index(fields=["public", "-made_on", "-id"], name="pledge_public_newest"),
            models.Index(fields=["public", "status", "-made_on", "-id"], name="pledge_public_status"),
            # A speaker's latest pledges, made by them or on their behalf, each off its own index.
            models.Index(fields=["pledger", "-made_on", "-id"], name="pledge_pledger_newest"),
            # A speaker's pledges under each status, for the scorecard of a list of them.
            models.Index(fields=["pledger", "status", "-made_on", "-id"], name="pledge_pledger_status"),
            models.Index(fields=["on_behalf_of", "-made_on", "-id"], name="pledge_on_behalf_newest"),
            models.Index(fields=["deadline"], name="pledge_deadline"),
            # Overdue pledges, counted off the index alone.
            models.Index(fields=["public", "deadline", "status"], name="pledge_public_deadline"),
            # The topics editors gave, for the list's choices: the many pledges without one are skipped.
            models.Index(fields=["topic"], name="pledge_topic"),
        ]
        constraints = [
            *ExtractedItem.span_constraints("pledge"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="pledge_known_status"),
            models.CheckConstraint(
                condition=Q(quantity_value__isnull=True) | ~Q(quantity_unit=""), name="pledge_quantity_has_unit"
            ),
        ]

    def __str__(self):
        return f"{self.pledger}: {self.action[:70]}"

    def get_absolute_url(self):
        return detail_url("pledges:pledge_detail", self.slug)

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Pledge, self.slug_text, max_length=self.SLUG_LENGTH, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    @property
    def slug_text(self) -> str:
        return f"{self.pledger.name} {self.action}"

    @property
    def is_overdue(self) -> bool:
        return bool(self.deadline and self.deadline < timezone.localdate() and self.status not in SETTLED)

    @property
    def display_status(self) -> str:
        """The status a reader sees: Overdue when the deadline has passed unsettled."""
        return "Overdue" if self.is_overdue else STATUS_LABELS.get(self.status, self.status)

    def record_status(
        self,
        status: str,
        *,
        changed_on: dt.date | None = None,
        evidence_article: Article | None = None,
        evidence_quote: Quote | None = None,
        note: str = "",
        editor=None,
    ) -> "PledgeStatusChange":
        """Append a status change and bring the pledge's current status in line, in one transaction."""
        with transaction.atomic():
            change = PledgeStatusChange.objects.create(
                pledge=self,
                status=status,
                changed_on=changed_on or timezone.localdate(),
                evidence_article=evidence_article,
                evidence_quote=evidence_quote,
                note=note,
                editor=editor,
            )
            self.refresh_status()
        return change

    def refresh_status(self):
        latest = self.status_changes.order_by("-changed_on", "-id").first()
        self.status = latest.status if latest else Status.NOT_YET_RATED
        Pledge.objects.filter(pk=self.pk).update(status=self.status)


class PledgeStatusChange(RowLoadedModel):
    """One step of a pledge's status history. Rows are appended, never changed."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(max_length=15, choices=Status)
    changed_on = models.DateField(default=timezone.localdate, help_text="The day the status changed.")
    evidence_article = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="pledge_evidence"
    )
    evidence_quote = models.ForeignKey(
        Quote, on_delete=models.SET_NULL, null=True, blank=True, related_name="pledge_evidence"
    )
    note = models.TextField(blank=True)
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pledge", "changed_on", "id"]
        get_latest_by = ["changed_on", "id"]
        indexes = [models.Index(fields=["-recorded_at"], name="status_change_newest")]
        constraints = [models.CheckConstraint(condition=Q(status__in=Status.values), name="status_change_known")]

    def __str__(self):
        return f"{self.pledge}: {self.get_status_display()} on {self.changed_on}"

    def clean(self):
        if (
            self.evidence_quote_id
            and self.evidence_article_id
            and self.evidence_quote.article_id != self.evidence_article_id
        ):
            raise ValidationError({"evidence_quote": "The quote must come from the evidence article."})

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Status history is append-only: record a new change instead.")
        super().save(*args, **kwargs)
