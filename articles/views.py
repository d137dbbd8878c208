import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.db import DatabaseError, connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.generic import DetailView
from django_filters.views import FilterView

from pledges.models import Pledge, published_scorecard

from . import presentation
from .caching import until_pages_change
from .corrections import CorrectionForm
from .downloads import DOWNLOADS
from .filters import MAX_QUERY_LENGTH, ArticleFilter, QuoteFilter, SpeakerFilter
from .merging import redirect_for
from .models import Article, Quote, Speaker, SpeakerAlias, SpeakerMonth, SpeakerRole
from .pagination import CappedCountPaginator, kept_size
from .search import RANKED_MATCHES
from .serializers import ArticleSerializer, QuoteSerializer, SpeakerSerializer


class FilteredListView(FilterView):
    """A list that readers narrow with a FilterSet, page through, and download as CSV or JSON.

    The same query string drives the page, ``?format=csv`` or ``?format=json``, and the Atom feed
    named by ``feed_url_name``. An invalid filter shows its errors and an empty list.
    """

    paginate_by = 25
    paginator_class = CappedCountPaginator
    template_name_suffix = "_list"
    serializer_class = None
    feed_url_name = ""
    download_name = ""

    def get(self, request, *args, **kwargs):
        self.filterset = self.get_filterset(self.get_filterset_class())
        valid = not self.filterset.is_bound or self.filterset.is_valid()
        self.object_list = self.filterset.qs if valid else self.filterset.queryset.none()
        if download := DOWNLOADS.get(request.GET.get("format")):
            return download(self.object_list, self.serializer_class, request, self.download_name)
        return self.render_to_response(self.get_context_data(filter=self.filterset, object_list=self.object_list))

    def paginate_queryset(self, queryset, page_size):
        # get_page() turns a page number that is not one, or is out of range, into the nearest page.
        # The page's rows read what the list shows of each; downloads read the queryset as it is.
        paginator = self.get_paginator(
            queryset.listed(), page_size, allow_empty_first_page=True, known_count=self.known_count()
        )
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def known_count(self) -> tuple[int, bool] | None:
        """How many rows the list holds, and whether more, where that is kept (see CappedCountPaginator): of a
        list no filter narrows, its kept size; None to count them."""
        if not self.filterset.is_bound or (self.filterset.is_valid() and not self.narrowed_by()):
            return kept_size(self.get_queryset(), self.paginate_by)
        return None

    def narrowed_by(self) -> dict:
        """The valid filters this request narrows the list by, with their values; a sort narrows nothing."""
        return self.filterset.narrowing_values() if self.filterset.is_valid() else {}

    def get_feed_url(self) -> str:
        return reverse(self.feed_url_name)

    def get_context_data(self, **kwargs):
        return super().get_context_data(feed_url=self.get_feed_url(), query=self.searched_words(), **kwargs)

    def searched_words(self) -> str:
        """The words the list was searched for (its ``q``), which each item marks; "" when none."""
        form = self.filterset.form
        return form.cleaned_data.get("q", "") if hasattr(form, "cleaned_data") else ""


