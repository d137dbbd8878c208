"""How archive rows look outside the HTML pages: in the API and in CSV and JSON downloads.

Fields are flat (a speaker's name beside its slug) so that one row reads the same as a CSV line.
"""

from rest_framework import serializers

from .models import Article, Quote, Speaker


class PageURLField(serializers.ReadOnlyField):
    """The absolute address of the row's page on the reader's site."""

    def __init__(self, **kwargs):
        super().__init__(source="*", **kwargs)

    def to_representation(self, instance):
        url = instance.get_absolute_url()
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ReviewedItemSerializer(serializers.ModelSerializer):
    """What quotes and pledges share: where they stand in the article and whether an editor saw them."""

    url = PageURLField()
    article = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    article_headline = serializers.CharField(source="article.headline", read_only=True)
    published = serializers.DateField(source="article.published", read_only=True)
    unreviewed = serializers.BooleanField(source="is_unreviewed_machine_item", read_only=True)

    ITEM_FIELDS = (
        "id",
        "url",
        "text",
        "article",
        "article_headline",
        "published",
        "start",
        "end",
        "unreviewed",
    )


class ArticleSerializer(serializers.ModelSerializer):
    url = PageURLField()
    outlet = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    outlet_name = serializers.CharField(source="outlet.name", read_only=True, default="")

    class Meta:
        model = Article
        fields = [
            "slug",
            "url",
            "headline",
            "outlet",
            "outlet_name",
            "place",
            "published",
            "subject",
            "source_url",
        ]


class SpeakerSerializer(serializers.ModelSerializer):
    url = PageURLField()
    quotes = serializers.IntegerField(source="quote_count", read_only=True)
    pledges = serializers.IntegerField(source="pledge_count", read_only=True)

    class Meta:
        model = Speaker
        fields = ["slug", "url", "name", "kind", "wikidata_id", "quotes", "pledges"]


class QuoteSerializer(ReviewedItemSerializer):
    speaker = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    speaker_name = serializers.CharField(source="speaker.name", read_only=True)
    outlet = serializers.CharField(source="article.outlet.name", read_only=True, default="")

    class Meta:
        model = Quote
        fields = [
            *ReviewedItemSerializer.ITEM_FIELDS,
            "kind",
            "speaker",
            "speaker_name",
            "speaker_role",
            "cue",
            "outlet",
        ]
