from functools import cached_property

from django.views.generic import DetailView

from articles.corrections import CorrectionForm, SuggestCorrectionView
from articles.views import FilteredListView

from .filters import PledgeFilter
from .models import Pledge, published_scorecard
from .serializers import PledgeSerializer


class PledgeListView(FilteredListView):
    filterset_class = PledgeFilter
    serializer_class = PledgeSerializer
    feed_url_name = "pledges:status_feed"
    download_name = "pledges"

    def get_queryset(self):
        return Pledge.objects.published().exported().order_by("-made_on", "-id")

    def get_context_data(self, **kwargs):
        return super().get_context_data(scorecard=self.scorecard, **kwargs)

    def known_count(self):
        """Under a status alone, the scorecard's count of it: counting the list took a seventh of its work."""
        if (narrowed_by := self.narrowed_by()).keys() == {"status"}:
            return next((score.count, score.more) for score in self.scorecard if score.status == narrowed_by["status"])
        return super().known_count()

    @cached_property
    def scorecard(self):
        """Counts by status under every filter but status, so that each count leads to its list."""
        if self.filterset.is_bound and set(self.filterset.errors) - {"status"}:
            return []
        if not self.filterset.narrowing_values("status"):
            return published_scorecard()
        return self.filterset.filter_queryset_without("status", self.get_queryset()).scorecard()


class PledgeDetailView(DetailView):
    def get_queryset(self):
        return Pledge.objects.published().select_related("pledger", "on_behalf_of", "article", "article__outlet")

    def get_context_data(self, **kwargs):
        # In the order of its own dates: the model's order starts with the pledge's, which joins the pledge and its
        # article to sort one pledge's changes.
        changes = self.object.status_changes.order_by("changed_on", "id").select_related(
            "evidence_article", "evidence_quote__speaker"
        )
        return super().get_context_data(status_changes=changes, correction_form=CorrectionForm(), **kwargs)


class PledgeCorrectionView(SuggestCorrectionView):
    item_field = "pledge"

    def get_item_queryset(self):
        return Pledge.objects.published()
