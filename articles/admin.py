from django.contrib import admin

from .models import Article, ArticleRevision, Outlet, Quote, Review, Speaker, SpeakerAlias


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
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


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["headline", "outlet", "published", "place", "subject", "status"]
    list_filter = ["status", "outlet", "subject"]
    list_select_related = ["outlet"]
    search_fields = ["headline", "external_id"]
    date_hierarchy = "published"
    readonly_fields = ["fingerprint", "revision", "external_id", "edited_fields", "imported_at", "updated_at"]
    show_full_result_count = False
    inlines = [ArticleRevisionInline]

    def save_model(self, request, obj, form, change):
        if change:
            # Remember what the editor changed so that a re-import of the story keeps it.
            edited = set(obj.edited_fields) | (set(form.changed_data) & set(Article.IMPORTED_FIELDS))
            obj.edited_fields = sorted(edited)
        super().save_model(request, obj, form, change)


class SpeakerAliasInline(admin.TabularInline):
    model = SpeakerAlias
    extra = 1


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "wikidata_id", "article"]
    list_filter = ["kind"]
    list_select_related = ["article"]
    search_fields = ["name", "aliases__name"]
    autocomplete_fields = ["article"]
    inlines = [SpeakerAliasInline]


class ReviewedItemAdmin(admin.ModelAdmin):
    """What the quote and pledge admins share: an editor's change to a machine item marks it edited."""

    list_filter = ["review", "origin"]
    readonly_fields = ["origin", "confidence", "method", "created_at", "updated_at"]
    autocomplete_fields = ["article"]
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        if change and form.changed_data and "review" not in form.changed_data:
            obj.review = Review.EDITED
        elif not change:
            obj.review = Review.APPROVED
        super().save_model(request, obj, form, change)


@admin.register(Quote)
class QuoteAdmin(ReviewedItemAdmin):
    list_display = ["text", "speaker", "speaker_role", "kind", "article", "review"]
    list_filter = ["review", "kind", "origin"]
    list_select_related = ["speaker", "article"]
    search_fields = ["text", "speaker__name"]
    autocomplete_fields = ["article", "speaker"]
