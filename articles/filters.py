"""The filters readers apply to lists, downloads, feeds and the API alike.

Query parameters are shared across lists, so that links stay readable: ``q`` for text, slugs for
``speaker``, ``pledger`` and ``outlet``, ISO dates for ``after`` and ``before``, and ``sort``.
"""

import copy

import django_filters as filters
from django import forms
from django.db.models import F
from django.utils.text import slugify
from django_filters.constants import EMPTY_VALUES

from .caching import until_pages_change
from .models import Article, Outlet, Quote, Speaker

# A reader's question fits in far less; a longer one is an error, not a slow query.
MAX_QUERY_LENGTH = 200


class DateInput(forms.DateInput):
    input_type = "date"


def on_or_after(field_name: str, label: str = "From") -> filters.DateFilter:
    return filters.DateFilter(field_name=field_name, lookup_expr="gte", label=label, widget=DateInput)


def on_or_before(field_name: str, label: str = "To") -> filters.DateFilter:
    return filters.DateFilter(field_name=field_name, lookup_expr="lte", label=label, widget=DateInput)


class SpeakerSlugField(forms.ModelChoiceField):
    """A speaker by slug, or by name as a reader types it: "Grace Hopper" finds grace-hopper."""

    def to_python(self, value):
        return super().to_python(slugify(value) if value else value)


class SpeakerChoiceFilter(filters.ModelChoiceFilter):
    field_class = SpeakerSlugField


def speaker_by_slug(queryset, **kwargs) -> SpeakerChoiceFilter:
    """A speaker typed into a text box: a list of every speaker would outweigh the page it is on."""
    widget = forms.TextInput(attrs={"placeholder": "e.g. Ada Lovelace"})
    return SpeakerChoiceFilter(queryset=queryset, to_field_name="slug", widget=widget, **kwargs)


def values_of(queryset, field_name: str):
    """Choices from the distinct non-empty values of a column, read when the form is built.

    Kept in the shared cache until readers' pages next change (caching.until_pages_change): PostgreSQL
    reads every row for a DISTINCT, tens of milliseconds over a large archive on every list.
    """

    def read():
        # Greater than empty, rather than not empty: a range of the column's index, skipping the empty ones.
        values = queryset.filter(**{f"{field_name}__gt": ""}).order_by(field_name).values_list(field_name, flat=True)
        return [(value, value) for value in values.distinct()]

    def choices():
        return until_pages_change(f"choices:{queryset.model._meta.label}:{field_name}", read)

    return choices


# Each ArchiveFilterSet's form class, by FilterSet class.
FORM_CLASSES: dict[type, type] = {}


class SortFilter(filters.OrderingFilter):
    """``sort`` by a named column, ``-`` first for descending, with empty values last on every database;
    ties keep one order, so that pages never repeat a row."""

    def __init__(self, **kwargs):
        super().__init__(**{"label": "Sort by", "empty_label": "Default order", **kwargs})

    def get_ordering_value(self, param):
        name = super().get_ordering_value(param)
        column = F(name.removeprefix("-"))
        return column.desc(nulls_last=True) if name.startswith("-") else column.asc(nulls_last=True)

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        return qs.order_by(*qs.query.order_by, "pk") if value else qs


class CopiedShallow(dict):
    """A form class's fields, which each form deep-copies as it is made: here a shallow copy of each is enough, as
    no form changes what its fields hold (widgets, choices, querysets), and the deep copies of a list's fields and
    filters took a twentieth of its time."""

    def __deepcopy__(self, memo):
        return {name: copy.copy(each) for name, each in self.items()}


class FiltersCopiedShallow(CopiedShallow):
    """A FilterSet class's filters, which each FilterSet deep-copies as it is made, only to set their parent."""

    def __deepcopy__(self, memo):
        copies = super().__deepcopy__(memo)
        for each in copies.values():
            if each.method is not None:
                # Binds the filter's FilterMethod, which calls the method of its parent FilterSet, to the copy.
                each.method = each.method
        return copies


