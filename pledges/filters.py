import django_filters as filters

from articles.filters import ArchiveFilterSet, DateInput, SortFilter, on_or_after, on_or_before, values_of
from articles.models import Speaker

from .models import OVERDUE, Pledge, Status


class PledgeFilter(ArchiveFilterSet):
    status = filters.ChoiceFilter(
        choices=[*Status.choices, (OVERDUE, "Overdue")], method="with_status", empty_label="Any status"
    )
    pledger = filters.ModelChoiceFilter(
        queryset=Speaker.objects.filter(pledges__isnull=False).distinct(),
        to_field_name="slug",
        method="made_by",
        empty_label="Anyone",
    )
    topic = filters.ChoiceFilter(choices=values_of(Pledge.objects.published(), "topic"), empty_label="Any topic")
    after = on_or_after("made_on")
    before = on_or_before("made_on")
    due_after = filters.DateFilter(field_name="deadline", lookup_expr="gte", label="Due from", widget=DateInput)
    due_before = filters.DateFilter(field_name="deadline", lookup_expr="lte", label="Due by", widget=DateInput)
    quantity = filters.BooleanFilter(label="Has a quantity", method="with_quantity")
    sort = SortFilter(
        fields=(("made_on", "made"), ("deadline", "deadline")),
        field_labels={"made": "Date made", "deadline": "Deadline"},
        label="Sort by",
        empty_label="Default order",
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
