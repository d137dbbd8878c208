from django.contrib import admin

from articles.admin import ReviewedItemAdmin

from .models import Pledge, PledgeStatusChange


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


@admin.register(Pledge)
class PledgeAdmin(ReviewedItemAdmin):
    list_display = ["action", "pledger", "status", "deadline", "article", "review"]
    list_filter = ["status", "review", "origin", "topic"]
    list_select_related = ["pledger", "article"]
    search_fields = ["text", "action", "pledger__name"]
    autocomplete_fields = ["article", "pledger", "on_behalf_of"]
    readonly_fields = [*ReviewedItemAdmin.readonly_fields, "status"]
    inlines = [PledgeStatusChangeInline]

    def save_formset(self, request, form, formset, change):
        changes = formset.save(commit=False)
        for status_change in changes:
            status_change.editor = request.user
            status_change.save()
        if changes:
            form.instance.refresh_status()
