from django.contrib import admin

from articles.admin import ReviewedItemAdmin

from .models import OVERDUE, Pledge, PledgeStatusChange, Status


class PledgeStatusChangeInline(admin.TabularInline):
    """Status history: new entries may be added; recorded ones stay as they are."""

    model = PledgeStatusChange
    extra = 1
    can_delete = False
    fields = ["changed_on", "status", "evidence_article", "evidence_quote", "note", "editor"]
    readonly_fields = ["editor"]
    autocomplete_fields = ["evidence_article", "evidence_quote"]

    def has_change_permission(self, request, obj=None):
        return False


class StatusFilter(admin.SimpleListFilter):
    """The current status, and Overdue: past its deadline and neither kept nor broken."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*Status.choices, (OVERDUE, "Overdue")]

    def queryset(self, request, queryset):
        return queryset.with_status(self.value()) if self.value() else queryset


@admin.register(Pledge)
class PledgeAdmin(ReviewedItemAdmin):
    list_display = ["in_context", "pledger", "shown_status", "deadline", "confidence_shown", "method", "review"]
    list_filter = [*ReviewedItemAdmin.list_filter, StatusFilter, "topic"]
    list_select_related = ["pledger", "article"]
    search_fields = ["text", "action", "pledger__name"]
    autocomplete_fields = ["article", "pledger", "on_behalf_of"]
    readonly_fields = [*ReviewedItemAdmin.readonly_fields, "shown_status"]
    inlines = [PledgeStatusChangeInline]

    @admin.display(description="status", ordering="status")
    def shown_status(self, pledge):
        return pledge.display_status

    def save_formset(self, request, form, formset, change):
        changes = formset.save(commit=False)
        for status_change in changes:
            status_change.editor = request.user
            status_change.save()
        if changes:
            form.instance.refresh_status()
