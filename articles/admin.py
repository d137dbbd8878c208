import datetime as dt
import logging

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import OuterRef, Q
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from pledges.models import Pledge

from . import admin_views
from .curation import CurationOutcome, extract_article
from .merging import MergeError, SpeakerMoves, merge_problem, merge_speakers, undo_merge
from .models import (
    Article,
    ArticleRevision,
    CorrectionSuggestion,
    Outlet,
    Quote,
    Review,
    Speaker,
    SpeakerAlias,
    SpeakerMerge,
    SpeakerRedirect,
    count_of,
)
from .reviewing import (
    RejectForm,
    ReviewFilter,
    VersionCheckedForm,
    highlighted_context,
    record_review,
    review_after_edit,
)

logger = logging.getLogger(__name__)

# Re-running extraction is a request's work for a page of articles; whole runs belong to `extract --store`.
MAX_ARTICLES_TO_EXTRACT = 200


@admin.register(Outlet)
class OutletAdmin(SimpleHistoryAdmin):
    list_display = ["name", "display", "website"]
    list_editable = ["display"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class ArticleRevisionInline(admin.TabularInline):
    model = ArticleRevision
    extra = 0
    can_delete = False
    fields = ["number", "headline", "replaced_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ItemInline(admin.TabularInline):
    """A quote or pledge of the article, edited in place; the review rules are applied by ArticleAdmin."""

    form = VersionCheckedForm
    extra = 0
    show_change_link = True
    classes = ["collapse"]


class QuoteInline(ItemInline):
    model = Quote
    fields = ["text", "start", "end", "speaker", "speaker_role", "kind", "review", "review_note", "seen_version"]
    autocomplete_fields = ["speaker"]


class PledgeInline(ItemInline):
    model = Pledge
    fields = ["text", "start", "end", "pledger", "action", "deadline", "review", "review_note", "seen_version"]
    autocomplete_fields = ["pledger"]


class YearFilter(admin.SimpleListFilter):
    """Years of publication, from the first and the last alone.

    In place of date_hierarchy, whose list of years reads every row: over 100,000 articles it took
    most of the page's time, where the first and last dates are two lookups in the date index.
    """

    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        dated = Article.objects.filter(published__isnull=False).values_list("published", flat=True)
        first, last = dated.order_by("published").first(), dated.order_by("-published").first()
        if first is None:
            return []
        return [(str(year), str(year)) for year in range(last.year, first.year - 1, -1)]

    def queryset(self, request, queryset):
        if not (self.value() or "").isdigit():
            return queryset
        year = int(self.value())
        return queryset.filter(published__gte=dt.date(year, 1, 1), published__lt=dt.date(year + 1, 1, 1))


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    list_display = ["headline", "outlet", "published", "subject", "place", "status", "quote_count", "awaiting_review"]
    list_filter = ["status", YearFilter, "outlet", "subject"]
    list_select_related = ["outlet"]
    search_fields = ["headline", "external_id"]
    search_help_text = "Words of the headline or text, or the id the article had in its file."
    readonly_fields = ["fingerprint", "revision", "external_id", "edited_fields", "imported_at", "updated_at"]
    show_facets = admin.ShowFacets.ALLOW
    show_full_result_count = False
    inlines = [QuoteInline, PledgeInline, ArticleRevisionInline]
    actions = ["rerun_extraction"]

    def get_urls(self):
        import_view = self.admin_site.admin_view(admin_views.ImportArticlesView.as_view(model_admin=self))
        return [path("import/", import_view, name="articles_article_import"), *super().get_urls()]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                quote_count=count_of(Quote.objects.filter(article=OuterRef("pk"))),
                pledge_count=count_of(Pledge.objects.filter(article=OuterRef("pk"))),
                quotes_awaiting=count_of(Quote.objects.awaiting_review().filter(article=OuterRef("pk"))),
                pledges_awaiting=count_of(Pledge.objects.awaiting_review().filter(article=OuterRef("pk"))),
            )
        )

    def get_search_results(self, request, queryset, search_term):
        """Ranked full-text search over headline and text, or the exact id the article had in its file."""
        if not search_term.strip():
            return queryset, False
        matching = Article.objects.search(search_term).values("pk")
        return queryset.filter(Q(pk__in=matching) | Q(external_id=search_term.strip())), False

    @admin.display(description="quotes · pledges", ordering="quote_count")
    def quote_count(self, article):
        return f"{article.quote_count} · {article.pledge_count}"

    @admin.display(description="awaiting review")
    def awaiting_review(self, article):
        links = [
            format_html(
                '<a href="{}?article={}">{} {}</a>', reverse(f"admin:{app}_{name}_changelist"), article.pk, count, name
            )
            for app, name, count in [
                ("articles", "quote", article.quotes_awaiting),
                ("pledges", "pledge", article.pledges_awaiting),
            ]
            if count
        ]
        return format_html(", ".join(["{}"] * len(links)), *links) if links else "–"

    @admin.action(
        description="Re-run extraction (keeps what editors approved, edited or rejected)", permissions=["change"]
    )
    def rerun_extraction(self, request, queryset):
        articles = list(queryset[: MAX_ARTICLES_TO_EXTRACT + 1])
        if len(articles) > MAX_ARTICLES_TO_EXTRACT:
            self.message_user(
                request,
                f"Choose at most {MAX_ARTICLES_TO_EXTRACT} articles at a time; "
                "for more, run `manage.py extract --store` on the server.",
                messages.ERROR,
            )
            return
        total, failed = CurationOutcome(), []
        for article in articles:
            try:
                total += extract_article(article)  # one transaction an article
            except Exception:  # one article the extractor cannot read must not stop the others
                logger.exception("Re-running extraction on article %s failed", article.pk)
                failed.append(article.headline)
        self.message_user(
            request,
            f"Re-ran extraction on {len(articles) - len(failed)} articles: {total.added} new items, "
            f"{total.refreshed} refreshed, {total.removed} removed, {total.kept} kept as editors left them.",
            messages.SUCCESS,
        )
        if failed:
            self.message_user(request, f"Extraction failed on: {'; '.join(failed)}.", messages.ERROR)

    def save_model(self, request, obj, form, change):
        if change:
            # Remember what the editor changed so that a re-import of the story keeps it.
            edited = set(obj.edited_fields) | (set(form.changed_data) & set(Article.IMPORTED_FIELDS))
            obj.edited_fields = sorted(edited)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model in (Quote, Pledge):
            for item_form in formset.forms:
                if item_form.has_changed() and item_form not in formset.deleted_forms:
                    review_after_edit(item_form.instance, item_form)
        super().save_formset(request, form, formset, change)


