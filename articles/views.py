from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.generic import DetailView, ListView

from pledges.models import Pledge

from .models import Article, Quote, Speaker


def home(request):
    context = {
        "articles": Article.objects.published().select_related("outlet")[:10],
        "quotes": Quote.objects.published()
        .select_related("speaker", "article")
        .order_by("-article__published", "-id")[:8],
        "pledges": Pledge.objects.published().select_related("pledger").order_by("-article__published", "-id")[:5],
    }
    return render(request, "articles/home.html", context)


def healthz(request):
    """200 when the database answers, 503 when it does not: for load balancers and monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


class ArticleListView(ListView):
    paginate_by = 25

    def get_queryset(self):
        articles = Article.objects.published().select_related("outlet")
        if query := self.request.GET.get("q", "").strip():
            articles = articles.search(query)
        return articles


class ArticleDetailView(DetailView):
    def get_queryset(self):
        return Article.objects.published().select_related("outlet")

    def get_context_data(self, **kwargs):
        quotes = self.object.quotes.published().select_related("speaker")
        return super().get_context_data(
            quotes=quotes,
            pledges=self.object.pledges.published().select_related("pledger"),
            **kwargs,
        )


class SpeakerDetailView(DetailView):
    model = Speaker

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            quotes=Quote.objects.published().for_speaker(self.object).select_related("article"),
            pledges=Pledge.objects.published().for_speaker(self.object).select_related("article"),
            **kwargs,
        )


class QuoteDetailView(DetailView):
    def get_queryset(self):
        return Quote.objects.published().select_related("speaker", "article", "article__outlet")
