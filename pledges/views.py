from django.views.generic import DetailView, ListView

from .models import Pledge


class PledgeListView(ListView):
    paginate_by = 25

    def get_queryset(self):
        return Pledge.objects.published().select_related("pledger", "article")


class PledgeDetailView(DetailView):
    def get_queryset(self):
        return Pledge.objects.published().select_related("pledger", "on_behalf_of", "article")

    def get_context_data(self, **kwargs):
        changes = self.object.status_changes.select_related("evidence_article")
        return super().get_context_data(status_changes=changes, **kwargs)
