from django.urls import reverse

from articles.feeds import FEED_LENGTH, FilteredFeed, day_start

from .filters import PledgeFilter
from .models import Pledge, PledgeStatusChange


class PledgeStatusFeed(FilteredFeed):
    """Status changes of the pledges that the pledge list's filters select, newest first."""

    title = "Pledge status changes"
    subtitle = "Pledges kept, broken, stalled or under way, as the archive's editors rate them."
    filterset_class = PledgeFilter

    def link(self):
        return reverse("pledges:pledge_list")

    def get_queryset(self, obj):
        return Pledge.objects.published()

    def items(self, obj):
        changes = PledgeStatusChange.objects.filter(pledge__in=self.filtered(obj).values("pk"))
        return changes.select_related("pledge__pledger").order_by("-changed_on", "-id")[:FEED_LENGTH]

    def item_title(self, change):
        return f"{change.get_status_display()}: {change.pledge}"

    def item_description(self, change):
        return change.note or f"{change.pledge.pledger} pledged to {change.pledge.action}."

    def item_link(self, change):
        return f"{change.pledge.get_absolute_url()}#change-{change.pk}"

    def item_pubdate(self, change):
        return day_start(change.changed_on)

    def item_updateddate(self, change):
        return change.recorded_at
