from django import template
from django.urls import reverse

from pledges.models import Pledge

from ..models import Quote

register = template.Library()


@register.inclusion_tag("admin/articles/review_queue_summary.html", takes_context=True)
def review_queue_summary(context):
    """How many quotes and pledges await review, for editors who may see them."""
    user = context["request"].user
    queues = [
        {
            "name": model._meta.verbose_name_plural,
            "count": model.objects.awaiting_review().count(),
            "url": reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"),
        }
        for model in (Quote, Pledge)
        if user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
    ]
    return {"queues": queues}