def home(request):
    context = {
        "articles": Article.objects.published().listed()[:8],
        "quotes": Quote.objects.published().listed().newest_first()[:6],
        "scorecard": published_scorecard(),
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


class ArticleListView(FilteredListView):
    filterset_class = ArticleFilter
    serializer_class = ArticleSerializer
    feed_url_name = "articles:article_feed"
    download_name = "articles"

    def get_queryset(self):
        return Article.objects.published().exported()


class ArticleDetailView(DetailView):
    def get_queryset(self):
        return Article.objects.published().select_related("outlet")

    def get_context_data(self, **kwargs):
        quotes = list(self.object.quotes.published().in_story())
        return super().get_context_data(
            quotes=quotes,
            people=people_quoted(quotes),
            # In the order of the story, as the quotes are.
            pledges=list(self.object.pledges.published().listed("start", "end").order_by("start")),
            structured_data=presentation.news_article_data(
                self.object, self.request.build_absolute_uri(self.object.get_absolute_url())
            ),
            **kwargs,
        )


def people_quoted(quotes) -> list[tuple[Speaker, list[str], list[Quote]]]:
    """Each speaker quoted, in order of first appearance, with the roles the story gives them, and quotes."""
    people: dict[Speaker, tuple[list[str], list[Quote]]] = {}
    for quote in quotes:
        roles, said = people.setdefault(quote.speaker, ([], []))
        said.append(quote)
        if quote.speaker_role and quote.speaker_role not in roles:
            roles.append(quote.speaker_role)
    return [(speaker, roles, said) for speaker, (roles, said) in people.items()]


class SpeakerListView(FilteredListView):
    filterset_class = SpeakerFilter
    serializer_class = SpeakerSerializer
    feed_url_name = "articles:quote_feed"
    download_name = "speakers"

    def get_queryset(self):
        return Speaker.objects.public().order_by("-quote_count", "name")


# A speaker quoted every day has thousands of quotes and hundreds of roles and pledges: the page shows the
# newest, and links to the lists of all of them.
ROLES_SHOWN = 20
PLEDGES_SHOWN = 5
QUOTES_SHOWN = 5
# What once filtered, paged or downloaded the list of quotes this page held, and now the list of quotes does.
QUOTE_LIST_PARAMETERS = ("q", "after", "before", "page", "format")


def speaker_detail(request, slug):
    """A speaker's page: who they are, the roles they were given, and their newest pledges and quotes."""
    try:
        speaker = Speaker.objects.public().get(slug=slug)
    except Speaker.DoesNotExist:
        # A speaker merged into another keeps its old address.
        if merged_into := redirect_for(slug):
            return redirect(merged_into, permanent=True)
        raise Http404("No such speaker.") from None
    if any(name in request.GET for name in QUOTE_LIST_PARAMETERS):
        return redirect(speaker_quotes_url(speaker, request.GET), permanent=True)
    # Asked for by the speaker's id: through its related managers, each query took a tenth longer.
    # The most used roles, in the order they were first given.
    most_used = SpeakerRole.objects.filter(speaker_id=speaker.pk).order_by("-quote_count", "speaker_role")[:ROLES_SHOWN]
    months = SpeakerMonth.objects.filter(speaker_id=speaker.pk).values_list("month", "quote_count")
    aliases = SpeakerAlias.objects.filter(speaker_id=speaker.pk).values_list("name", flat=True)
    quotes = Quote.objects.published().listed_for_speaker(speaker).newest_first()
    # Most speakers made no pledge, as their stored count says: nothing to look for then.
    pledges = Pledge.objects.published().listed()
    context = {
        "speaker": speaker,
        "aliases": [name for name in aliases if name != speaker.name],
        "roles": sorted(most_used, key=lambda role: role.first or dt.date.min),
        "chart": presentation.quotes_over_time(months),
        "pledges": pledges.latest_for_speaker(speaker, PLEDGES_SHOWN) if speaker.pledge_count else [],
        "quotes": quotes[:QUOTES_SHOWN],
        "quotes_url": speaker_quotes_url(speaker),
        "feed_url": reverse("articles:speaker_feed", args=[speaker.slug]),
    }
    return render(request, "articles/speaker_detail.html", context)


def speaker_quotes_url(speaker: Speaker, query=None) -> str:
    """The list of ``speaker``'s quotes, narrowed by what ``query`` holds of QUOTE_LIST_PARAMETERS."""
    parameters = {"speaker": speaker.slug}
    if query is not None:
        parameters |= {name: query.getlist(name) for name in QUOTE_LIST_PARAMETERS if name in query}
    return f"{reverse('articles:quote_list')}?{urlencode(parameters, doseq=True)}"


class QuoteListView(FilteredListView):
    filterset_class = QuoteFilter
    serializer_class = QuoteSerializer
    feed_url_name = "articles:quote_feed"

    @property
    def download_name(self) -> str:
        speaker = self.narrowed_by().get("speaker")
        return f"{speaker.slug}-quotes" if speaker else "quotes"

    def get_queryset(self):
        return Quote.objects.published().exported().newest_first()

    def known_count(self):
        if (narrowed_by := self.narrowed_by()).keys() == {"speaker"}:
            return narrowed_by["speaker"].quote_count, False
        return super().known_count()


class QuoteDetailView(DetailView):
    def get_queryset(self):
        return Quote.objects.published().select_related("speaker", "article", "article__outlet")

    def get_context_data(self, **kwargs):
        quote, absolute = self.object, self.request.build_absolute_uri
        return super().get_context_data(
            correction_form=CorrectionForm(),
            structured_data=presentation.quotation_data(
                quote,
                absolute(quote.get_absolute_url()),
                absolute(quote.article.get_absolute_url()),
                absolute(quote.speaker.get_absolute_url()),
            ),
            **kwargs,
        )


class SearchForm(forms.Form):
    q = forms.CharField(label="Search the archive", max_length=MAX_QUERY_LENGTH)


# How many of each kind of result the search page shows; each section links to the full list.
SEARCH_RESULTS = 5


def search(request):
    """One search across articles, quotes, speakers and pledges, each section ranked."""
    form = SearchForm(request.GET or None)
    sections, more_than_counted = {}, set()
    if form.is_valid():
        text = form.cleaned_data["q"]
        # The newest matches only (RANKED_MATCHES of each kind): a common word costs no more than a rare
        # one, and each section links to its full list.
        sections = {
            "articles": count_and_best(Article.objects.published().ranked_matches(text), Article.objects.listed()),
            "quotes": count_and_best(Quote.objects.published().ranked_matches(text), Quote.objects.listed()),
            "speakers": count_and_best(Speaker.objects.public().ranked_matches(text), Speaker.objects.listed()),
            "pledges": count_and_best(Pledge.objects.published().ranked_matches(text), Pledge.objects.listed()),
        }
        more_than_counted = {name for name, (count, _) in sections.items() if count >= RANKED_MATCHES}
    context = {"form": form, "sections": sections, "more_than_counted": more_than_counted}
    return render(request, "articles/search.html", context)


def count_and_best(ids: list[int], shown) -> tuple[int, list]:
    """How many results there are, and the first SEARCH_RESULTS of them, in order, as the ``shown`` queryset
    reads them: by id, in no order of the database's, which would join only to sort five rows."""
    best = shown.order_by().in_bulk(ids[:SEARCH_RESULTS])
    return len(ids), [best[pk] for pk in ids[:SEARCH_RESULTS]]


def about(request):
    counts = until_pages_change("about:counts", archive_totals)
    return render(request, "articles/about.html", {"counts": counts, "statuses": Pledge.Status})


def archive_totals() -> dict[str, int]:
    """How many articles, quotes, pledges and speakers readers can see, each counted exactly.

    Kept until readers' pages next change (caching.until_pages_change): counting the whole archive took
    0.1 s of every visit to the about page at 100,000 articles on SQLite.
    """
    return {
        "articles": Article.objects.published().count(),
        "quotes": Quote.objects.published().count(),
        "pledges": Pledge.objects.published().count(),
        "speakers": Speaker.objects.public().count(),
    }


def robots_txt(request):
    return render(request, "robots.txt", content_type="text/plain")


def favicon(request):
    """Browsers ask for /favicon.ico whatever a page links; the site's icon is an SVG."""
    return redirect(static("img/icon.svg"), permanent=True)