class ArchiveFilterSet(filters.FilterSet):
    """A ranked text search on ``q``, which every list has."""

    q = filters.CharFilter(label="Words", method="search", max_length=MAX_QUERY_LENGTH)

    @classmethod
    def get_filters(cls):
        return FiltersCopiedShallow(super().get_filters())

    def get_form_class(self):
        """The form class of this FilterSet class, built once and kept, where django-filter builds one for each
        request (a fifteenth of a list's time): it holds only what the class's filters declare."""
        filterset_class = type(self)
        if filterset_class not in FORM_CLASSES:
            form_class = super().get_form_class()
            form_class.base_fields = CopiedShallow(form_class.base_fields)
            FORM_CLASSES[filterset_class] = form_class
        return FORM_CLASSES[filterset_class]

    def search(self, queryset, name, value):
        return queryset.search(value)

    def narrowing_values(self, excluded: str = "") -> dict:
        """The valid values of this FilterSet that narrow its list, but ``excluded``'s; a sort narrows nothing.

        Of a form with errors, those of its fields that are valid."""
        values = getattr(self.form, "cleaned_data", {}).items()
        return {name: value for name, value in values if value not in EMPTY_VALUES and name not in (excluded, "sort")}

    def filter_queryset_without(self, excluded: str, queryset):
        """``queryset`` narrowed by this FilterSet's valid values but ``excluded``'s: what counts by that
        field start from (the pledge scorecard's, by status), with no second FilterSet to build and validate.
        """
        for name, value in self.narrowing_values(excluded).items():
            queryset = self.filters[name].filter(queryset, value)
        return queryset


def outlet_choices() -> list[tuple[str, str]]:
    """Each outlet's slug and name, kept until readers' pages next change: a list of quotes or articles read them
    on every request (a millisecond of each on PostgreSQL)."""
    return until_pages_change("choices:outlets", lambda: list(Outlet.objects.values_list("slug", "name")))


def outlet_filter(field_name: str) -> filters.ChoiceFilter:
    """An outlet by slug."""
    return filters.ChoiceFilter(
        field_name=f"{field_name}__slug", choices=outlet_choices, label="Outlet", empty_label="Any outlet"
    )


class ArticleFilter(ArchiveFilterSet):
    outlet = outlet_filter("outlet")
    subject = filters.ChoiceFilter(choices=values_of(Article.objects.published(), "subject"), empty_label="Any subject")
    place = filters.ChoiceFilter(choices=values_of(Article.objects.published(), "place"), empty_label="Anywhere")
    speaker = speaker_by_slug(Speaker.objects.named().filter(quote_count__gt=0), label="Quoting", method="quoting")
    after = on_or_after("published")
    before = on_or_before("published")
    sort = SortFilter(
        fields=(("published", "published"), ("headline", "headline")),
        field_labels={"published": "Date", "headline": "Headline"},
    )

    class Meta:
        model = Article
        fields = []

    def quoting(self, queryset, name, speaker):
        return queryset.quoting(speaker)


class SpeakerFilter(ArchiveFilterSet):
    q = filters.CharFilter(label="Name", method="search", max_length=MAX_QUERY_LENGTH)
    kind = filters.ChoiceFilter(choices=Speaker.Kind.choices, empty_label="Any kind")
    sort = SortFilter(
        fields=(("quote_count", "quotes"), ("pledge_count", "pledges"), ("name", "name")),
        field_labels={"quotes": "Quotes", "pledges": "Pledges", "name": "Name"},
    )

    class Meta:
        model = Speaker
        fields = []


class SpeakerQuoteFilter(ArchiveFilterSet):
    """What narrows one speaker's quotes: words and dates."""

    after = on_or_after("article_published")
    before = on_or_before("article_published")

    class Meta:
        model = Quote
        fields = []


class QuoteFilter(SpeakerQuoteFilter):
    # Any speaker quoted, unnamed sources too: each speaker's page links to the list of its quotes.
    speaker = speaker_by_slug(Speaker.objects.filter(quote_count__gt=0), method="said_by")
    outlet = outlet_filter("article__outlet")
    kind = filters.ChoiceFilter(choices=Quote.Kind.choices, label="Direct or reported", empty_label="Either")
    sort = SortFilter(
        fields=(("article_published", "published"), ("speaker__name", "speaker")),
        field_labels={"published": "Date", "speaker": "Speaker"},
    )

    class Meta(SpeakerQuoteFilter.Meta):
        pass

    def said_by(self, queryset, name, speaker):
        return queryset.for_speaker(speaker)
