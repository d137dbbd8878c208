from rest_framework import serializers

from articles.serializers import ReviewedItemSerializer

from .models import TERMS, Pledge


class PledgeSerializer(ReviewedItemSerializer):
    pledger = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    pledger_name = serializers.CharField(source="pledger.name", read_only=True)
    status = serializers.CharField(read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)

    class Meta:
        model = Pledge
        fields = [
            *ReviewedItemSerializer.ITEM_FIELDS,
            "slug",
            "pledger",
            "pledger_name",
            *TERMS,
            "overdue",
        ]
