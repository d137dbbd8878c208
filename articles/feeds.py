"""Atom feeds that follow a list's filters: the same query string narrows the page and its feed."""

import datetime as dt

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator

from .filters import ArticleFilter, QuoteFilter, SpeakerQuoteFilter
from .models import Article, Quote, Speaker

FEED_LENGTH = 50


def day_start(day: dt.date | None) -> dt.datetime | None:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC) if day else None


class FilteredFeed(Feed):
    """The newest ``FEED_LENGTH`` rows that ``filterset_class`` selects from ``request.GET``."""

    feed_type = Atom1Feed
    filterset_class = None
    newest_first: tuple[str, ...] = ()

    def get_queryset(self, obj):
        raise NotImplementedError

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return None

    def filtered(self, obj):
        """The rows the filters select; none when the filters are invalid."""
        filterset = self.filterset_class(
            data=self.request.GET or None, queryset=self.get_queryset(obj), request=self.request
        )
        if filterset.is_bound and not filterset.is_valid():
            return filterset.queryset.none()
        return filterset.qs

    def items(self, obj):
        return self.filtered(obj).order_by(*self.newest_first)[:FEED_LENGTH]


class ArticleFeed(FilteredFeed):
    title = "Latest articles"
    subtitle = "New stories in the news and pledges archive."
    filterset_class = ArticleFilter
    newest_first = ("-published", "-id")

    def link(self):
        return reverse("articles:article_list")

    def get_queryset(self, obj):
        return Article.objects.published().select_related("outlet")

    def item_title(self, article):
        return article.headline

    def item_description(self, article):
        return Truncator(article.body).words(60)

    def item_pubdate(self, article):
        return day_start(article.published) or article.imported_at

    def item_updateddate(self, article):
        return article.updated_at


class QuoteFeed(FilteredFeed):
    title = "Latest quotes"
    subtitle = "Quotes found in the archive's stories, newest first."
    filterset_class = QuoteFilter
    newest_first = ("-article_published", "-article_id", "start")

    def link(self):
        return reverse("articles:quote_list")

    def get_queryset(self, obj):
        return Quote.objects.published().select_related("speaker", "article")

    def item_title(self, quote):
        return f"{quote.speaker}: {Truncator(quote.text).words(14)}"

    def item_description(self, quote):
        role = f", {quote.speaker_role}" if quote.speaker_role else ""
        return f"“{quote.text}” — {quote.speaker}{role}, in “{quote.article.headline}”"

    def item_pubdate(self, quote):
        return day_start(quote.article.published) or quote.created_at

    def item_author_name(self, quote):
        return quote.speaker.name


class SpeakerQuoteFeed(QuoteFeed):
    filterset_class = SpeakerQuoteFilter

    def get_object(self, request, slug):
        super().get_object(request)
        return get_object_or_404(Speaker.objects.public(), slug=slug)

    def title(self, speaker):
        return f"Quotes from {speaker.name}"

    def link(self, speaker):
        return speaker.get_absolute_url()

    def get_queryset(self, speaker):
        return super().get_queryset(speaker).for_speaker(speaker)
