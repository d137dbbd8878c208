"""The read-only JSON API under /api/: the public rows through the same FilterSets as the pages,
paginated, and described by the OpenAPI document at /api/openapi.json."""

import django_filters as filters
from django.urls import include, path
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import routers, viewsets
from rest_framework.renderers import JSONOpenAPIRenderer
from rest_framework.schemas import get_schema_view

from pledges.filters import PledgeFilter
from pledges.models import Pledge
from pledges.serializers import PledgeSerializer

from .filters import ArticleFilter, QuoteFilter, SpeakerFilter
from .models import Article, Quote, Speaker
from .pagination import kept_size
from .serializers import ArticleSerializer, QuoteSerializer, SpeakerSerializer


class DocumentedFilterBackend(DjangoFilterBackend):
    """django-filter's backend, also naming each filter's query parameter in the OpenAPI document."""

    def get_schema_operation_parameters(self, view):
        filterset_class = getattr(view, "filterset_class", None)
        if filterset_class is None:
            return []
        return [
            {
                "name": name,
                "in": "query",
                "required": False,
                "description": str(filter_.label or name),
                "schema": parameter_schema(filter_),
            }
            for name, filter_ in filterset_class.base_filters.items()
        ]


def parameter_schema(filter_) -> dict:
    if isinstance(filter_, filters.DateFilter):
        return {"type": "string", "format": "date"}
    if isinstance(filter_, filters.BooleanFilter):
        return {"type": "boolean"}
    choices = filter_.extra.get("choices")
    if choices and not callable(choices):
        return {"type": "string", "enum": [value for value, _ in choices]}
    return {"type": "string"}


class ArchiveViewSet(viewsets.ReadOnlyModelViewSet):
    filter_backends = [DocumentedFilterBackend]

    def known_count(self) -> tuple[int, bool] | None:
        """Of a list asked for with no filter, its kept size (see CappedCountPaginator); None to count it."""
        if self.request.query_params.keys() & self.filterset_class.base_filters.keys():
            return None
        return kept_size(self.get_queryset(), self.paginator.get_page_size(self.request))


class ArticleViewSet(ArchiveViewSet):
    queryset = Article.objects.published().exported()
    serializer_class = ArticleSerializer
    filterset_class = ArticleFilter
    lookup_field = "slug"


class SpeakerViewSet(ArchiveViewSet):
    queryset = Speaker.objects.public().order_by("-quote_count", "name")
    serializer_class = SpeakerSerializer
    filterset_class = SpeakerFilter
    lookup_field = "slug"


class QuoteViewSet(ArchiveViewSet):
    queryset = Quote.objects.published().exported().newest_first()
    serializer_class = QuoteSerializer
    filterset_class = QuoteFilter


class PledgeViewSet(ArchiveViewSet):
    queryset = Pledge.objects.published().exported().order_by("-made_on", "-id")
    serializer_class = PledgeSerializer
    filterset_class = PledgeFilter
    lookup_field = "slug"


router = routers.DefaultRouter()
router.register("articles", ArticleViewSet, basename="article")
router.register("speakers", SpeakerViewSet, basename="speaker")
router.register("quotes", QuoteViewSet, basename="quote")
router.register("pledges", PledgeViewSet, basename="pledge")

app_name = "api"

urlpatterns = [
    path(
        "openapi.json",
        get_schema_view(
            title="News and pledges archive",
            description="Published articles, speakers, quotes and pledges. Read-only.",
            version="1",
            renderer_classes=[JSONOpenAPIRenderer],
            patterns=[path("api/", include(router.urls))],
            public=True,
        ),
        name="openapi",
    ),
    *router.urls,
]
