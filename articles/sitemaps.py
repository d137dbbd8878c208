from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from pledges.models import Pledge

from .models import Article, Quote, Speaker


class PagesSitemap(Sitemap):
    def items(self):
        names = ["home", "article_list", "speaker_list", "quote_list", "about"]
        return [f"articles:{name}" for name in names] + ["pledges:pledge_list"]

    def location(self, name):
        return reverse(name)


class ArticleSitemap(Sitemap):
    def items(self):
        return Article.objects.published().only("slug", "updated_at").order_by("id")

    def lastmod(self, article):
        return article.updated_at


class SpeakerSitemap(Sitemap):
    def items(self):
        return Speaker.objects.public().only("slug").order_by("id")


class QuoteSitemap(Sitemap):
    def items(self):
        return Quote.objects.published().only("id").order_by("id")


class PledgeSitemap(Sitemap):
    def items(self):
        return Pledge.objects.published().only("slug", "updated_at").order_by("id")

    def lastmod(self, pledge):
        return pledge.updated_at


SITEMAPS = {
    "pages": PagesSitemap,
    "articles": ArticleSitemap,
    "speakers": SpeakerSitemap,
    "quotes": QuoteSitemap,
    "pledges": PledgeSitemap,
}
