import django_filters as filters
from django import forms

from articles.filters import ArchiveFilterSet, SortFilter, on_or_after, on_or_before, speaker_by_slug, values_of
from articles.models import Speaker

from .models import OVERDUE, Pledge, Status


class PledgeFilter(ArchiveFilterSet):
    status = filters.ChoiceFilter(
        choices=[*Status.choices, (OVERDUE, "Overdue")], method="with_status", empty_label="Any status"
    )
    pledger = speaker_by_slug(Speaker.objects.filter(pledge_count__gt=0), method="made_by")
    topic = filters.ChoiceFilter(choices=values_of(Pledge.objects.published(), "topic"), empty_label="Any topic")
    after = on_or_after("made_on", "Made from")
    before = on_or_before("made_on", "Made until")
    due_after = on_or_after("deadline", "Due from")
    due_before = on_or_before("deadline", "Due by")
    quantity = filters.BooleanFilter(
        label="Has a quantity",
        method="with_quantity",
        widget=forms.Select(choices=[("", "Either"), ("true", "Yes"), ("false", "No")]),
    )
    sort = SortFilter(
        fields=(("made_on", "made"), ("deadline", "deadline")),
        field_labels={"made": "Date made", "deadline": "Deadline"},
    )

    class Meta:
        model = Pledge
        fields = []

    def with_status(self, queryset, name, status):
        return queryset.with_status(status)

    def made_by(self, queryset, name, speaker):
        return queryset.for_speaker(speaker)

    def with_quantity(self, queryset, name, has_quantity):
        return queryset.filter(quantity_value__isnull=not has_quantity)