class SpeakerAliasInline(admin.TabularInline):
    model = SpeakerAlias
    extra = 1


@admin.register(Speaker)
class SpeakerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "quote_count", "pledge_count", "wikidata_id", "article"]
    list_filter = ["kind"]
    list_select_related = ["article"]
    search_fields = ["name", "aliases__name"]
    fields = ["name", "slug", "kind", "wikidata_id", "article"]
    autocomplete_fields = ["article"]
    show_full_result_count = False
    inlines = [SpeakerAliasInline]
    actions = ["merge"]

    @admin.action(description="Merge selected speakers into one", permissions=["change", "delete"])
    def merge(self, request, queryset):
        speakers = list(queryset.select_related("article"))
        keep_id = request.POST.get("keep")
        target = next((speaker for speaker in speakers if str(speaker.pk) == keep_id), None)
        if "confirm" in request.POST and target is not None:
            duplicates = [speaker for speaker in speakers if speaker != target]
            try:
                merge = merge_speakers(target, duplicates, editor=request.user)
            except MergeError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                undo_url = reverse("admin:articles_speakermerge_changelist")
                self.message_user(
                    request,
                    format_html('{}. It can be undone from <a href="{}">speaker merges</a>.', merge, undo_url),
                    messages.SUCCESS,
                )
            return None
        if len(speakers) < 2:
            self.message_user(request, "Choose two or more speakers to merge.", messages.ERROR)
            return None
        target = target or max(speakers, key=lambda speaker: (speaker.kind != Speaker.Kind.UNNAMED, -speaker.pk))
        moves = [SpeakerMoves.of(speaker) for speaker in speakers]
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge speakers",
            "opts": self.model._meta,
            "moves": moves,
            "target": target,
            "problem": merge_problem(target, [speaker for speaker in speakers if speaker != target]),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/articles/speaker/merge_confirmation.html", context)


class SpeakerRedirectInline(admin.TabularInline):
    model = SpeakerRedirect
    extra = 0
    fields = ["old_slug", "speaker"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SpeakerMerge)
class SpeakerMergeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "merged_by", "merged_at", "undone_by", "undone_at"]
    list_filter = ["undone_at"]
    list_select_related = ["merged_by", "undone_by"]
    readonly_fields = ["target", "target_name", "moved", "merged_by", "merged_at", "undone_by", "undone_at"]
    inlines = [SpeakerRedirectInline]
    actions = ["undo"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the record of a merge is what makes undo possible

    @admin.action(description="Undo selected merges", permissions=["change"])
    def undo(self, request, queryset):
        # Newest first, so that a chain of merges unwinds in the order it was made.
        for merge in queryset.select_related("target").order_by("-merged_at", "-id"):
            try:
                restored = undo_merge(merge, editor=request.user)
            except MergeError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                names = ", ".join(speaker.name for speaker in restored)
                self.message_user(request, f"Undone: {names} separate from {merge.target_name} again.")


@admin.register(CorrectionSuggestion)
class CorrectionSuggestionAdmin(admin.ModelAdmin):
    """Readers' corrections, unresolved first: part of the editors' review queue."""

    list_display = ["created_at", "item_link", "message", "email", "resolved"]
    list_filter = ["resolved"]
    list_select_related = ["quote", "quote__speaker", "pledge", "pledge__pledger"]
    search_fields = ["message"]
    readonly_fields = ["quote", "pledge", "message", "email", "created_at"]
    actions = ["mark_resolved"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # corrections come from readers

    @admin.display(description="quote or pledge")
    def item_link(self, correction):
        item = correction.item
        return format_html('<a href="{}">{}</a>', item.get_absolute_url(), item)

    @admin.action(description="Mark selected corrections resolved", permissions=["change"])
    def mark_resolved(self, request, queryset):
        count = queryset.filter(resolved=False).update(resolved=True)
        self.message_user(request, f"{count} corrections marked resolved.")


class ReviewedItemAdmin(SimpleHistoryAdmin):
    """What the quote and pledge admins share: the review queue, its actions, and conflict checks."""

    form = VersionCheckedForm
    list_filter = [ReviewFilter, "origin"]
    readonly_fields = ["origin", "confidence", "method", "in_context", "created_at", "updated_at"]
    autocomplete_fields = ["article"]
    show_facets = admin.ShowFacets.ALLOW
    show_full_result_count = False
    actions = ["approve", "reject"]
    change_list_template = "admin/review_change_list.html"

    @admin.display(description="in context")
    def in_context(self, item):
        return highlighted_context(item)

    @admin.display(description="confidence", ordering="confidence")
    def confidence_shown(self, item):
        return "–" if item.confidence is None else f"{item.confidence:.2f}"

    @admin.action(description="Approve selected items", permissions=["change"])
    def approve(self, request, queryset):
        count = record_review(queryset, Review.APPROVED, editor=request.user)
        self.message_user(request, f"Approved {count} {self.model._meta.verbose_name_plural}.", messages.SUCCESS)

    @admin.action(description="Reject selected items, with a reason", permissions=["change"])
    def reject(self, request, queryset):
        form = RejectForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            count = record_review(queryset, Review.REJECTED, note=form.cleaned_data["reason"], editor=request.user)
            self.message_user(request, f"Rejected {count} {self.model._meta.verbose_name_plural}.", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": f"Reject {self.model._meta.verbose_name_plural}",
            "opts": self.model._meta,
            "form": form,
            "items": queryset.select_related("article"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/articles/reject_confirmation.html", context)

    def get_urls(self):
        precision = self.admin_site.admin_view(admin_views.PrecisionView.as_view(model_admin=self))
        info = self.model._meta.app_label, self.model._meta.model_name
        return [path("precision/", precision, name="{}_{}_precision".format(*info)), *super().get_urls()]

    @transaction.atomic
    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A revert saves through the same form as an edit, whose conflict check locks the row.
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        review_after_edit(obj, form)
        super().save_model(request, obj, form, change)


@admin.register(Quote)
class QuoteAdmin(ReviewedItemAdmin):
    list_display = ["in_context", "speaker", "kind", "confidence_shown", "method", "review", "article"]
    list_select_related = ["speaker", "article"]
    search_fields = ["text", "speaker__name"]
    autocomplete_fields = ["article", "speaker"]
