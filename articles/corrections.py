"""Readers' "Suggest a correction" on quote and pledge pages; suggestions wait for the editors."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import CreateView

from .models import CorrectionSuggestion, Quote


class CorrectionForm(forms.ModelForm):
    class Meta:
        model = CorrectionSuggestion
        fields = ["message", "email"]
        labels = {"message": "What is wrong?", "email": "Your email (optional)"}
        widgets = {"message": forms.Textarea(attrs={"rows": 4, "maxlength": 2000})}


def over_rate_limit(request) -> bool:
    """True once an address has sent CORRECTIONS_PER_HOUR suggestions within the hour."""
    key = f"corrections:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, timeout=3600)
    return cache.incr(key) > settings.CORRECTIONS_PER_HOUR


class SuggestCorrectionView(CreateView):
    """The correction form for one item; subclasses name the item's field and its public queryset."""

    form_class = CorrectionForm
    template_name = "articles/correction_form.html"
    item_field = ""
    http_method_names = ["get", "post"]

    def get_item_queryset(self):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        self.item = get_object_or_404(self.get_item_queryset(), **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(item=self.item, **kwargs)

    def form_valid(self, form):
        if over_rate_limit(self.request):
            form.add_error(None, "Thank you, but we have had several suggestions from you this hour. Try later.")
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        setattr(form.instance, self.item_field, self.item)
        form.save()
        messages.success(self.request, "Thank you: an editor will look at your suggestion.")
        return redirect(self.item)


class QuoteCorrectionView(SuggestCorrectionView):
    item_field = "quote"

    def get_item_queryset(self):
        return Quote.objects.published()
