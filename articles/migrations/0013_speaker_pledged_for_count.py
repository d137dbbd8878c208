from django.db import migrations, models
from django.db.models import Count, F


def count_pledges_made_for_speakers(apps, schema_editor):
    """Fill the new count as SpeakerQuerySet.recount() keeps it; frozen here as the models were."""
    Speaker = apps.get_model("articles", "Speaker")
    Pledge = apps.get_model("pledges", "Pledge")
    made_for = (
        Pledge.objects.filter(public=True, on_behalf_of__isnull=False)
        .exclude(pledger=F("on_behalf_of"))
        .order_by()
        .values_list("on_behalf_of")
        .annotate(count=Count("*"))
    )
    # A handful of governments: one update each.
    for speaker, count in made_for:
        Speaker.objects.filter(pk=speaker).update(pledged_for_count=count)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_speaker_summaries"),
        ("pledges", "0007_pledger_status_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="speaker",
            name="pledged_for_count",
            field=models.PositiveIntegerField(
                default=0, editable=False, help_text="Published pledges made on its behalf by another speaker."
            ),
        ),
        migrations.RunPython(count_pledges_made_for_speakers, migrations.RunPython.noop, elidable=True),
    ]
