"""PostgreSQL's search documents become stored columns; databases made before kept them in expression indexes.

A database migrated since the search migrations were rewritten has the columns already, and is left alone.
"""

from django.db import migrations

from articles.search import create_search_index, search_index_name

SEARCHED = {
    ("articles", "article"): ("headline", "body"),
    ("articles", "quote"): ("text",),
    ("pledges", "pledge"): ("text", "action"),
}


def store_documents(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for (app_label, model_name), fields in SEARCHED.items():
        model = apps.get_model(app_label, model_name)
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = 'search_document'",
                [model._meta.db_table],
            )
            if cursor.fetchone():
                continue
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(search_index_name(model))}")
        create_search_index(model, fields, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_speaker_search"), ("pledges", "0003_pledge_list_indexes")]

    operations = [migrations.RunPython(store_documents, migrations.RunPython.noop)]
