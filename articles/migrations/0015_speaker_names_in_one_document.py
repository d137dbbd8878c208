"""A speaker's name and its aliases' are searched in one document (SpeakerQuerySet.search_fields), not in two
indexes, of speakers and of aliases."""

from django.db import migrations

from articles.search import create_search_index, drop_search_index

NAME_ONLY = ("name",)
NAME_AND_ALIASES = ("name", "aliases__name")


def one_document(apps, schema_editor):
    speaker, alias = apps.get_model("articles", "speaker"), apps.get_model("articles", "speakeralias")
    drop_search_index(alias, NAME_ONLY, schema_editor)
    drop_search_index(speaker, NAME_ONLY, schema_editor)
    create_search_index(speaker, NAME_AND_ALIASES, schema_editor)


def two_documents(apps, schema_editor):
    speaker, alias = apps.get_model("articles", "speaker"), apps.get_model("articles", "speakeralias")
    drop_search_index(speaker, NAME_AND_ALIASES, schema_editor)
    create_search_index(speaker, NAME_ONLY, schema_editor)
    create_search_index(alias, NAME_ONLY, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("articles", "0014_search_documents_in_rows")]

    operations = [migrations.RunPython(one_document, two_documents)]
