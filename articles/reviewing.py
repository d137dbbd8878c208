"""Editors' review of machine-found quotes and pledges: decisions, the queue filter, conflict checks."""

import itertools

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.html import format_html
from simple_history.utils import bulk_update_with_history

from .caching import pages_changed
from .counting import BATCH_SIZE, recount, speakers_of
from .models import Origin, Review, record_machine_baselines

CONTEXT_CHARS = 160  # of the article on each side of a highlighted item
# Fields whose change is the review itself, or the form's bookkeeping, rather than an edit of the item.
REVIEW_FIELDS = {"review", "review_note", "seen_version"}
# Left out when showing an editor what another changed: they change with every save.
BOOKKEEPING_FIELDS = ["version", "updated_at"]


def highlighted_context(item) -> str:
    """The item's words marked within the sentences around them, cut at word boundaries."""
    body = item.article.body
    before = body[max(item.start - CONTEXT_CHARS, 0) : item.start]
    after = body[item.end : item.end + CONTEXT_CHARS]
    if item.start > CONTEXT_CHARS:
        before = "…" + before.split(" ", 1)[-1]
    if item.end + CONTEXT_CHARS < len(body):
        after = after.rsplit(" ", 1)[0] + "…"
    return format_html('<span class="in-context">{}<mark>{}</mark>{}</span>', before, item.text, after)


def review_after_edit(item, form) -> None:
    """What an editor adds is approved; an editor's change to an item marks it edited, unless it was a review."""
    if item._state.adding:
        item.review = Review.APPROVED
    elif set(form.changed_data) - REVIEW_FIELDS and "review" not in form.changed_data:
        item.review = Review.EDITED


def record_review(queryset, review: str, *, note: str = "", editor=None) -> int:
    """Give every item of ``queryset`` the same review, in one statement a batch, with a history entry each."""
    items = list(queryset)
    now = timezone.now()
    fields = ["review", "review_note", "version", "updated_at"]
    for batch in itertools.batched(items, BATCH_SIZE):
        record_machine_baselines(queryset.model, [item.pk for item in batch])
        for item in batch:
            item.review = review
            item.review_note = note
            item.version += 1
            item.updated_at = now
        bulk_update_with_history(batch, queryset.model, fields, default_user=editor, default_date=now)
        # A bulk update sends no signals, nor saves what items copy from their review.
        queryset.model.objects.filter(pk__in=[item.pk for item in batch]).refresh_public()
    recount(speakers_of(items))
    pages_changed()
    return len(items)


def precision_by_rule(model) -> list[dict]:
    """For each extraction rule: how many of its items editors reviewed, approved, edited and rejected."""
    rows = (
        model.objects.filter(origin=Origin.EXTRACTOR)
        .exclude(review=Review.UNREVIEWED)
        .values("method")
        .annotate(
            reviewed=Count("pk"),
            approved=Count("pk", filter=Q(review=Review.APPROVED)),
            edited=Count("pk", filter=Q(review=Review.EDITED)),
            rejected=Count("pk", filter=Q(review=Review.REJECTED)),
        )
        .order_by("method")
    )
    return [{**row, "precision": row["approved"] / row["reviewed"]} for row in rows]


class ReviewFilter(admin.SimpleListFilter):
    """The review queue is the default view: items awaiting review; "All" is one choice among the others."""

    title = "review"
    parameter_name = "review"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [
            (Review.UNREVIEWED, "Awaiting review"),
            *((value, label) for value, label in Review.choices if value != Review.UNREVIEWED),
            (self.ALL, "All"),
        ]

    def value(self):
        return super().value() or Review.UNREVIEWED

    def queryset(self, request, queryset):
        if self.value() == self.ALL:
            return queryset
        return queryset.filter(review=self.value())

    def choices(self, changelist):
        choices = super().choices(changelist)
        next(choices)  # the built-in "All" clears the parameter, which here means the queue
        yield from choices


class RejectForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Kept with each item, and shown to whoever looks at it next.",
        error_messages={"required": "Give the reason for rejecting: it is kept with the items."},
    )


class VersionCheckedForm(forms.ModelForm):
    """A quote or pledge form that refuses to overwrite a change another editor saved meanwhile.

    ``seen_version`` carries the version the editor started from. On a conflict the form shows what
    the other editor changed and keeps this editor's values; saving again replaces the other's.
    """

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # From the database, not the instance: a revert's instance is an old version.
            current = type(self.instance).objects.filter(pk=self.instance.pk).values_list("version", flat=True)
            self.fields["seen_version"].initial = current.first()

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("review") == Review.REJECTED and not cleaned_data.get("review_note", "").strip():
            self.add_error("review_note", "Give the reason for rejecting: it is kept with the item.")
        if self.instance.pk is None:
            return cleaned_data
        model = type(self.instance)
        # Locked until the save commits, so that two saves cannot both pass this check.
        current = model.objects.select_for_update().filter(pk=self.instance.pk).values_list("version", flat=True)
        current = current.first()
        seen = cleaned_data.get("seen_version")
        if current is None:
            raise ValidationError("Another editor deleted this item while you were editing it.")
        if seen != current:
            # The next save is a deliberate one: made after seeing the other editor's change.
            self.data = self.data.copy()
            self.data[self.add_prefix("seen_version")] = current
            raise ValidationError(self.conflict_message(seen))
        self.instance.version = current
        return cleaned_data

    def conflict_message(self, seen: int | None) -> str:
        history = self.instance.history.all()
        theirs = history.first()
        base = history.filter(version=seen).first()
        who = (theirs.history_user if theirs else None) or "the extractor"
        when = timezone.localtime(theirs.history_date).strftime("%H:%M on %d %b %Y") if theirs else "meanwhile"
        changes = []
        if theirs and base:
            delta = theirs.diff_against(base, excluded_fields=BOOKKEEPING_FIELDS)
            changes = [f"{change.field}: {change.old!r} → {change.new!r}" for change in delta.changes]
        changed = "; ".join(changes) or "no visible field"
        return (
            f"{who} saved a change to this {self.instance._meta.verbose_name} at {when}, while you were editing it "
            f"({changed}). Your changes are below and were not saved: save again to replace theirs with yours."
        )
