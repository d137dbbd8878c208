from django.db import migrations, models
from django.db.models import Func, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce


def count_published_items(apps, schema_editor):
    """Fill the new counts as SpeakerQuerySet.recount() keeps them; frozen here as the models were."""
    Speaker = apps.get_model("articles", "Speaker")
    Quote = apps.get_model("articles", "Quote")
    Pledge = apps.get_model("pledges", "Pledge")

    def count_of(queryset):
        published = queryset.filter(article__status="published").exclude(review="rejected")
        counted = published.order_by().annotate(count=Func("pk", function="COUNT")).values("count")
        return Coalesce(Subquery(counted), 0)

    speaker = OuterRef("pk")
    Speaker.objects.update(
        quote_count=count_of(Quote.objects.filter(speaker=speaker)),
        pledge_count=count_of(Pledge.objects.filter(Q(pledger=speaker) | Q(on_behalf_of=speaker))),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_shared_cache_table"),
        ("pledges", "0003_pledge_list_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="speaker",
            name="pledge_count",
            field=models.PositiveIntegerField(default=0, editable=False, help_text="Published pledges."),
        ),
        migrations.AddField(
            model_name="speaker",
            name="quote_count",
            field=models.PositiveIntegerField(default=0, editable=False, help_text="Published quotes."),
        ),
        migrations.AddIndex(
            model_name="speaker",
            index=models.Index(fields=["-quote_count", "name"], name="speaker_most_quoted"),
        ),
        migrations.RunPython(count_published_items, migrations.RunPython.noop, elidable=True),
    ]
