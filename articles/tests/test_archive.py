"""The archive survives a round trip: export_archive, then import_archive into an empty database."""

import datetime as dt
import io

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.management import CommandError, call_command

from articles.editors import EDITORS_GROUP
from articles.management.commands.export_archive import DERIVED_MODELS
from articles.merging import merge_speakers
from articles.models import Review
from articles.tests.admin_helpers import make_editor
from articles.tests.factories import make_archive, make_speaker
from pledges.models import Pledge, Status

pytestmark = pytest.mark.django_db(transaction=True)

ARCHIVED_APPS = ("articles", "pledges")


def every_row() -> dict[str, list]:
    """Each archived model's rows, serialized field by field, in id order; derived rows, which are made afresh
    with new ids, by their values alone."""
    rows = {}
    for app in ARCHIVED_APPS:
        for model in apps.get_app_config(app).get_models():
            if model._meta.label in DERIVED_MODELS:
                fields = [field.attname for field in model._meta.concrete_fields if not field.primary_key]
                rows[model._meta.label] = sorted(model.objects.values_list(*fields))
            else:
                rows[model._meta.label] = serializers.serialize("python", model.objects.order_by("pk"))
    return rows


def test_round_trip_keeps_every_row(tmp_path):
    # Another group first, so that the archive's Editors group has another id than a fresh database's.
    Group.objects.filter(name=EDITORS_GROUP).delete()
    Group.objects.create(name="Fact-checkers")
    archive = make_archive()
    editor = make_editor()
    quote = archive.troops
    quote.review, quote.review_note = Review.REJECTED, "Not said by her"
    quote.save()
    pledge = Pledge.objects.first()
    pledge.record_status(Status.IN_THE_WORKS, changed_on=dt.date(2018, 3, 1), note="Budget passed", editor=editor)
    merge_speakers(archive.ada, [make_speaker("A. Lovelace")], editor=editor)
    before = every_row()
    kinds = ("articles.Article", "articles.SpeakerMerge", "articles.SpeakerRole", "pledges.PledgeStatusChange")
    assert all(before[label] for label in kinds)

    path = tmp_path / "archive.jsonl"
    call_command("export_archive", "--output", str(path), verbosity=0)
    call_command("flush", "--no-input", verbosity=0)
    assert not any(every_row().values())
    call_command("import_archive", str(path), verbosity=0)

    assert every_row() == before
    assert set(Group.objects.values_list("name", flat=True)) == {EDITORS_GROUP, "Fact-checkers"}
    assert editor.__class__.objects.get(pk=editor.pk).groups.get().name == EDITORS_GROUP


def test_import_refuses_a_database_that_holds_an_archive(tmp_path):
    make_archive()
    path = tmp_path / "archive.jsonl"
    call_command("export_archive", "--output", str(path), verbosity=0)
    with pytest.raises(CommandError, match="already holds an archive"):
        call_command("import_archive", str(path), stdout=io.StringIO())


def test_export_to_stdout_is_json_lines():
    make_archive()
    out = io.StringIO()
    call_command("export_archive", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines and all(line.startswith('{"model": ') for line in lines)
